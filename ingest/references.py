"""Reading reference claims (claims other fact-checkers or outlets published) from files.

`read_references(source)` reads a file, `-` for standard input, or an http(s) URL, and
returns `ReferenceDraft`s ready for `Store.add_reference_claims` (which skips duplicates,
so importing the same file twice adds nothing). Formats, detected from the content and
the file's extension:

- JSON Lines: one object per line with a `text` field and optional `source`, `url`,
  `rating`, `date`, `id`, `language`, `claimant` (or `speaker`: who made the claim),
  `title` (the fact-check's headline).
- CSV (or TSV): a header row with a `text` column and the same optional columns.
- schema.org ClaimReview JSON-LD: one object, a list, an `@graph`, or objects nested
  anywhere in the document; also the `<script type="application/ld+json">` blocks of an
  HTML page.
- The Google Fact Check Tools `claims:search` response (`{"claims": [...]}`): one
  reference per claim review.

Bad rows: by default one bad row fails the whole file with an `ImportFormatError` naming
the file, the row's line (or item) number and the problem, and nothing is returned, so
nothing is stored. Pass a list as `errors` to import leniently instead: each bad row adds
one `ImportFormatError` to that list and is skipped, and the good rows are returned.
A file that cannot be read or parsed at all always raises.

Only `ImportFormatError` leaves this module. Every string is neutralised (terminal
controls, NUL, lone surrogates), and every published rating is also mapped onto a verdict
by `ingest.ratings.normalise_rating`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ingest.errors import ImportFormatError, IngestError
from ingest.ratings import normalise_rating
from ingest.sources import read_source_bytes
from ingest.text import decode_bytes, neutralise_controls
from store.models import VERDICTS, ReferenceDraft

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TEXT_CHARS = 10_000
MAX_FIELD_CHARS = 2_000
# Deep enough for any real JSON-LD; stops a hostile "[[[[…" from exhausting the stack.
MAX_JSON_DEPTH = 64
# Summaries name this many bad rows before "and N more".
_SUMMARY_ROWS = 3

_CLAIM_REVIEW_TYPES = {"claimreview", "schema:claimreview"}


class _RowError(Exception):
    """A bad row; turned into an ImportFormatError naming the file and the row."""


def read_references(
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | TextIO | None = None,
    errors: list[ImportFormatError] | None = None,
    client: Any = None,
) -> list[ReferenceDraft]:
    """Read the reference claims in `source` (a path, "-" for stdin, or an http(s) URL).

    `source_name` replaces each row's source (publisher) when given. With `errors=None`
    any bad row raises `ImportFormatError`; with a list, bad rows are reported into it
    and skipped. `client` is an optional `httpx.Client` for URLs.
    """
    name, data, extension = _read_source(source, stdin=stdin, client=client)
    return parse_references(
        data, name=name, extension=extension, source_name=source_name, errors=errors
    )


def parse_references(
    data: bytes | str,
    *,
    name: str,
    extension: str = "",
    source_name: str | None = None,
    errors: list[ImportFormatError] | None = None,
) -> list[ReferenceDraft]:
    """Parse reference claims from the content of a file called `name` (see the module doc)."""
    text = _decode(data, name)
    if not text.strip():
        raise ImportFormatError(f"{name} is empty: there are no reference claims to import.")
    kind = _detect_format(text, extension)
    override = _clean_field(source_name, MAX_FIELD_CHARS) if source_name else ""
    found: list[tuple[str, str]] = []
    drafts: list[ReferenceDraft] = []
    for where, row in _rows(kind, text, name):
        try:
            if isinstance(row, _RowError):
                raise row
            draft = row() if callable(row) else row
        except _RowError as exc:
            found.append((where, str(exc)))
            continue
        if override:
            draft = _replace_source(draft, override)
        drafts.append(draft)
    row_errors = [
        ImportFormatError(f"{where[0].upper()}{where[1:]} of {name} {problem}.")
        for where, problem in found
    ]
    if found and errors is None:
        raise _summary(name, found, row_errors)
    if errors is not None:
        errors.extend(row_errors)
    if not drafts and not found:
        raise ImportFormatError(f"{name} holds no reference claims in a format claimdesk knows.")
    return drafts


# -- reading -------------------------------------------------------------------


def _read_source(
    source: str, *, stdin: BinaryIO | TextIO | None, client: Any
) -> tuple[str, bytes | str, str]:
    if source.lower().startswith(("http://", "https://")):
        return _fetch_source(source, client)
    data, name, _kind = read_source_bytes(source, stdin=stdin, max_bytes=MAX_FILE_BYTES,
                                          too_large="too large to import", error=ImportFormatError)
    return name, data, "" if source == "-" else Path(source).suffix.lower().lstrip(".")


def _fetch_source(url: str, client: Any) -> tuple[str, bytes | str, str]:
    from ingest.errors import FetchError

    try:
        from ingest import fetch
    except ImportError as exc:  # pragma: no cover - fetch ships with ingest
        raise ImportFormatError(f"{url} cannot be fetched: web fetching is unavailable.") from exc
    try:
        document = fetch.fetch_document(url, client, allow_data=True)
    except FetchError as exc:
        raise ImportFormatError(str(exc)) from exc
    extension = ""
    content_type = document.content_type
    if "json" in content_type:
        extension = "json"
    elif "csv" in content_type:
        extension = "csv"
    elif "html" in content_type:
        extension = "html"
    return url, document.text, extension


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, str):
        return neutralise_controls(data)
    try:
        return decode_bytes(data, name)
    except IngestError as exc:
        raise ImportFormatError(str(exc)) from exc


def _detect_format(text: str, extension: str) -> str:
    head = text.lstrip("\ufeff \t\r\n")
    if extension in {"jsonl", "ndjson"}:
        return "jsonl"
    if extension in {"csv", "tsv"}:
        return "csv"
    if extension in {"html", "htm", "xhtml"} or head[:1] == "<":
        return "html"
    if head[:1] and head[0] in "{[":
        return "json"  # falls back to JSON Lines when the whole text is not one document
    return "csv"


# -- rows ----------------------------------------------------------------------

# Each row is (where, draft-or-thunk-or-_RowError); thunks defer validation so that
# the error is reported with its position.
_Row = tuple[str, Any]


def _rows(kind: str, text: str, name: str) -> Iterator[_Row]:
    if kind == "jsonl":
        yield from _jsonl_rows(text, name)
    elif kind == "csv":
        yield from _csv_rows(text, name)
    elif kind == "html":
        yield from _html_rows(text, name)
    else:
        try:
            document = _json_loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" or _first_line_is_object(text):  # JSON Lines
                yield from _jsonl_rows(text, name)
                return
            raise ImportFormatError(
                f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        except RecursionError as exc:
            raise ImportFormatError(f"{name} nests JSON too deeply to be read.") from exc
        yield from _document_rows(document, name, "item")


def _parse_int(digits: str) -> int | str:
    # Python refuses int() of more than 4,300 digits with a bare ValueError; such a
    # number is kept as text so it becomes one row's type error, not a crash.
    return int(digits) if len(digits) <= 4000 else digits


def _json_loads(text: str):
    return json.loads(text, parse_int=_parse_int)


def _first_line_is_object(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(_json_loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _jsonl_rows(text: str, name: str) -> Iterator[_Row]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            obj = _json_loads(line)
        except json.JSONDecodeError as exc:
            yield where, _RowError(f"is not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield where, _RowError("nests JSON too deeply to be read")
            continue
        if not isinstance(obj, dict):
            yield where, _RowError(f"is a JSON {_json_type(obj)}, not an object with a \"text\" field")
            continue
        if _is_claim_review(obj):
            yield where, _thunk(_claim_review_draft, obj)
        elif isinstance(obj.get("claims"), list):
            yield from _google_rows(obj, name, where)
        else:
            yield where, _thunk(_plain_draft, obj)


def _csv_rows(text: str, name: str) -> Iterator[_Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise ImportFormatError(f"{name} has no readable CSV header row.") from exc
    columns = [h.strip().lstrip("\ufeff").casefold() for h in header]
    if "text" not in columns:
        raise ImportFormatError(
            f"{name} has no \"text\" column (its header is {', '.join(header[:8])[:200]!r}); "
            "a CSV of reference claims needs one."
        )
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield f"line {reader.line_num}", _RowError(f"is not valid CSV ({exc})")
            continue
        if not any(v.strip() for v in values):
            continue
        where = f"line {reader.line_num}"
        if len(values) > len(columns):
            yield where, _RowError(
                f"has {len(values)} fields but the header has {len(columns)}"
            )
            continue
        row = dict(zip(columns, values))
        yield where, _thunk(_plain_draft, row)


class _JsonLdScripts(HTMLParser):
    """Collects the text of `<script type="application/ld+json">` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._inside = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._inside = kind == "application/ld+json"
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._parts))
            self._inside = False


