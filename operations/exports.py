"""Exporting verdicts: the one path from the store's verdict records to a report, used by
the command line and the desk alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TextIO

import matchers
import reports
from store import ExportFilter, Store, inbox
from store.models import VERDICTS, VerdictRecord
from store.inbox import ClaimFilter


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
    *,
    claim_ids: Collection[int] | None = None,
) -> int:
    """Write the verdicts selected by `filters` (and `claim_ids`, when given) to a file,
    atomically; returns how many claims."""
    return reports.write_report_file(verdict_records(store, filters, claim_ids=claim_ids), fmt, path, options)


def export_in_view(
    store: Store, fmt: str, path: str, filters: ClaimFilter, article_id: int | None = None,
    options: "reports.ReportOptions | None" = None,
) -> int:
    """Write the verdicts the desk shows (one article's, or all) through `export_report_file`:
    the export filter narrowed to the claims that the desk's filter lets through."""
    named = tuple(v for v in filters.verdicts if v in VERDICTS)
    only_open = bool(filters.verdicts) and not named  # only "no verdict" in view: nothing judged
    allowed = set() if only_open else set(inbox.filtered_claim_ids(store, filters, article_id))
    export_filter = ExportFilter(article_id=article_id, source=filters.source or None, verdicts=named)
    return export_report_file(store, fmt, path, export_filter, options, claim_ids=allowed)


def verdict_records(
    store: Store, filters: ExportFilter | None = None, *, claim_ids: Collection[int] | None = None
) -> list[VerdictRecord]:
    """The store's verdict records (only those of `claim_ids` when given), each with its
    corroboration from the saved matches (`matchers.corroboration`: distinct sources
    agreeing and disputing, and the earliest date the same claim was seen).

    The best match is the best saved one scoring at least `matchers.DEFAULT_MIN_SCORE`:
    the saved matches include every ranked candidate, and a report names a match only
    when it is likely the same claim."""
    records = []
    for record in store.verdict_records(filters):
        if claim_ids is not None and record.claim_id not in claim_ids:
            continue
        counted = matchers.corroboration(store.saved_matches(record.claim_id))
        record = replace(record, corroborating_sources=counted.agree,
                         disputing_sources=counted.dispute, earliest_seen=counted.first_seen)
        if record.best_match_score is not None and record.best_match_score < matchers.DEFAULT_MIN_SCORE:
            record = replace(record, best_match_text="", best_match_source="", best_match_url="",
                             best_match_rating="", best_match_score=None)
        records.append(record)
    return records
