"""Transcript mode: lines scored with their speakers' roles, reasons saying so."""

from __future__ import annotations

import pytest

from ingest import checkworthy
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
    lines = [("TRUMP", CLAIM), ("TRUMP", "Thank you."), ("TRUMP", "Is that fair?")]
    scored = checkworthy.score_transcript(lines)
    assert [score for score, _ in scored] == [checkworthy.score_sentence(t).score for _, t in lines]
    assert [reasons for _, reasons in scored] == [checkworthy.score_sentence(t).reasons for _, t in lines]


def test_roles_only_lower_scores_and_empty_transcripts_are_fine():
    lines = debate()
    for (score, _), (_, text) in zip(checkworthy.score_transcript(lines), lines):
        assert 0.0 <= score <= checkworthy.score_sentence(text).score
    assert checkworthy.score_transcript([]) == []


def test_shipped_model_carries_transcript_weights_and_falls_back_without_them(monkeypatch: pytest.MonkeyPatch):
    weights = load_model().transcript_weights
    assert weights["moderator"] <= 0 and weights["questions"] < 0 and weights["speaker share"] > 0
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
