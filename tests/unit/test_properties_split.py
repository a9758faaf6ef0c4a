"""Properties of the splitter and of control neutralising, for any text: offsets point at
the claim's own text, spans are ordered and disjoint, and no control character survives."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import neutralise_controls, split_claims
from ingest.claims import article_claims
from ingest.split import MAX_SENTENCE_CHARS

# Pieces that exercise the splitter's rules: abbreviations, decimals, quotes, ellipses,
# list markers, CJK stops, every kind of line break, bidi and zero-width characters.
PIECES = [
    "The", " mayor", " said", " 3.5", " million", " U.S.", " Dr.", " Jan. 11", " a.m.", "e.g.",
    ".", "!", "?", "...", "\u2026", "\u3002", "\uff01", "\uff1f", '"', "\u201d", "'", ")", "]",
    "\n", "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "- ", "* ", "1. ", "# ",
    " ", "\t", "\u202e", "\u200b", "\ufeff", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", "\x1b[31m", "\x9b", "\x00", "\x07",
    "[bold]", "[/]", "<script>", "&amp;",
]
texts = st.one_of(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join),
    st.text(max_size=400),
)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_spans(text: str, claims) -> None:
    previous_end = 0
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
        assert claim.start >= previous_end, "claims overlap or are out of order"
        previous_end = claim.end
        assert claim.text == claim.text.strip()
        assert len(claim.text) <= MAX_SENTENCE_CHARS
        assert 0.0 <= claim.score <= 1.0


@PROPERTY
@given(texts)
@example("Dr. Smith said 3.5 million U.S. jobs went. Then he left!")
@example("\u4e2d\u6587\u53e5\u5b50\u3002\u7b2c\u4e8c\u53e5\uff01")
@example("word " * 500)
def test_claim_offsets_point_at_the_claim_text(text: str) -> None:
    _check_spans(text, split_claims(text))
    _check_spans(text, split_claims(text, lines=True))


@PROPERTY
@given(texts)
def test_claims_of_neutralised_text_carry_no_controls(text: str) -> None:
    clean = neutralise_controls(text)
    for claim in split_claims(clean):
        assert not FORBIDDEN.search(claim.text), repr(claim.text)


@PROPERTY
@given(texts)
def test_merged_claims_keep_valid_offsets(text: str) -> None:
    clean = neutralise_controls(text)
    claims = article_claims(clean)
    _check_spans(clean, claims)
    for claim in claims:
        for start, end in claim.also_at:
            assert 0 <= start < end <= len(clean)
            assert clean[start:end].strip() == clean[start:end]


@PROPERTY
@given(st.text(max_size=300))
@example("a\rb\r\nc\x85d\u2028e")
@example("\x1b]52;c;SGVsbG8=\x07\x9b31m\x00\ud800")
def test_neutralising_removes_every_control_and_is_idempotent(text: str) -> None:
    clean = neutralise_controls(text)
    assert not FORBIDDEN.search(clean), repr(clean)
    assert "\r" not in clean
    assert not re.search("[\ud800-\udfff]", clean)
    assert neutralise_controls(clean) == clean
    # Ordinary text, tabs and newlines pass through untouched.
    plain = re.sub("[^a-zA-Z0-9 \t\n.,]", "", text)
    assert neutralise_controls(plain) == plain
