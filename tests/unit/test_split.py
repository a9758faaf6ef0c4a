"""Sentence splitting on tricky real text, and the offsets invariant for any text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from ingest import split_claims
from ingest.split import MAX_SENTENCE_CHARS, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abbreviations_do_not_end_sentences():
    text = ("The U.S. Senate met Dr. Smith on Jan. 11 at 9 a.m. in Washington. "
            "Mr. Jones, of Acme Inc., disagreed. Prof. J. K. Rowling et al. wrote it.")
    assert sentences(text) == [
        "The U.S. Senate met Dr. Smith on Jan. 11 at 9 a.m. in Washington.",
        "Mr. Jones, of Acme Inc., disagreed.",
        "Prof. J. K. Rowling et al. wrote it.",
    ]


def test_abbreviation_at_the_end_of_a_sentence():
    text = "The troops returned to the U.S. The war was over."
    assert sentences(text) == ["The troops returned to the U.S.", "The war was over."]


def test_decimals_thousands_and_initials():
    text = "Inflation rose 3.5% to 1,200.5 points. George W. Bush won 50.7% of the vote."
    assert sentences(text) == ["Inflation rose 3.5% to 1,200.5 points.", "George W. Bush won 50.7% of the vote."]


def test_quotes_parentheses_and_ellipses():
    text = ('"We will win," he said. "Is it true?" she asked. (The vote was close.) '
            'He paused... Then he left. \u201cNo.\u201d That was all.')
    assert sentences(text) == [
        '"We will win," he said.',
        '"Is it true?" she asked.',
        "(The vote was close.)",
        "He paused...",
        "Then he left.",
        "\u201cNo.\u201d",
        "That was all.",
    ]


def test_lists_and_headings_are_units():
    text = "Key facts\n\n- Prices rose 4%\n- Wages fell\n1. First point here\n2) Second point\n\nBody text follows."
    assert sentences(text) == ["Key facts", "Prices rose 4%", "Wages fell", "First point here",
                               "Second point", "Body text follows."]


def test_hyphenated_names_and_windows_line_endings():
    text = "Clashes near Abu al-Duhur involved al-Qaeda.\r\n\r\nHayat Tahrir al-Sham denied it.\r\n"
    assert sentences(text) == ["Clashes near Abu al-Duhur involved al-Qaeda.", "Hayat Tahrir al-Sham denied it."]


def test_cjk_and_emoji():
    assert sentences("中文句子。第二句！第三句？") == ["中文句子。", "第二句！", "第三句？"]
    assert sentences("Family 👨‍👩‍👧 arrived. Then 🎉 happened.") == ["Family 👨‍👩‍👧 arrived.", "Then 🎉 happened."]


def test_hard_wrapped_lines_continue_the_sentence():
    text = "The minister said the plan\nwould cost 3 billion.\nA second sentence."
    assert sentences(text) == ["The minister said the plan\nwould cost 3 billion.", "A second sentence."]


def test_a_run_without_punctuation_is_cut_at_the_cap():
    text = "word " * 20000
    spans = sentence_spans(text)
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


def test_long_sentence_is_cut_at_clause_boundaries():
    text = ", ".join(["the army moved north"] * 120) + "."
    spans = sentence_spans(text)
    assert len(spans) > 1
    for s, e in spans[:-1]:
        assert text[e - 1] == "," and e - s <= MAX_SENTENCE_CHARS


def test_punctuation_only_fragments_are_not_sentences():
    assert sentences("*\n\n---\n\n...") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\r\t,;:\"'()-1\u3002\u200d👨é")) , max_size=300) | st.text(max_size=200))
def test_offsets_slice_exactly_and_never_overlap(text):
    claims = split_claims(text)
    previous_end = 0
    for claim in claims:
        assert text[claim.start:claim.end] == claim.text
        assert claim.text and claim.text == claim.text.strip()
        assert claim.start >= previous_end
        assert 0.0 <= claim.score <= 1.0
        previous_end = claim.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=3000), st.integers(min_value=20, max_value=200))
def test_cap_holds_for_any_text(text, cap):
    for start, end in sentence_spans(text, cap):
        assert end - start <= cap
