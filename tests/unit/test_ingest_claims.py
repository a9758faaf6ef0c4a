"""Claims: scores and reasons, line mode, and near-duplicate merging within an article."""

from __future__ import annotations

from ingest import split_claims
from ingest.checkworthy import score_sentence, threshold
from ingest.claims import merge_near_duplicates


def test_factual_sentence_outscores_opinion_question_and_greeting():
    fact = score_sentence("Unemployment fell to 3.5% in January, the lowest rate since 1969, the Labor Department said.")
    assert fact.checkworthy and fact.score >= threshold()
    assert {"quantity", "date", "attribution", "comparison"} <= set(fact.reasons)
    for text, reason in [("Is this really what we want for our children?", "question"),
                         ("I think that is a wonderful idea.", "opinion"),
                         ("Thank you very much.", "greeting"),
                         ("Join us and subscribe today.", "imperative"),
                         ("Absolutely.", "too short")]:
        assessment = score_sentence(text)
        assert reason in assessment.reasons
        assert not assessment.checkworthy
        assert assessment.score < fact.score


def test_reasons_cover_the_fact_checkers_categories():
    cases = {
        "causation": "The outbreak was caused by contaminated water, officials said.",
        "prediction": "The economy is expected to grow by 2% next year.",
        "law or rule": "The new law bans the sale of fireworks to minors.",
        "named entity with action": "Angela Merkel visited Paris to meet Emmanuel Macron.",
    }
    for reason, text in cases.items():
        assert reason in score_sentence(text).reasons, reason


def test_line_mode_keeps_each_line_whole():
    text = "Dr. Smith said prices rose. Wages fell.\n\nSecond line? Yes.\n"
    claims = split_claims(text, lines=True)
    assert [c.text for c in claims] == ["Dr. Smith said prices rose. Wages fell.", "Second line? Yes."]
    assert all(text[c.start:c.end] == c.text for c in claims)


def test_near_duplicates_are_merged_keeping_all_offsets():
    text = ("The army killed 15 fighters near the airbase on Monday. Other news followed. "
            "The army killed 15 fighters near the airbase on Monday! "
            "On Monday, near the airbase, the army killed 15 fighters.")
    merged = merge_near_duplicates(split_claims(text))
    assert [m.text for m in merged] == [
        "The army killed 15 fighters near the airbase on Monday.",
        "Other news followed.",
    ]
    repeats = [text[start:end] for start, end in merged[0].also_at]
    assert repeats == ["The army killed 15 fighters near the airbase on Monday!",
                       "On Monday, near the airbase, the army killed 15 fighters."]


def test_distinct_sentences_are_not_merged():
    text = "Prices rose 4% in 2022 in France. Prices fell 4% in 2021 in Spain."
    merged = merge_near_duplicates(split_claims(text))
    assert len(merged) == 2 and all(not m.also_at for m in merged)
