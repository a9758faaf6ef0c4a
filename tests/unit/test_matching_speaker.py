"""Who said a transcript's line, and when, in matching: with a bonus, a claim its speaker
made (names compared with titles and first names tolerated) and a claim stated that year
or the year before rank above an otherwise equal one, or a slightly better-scored one,
with their scores unchanged (the score stays the same-claim chance); no speaker or date,
no effect. The claimant comes from the import (PolitiFact's "speaker") through the
store's search."""

from __future__ import annotations

import json

import pytest

import operations
from matchers import is_same_claim
from matchers import rank_candidates
from matchers.context import same_speaker, stated_recently
from operations.matching import claim_query

# Bonuses for the examples below (the shipped ones, fitted on CheckThat! 2022 2B train,
# are matchers.rank's SPEAKER_BONUS and DATE_BONUS).
SPEAKER = dict(speaker_bonus=20.0)
DATE = dict(date_bonus=30.0)
from store.models import ArticleDraft, Candidate, ClaimDraft

TEXT = "Unemployment in Ohio fell to 3.5 percent in 2019"
TITLE = "Did unemployment in Ohio fall to 3.5 percent?"


@pytest.mark.parametrize(
    ("speaker", "claimant"),
    [
        ("PRESIDENT OBAMA", "Barack Obama"),
        ("Obama", "Barack Obama"),
        ("TRUMP", "Donald Trump"),
        ("SEN. BERNIE SANDERS", "Bernie Sanders"),
        ("MR. ROMNEY", "Mitt Romney"),
        ("H. Clinton", "Hillary Clinton"),
        ("Hillary Rodham Clinton", "Hillary Clinton"),
        ("José Martínez", "Jose Martinez"),
    ],
)
def test_titles_first_names_and_accents_are_tolerated(speaker: str, claimant: str) -> None:
    assert same_speaker(speaker, claimant)
    assert same_speaker(claimant, speaker)


@pytest.mark.parametrize(
    ("speaker", "claimant"),
    [
        ("Bill Clinton", "Hillary Clinton"),
        ("Donald Trump Jr.", "Donald Trump"),
        ("TRUMP", "Facebook posts"),
        ("", "Donald Trump"),
        ("TRUMP", ""),
    ],
)
def test_other_people_and_unknown_names_are_not_the_speaker(speaker: str, claimant: str) -> None:
    assert not same_speaker(speaker, claimant)


def test_a_claim_is_recent_in_the_year_of_the_line_or_the_year_before() -> None:
    assert stated_recently("2016-09-26", "stated on October 22, 2015 in a speech:")
    assert stated_recently("2016-09-26", "2016-01-04")
    assert not stated_recently("2016-09-26", "2014-12-31")
    assert not stated_recently("2016-09-26", "2017-01-02")
    assert not stated_recently("", "2016-01-04")
    assert not stated_recently("2016-09-26", "")


def _twins(**first) -> list[Candidate]:
    """Two candidates alike in everything but who made them (or when), the other speaker's
    first (no BM25: the trees' pool-rank features would tell identical twins apart)."""
    other = dict(claimant="Sherrod Brown", date="2009-05-01") | first
    return [
        Candidate(id=1, kind="reference", text=TEXT, title=TITLE, **other),
        Candidate(id=2, kind="reference", text=TEXT, title=TITLE,
                  claimant="Barack Obama", date="2012-03-01"),
    ]


@pytest.mark.parametrize("titled", [True, False])
def test_the_speakers_own_claim_ranks_above_an_otherwise_equal_one(titled: bool) -> None:
    candidates = _twins(date="2012-03-01")
    if not titled:  # the score without the trees (an article's claim has no title)
        candidates = [Candidate(id=c.id, kind="claim", text=c.text, bm25=c.bm25, claimant=c.claimant,
                                date=c.date) for c in candidates]
    query = "President Obama said unemployment in Ohio fell to 3.5 percent"
    ranked = rank_candidates(query, candidates, min_score=0, speaker="PRESIDENT OBAMA", **SPEAKER)
    assert [m.candidate.id for m in ranked] == [2, 1]
    assert ranked[0].score == ranked[1].score  # the order moves, the scores do not
    assert ranked[0].explanation["prior"] == ["same speaker"] and "prior" not in ranked[1].explanation
    # No speaker: no effect (equal scores, input order).
    plain = rank_candidates(query, candidates, min_score=0, **SPEAKER)
    assert [m.candidate.id for m in plain] == [1, 2]
    assert plain[0].score == plain[1].score
    # Someone else speaking: no effect either.
    other = rank_candidates(query, candidates, min_score=0, speaker="KASICH", **SPEAKER)
    assert [m.candidate.id for m in other] == [1, 2]


def test_a_claim_stated_near_the_lines_date_ranks_above_an_older_one() -> None:
    candidates = _twins(claimant="Barack Obama")
    query = "Unemployment in Ohio fell to 3.5 percent"
    ranked = rank_candidates(query, candidates, min_score=0, date="2012-10-03", **DATE)
    assert [m.candidate.id for m in ranked] == [2, 1]
    assert ranked[0].score == ranked[1].score
    assert ranked[0].explanation["prior"] == ["same or prior year"]
    plain = rank_candidates(query, candidates, min_score=0, **DATE)
    assert [m.candidate.id for m in plain] == [1, 2] and plain[0].score == plain[1].score


def _by_brown_and_obama(titled: bool) -> list[Candidate]:
    """Sherrod Brown's claim, worded like the query, and Barack Obama's, worded less like it."""
    rows = [(1, TEXT, TITLE, "Sherrod Brown"),
            (2, "Ohio's unemployment rate fell to 3.5 percent", "Did Ohio's jobless rate fall to 3.5 percent?",
             "Barack Obama")]
    return [Candidate(id=i, kind="reference" if titled else "claim", text=text, title=title if titled else "",
                      claimant=claimant, date="2012-03-01") for i, text, title, claimant in rows]


