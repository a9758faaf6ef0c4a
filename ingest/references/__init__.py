"""Reading reference claims (claims other fact-checkers or outlets published) from files.

`open_references(source)` opens a file, `-` for standard input, or an http(s) URL, and
gives its `ReferenceDraft`s in batches as it reads them, for `Store.add_reference_claims`
(which skips duplicates, so importing the same file twice adds nothing);
`read_references(source)` and `parse_references(data)` return them all as a list.
Formats (`READERS`, one module each), detected from the content and the file's extension:

- JSON Lines (`jsonlines`): one object per line with a `text` field and optional `source`,
  `url`, `rating`, `date`, `id`, `language`, `claimant` (or `speaker`: who made the
  claim), `title` (the fact-check's headline); a line may also be a ClaimReview or a Fact Check Tools response.
- CSV or TSV (`csvfile`): a header row with a `text` column and the same optional columns.
- JSON (`document`): schema.org ClaimReview JSON-LD (one object, a list, an `@graph`, or
  objects nested anywhere, see `claimreview`), the Google Fact Check Tools `claims:search`
  response (`{"claims": [...]}`, see `factcheck`: one reference per claim review), or a
  list of plain rows.
- HTML (`htmlpage`): the ClaimReviews in a page's `<script type="application/ld+json">`.

JSON Lines and CSV are read as they stream, so a file of any size takes bounded memory;
JSON and HTML are parsed whole, up to `MAX_DOCUMENT_BYTES`.

Bad rows: each bad row is one `ImportFormatError` naming the file, the row's line (or item)
number and the problem. `read_references` and `parse_references` by default fail the whole
file with one error summarising them (its `.row_errors` lists them), so nothing is
returned and nothing is stored; passed a list as `errors`, they add each bad row's error to
it and return the good rows. A file that cannot be read or parsed at all always raises.

Only `ImportFormatError` leaves this package. Every string is neutralised (terminal
controls, NUL, lone surrogates), and every published rating is also mapped onto a verdict
by `ingest.ratings.normalise_rating`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TextIO

from ingest.errors import ImportFormatError
from ingest.references.csvfile import csv_rows
from ingest.references.document import json_document_rows
from ingest.references.fields import MAX_FIELD_CHARS, MAX_TEXT_CHARS, Row, RowError, clean_field, with_source
from ingest.references.htmlpage import html_rows
from ingest.references.jsonlines import first_line_is_json, json_lines_rows
from ingest.references.stream import MAX_DOCUMENT_BYTES, SourceText, open_source, text_source
from store.models import ReferenceDraft

Reader = Callable[[SourceText], Iterator[Row]]

READERS: dict[str, Reader] = {
    "jsonl": json_lines_rows,
    "csv": csv_rows,
    "json": json_document_rows,
    "html": html_rows,
}
FORMATS: tuple[str, ...] = tuple(READERS)

EXTENSIONS: dict[str, str] = {
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "csv": "csv",
    "tsv": "csv",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
}

# Summaries name this many bad rows before "and N more".
_SUMMARY_ROWS = 3
# Bad rows kept for the report; beyond them, only counted (memory stays bounded).
MAX_REPORTED_ROWS = 1_000

__all__ = [
    "FORMATS",
    "MAX_DOCUMENT_BYTES",
    "MAX_FIELD_CHARS",
    "MAX_TEXT_CHARS",
    "READERS",
    "ReferenceReader",
    "detect_format",
    "open_references",
    "parse_references",
    "read_references",
]


def detect_format(head: str, extension: str) -> str:
    """The format of a text starting with `head`, from a file called `*.extension`."""
    fmt = EXTENSIONS.get(extension)
    if fmt is not None:
        return fmt
    start = head.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return "html"
    if start and start in "{[":
        # A first line that is JSON by itself, with more after it: JSON Lines, streamed.
        return "jsonl" if first_line_is_json(head) else "json"
    return "csv"


class ReferenceReader:
    """The reference claims of one source, read as they stream: `batches(size)` gives
    lists of drafts; `row_errors` then holds the bad rows' errors (the first
    `MAX_REPORTED_ROWS`, and one more saying how many were left out), `bad_rows` counts
    them all and `rows` counts the good ones. `bytes_read` of `total_bytes` (None when
    unknown) says how far it got."""

    def __init__(self, source: SourceText, *, source_name: str | None = None) -> None:
        self._source = source
        self.name = source.name
        if source.empty:
            raise ImportFormatError(f"{self.name} is empty: there are no reference claims to import.")
        self.format = detect_format(source.head, source.extension)
        self._override = clean_field(source_name, MAX_FIELD_CHARS) if source_name else ""
        self.rows = 0
        self.bad_rows = 0
        self.row_errors: list[ImportFormatError] = []
        self.found: list[tuple[str, str]] = []  # (where, problem) of the reported bad rows

    def __enter__(self) -> ReferenceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._source.close()

    @property
    def bytes_read(self) -> int:
        return self._source.bytes_read

    @property
    def total_bytes(self) -> int | None:
        return self._source.total_bytes

    def drafts(self) -> Iterator[ReferenceDraft]:
        """Every good row's draft, in order; bad rows are recorded as they pass."""
        override = self._override
        for where, result in READERS[self.format](self._source):
            if result.__class__ is RowError:
                self._bad(where, str(result))
                continue
            self.rows += 1
            yield with_source(result, override) if override else result  # type: ignore[arg-type]
        if self.bad_rows > MAX_REPORTED_ROWS:
            more = self.bad_rows - MAX_REPORTED_ROWS
            self.row_errors.append(ImportFormatError(
                f"{self.name} has {more:,} more bad rows, not listed one by one."))
        if not self.rows and not self.bad_rows:
            raise ImportFormatError(f"{self.name} holds no reference claims in a format claimdesk knows.")

    def batches(self, rows: int, max_bytes: int | None = None) -> Iterator[list[ReferenceDraft]]:
        """Lists of at most `rows` drafts, each read from at most about `max_bytes` of the
        source (so that a file of long rows does not make large lists)."""
        batch: list[ReferenceDraft] = []
        start = self.bytes_read
        for draft in self.drafts():
            batch.append(draft)
            if len(batch) >= rows or (max_bytes is not None and self.bytes_read - start >= max_bytes):
                yield batch
                batch = []
                start = self.bytes_read
        if batch:
            yield batch

    def _bad(self, where: str, problem: str) -> None:
        self.bad_rows += 1
        if self.bad_rows <= MAX_REPORTED_ROWS:
            self.found.append((where, problem))
            self.row_errors.append(ImportFormatError(f"{where[0].upper()}{where[1:]} of {self.name} {problem}."))

    def failure(self) -> ImportFormatError | None:
        """With bad rows, one error for the whole file (each row's own in `.row_errors`)."""
        if not self.bad_rows:
            return None
        if self.bad_rows == 1:
            message = f"{str(self.row_errors[0]).rstrip('.')}, so nothing was imported."
        else:
            shown = "; ".join(f"{where} {problem}" for where, problem in self.found[:_SUMMARY_ROWS])
            more = self.bad_rows - _SUMMARY_ROWS
            tail = f"; and {more} more" if more > 0 else ""
            message = f"{self.name} has {self.bad_rows} bad rows, so nothing was imported: {shown}{tail}."
        error = ImportFormatError(message)
        error.row_errors = self.row_errors  # type: ignore[attr-defined]
        return error


