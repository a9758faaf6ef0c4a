"""The ClaimReview report: schema.org ClaimReview JSON-LD, one review per judged claim.

Each review has the fields Google requires for fact-check markup (`claimReviewed`,
`reviewRating.alternateName`, `url`) and those it recommends (`author`, `datePublished`,
`itemReviewed` as a `Claim` with its `author`, `datePublished` and `appearance`).
Evidence URLs go in `citation`. The checker's note is internal and is not published.

Ratings use one numeric scale, worst 1 to best 5:

| verdict      | ratingValue | alternateName |
|--------------|-------------|---------------|
| contested    | 1           | Contested     |
| unverified   | 3           | Unverified    |
| corroborated | 5           | Corroborated  |

Unverified claims are left out unless `include_unverified` is set. The JSON is escaped
so it can be pasted into a `<script type="application/ld+json">` block as is: `<`, `>`
and `&` are written as `\\u003c`, `\\u003e`, `\\u0026` (RELIABILITY B3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO
from urllib.parse import urldefrag

from reports.common import encodable_text, safe_http_url, verdict_label
from reports.errors import ReportError
from reports.jsondata import dumps_safely
from reports.options import ReportOptions
from store.models import VerdictRecord

SCHEMA_CONTEXT = "https://schema.org"
WORST_RATING = 1
BEST_RATING = 5
RATING_VALUES: dict[str, int] = {"contested": 1, "unverified": 3, "corroborated": 5}

_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def review_base_url(options: ReportOptions) -> str:
    """The page the reviews are published on, without a fragment; ReportError if unusable."""
    if not options.base_url.strip():
        raise ReportError(
            "A ClaimReview export needs the URL of the page that publishes the reviews; "
            "give a review base URL such as 'https://desk.example/reviews'."
        )
    base = safe_http_url(options.base_url)
    if not base:
        raise ReportError(f"The review base URL '{options.base_url}' is not an absolute http(s) URL.")
    return urldefrag(base).url


def review_url(base: str, claim_id: int) -> str:
    """The review's own URL: the base page with the claim's anchor, as the HTML report has."""
    return f"{base}#claim-{claim_id}"


def _organisation(name: str, url: str = "") -> dict[str, str]:
    organisation = {"@type": "Organization", "name": encodable_text(name.strip())}
    safe = safe_http_url(url)
    if safe:
        organisation["url"] = safe
    return organisation


def claim_review(record: VerdictRecord, base: str, options: ReportOptions) -> dict[str, Any]:
    """One ClaimReview object (without `@context`) for a judged claim."""
    if record.verdict not in RATING_VALUES:
        raise ReportError(f"Claim {record.claim_id} has the verdict '{record.verdict}', which has no ClaimReview rating.")
    url = review_url(base, record.claim_id)
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "@id": url,
        "url": url,
        "claimReviewed": encodable_text(record.claim_text),
        "datePublished": encodable_text(record.at),
    }
    if options.organisation_name.strip():
        review["author"] = _organisation(options.organisation_name, options.organisation_url)
    review["reviewRating"] = {
        "@type": "Rating",
        "ratingValue": RATING_VALUES[record.verdict],
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": verdict_label(record.verdict),
    }
    claim: dict[str, Any] = {"@type": "Claim"}
    if record.claim_speaker.strip():  # a line of a transcript: the person who said it
        claim["author"] = {"@type": "Person", "name": encodable_text(record.claim_speaker.strip())}
    elif record.article_source.strip():
        claim["author"] = _organisation(record.article_source)
    if record.article_published.strip():
        claim["datePublished"] = encodable_text(record.article_published.strip())
    article_url = safe_http_url(record.article_url)
    if article_url:
        appearance: dict[str, str] = {"@type": "CreativeWork", "url": article_url}
        if record.article_title.strip():
            appearance["headline"] = encodable_text(record.article_title.strip())
        claim["appearance"] = [appearance]
    review["itemReviewed"] = claim
    citations = [url for url in (safe_http_url(e) for e in record.evidence) if url]
    if citations:
        review["citation"] = citations
    return review


def claim_review_document(records: Sequence[VerdictRecord], options: ReportOptions) -> dict | list:
    """The JSON-LD document: `{"@context", "@graph": [...]}`, or a list if `graph` is off."""
    base = review_base_url(options)
    chosen = [r for r in records if options.include_unverified or r.verdict != "unverified"]
    reviews = [claim_review(r, base, options) for r in chosen]
    if options.graph:
        return {"@context": SCHEMA_CONTEXT, "@graph": reviews}
    return [{"@context": SCHEMA_CONTEXT, **review} for review in reviews]


def script_safe_json(document: Any) -> str:
    """JSON text that cannot close or comment out the `<script>` element it is placed in."""
    text = dumps_safely(document, indent=2)
    for raw, escaped in _SCRIPT_SAFE.items():
        # JSON has these characters only inside strings, where the escape means the same.
        text = text.replace(raw, escaped)
    return text


def write_claimreview(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write ClaimReview JSON-LD; returns how many reviews (claims) it holds."""
    document = claim_review_document(records, options)
    stream.write(script_safe_json(document) + "\n")
    return len(document["@graph"] if isinstance(document, dict) else document)
