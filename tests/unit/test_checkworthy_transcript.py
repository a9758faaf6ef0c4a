"""Transcript mode: lines scored with their speakers' roles, reasons saying so."""

from __future__ import annotations

import math

import pytest

from ingest import checkworthy
from ingest.claims import transcript_claims
from ingest.model import load_model

CLAIM = "Unemployment fell to 3.5% in 2019, the lowest rate since 1969."


def debate() -> list[tuple[str, str]]:
    lines = [("HOLT", "Good evening from Hofstra University."), ("HOLT", "Why are you running for president?")]
    for n in range(12):
        lines.append(("TRUMP", f"We lost {n + 2},000 jobs in Ohio last year."))
        lines.append(("CLINTON", f"My plan creates {n + 10} million jobs by 2020."))
        lines.append(("HOLT", "Secretary Clinton, what do you say to that?"))
    lines.append(("HOLT", CLAIM))
    lines.append(("TRUMP", CLAIM))
    return lines


def test_the_moderator_is_the_speaker_asking_most_questions():
    lines = debate()
    roles = checkworthy.transcript_roles([s for s, _ in lines], [t for _, t in lines])
    assert roles.moderator == "HOLT"
    assert max(roles.share_gap.values()) == 0.0


def test_a_moderators_claim_ranks_below_the_same_claim_from_a_candidate():
    lines = debate()
    scored = checkworthy.score_transcript(lines)
    assert len(scored) == len(lines)
    (moderator_score, moderator_reasons), (candidate_score, candidate_reasons) = scored[-2], scored[-1]
    assert moderator_score < candidate_score
    assert "moderator" in moderator_reasons and "moderator" not in candidate_reasons
    assert "quantity" in candidate_reasons  # the sentence's own reasons stay


def test_one_speaker_keeps_the_sentence_scores():
    lines = [("TRUMP", "Unemployment fell to 3.5% in 2019."), ("TRUMP", "Thank you."), ("TRUMP", "Is that fair?")]
    scored = checkworthy.score_transcript(lines)
    assert [score for score, _ in scored] == [checkworthy.score_sentence(t).score for _, t in lines]
    assert [reasons for _, reasons in scored] == [checkworthy.score_sentence(t).reasons for _, t in lines]


def test_only_repeated_and_sweeping_claims_are_raised_and_empty_transcripts_are_fine():
    lines = debate()
    raised = set()
    for (score, reasons), (_, text) in zip(checkworthy.score_transcript(lines), lines):
        assert 0.0 <= score <= 1.0
        if score > checkworthy.score_sentence(text).score:
            assert {"repeated claim", "sweeping claim"} & set(reasons)
            raised.update({"repeated claim", "sweeping claim"} & set(reasons))
    # The candidates' near-identical job figures repeat each other; CLAIM says "the lowest".
    assert raised == {"repeated claim", "sweeping claim"}
    assert checkworthy.score_transcript([]) == []


@pytest.mark.parametrize("text", [
    "He has never paid a dime in taxes.",
    "This is the biggest tax cut in our history.",
    "No one has done more for veterans.",
    "EVERYONE knows the plan failed.",
    "It was the first time ever.",
    "Crime is at a record high.",
])
def test_sweeping_claims_are_absolutes_and_superlatives(text: str):
    assert checkworthy.sweeping(text)


@pytest.mark.parametrize("text", [
    "Unemployment fell to 3.5% in 2019.",
    "The meeting was recorded and the allowance firstly paid.",  # whole words only
    "Nevertheless, the bill passed the Senate.",
    "",
])
def test_plain_claims_are_not_sweeping(text: str):
    assert not checkworthy.sweeping(text)