def open_references(
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | TextIO | None = None,
    client: Any = None,
) -> ReferenceReader:
    """The reference claims in `source` (a path, "-" for stdin, or an http(s) URL), to be
    read in batches; `source_name` replaces each row's source (publisher) when given.
    `client` is an optional `httpx.Client` for URLs. Close it (or use `with`) when done."""
    text = open_source(source, stdin=stdin, client=client)
    try:
        return ReferenceReader(text, source_name=source_name)
    except BaseException:
        text.close()
        raise


def read_references(
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | TextIO | None = None,
    errors: list[ImportFormatError] | None = None,
    client: Any = None,
) -> list[ReferenceDraft]:
    """All the reference claims in `source`, as a list. With `errors=None` any bad row
    raises `ImportFormatError`; with a list, bad rows are reported into it and skipped."""
    with open_references(source, source_name=source_name, stdin=stdin, client=client) as reader:
        return _all(reader, errors)


def parse_references(
    data: bytes | str,
    *,
    name: str,
    extension: str = "",
    source_name: str | None = None,
    errors: list[ImportFormatError] | None = None,
) -> list[ReferenceDraft]:
    """Parse reference claims from the content of a file called `name` (see the module doc)."""
    reader = ReferenceReader(text_source(data, name, extension), source_name=source_name)
    return _all(reader, errors)


def _all(reader: ReferenceReader, errors: list[ImportFormatError] | None) -> list[ReferenceDraft]:
    drafts = list(reader.drafts())
    failure = reader.failure()
    if failure is not None and errors is None:
        raise failure
    if errors is not None:
        errors.extend(reader.row_errors)
    return drafts
