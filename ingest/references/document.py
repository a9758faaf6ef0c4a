"""One JSON document: a ClaimReview, a list or `@graph` of them (found however deeply
nested), a Fact Check Tools response, or a list of plain rows. Parsed whole, up to
`MAX_DOCUMENT_BYTES`; a file that is JSON Lines after all is read as such."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ingest.errors import ImportFormatError
from ingest.references.claimreview import claim_review_row, find_claim_reviews
from ingest.references.factcheck import fact_check_rows, is_fact_check_response
from ingest.references.fields import Row, RowError, json_loads, not_an_object, plain_draft
from ingest.references.jsonlines import json_lines_rows
from ingest.references.stream import SourceText


def json_document_rows(source: SourceText) -> Iterator[Row]:
    text = source.whole()
    try:
        document = json_loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" or _first_line_is_object(text):  # JSON Lines
            yield from json_lines_rows(SourceText(source.name, source.extension, text=text))
            return
        raise ImportFormatError(
            f"{source.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    except RecursionError as exc:
        raise ImportFormatError(f"{source.name} nests JSON too deeply to be read.") from exc
    del text
    if _is_json_ld(document) and next(find_claim_reviews(document), None) is None:
        # Schema.org data of another kind (an Article, an Organization): no row in it is a claim.
        raise ImportFormatError(f"{source.name} has JSON-LD but no ClaimReview in it.")
    yield from document_rows(document, "item")


def _is_json_ld(document: Any) -> bool:
    first = document[0] if isinstance(document, list) and document else document
    return isinstance(first, dict) and not is_fact_check_response(first) and \
        any(key in first for key in ("@context", "@type", "@graph"))


def _first_line_is_object(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(json_loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def document_rows(document: Any, label: str) -> Iterator[Row]:
    if is_fact_check_response(document):
        yield from fact_check_rows(document)
        return
    reviews = list(find_claim_reviews(document))
    if reviews:
        for number, review in enumerate(reviews, start=1):
            yield claim_review_row(f"ClaimReview {number}", review)
        return
    items = document if isinstance(document, list) else [document]
    for number, item in enumerate(items, start=1):
        where = f"{label} {number}"
        if not isinstance(item, dict):
            yield where, not_an_object(item)
            continue
        try:
            yield where, plain_draft(item)
        except RowError as error:
            yield where, error