def test_a_sweeping_claim_is_raised_by_its_weight_with_a_reason_from_half_a_unit():
    lines = [("TRUMP", "Unemployment fell to 3.5% in 2019."),
             ("TRUMP", "Our economy is the strongest it has ever been.")]
    weight = load_model().transcript_weights["sweeping claim"]
    assert weight >= 0.5
    (plain, plain_reasons), (sweeping, sweeping_reasons) = checkworthy.score_transcript(lines)
    assert plain == checkworthy.score_sentence(lines[0][1]).score and "sweeping claim" not in plain_reasons
    sentence = checkworthy.score_sentence(lines[1][1]).score
    assert checkworthy._logit(sweeping) - checkworthy._logit(sentence) == pytest.approx(weight, abs=0.01)
    assert "sweeping claim" in sweeping_reasons
    speakers, texts = [s for s, _ in lines], [t for _, t in lines]
    small = checkworthy.transcript_adjustments(speakers, texts, {"sweeping claim": 0.25})
    assert small == [(0.0, (), ()), (0.25, (), ())]  # a small lift changes the score without a reason


def test_repetition_is_the_largest_content_word_overlap_with_another_line():
    texts = ["We are the highest taxed nation in the world.",
             "Good evening, everybody.",
             "Remember this: we're the highest taxed nation in the world.",
             "Our businesses pay more taxes than any businesses anywhere."]
    overlap = checkworthy.repetition(texts)
    # Content words {highest, taxed, nation, world} (each in 2 of the 4 lines: weight log 2)
    # against the same and "remember" (in 1 line: weight log 4).
    shared = 4 * math.log(2)
    assert overlap[0] == pytest.approx(shared / (shared + math.log(4))) == overlap[2]
    assert overlap[1] == 0.0 and overlap[3] == 0.0
    assert checkworthy.repetition([]) == [] and checkworthy.repetition(["Taxes, taxes."]) == [0.0]


def test_words_of_the_whole_transcript_do_not_make_a_repeat():
    # "taxes" and "matter" are in every line: the transcript's topic, not a repeated claim.
    places = ("Ohio Texas Iowa Utah Maine Idaho Kansas Nevada Oregon Alaska Hawaii Vermont Georgia Florida "
              "Alabama Arizona Montana Wyoming Dakota Kentucky Virginia Delaware Indiana").split()
    texts = [f"Taxes matter in {place}." for place in places]
    assert len(texts) > checkworthy.REPEAT_MAX_LINES
    assert set(checkworthy.repetition(texts)) == {0.0}
    assert checkworthy.repetition(texts[:3] + ["Taxes matter in Ohio!"])[0] == 1.0  # few lines: a repeat


def test_a_repeated_claim_ranks_above_the_same_claim_said_once():
    lines = [("TRUMP", "We're the highest taxed nation in the world."),
             ("TRUMP", "The wall will be paid for."),
             ("HOLT", "Mr. Trump, is that right?"),
             ("TRUMP", "We are the highest taxed nation anywhere in the world."),
             ("CLINTON", "We're the highest taxed nation in the world, he says.")]
    once = [("TRUMP", "We're the highest taxed nation in the world."), ("TRUMP", "The wall will be paid for.")]
    (repeated_score, reasons), = checkworthy.score_transcript(lines)[:1]
    assert "repeated claim" in reasons
    assert repeated_score > checkworthy.score_transcript(once)[0][0]


def test_shipped_model_carries_transcript_weights_and_falls_back_without_them(monkeypatch: pytest.MonkeyPatch):
    weights = load_model().transcript_weights
    assert weights["moderator"] <= 0 and weights["questions"] < 0 and weights["speaker share"] > 0
    assert weights["repeated claim"] > 0 and weights["sweeping claim"] > 0
    monkeypatch.setattr(checkworthy, "load_model", lambda: None)
    lines = debate()
    assert [s for s, _ in checkworthy.score_transcript(lines)] == [
        checkworthy.score_sentence(t).score for _, t in lines]