def _html_rows(text: str, name: str) -> Iterator[_Row]:
    parser = _JsonLdScripts()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own failures
        raise ImportFormatError(f"{name} is not HTML that can be read: {exc}.") from exc
    if not parser.blocks:
        raise ImportFormatError(f"{name} is an HTML page without any JSON-LD block to import.")
    # Pages carry JSON-LD for many purposes; a broken block only matters when the page
    # yields no ClaimReview at all.
    count = broken = 0
    for number, block in enumerate(parser.blocks, start=1):
        where = f"JSON-LD block {number}"
        try:
            document = _json_loads(block)
        except (json.JSONDecodeError, RecursionError):
            broken += 1
            continue
        for review in _find_claim_reviews(document):
            count += 1
            yield f"ClaimReview {count} ({where})", _thunk(_claim_review_draft, review)
    if count == 0:
        note = f" ({broken} of its {len(parser.blocks)} blocks are not valid JSON)" if broken else ""
        raise ImportFormatError(f"{name} has JSON-LD but no ClaimReview in it{note}.")


def _document_rows(document: Any, name: str, label: str) -> Iterator[_Row]:
    if isinstance(document, dict) and isinstance(document.get("claims"), list):
        yield from _google_rows(document, name, "")
        return
    reviews = list(_find_claim_reviews(document))
    if reviews:
        for number, review in enumerate(reviews, start=1):
            yield f"ClaimReview {number}", _thunk(_claim_review_draft, review)
        return
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, start=1):
        where = f"{label} {number}"
        if not isinstance(item, dict):
            yield where, _RowError(f"is a JSON {_json_type(item)}, not an object with a \"text\" field")
        else:
            yield where, _thunk(_plain_draft, item)


