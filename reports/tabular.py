"""The CSV report: one row per judged claim, safe to open in a spreadsheet.

Written with the `csv` module (RFC 4180 quoting, CRLF rows) after a UTF-8 byte-order
mark, so spreadsheet programs read it as UTF-8. Text cells that a spreadsheet would
take as a formula get a leading `'` (RELIABILITY B1); numeric columns are untouched.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from reports.common import encodable_text
from reports.options import ReportOptions
from store.models import VerdictRecord

COLUMNS: tuple[str, ...] = (
    "claim_id",
    "claim_text",
    "verdict",
    "note",
    "checker",
    "at",
    "article_id",
    "article_title",
    "article_url",
    "article_source",
    "article_published",
    "best_match_text",
    "best_match_source",
    "best_match_url",
    "best_match_rating",
    "best_match_score",
    "evidence",
    "corroborating_sources",
    "earliest_seen",
    # New columns go last, so the columns of earlier reports keep their places.
    "claim_speaker",
    "disputing_sources",
)
NUMERIC_COLUMNS = frozenset(
    {"claim_id", "article_id", "best_match_score", "corroborating_sources", "disputing_sources"}
)

# Cells starting with these are run as formulas by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
BYTE_ORDER_MARK = "\ufeff"


def neutralise_formula(text: str) -> str:
    """`text` with a `'` in front if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_row(record: VerdictRecord) -> list[str | int | float]:
    """The cells of one record in `COLUMNS` order, text cells made formula-safe."""
    row: list[str | int | float] = []
    for column in COLUMNS:
        value = getattr(record, column)
        if column in NUMERIC_COLUMNS:
            row.append("" if value is None else value)
        elif column == "evidence":
            # URLs cannot contain a raw space, so a space separates them unambiguously.
            row.append(neutralise_formula(encodable_text(" ".join(value))))
        else:
            row.append(neutralise_formula(encodable_text(value or "")))
    return row


def write_csv(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write the CSV report with a header row; returns how many claims it lists."""
    stream.write(BYTE_ORDER_MARK)
    writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(csv_row(record))
    return len(records)
