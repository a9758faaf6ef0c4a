"""Fields of reference claims: untrusted values checked, cleaned and made into drafts.

Every reader turns its rows into `ReferenceDraft`s through these functions; a value of the
wrong type or shape raises `RowError`, which the reader reports with the row's position.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

import orjson

from ingest.ratings import normalise_rating
from ingest.text import neutralise_controls
from store.models import VERDICTS, ReferenceDraft
from store.values import names_http_url

MAX_TEXT_CHARS = 10_000
MAX_FIELD_CHARS = 2_000
# Deep enough for any real JSON-LD; stops a hostile "[[[[…" from exhausting the stack.
MAX_JSON_DEPTH = 64

# Every character `neutralise_controls` would change: most values hold none, and finding
# that out is several times cheaper than neutralising.
_NEEDS_NEUTRALISING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class RowError(Exception):
    """A bad row; turned into an ImportFormatError naming the file and the row."""


# A row as a reader yields it: where it is ("line 3", "ClaimReview 2") and its draft, or
# the RowError that says what is wrong with it.
Row = tuple[str, "ReferenceDraft | RowError"]


def _parse_int(digits: str) -> int | str:
    # Python refuses int() of more than 4,300 digits with a bare ValueError; such a
    # number is kept as text so it becomes one row's type error, not a crash.
    return int(digits) if len(digits) <= 4000 else digits


_DECODER = json.JSONDecoder(parse_int=_parse_int)


def json_loads(text: str) -> Any:
    """`json.loads` with big integers kept as text, and one decoder for every row."""
    if text.startswith("\ufeff"):  # as json.loads says it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # What orjson refuses and json reads (NaN, integers beyond 64 bits, lone
        # surrogates) reads as before; json's message names what is wrong with the rest.
        return _DECODER.decode(text)


def json_type(value: Any) -> str:
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


def not_an_object(value: Any, what: str = 'an object with a "text" field') -> RowError:
    return RowError(f"is a JSON {json_type(value)}, not {what}")


def clean_field(value: str, limit: int) -> str:
    if _NEEDS_NEUTRALISING.search(value):
        value = neutralise_controls(value)
    return " ".join(value.split())[:limit]


def scalar(row: dict, key: str, *, limit: int = MAX_FIELD_CHARS) -> str:
    """A string field: strings and numbers accepted, null or missing is ""."""
    value = row.get(key)
    if value is None:
        return ""
    if value.__class__ is str:
        return clean_field(value, limit)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RowError(f"has a \"{key}\" that is a {json_type(value)}, not text")
    return clean_field(str(value), limit)


def claim_text(value: Any, key: str = "text") -> str:
    if value is None:
        raise RowError(f"has no \"{key}\"; every reference claim needs its text")
    if not isinstance(value, str):
        raise RowError(f"has a \"{key}\" that is a {json_type(value)}, not text")
    if _NEEDS_NEUTRALISING.search(value):
        value = neutralise_controls(value)
    text = " ".join(value.split())
    if not text:
        raise RowError(f"has an empty \"{key}\"; every reference claim needs its text")
    if len(text) > MAX_TEXT_CHARS:
        raise RowError(
            f"has a \"{key}\" of {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} "
            "a reference claim may have"
        )
    return text


def web_url(value: str, key: str = "url") -> str:
    if value and not names_http_url(value):
        raise RowError(f"has a \"{key}\" that is not an http(s) URL: {value[:80]!r}")
    return value


# Files repeat a handful of ratings a million times.
cached_rating = lru_cache(maxsize=4096)(normalise_rating)


def _normalised(rating: str, explicit: str = "") -> str:
    explicit = explicit.strip().casefold()
    if explicit in VERDICTS:
        return explicit
    return cached_rating(rating)


def plain_draft(row: dict) -> ReferenceDraft:
    """A row of JSON Lines or CSV: `text` and the optional fields named in the package doc."""
    try:
        joined = "".join(row.values())
    except TypeError:  # a value that is not text: checked field by field
        return _checked_plain_draft(row)
    if _NEEDS_NEUTRALISING.search(joined):
        return _checked_plain_draft(row)
    # Every value is text with nothing to neutralise (nearly every row of a real file):
    # the same fields as `_checked_plain_draft`, without its checks, cleaning only the
    # fields the row has.
    fields = {key: " ".join(value.split()) for key, value in row.items()}
    get = fields.get
    text = get("text")
    if text is None or not text or len(text) > MAX_TEXT_CHARS:
        claim_text(text)  # says what is wrong
    if len(joined) > MAX_FIELD_CHARS:  # a field may be too long: cut them all (the text has its own limit)
        fields = {key: value[:MAX_FIELD_CHARS] for key, value in fields.items()}
        fields["text"] = text
        get = fields.get
    rating = get("rating", "")
    url = get("url", "")
    if url and not names_http_url(url):
        web_url(url)
    explicit = get("normalised_rating")
    # Positional arguments, in the dataclass's field order: cheaper, once per row.
    return ReferenceDraft(
        text, get("source", ""), url, rating, get("date", ""), get("id", ""), get("language", ""),
        _normalised(rating, explicit) if explicit else cached_rating(rating),
        # PolitiFact's exports and CheckThat! name the claimant "speaker".
        get("claimant", "") or get("speaker", ""),
        get("title", ""),
    )


def _checked_plain_draft(row: dict) -> ReferenceDraft:
    rating = scalar(row, "rating")
    return ReferenceDraft(
        text=claim_text(row.get("text")),
        source=scalar(row, "source"),
        url=web_url(scalar(row, "url")),
        rating=rating,
        date=scalar(row, "date"),
        external_id=scalar(row, "id"),
        language=scalar(row, "language"),
        normalised_rating=_normalised(rating, scalar(row, "normalised_rating")),
        claimant=scalar(row, "claimant") or scalar(row, "speaker"),
        title=scalar(row, "title"),
    )


def with_source(draft: ReferenceDraft, source: str) -> ReferenceDraft:
    return replace(draft, source=source)