@pytest.mark.parametrize("titled", [True, False])
def test_the_speakers_claim_is_listed_above_a_better_scored_one_with_its_score_unchanged(titled: bool) -> None:
    query = "Obama: unemployment in Ohio fell to 3.5 percent last year"
    candidates = _by_brown_and_obama(titled)
    plain = {m.candidate.id: m for m in rank_candidates(query, candidates, min_score=0, **SPEAKER)}
    assert plain[1].score > plain[2].score  # Brown's words are closer
    ranked = rank_candidates(query, candidates, min_score=0, speaker="PRESIDENT OBAMA", **SPEAKER)
    assert [m.candidate.id for m in ranked] == [2, 1]
    assert [m.score for m in ranked] == [plain[2].score, plain[1].score]
    assert ranked[0].rank_bonus == SPEAKER["speaker_bonus"] and ranked[1].rank_bonus == 0


def test_the_semantic_stage_keeps_the_speakers_claim_first_and_fuses_the_same_scores() -> None:
    """The embeddings rerank by their fused score plus the lexical stage's bonus, so the
    prior survives the second stage and the fused scores are those of a line without a
    speaker."""
    from matchers.semantic import fuse_semantic, rerank_semantic

    query = "Obama: unemployment in Ohio fell to 3.5 percent last year"
    candidates = _by_brown_and_obama(True)
    plain = rerank_semantic(query, rank_candidates(query, candidates, min_score=0, **SPEAKER))
    assert [m.candidate.id for m in plain] == [1, 2] and plain[0].score > plain[1].score
    fused = rerank_semantic(query, rank_candidates(query, candidates, min_score=0, speaker="OBAMA", **SPEAKER))
    assert [m.candidate.id for m in fused] == [2, 1]
    assert {m.candidate.id: m.score for m in fused} == {m.candidate.id: m.score for m in plain}
    assert fused[0].explanation["prior"] == ["same speaker"]
    # Equal similarities: the bonus alone decides between equal fused scores.
    assert [m.candidate.id for m in fuse_semantic(fused, [0.5, 0.5])] == [2, 1]


def test_a_query_without_speaker_or_date_is_ranked_as_without_bonuses() -> None:
    """Tweets and articles' sentences carry no speaker nor date: the bonuses, whatever
    they are, change neither their order nor their scores nor their explanations."""
    query = "Obama: unemployment in Ohio fell to 3.5 percent last year"
    candidates = [*_by_brown_and_obama(True), *_twins(date="2012-03-01")]
    candidates = [Candidate(id=i, kind=c.kind, text=c.text, title=c.title, claimant=c.claimant, date=c.date,
                            bm25=-1.0 - i / 10) for i, c in enumerate(candidates, start=1)]
    without = rank_candidates(query, candidates, min_score=0, speaker_bonus=0.0, date_bonus=0.0)
    with_bonuses = rank_candidates(query, candidates, min_score=0, **SPEAKER, **DATE)
    assert with_bonuses == without
    assert len(without) == 4 and all("prior" not in m.explanation and m.rank_bonus == 0 for m in without)


def test_a_transcript_line_in_the_desk_gets_candidates_with_their_claimant(store, tmp_path) -> None:
    """PolitiFact's "speaker" field is imported as the claimant, and a stored transcript's
    line, matched as the desk matches it (`operations.match_claim`), gets its candidates
    with their claimants (an explicit "claimant" wins over "speaker")."""
    path = tmp_path / "politifact.jsonl"
    rows = [
        {"text": TEXT, "title": TITLE, "speaker": "Sherrod Brown", "rating": "true", "date": "2012-03-01"},
        {"text": "Ohio's jobless rate fell to 3.5 percent", "title": TITLE, "claimant": "Barack Obama",
         "speaker": "ignored", "rating": "false",
         "date": "2012-03-01"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    operations.import_references(store, str(path))
    line = "Unemployment in Ohio fell to 3.5 percent in 2019, the lowest in years."
    text = f"PRESIDENT OBAMA: {line}"
    start = text.index(line)
    article_id, _ = store.add_article(
        ArticleDraft(title="Debate", text=text, published="2012-10-03"),
        [ClaimDraft(text=line, start=start, end=len(text), score=0.9, checkworthy=True,
                    speaker="PRESIDENT OBAMA")],
    )
    claim = store.claims_for_article(article_id)[0]
    found = operations.match_claim(store, claim, semantic=False)
    assert sorted(m.candidate.claimant for m in found) == ["Barack Obama", "Sherrod Brown"]
    # With the shipped bonuses Obama's own claim is ranked up and named as such, but the
    # same claim (said by another) stays first; both keep the scores of the same line
    # without a speaker.
    by_claimant = {m.candidate.claimant: m for m in found}
    assert by_claimant["Barack Obama"].explanation["prior"] == ["same speaker", "same or prior year"]
    assert by_claimant["Sherrod Brown"].explanation["prior"] == ["same or prior year"]
    same = [m for m in found if is_same_claim(m)]
    assert not same or found[0] is same[0]
    unattributed = operations.find_matches(store, claim_query(claim), semantic=False,
                                           exclude_article_id=article_id)
    assert {m.candidate.id: m.score for m in unattributed} == {m.candidate.id: m.score for m in found}
    # The line's matches are marked as a transcript's, for its same-claim threshold; the
    # same words without a speaker are not.
    assert all(m.explanation["query_kind"] == "transcript line" for m in found)
    assert all("query_kind" not in m.explanation for m in unattributed)
