"""JSON Lines: one object per line, each a plain row (`text` and the optional fields), a
ClaimReview, or a Fact Check Tools response. Read as it streams."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ingest.references.claimreview import claim_review_row, is_claim_review
from ingest.references.factcheck import fact_check_rows, is_fact_check_response
from ingest.references.fields import Row, RowError, json_loads, not_an_object, plain_draft
from ingest.references import stream
from ingest.references.stream import SourceText


def json_lines_rows(source: SourceText) -> Iterator[Row]:
    for number, line in enumerate(source.lines(), start=1):
        if not line or line.isspace():
            continue
        where = f"line {number}"
        if len(line) > stream.MAX_LINE_CHARS:
            yield where, RowError(f"is longer than the {stream.MAX_LINE_CHARS:,} characters a line may have")
            continue
        try:
            obj = json_loads(line)
        except json.JSONDecodeError as exc:
            yield where, RowError(f"is not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield where, RowError("nests JSON too deeply to be read")
            continue
        if obj.__class__ is not dict:
            yield where, not_an_object(obj)
        elif "@type" in obj and is_claim_review(obj):
            yield claim_review_row(where, obj)
        elif "claims" in obj and is_fact_check_response(obj):
            yield from fact_check_rows(obj, where)
        else:
            try:
                yield where, plain_draft(obj)
            except RowError as error:
                yield where, error


def first_line_is_json(head: str) -> bool:
    """Whether `head` starts with a line that is a JSON value of its own followed by more
    text: JSON Lines, not one document, so it is streamed rather than parsed whole."""
    first, newline, rest = head.lstrip("\ufeff \t\r\n").partition("\n")
    if not newline or not rest.strip():
        return False
    try:
        json_loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True