def _google_rows(document: dict, name: str, prefix: str) -> Iterator[_Row]:
    prefix = f"{prefix}, " if prefix else ""
    for number, claim in enumerate(document["claims"], start=1):
        where = f"{prefix}claim {number}"
        if not isinstance(claim, dict):
            yield where, _RowError(f"is a JSON {_json_type(claim)}, not a claim object")
            continue
        reviews = claim.get("claimReview")
        if reviews is None or reviews == []:
            yield where, _thunk(_google_draft, claim, {})
            continue
        if isinstance(reviews, dict):
            reviews = [reviews]
        if not isinstance(reviews, list):
            yield where, _RowError("has a \"claimReview\" that is not a list")
            continue
        for index, review in enumerate(reviews, start=1):
            sub = where if len(reviews) == 1 else f"{where}, review {index}"
            if not isinstance(review, dict):
                yield sub, _RowError("has a claim review that is not an object")
            else:
                yield sub, _thunk(_google_draft, claim, review)


def _thunk(function: Any, *args: Any) -> Any:
    return lambda: function(*args)


# -- fields --------------------------------------------------------------------


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return "object"


def _clean_field(value: str, limit: int) -> str:
    return " ".join(neutralise_controls(value).split())[:limit]


def _scalar(row: dict, key: str, *, limit: int = MAX_FIELD_CHARS) -> str:
    """A string field: strings and numbers accepted, null or missing is ""."""
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _RowError(f"has a \"{key}\" that is a {_json_type(value)}, not text")
    return _clean_field(str(value), limit)