def test_a_second_interviewer_is_lowered_for_asking_questions():
    lines = debate()
    lines[2:2] = [("MUIR", "Mr. Trump, how will you pay for it?"), ("MUIR", "And the deficit?"),
                  ("MUIR", "Will you cut Medicare?")]
    lines.append(("MUIR", CLAIM))
    lines.append(("CLINTON", CLAIM))
    roles = checkworthy.transcript_roles([s for s, _ in lines], [t for _, t in lines])
    assert roles.moderator == "HOLT"  # the one moderator; MUIR is caught by the question share
    assert roles.question_excess["MUIR"] > roles.question_excess["CLINTON"] >= 0.0
    assert min(roles.question_excess[s] for s in ("TRUMP", "CLINTON", "HOLT", "MUIR")) == 0.0
    (interviewer_score, interviewer_reasons), (candidate_score, _) = checkworthy.score_transcript(lines)[-2:]
    assert interviewer_score < candidate_score
    assert "asks questions" in interviewer_reasons


def test_repetition_does_not_depend_on_string_hashing():
    """Sets of words are walked in an order that changes with PYTHONHASHSEED; the overlaps must not."""
    import os
    import subprocess
    import sys

    program = ("from ingest.checkworthy import repetition; print(repr(repetition(["
               "'Taxes rose in Ohio and Texas last year.', 'Ohio and Texas saw taxes rise.', "
               "'Jobs grew in Maine.', 'Maine jobs grew fast, and Texas jobs too.'])))")
    outputs = {
        subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    values = [float(v) for v in next(iter(outputs)).strip("[]\n").split(",")]
    assert len(values) == 4 and all(0.0 < v < 1.0 for v in values)


REV_STYLE = """Chris Wallace: (01:20)
Good evening from the Health Education Campus of Case Western Reserve University.

Donald Trump: (02:10)
We lost 70,000 factories since China entered the World Trade Organization.
Joe Biden: (02:45)
Here's the thing:
Chris Wallace: (03:00)
Mr. Vice President, the deficit rose by 3 trillion dollars last year, didn't it?
"""


def test_a_line_naming_only_the_next_speaker_is_not_a_claim():
    claims = transcript_claims(REV_STYLE)
    assert [(c.speaker, c.text) for c in claims] == [
        ("Chris Wallace", "Good evening from the Health Education Campus of Case Western Reserve University."),
        ("Donald Trump", "We lost 70,000 factories since China entered the World Trade Organization."),
        ("Joe Biden", "Here's the thing:"),  # speech ending in a colon, not a speaker's name
        ("Chris Wallace", "Mr. Vice President, the deficit rose by 3 trillion dollars last year, didn't it?"),
    ]
    assert all(REV_STYLE[c.start:c.end] == c.text for c in claims)


def test_time_stamps_before_a_speaker_are_not_part_of_the_claim():
    text = "[00:01:23] TRUMP: We lost 70,000 factories since 2001.\n00:01:30 BIDEN: The number is 50,000.\n"
    assert [(c.speaker, c.text) for c in transcript_claims(text)] == [
        ("TRUMP", "We lost 70,000 factories since 2001."), ("BIDEN", "The number is 50,000.")]


def test_a_list_with_one_heading_is_not_a_transcript():
    assert transcript_claims("Summary:\nThe deficit rose by 3%.\nTaxes fell.\nJobs grew.\n") is None
    assert transcript_claims("TRUMP:\n") is None


def test_roles_rank_a_claim_lower_but_never_hide_one_the_sentence_shows():
    claim = "Unemployment fell to 3.5% in 2019."
    lines = [("TRUMP", f"We lost {n},000 factories in Ohio in 2016.") for n in range(2, 12)]
    lines += [("CLINTON", claim), ("HOLT", "Secretary Clinton, is that right?")]
    assert checkworthy.score_sentence(claim).checkworthy
    *_, clinton, holt = checkworthy.assess_transcript(lines)
    assert "minor speaker" in clinton.reasons
    assert clinton.score < checkworthy.threshold() <= checkworthy.score_sentence(claim).score
    assert clinton.checkworthy  # lower in the list, still shown
    assert not holt.checkworthy  # a question is not check-worthy, as a sentence either
    assert [(a.score, a.reasons) for a in checkworthy.assess_transcript(lines)] == checkworthy.score_transcript(lines)
