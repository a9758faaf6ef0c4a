"""The desk's core operations, shared by the command line and the screens.

Each composes ingest, matchers, reports and the store; none touches a widget, so the
TUI can run them in worker threads and the command line can call them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import BinaryIO, TextIO

import ingest
import matchers
import reports
from ingest import references
from store import ClaimdeskError, ExportFilter, Store
from store.feeds import add_fetched_article
from store.search import search_by_terms
from store.models import Match, VerdictRecord

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class IngestResult:
    article_id: int
    title: str
    claims: int
    created: bool
    warnings: tuple[str, ...] = ()


def ingest_source(
    store: Store,
    source: str,
    *,
    stdin: BinaryIO | None = None,
    match: bool = True,
    client=None,
    semantic: bool = False,
    form: str = "article",
) -> IngestResult:
    """Read (or fetch, with the httpx `client`), clean and split one source (`form`: an
    article, "lines" or a "transcript", see `ingest.load_source`), store it with its claims,
    then match its claims."""
    draft, claims = ingest.load_source(source, stdin=stdin, client=client, form=form)
    # Skips an article already stored under the same canonical URL or the same text.
    article_id, created = add_fetched_article(store, draft, claims)
    if created and match:
        match_article(store, article_id, semantic=semantic)
    checkworthy = sum(1 for c in claims if c.checkworthy)
    return IngestResult(article_id, draft.title, checkworthy, created, draft.warnings)


def find_matches(
    store: Store,
    text: str,
    *,
    limit: int = 5,
    min_score: float | None = None,
    exclude_article_id: int | None = None,
    semantic: bool = False,
) -> list[Match]:
    """The stored claims most like `text`: FTS5 candidates (chosen by document counts,
    so a search stays fast at a million stored claims) reranked by the matcher; with
    `semantic`, the best lexical matches are reranked again with sentence embeddings
    (the optional `claimdesk[semantic]` extra)."""
    search_terms = partial(_search_terms, store, exclude_article_id)
    if not semantic:
        threshold = matchers.DEFAULT_MIN_SCORE if min_score is None else min_score
        return matchers.find_matches(text, search_terms=search_terms, limit=limit, min_score=threshold)
    from matchers import semantic as embeddings  # torch itself loads on first use

    pool = matchers.find_matches(text, search_terms=search_terms,
                                 limit=max(limit, embeddings.SEMANTIC_POOL), min_score=0)
    threshold = embeddings.SEMANTIC_MIN_SCORE if min_score is None else min_score
    try:
        reranked = embeddings.rerank_semantic(text, pool)
    except embeddings.SemanticUnavailableError as exc:
        raise MatchingError(str(exc)) from exc
    return [m for m in reranked if m.score >= threshold][:limit]


class MatchingError(ClaimdeskError):
    title = "Matching"


def _search_terms(store: Store, exclude_article_id: int | None, terms, pool: int):
    return search_by_terms(store, terms, pool, exclude_article_id=exclude_article_id)


def match_article(
    store: Store,
    article_id: int,
    *,
    limit: int = 5,
    on_progress: ProgressCallback | None = None,
    semantic: bool = False,
) -> int:
    """Match every check-worthy claim of an article and save the matches; returns how
    many claims have at least one match."""
    claims = store.claims_for_article(article_id)
    with_matches = 0
    for done, claim in enumerate(claims, start=1):
        found = find_matches(store, claim.text, limit=limit, exclude_article_id=article_id,
                             semantic=semantic)
        store.save_matches(claim.id, found)
        with_matches += bool(found)
        if on_progress:
            on_progress(done, len(claims))
    return with_matches


def import_references(
    store: Store,
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | None = None,
    errors: list | None = None,
) -> tuple[int, int]:
    """Load reference claims from a file, URL or stdin; returns (added, skipped as
    duplicates). With an `errors` list, bad rows are collected there (one error each,
    with its line) and the good rows imported; without it, one bad row fails the file."""
    drafts = references.read_references(source, source_name=source_name, stdin=stdin, errors=errors)
    return store.add_reference_claims(drafts)


def export_report(
    store: Store,
    fmt: str,
    stream: TextIO,
    filters: ExportFilter | None = None,
    options: "reports.ReportOptions | None" = None,
) -> int:
    """Write the verdicts selected by `filters` as a report; returns how many claims."""
    return reports.write_report(verdict_records(store, filters), fmt, stream, options)


def export_report_file(
    store: Store,
    fmt: str,
    path: str,
    filters: ExportFilter | None = None,
    options: "reports.ReportOptions | None" = None,
) -> int:
    return reports.write_report_file(verdict_records(store, filters), fmt, path, options)


def verdict_records(store: Store, filters: ExportFilter | None = None) -> list[VerdictRecord]:
    """The store's verdict records, each with its corroboration (distinct sources holding
    a matching claim, and the earliest date one was seen) from the saved matches."""
    records = []
    for record in store.verdict_records(filters):
        sources, earliest = matchers.corroboration(store.saved_matches(record.claim_id))
        records.append(replace(record, corroborating_sources=sources, earliest_seen=earliest))
    return records


def record_verdicts(
    store: Store, claim_ids: Sequence[int], verdict: str | None, *, checker: str, note: str | None = None
) -> str:
    return store.record_verdict(list(claim_ids), verdict, note=note, checker=checker)


def seed_demo(store: Store) -> tuple[IngestResult, tuple[int, int]]:
    """Load the demo reference claims and the sample article (matched against them)."""
    from ingest import demo

    imported = import_references(store, str(demo.demo_references_path()))
    article = ingest_source(store, str(demo.demo_article_path()))
    return article, imported