def _text(value: Any, key: str = "text") -> str:
    if value is None:
        raise _RowError(f"has no \"{key}\"; every reference claim needs its text")
    if not isinstance(value, str):
        raise _RowError(f"has a \"{key}\" that is a {_json_type(value)}, not text")
    text = " ".join(neutralise_controls(value).split())
    if not text:
        raise _RowError(f"has an empty \"{key}\"; every reference claim needs its text")
    if len(text) > MAX_TEXT_CHARS:
        raise _RowError(
            f"has a \"{key}\" of {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} "
            "a reference claim may have"
        )
    return text


def _url(value: str, key: str = "url") -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise _RowError(f"has a \"{key}\" that is not an http(s) URL: {value[:80]!r}")
    return value


def _normalised(rating: str, explicit: str = "") -> str:
    explicit = explicit.strip().casefold()
    if explicit in VERDICTS:
        return explicit
    return normalise_rating(rating)


def _plain_draft(row: dict) -> ReferenceDraft:
    rating = _scalar(row, "rating")
    return ReferenceDraft(
        text=_text(row.get("text")),
        source=_scalar(row, "source"),
        url=_url(_scalar(row, "url")),
        rating=rating,
        date=_scalar(row, "date"),
        external_id=_scalar(row, "id"),
        language=_scalar(row, "language"),
        normalised_rating=_normalised(rating, _scalar(row, "normalised_rating")),
        # PolitiFact's exports and CheckThat! name the claimant "speaker".
        claimant=_scalar(row, "claimant") or _scalar(row, "speaker"),
        title=_scalar(row, "title"),
    )


def _replace_source(draft: ReferenceDraft, source: str) -> ReferenceDraft:
    from dataclasses import replace

    return replace(draft, source=source)


# -- ClaimReview ---------------------------------------------------------------


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    names = set()
    for v in values:
        if isinstance(v, str):
            names.add(v.rsplit("/", 1)[-1].casefold())
            names.add(v.casefold())
    return names


def _is_claim_review(obj: Any) -> bool:
    return isinstance(obj, dict) and bool(_types(obj) & _CLAIM_REVIEW_TYPES)


def _find_claim_reviews(document: Any) -> Iterator[dict]:
    """Every ClaimReview object in a JSON-LD document, however deeply nested."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    found: list[dict] = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            continue
        if isinstance(node, dict):
            if _is_claim_review(node):
                found.append(node)
                continue
            stack.extend((v, depth + 1) for v in reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in reversed(node))
    return iter(found)


def _name_of(value: Any, key: str) -> str:
    """The name of a schema.org Person/Organization given as text, object or list."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_field(value, MAX_FIELD_CHARS)
    if isinstance(value, dict):
        for field in ("name", "alternateName", "legalName", "url", "@id"):
            name = value.get(field)
            if isinstance(name, str) and name.strip():
                return _clean_field(name, MAX_FIELD_CHARS)
            if isinstance(name, list) and name and isinstance(name[0], str):
                return _clean_field(name[0], MAX_FIELD_CHARS)
        return ""
    raise _RowError(f"has a \"{key}\" that is a {_json_type(value)}, not a name")


