"""Exporting verdicts: the one path from the store's verdict records to a report, used by
the command line and the desk alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TextIO

import matchers
import reports
from store import ExportFilter, Store
from store.models import VerdictRecord


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


def verdict_records(
    store: Store, filters: ExportFilter | None = None, *, claim_ids: Collection[int] | None = None
) -> list[VerdictRecord]:
    """The store's verdict records (only those of `claim_ids` when given), each with its
    corroboration (distinct sources holding a matching claim, and the earliest date one
    was seen) from the saved matches."""
    records = []
    for record in store.verdict_records(filters):
        if claim_ids is not None and record.claim_id not in claim_ids:
            continue
        sources, earliest = matchers.corroboration(store.saved_matches(record.claim_id))
        records.append(replace(record, corroborating_sources=sources, earliest_seen=earliest))
    return records
