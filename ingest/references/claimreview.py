"""schema.org ClaimReview objects: found anywhere in a JSON-LD document, made into drafts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.references.fields import (
    MAX_FIELD_CHARS,
    MAX_JSON_DEPTH,
    RowError,
    cached_rating,
    claim_text,
    clean_field,
    json_type,
    web_url,
)
from store.models import ReferenceDraft

_CLAIM_REVIEW_TYPES = {"claimreview", "schema:claimreview"}


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    names = set()
    for v in values:
        if isinstance(v, str):
            names.add(v.rsplit("/", 1)[-1].casefold())
            names.add(v.casefold())
    return names


def is_claim_review(obj: Any) -> bool:
    return isinstance(obj, dict) and bool(_types(obj) & _CLAIM_REVIEW_TYPES)


def find_claim_reviews(document: Any) -> Iterator[dict]:
    """Every ClaimReview object in a JSON-LD document, however deeply nested."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    found: list[dict] = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            continue
        if isinstance(node, dict):
            if is_claim_review(node):
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
        return clean_field(value, MAX_FIELD_CHARS)
    if isinstance(value, dict):
        for field in ("name", "alternateName", "legalName", "url", "@id"):
            name = value.get(field)
            if isinstance(name, str) and name.strip():
                return clean_field(name, MAX_FIELD_CHARS)
            if isinstance(name, list) and name and isinstance(name[0], str):
                return clean_field(name[0], MAX_FIELD_CHARS)
        return ""
    raise RowError(f"has a \"{key}\" that is a {json_type(value)}, not a name")


def _rating_of(review: dict) -> str:
    rating = review.get("reviewRating")
    if isinstance(rating, list):
        rating = next((r for r in rating if isinstance(r, dict)), None)
    if rating is None:
        return ""
    if isinstance(rating, str):
        return clean_field(rating, MAX_FIELD_CHARS)
    if not isinstance(rating, dict):
        raise RowError(f"has a \"reviewRating\" that is a {json_type(rating)}, not a rating")
    for key in ("alternateName", "name", "ratingExplanation"):
        value = rating.get(key)
        if isinstance(value, str) and value.strip():
            return clean_field(value, MAX_FIELD_CHARS)
    value, best = rating.get("ratingValue"), rating.get("bestRating")
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        if isinstance(best, (int, float, str)) and not isinstance(best, bool) and best != "":
            return clean_field(f"{value}/{best}", MAX_FIELD_CHARS)
        return clean_field(str(value), MAX_FIELD_CHARS)
    return ""


def _first_string(obj: dict, *keys: str) -> str:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = clean_field(str(value), MAX_FIELD_CHARS)
            if text:
                return text
        elif value is not None and not isinstance(value, (dict, list)):
            raise RowError(f"has a \"{key}\" that is a {json_type(value)}, not text")
    return ""


def _language(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    if isinstance(value, str):
        return clean_field(value, 40)
    return ""


def claim_review_draft(review: dict) -> ReferenceDraft:
    item = review.get("itemReviewed")
    if isinstance(item, list):
        item = next((i for i in item if isinstance(i, dict)), None)
    if item is not None and not isinstance(item, dict):
        item = None
    claimed = review.get("claimReviewed")
    if claimed is None and item:
        claimed = item.get("text") if item.get("text") is not None else item.get("name")
    text = claim_text(claimed, "claimReviewed")
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
        url=web_url(url),
        rating=rating,
        date=date,
        external_id=external_id,
        language=_language(review.get("inLanguage")),
        normalised_rating=cached_rating(rating),
        claimant=claimant,
        title=title,
    )


def claim_review_row(where: str, review: dict) -> tuple[str, ReferenceDraft | RowError]:
    try:
        return where, claim_review_draft(review)
    except RowError as error:
        return where, error