def _rating_of(review: dict) -> str:
    rating = review.get("reviewRating")
    if isinstance(rating, list):
        rating = next((r for r in rating if isinstance(r, dict)), None)
    if rating is None:
        return ""
    if isinstance(rating, str):
        return _clean_field(rating, MAX_FIELD_CHARS)
    if not isinstance(rating, dict):
        raise _RowError(f"has a \"reviewRating\" that is a {_json_type(rating)}, not a rating")
    for key in ("alternateName", "name", "ratingExplanation"):
        value = rating.get(key)
        if isinstance(value, str) and value.strip():
            return _clean_field(value, MAX_FIELD_CHARS)
    value, best = rating.get("ratingValue"), rating.get("bestRating")
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        if isinstance(best, (int, float, str)) and not isinstance(best, bool) and best != "":
            return _clean_field(f"{value}/{best}", MAX_FIELD_CHARS)
        return _clean_field(str(value), MAX_FIELD_CHARS)
    return ""


def _first_string(obj: dict, *keys: str) -> str:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = _clean_field(str(value), MAX_FIELD_CHARS)
            if text:
                return text
        elif value is not None and not isinstance(value, (dict, list)):
            raise _RowError(f"has a \"{key}\" that is a {_json_type(value)}, not text")
    return ""


def _language(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, str):
        return _clean_field(value, 40)
    return ""


def _claim_review_draft(review: dict) -> ReferenceDraft:
    item = review.get("itemReviewed")
    if isinstance(item, list):
        item = next((i for i in item if isinstance(i, dict)), None)
    if item is not None and not isinstance(item, dict):
        item = None
    claimed = review.get("claimReviewed")
    if claimed is None and item:
        claimed = item.get("text") if item.get("text") is not None else item.get("name")
    text = _text(claimed, "claimReviewed")
    rating = _rating_of(review)
    source = _name_of(review.get("author"), "author") or _name_of(
        review.get("publisher"), "publisher"
    )
    claimant = _name_of(item.get("author"), "itemReviewed.author") if item else ""
    date = _first_string(review, "datePublished", "dateCreated")
    if not date and item:
        date = _first_string(item, "datePublished", "dateCreated")
    url = _first_string(review, "url")
    external_id = _first_string(review, "@id", "identifier")
    # The review's headline (often the fact-check article's title) helps matching.
    title = _first_string(review, "headline", "name")
    if not title and item and review.get("claimReviewed") is not None:
        title = _first_string(item, "name")
    return ReferenceDraft(
        text=text,
        source=source,
        url=_url(url),
        rating=rating,
        date=date,
        external_id=external_id,
        language=_language(review.get("inLanguage")),
        normalised_rating=normalise_rating(rating),
        claimant=claimant,
        title=title,
    )


def _google_draft(claim: dict, review: dict) -> ReferenceDraft:
    text = _text(claim.get("text"))
    rating = _scalar(review, "textualRating")
    publisher = review.get("publisher")
    source = ""
    if isinstance(publisher, dict):
        source = _scalar(publisher, "name") or _scalar(publisher, "site")
    elif publisher is not None:
        raise _RowError(f"has a \"publisher\" that is a {_json_type(publisher)}, not an object")
    return ReferenceDraft(
        text=text,
        source=source,
        url=_url(_scalar(review, "url")),
        rating=rating,
        date=_scalar(review, "reviewDate") or _scalar(claim, "claimDate"),
        external_id="",
        language=_scalar(review, "languageCode", limit=40),
        normalised_rating=normalise_rating(rating),
        claimant=_scalar(claim, "claimant"),
        title=_scalar(review, "title"),
    )


def _summary(
    name: str, found: list[tuple[str, str]], row_errors: list[ImportFormatError]
) -> ImportFormatError:
    """One sentence for a file with bad rows; each row's own error is in `.row_errors`."""
    if len(found) == 1:
        message = f"{str(row_errors[0]).rstrip('.')}, so nothing was imported."
    else:
        shown = "; ".join(f"{where} {problem}" for where, problem in found[:_SUMMARY_ROWS])
        more = len(found) - _SUMMARY_ROWS
        tail = f"; and {more} more" if more > 0 else ""
        message = f"{name} has {len(found)} bad rows, so nothing was imported: {shown}{tail}."
    error = ImportFormatError(message)
    error.row_errors = row_errors  # type: ignore[attr-defined]
    return error
