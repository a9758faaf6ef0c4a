"""The desk's operations, shared by the command line and the screens.

Each composes ingest, matchers, reports and the store; none touches a widget, so the
desk can run them in worker threads and the command line can call them directly.
"""

from operations.exports import export_in_view, export_report, export_report_file, verdict_records
from operations.feeds import check_feed, fetch_feeds, follow_feed, unfollow_feed
from operations.freshness import (
    RematchResult,
    count_stale_claims,
    newest_reference_id,
    rematch_after_references,
    stale_claims,
)
from operations.matching import (
    MatchingError,
    embed_references,
    embedding_progress,
    find_matches,
    match_article,
    match_claim,
)
from operations.references import ImportProgress, import_references
from operations.sources import IngestInterrupted, IngestResult, ingest_source, seed_demo

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
