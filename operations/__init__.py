"""The desk's operations, shared by the command line and the screens.

Each composes ingest, matchers, reports and the store; none touches a widget, so the
desk can run them in worker threads and the command line can call them directly.

Each name is imported from its module on first use: `claimdesk import` stores a million
claims before it needs the matchers (and numpy behind them), and the claims are
searchable that much sooner.
"""

from importlib import import_module

_EXPORTS = {
    "export_in_view": "operations.exports",
    "export_report": "operations.exports",
    "export_report_file": "operations.exports",
    "verdict_records": "operations.exports",
    "check_feed": "operations.feeds",
    "fetch_feeds": "operations.feeds",
    "follow_feed": "operations.feeds",
    "unfollow_feed": "operations.feeds",
    "RematchResult": "operations.freshness",
    "count_stale_claims": "operations.freshness",
    "rematch_after_references": "operations.freshness",
    "stale_claims": "operations.freshness",
    "MatchingError": "operations.matching",
    "embed_references": "operations.matching",
    "embedding_progress": "operations.matching",
    "find_matches": "operations.matching",
    "match_article": "operations.matching",
    "match_claim": "operations.matching",
    "ImportProgress": "operations.references",
    "import_references": "operations.references",
    "newest_reference_id": "operations.references",
    "IngestInterrupted": "operations.sources",
    "IngestResult": "operations.sources",
    "ingest_source": "operations.sources",
    "seed_demo": "operations.sources",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'operations' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ImportProgress",
    "IngestInterrupted",
    "IngestResult",
    "export_in_view",
    "MatchingError",
    "RematchResult",
    "check_feed",
    "count_stale_claims",
    "embed_references",
    "embedding_progress",
    "export_report",
    "export_report_file",
    "fetch_feeds",
    "find_matches",
    "follow_feed",
    "import_references",
    "ingest_source",
    "match_article",
    "match_claim",
    "newest_reference_id",
    "rematch_after_references",
    "seed_demo",
    "stale_claims",
    "unfollow_feed",
    "verdict_records",
]
