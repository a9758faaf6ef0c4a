"""The Google Fact Check Tools `claims:search` response (`{"claims": [...]}`): one
reference per claim review, as a whole document or as one JSON Lines row."""

from __future__ import annotations

from collections.abc import Iterator

from ingest.references.fields import (
    Row,
    RowError,
    cached_rating,
    claim_text,
    json_type,
    not_an_object,
    scalar,
    web_url,
)
from store.models import ReferenceDraft


def is_fact_check_response(obj: object) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("claims"), list)


def fact_check_rows(document: dict, prefix: str = "") -> Iterator[Row]:
    prefix = f"{prefix}, " if prefix else ""
    for number, claim in enumerate(document["claims"], start=1):
        where = f"{prefix}claim {number}"
        if not isinstance(claim, dict):
            yield where, not_an_object(claim, "a claim object")
            continue
        reviews = claim.get("claimReview")
        if reviews is None or reviews == []:
            yield _row(where, claim, {})
            continue
        if isinstance(reviews, dict):
            reviews = [reviews]
        if not isinstance(reviews, list):
            yield where, RowError("has a \"claimReview\" that is not a list")
            continue
        for index, review in enumerate(reviews, start=1):
            sub = where if len(reviews) == 1 else f"{where}, review {index}"
            if not isinstance(review, dict):
                yield sub, RowError("has a claim review that is not an object")
            else:
                yield _row(sub, claim, review)


def _row(where: str, claim: dict, review: dict) -> Row:
    try:
        return where, _draft(claim, review)
    except RowError as error:
        return where, error


def _draft(claim: dict, review: dict) -> ReferenceDraft:
    text = claim_text(claim.get("text"))
    rating = scalar(review, "textualRating")
    publisher = review.get("publisher")
    source = ""
    if isinstance(publisher, dict):
        source = scalar(publisher, "name") or scalar(publisher, "site")
    elif publisher is not None:
        raise RowError(f"has a \"publisher\" that is a {json_type(publisher)}, not an object")
    return ReferenceDraft(
        text=text,
        source=source,
        url=web_url(scalar(review, "url")),
        rating=rating,
        date=scalar(review, "reviewDate") or scalar(claim, "claimDate"),
        external_id="",
        language=scalar(review, "languageCode", limit=40),
        normalised_rating=cached_rating(rating),
        claimant=scalar(claim, "claimant"),
        title=scalar(review, "title"),
    )
