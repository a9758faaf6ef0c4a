"""The sample article from the shared seeds: cleaned text, metadata and its factual claims."""

from __future__ import annotations

import pytest

import ingest
from tests.conftest import SAMPLE_ARTICLE

pytestmark = pytest.mark.skipif(not SAMPLE_ARTICLE.exists(), reason=f"{SAMPLE_ARTICLE} is absent")


@pytest.fixture(scope="module")
def sample():
    return ingest.load_source(str(SAMPLE_ARTICLE))


def test_metadata_comes_from_the_headline_and_byline_block(sample):
    article, _ = sample
    assert article.title.startswith("Idlib De-Escalation Zone Collapses")
    assert article.source == "Global Research"
    assert article.author == "South Front"
    assert article.published == "2018-01-11"


def test_byline_block_and_legal_footer_are_dropped_and_recorded(sample):
    article, claims = sample
    for boilerplate in ("By South Front", "Region:", "Theme:", "In-depth Report", "Copyright",
                        "Disclaimer", "fair use", "Comment on", "Become a Member", "media inquiries",
                        "All images in this article", "original source", "Articles by",
                        "globalresearch.ca"):
        assert boilerplate.lower() not in article.text.lower()
        assert all(boilerplate.lower() not in c.text.lower() for c in claims)
    assert article.dropped_count >= 10
    assert "Region: Middle East" in article.dropped_preview
    assert "](" not in article.text and "**" not in article.text


def test_claims_are_the_factual_sentences(sample):
    article, claims = sample
    worthy = [c.text for c in claims if c.checkworthy]
    expected = [
        "announcing a large counter-offensive",
        "declared their readiness to assist",
        "Clashes between militants and government troops",
        "at least 15 SAA troops and destroyed a BMP vehicle",
        "agreed within the Astana talks",
        "a ceasefire should be established",
    ]
    for fragment in expected:
        assert any(fragment in text for text in worthy), fragment
    assert all("](" not in c.text for c in claims)
    for claim in claims:
        assert article.text[claim.start:claim.end] == claim.text


def test_the_casualty_claim_carries_the_quantity_reason(sample):
    _, claims = sample
    (claim,) = [c for c in claims if "at least 15 SAA troops" in c.text]
    assert "quantity" in claim.reasons
    assert claim.checkworthy
