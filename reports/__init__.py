"""Verdict reports: pure writers from `VerdictRecord`s to a text stream or a file.

Public API, shared by the command line and the TUI:

- `FORMATS`: the format names (md, csv, json, jsonl, claimreview, html);
- `write_report(records, fmt, stream, options)`: write one report to a text stream;
- `ReportOptions`: title, ClaimReview base URL, organisation, unverified/graph switches;
- `format_for_path(path)`: the format a file name asks for;
- `write_report_file(records, fmt, path, options)`: the same, written atomically.

Every writer returns how many claims it wrote. Nothing here touches the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from reports.claimreview import write_claimreview
from reports.errors import ReportError
from reports.files import write_atomically
from reports.htmlreport import write_html
from reports.jsondata import write_json, write_jsonl
from reports.markdown import write_markdown
from reports.options import ReportOptions
from reports.tabular import write_csv
from store.models import VerdictRecord

Writer = Callable[[Sequence[VerdictRecord], TextIO, ReportOptions], int]

WRITERS: dict[str, Writer] = {
    "md": write_markdown,
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
    "claimreview": write_claimreview,
    "html": write_html,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

EXTENSIONS: dict[str, str] = {
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonld": "claimreview",
    ".html": "html",
    ".htm": "html",
}

__all__ = [
    "FORMATS",
    "ReportError",
    "ReportOptions",
    "format_for_path",
    "write_report",
    "write_report_file",
]


def _writer_for(fmt: str) -> Writer:
    try:
        return WRITERS[fmt]
    except (KeyError, TypeError):
        raise ReportError(f"Unknown report format '{fmt}'; choose one of {', '.join(FORMATS)}.") from None


def write_report(
    records: Sequence[VerdictRecord],
    fmt: str,
    stream: TextIO,
    options: ReportOptions | None = None,
) -> int:
    """Write `records` to `stream` as format `fmt`; returns how many claims were written."""
    writer = _writer_for(fmt)
    return writer(list(records), stream, options or ReportOptions())


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The report format a file name asks for by its extension (`.jsonld` is ClaimReview)."""
    suffix = Path(path).suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    if fmt is None or fmt not in WRITERS:
        known = ", ".join(ext for ext, f in EXTENSIONS.items() if f in WRITERS)
        raise ReportError(f"Cannot tell the report format of '{path}' from its extension; use one of {known}.")
    return fmt


def write_report_file(
    records: Sequence[VerdictRecord],
    fmt: str,
    path: str | os.PathLike[str],
    options: ReportOptions | None = None,
) -> int:
    """Write `records` as `fmt` to `path` atomically; returns how many claims were written.

    On any failure the previous file at `path`, if any, is left byte-identical and a
    ReportError naming `path` is raised.
    """
    writer = _writer_for(fmt)
    chosen = options or ReportOptions()
    rows = list(records)
    return write_atomically(path, lambda stream: writer(rows, stream, chosen))
