"""CSV (or TSV): a header row with a `text` column and the optional columns named in the
package doc. Read as it streams.

Parsed strictly, so that a quote that is never closed is an error rather than a field that
swallows the rows after it. Such a row is reported at the line where it starts, and the
lines it swallowed are read again as rows of their own (once: a line is never re-read
twice, so a hostile file costs at most twice its length).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator

from ingest.errors import ImportFormatError
from ingest.references.fields import Row, RowError, plain_draft
from ingest.references import stream
from ingest.references.stream import SourceText

# One row may span this many lines (a quoted field with line breaks in it).
MAX_ROW_LINES = 10_000


class _LineTooLong(Exception):
    pass


class _RowTooLong(Exception):
    pass


class _Lines:
    """The lines handed to `csv.reader`, remembering which lines the current row took
    (number, text, whether it is being read again), with lines to read again first."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.number = 0
        self.row: list[tuple[int, str, bool]] = []
        self.again: deque[tuple[int, str, bool]] = deque()

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.again:
            item = self.again.popleft()
        else:
            line = next(self._lines)
            self.number += 1
            item = (self.number, line, False)
        self.row.append(item)
        if len(item[1]) > stream.MAX_LINE_CHARS:
            raise _LineTooLong
        if len(self.row) > MAX_ROW_LINES:
            raise _RowTooLong
        return item[1] + "\n"


def csv_rows(source: SourceText) -> Iterator[Row]:
    name = source.name
    first_line = source.head.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    lines = _Lines(source.lines())
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration, _LineTooLong, _RowTooLong) as exc:
        raise ImportFormatError(f"{name} has no readable CSV header row.") from exc
    columns = [h.strip().lstrip("\ufeff").casefold() for h in header]
    if "text" not in columns:
        raise ImportFormatError(
            f"{name} has no \"text\" column (its header is {', '.join(header[:8])[:200]!r}); "
            "name the column that holds each claim \"text\"."
        )
    width = len(columns)
    while True:
        lines.row = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, _LineTooLong, _RowTooLong) as exc:
            yield _bad_row(lines, exc)
            continue
        if not any(map(str.strip, values)):
            continue
        where = f"line {lines.row[0][0]}"
        if len(values) > width:
            yield where, RowError(f"has {len(values)} fields but the header has {width}")
            continue
        try:
            yield where, plain_draft(dict(zip(columns, values)))
        except RowError as error:
            yield where, error


def _bad_row(lines: _Lines, exc: Exception) -> Row:
    """The row that failed, at the line where it starts; the lines after that one which it
    took are read again, unless they already were."""
    taken = lines.row
    start = taken[0][0] if taken else lines.number
    where = f"line {start}"
    if isinstance(exc, _LineTooLong):
        return where, RowError(f"is longer than the {stream.MAX_LINE_CHARS:,} characters a line may have")
    reason = f"{exc}" if isinstance(exc, csv.Error) else f"more than {MAX_ROW_LINES:,} lines"
    swallowed = taken[1:]
    if not swallowed:
        return where, RowError(f"is not valid CSV ({reason})")
    if any(again for _, _, again in swallowed):
        return where, RowError(
            f"is not valid CSV ({reason}); it runs on to line {swallowed[-1][0]}, and none of "
            "those lines was imported"
        )
    lines.again.extendleft((number, text, True) for number, text, _ in reversed(swallowed))
    return where, RowError(
        f"starts a quoted field that is never closed properly ({reason}), so it was not "
        "imported; the lines after it were read as rows of their own"
    )
