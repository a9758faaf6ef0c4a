"""The ClaimReview JSON-LD report: Google's required fields, the rating scale, escaping."""

from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

import pytest

from reports import ReportError, ReportOptions, write_report
from reports.claimreview import BEST_RATING, RATING_VALUES, WORST_RATING
from reports.common import encodable_text
from tests.unit.test_reports_samples import hostile_records, make_record, sample_records

OPTIONS = ReportOptions(
    base_url="https://desk.example/reviews/2024-05",
    organisation_name="Example Desk",
    organisation_url="https://desk.example/",
)


def claim_review(records, options: ReportOptions = OPTIONS) -> tuple[str, int]:
    stream = io.StringIO()
    count = write_report(records, "claimreview", stream, options)
    return stream.getvalue(), count


def reviews_of(text: str) -> list[dict]:
    document = json.loads(text)
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def assert_google_valid(review: dict) -> None:
    """The fields Google requires for fact-check markup, and the types it expects."""
    assert review["@type"] == "ClaimReview"
    assert isinstance(review["claimReviewed"], str) and review["claimReviewed"].strip()
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert isinstance(rating["alternateName"], str) and rating["alternateName"].strip()
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    parts = urlsplit(review["url"])
    assert parts.scheme in ("http", "https") and parts.hostname
    assert review["itemReviewed"]["@type"] == "Claim"


def test_graph_holds_one_valid_review_per_judged_claim_without_unverified() -> None:
    text, count = claim_review(sample_records())
    reviews = reviews_of(text)
    assert count == len(reviews) == 3
    for review in reviews:
        assert_google_valid(review)
    first = reviews[0]
    assert first == {
        "@type": "ClaimReview",
        "@id": "https://desk.example/reviews/2024-05#claim-11",
        "url": "https://desk.example/reviews/2024-05#claim-11",
        "claimReviewed": "The army announced a counter-offensive on 3 May.",
        "datePublished": "2024-05-06T09:30:00+00:00",
        "author": {"@type": "Organization", "name": "Example Desk", "url": "https://desk.example/"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Contested",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "News Example"},
            "datePublished": "2024-05-05",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "url": "https://news.example/articles/1",
                    "headline": "Counter-offensive announced",
                }
            ],
        },
        "citation": ["https://evidence.example/a", "https://evidence.example/b?x=1&y=2"],
    }
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Contested", "Corroborated", "Corroborated"]
    assert "No independent figure yet." not in text, "checker notes stay internal"


def test_rating_scale_is_documented_and_ordered() -> None:
    assert (WORST_RATING, BEST_RATING) == (1, 5)
    assert RATING_VALUES["contested"] < RATING_VALUES["unverified"] < RATING_VALUES["corroborated"]


def test_include_unverified_and_plain_array() -> None:
    options = ReportOptions(base_url="https://desk.example/r", include_unverified=True, graph=False)
    text, count = claim_review(sample_records(), options)
    reviews = json.loads(text)
    assert isinstance(reviews, list) and count == len(reviews) == 4
    for review in reviews:
        assert review["@context"] == "https://schema.org"
        assert_google_valid(review)
        assert "author" not in review, "no organisation configured, no author invented"
    unverified = reviews[3]
    assert unverified["reviewRating"]["alternateName"] == "Unverified"
    assert unverified["reviewRating"]["ratingValue"] == 3
    assert unverified["itemReviewed"] == {"@type": "Claim"}, "no source, date or URL to state"


def test_hostile_strings_survive_and_cannot_break_out_of_a_script_block() -> None:
    records = hostile_records()
    text, count = claim_review(records, ReportOptions(base_url="https://desk.example/r", include_unverified=True))
    assert count == len(records)
    for character in "<>&\u2028\u2029\x85":
        assert character not in text
    reviews = reviews_of(text)
    for review, record in zip(reviews, records):
        assert_google_valid(review)
        assert review["claimReviewed"] == encodable_text(record.claim_text)
        assert review["datePublished"] == encodable_text(record.at)
        claim = review["itemReviewed"]
        for appearance in claim.get("appearance", []):
            assert appearance["url"].startswith(("http://", "https://"))
        assert all(url.startswith(("http://", "https://")) for url in review.get("citation", []))
    javascript = [r for r in reviews if "javascript" in r["claimReviewed"].lower()]
    assert javascript and all("appearance" not in r["itemReviewed"] for r in javascript)


def test_base_url_is_required_and_must_be_http() -> None:
    with pytest.raises(ReportError, match="base URL"):
        claim_review(sample_records(), ReportOptions())
    with pytest.raises(ReportError, match="'javascript:alert\\(1\\)'"):
        claim_review(sample_records(), ReportOptions(base_url="javascript:alert(1)"))


def test_base_url_fragment_is_replaced_by_the_claim_anchor() -> None:
    text, _ = claim_review([make_record()], ReportOptions(base_url="https://desk.example/r?day=1#top"))
    assert reviews_of(text)[0]["url"] == "https://desk.example/r?day=1#claim-11"


def test_unknown_verdict_is_a_clear_error() -> None:
    with pytest.raises(ReportError, match="Claim 11 has the verdict 'maybe'"):
        claim_review([make_record(verdict="maybe")])


def test_empty_report_is_an_empty_graph() -> None:
    text, count = claim_review([])
    assert count == 0
    assert json.loads(text) == {"@context": "https://schema.org", "@graph": []}


def test_a_transcript_line_is_a_claim_by_its_speaker_not_the_outlet() -> None:
    spoken, written = make_record(claim_id=1, claim_speaker="  Donald Trump "), make_record(claim_id=2)
    reviews = reviews_of(claim_review([spoken, written])[0])
    assert reviews[0]["itemReviewed"]["author"] == {"@type": "Person", "name": "Donald Trump"}
    assert reviews[1]["itemReviewed"]["author"] == {"@type": "Organization", "name": "News Example"}
    assert all(review["claimReviewed"] == spoken.claim_text for review in reviews)  # the words only
