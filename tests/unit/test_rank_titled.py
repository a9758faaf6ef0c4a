"""Reranking of titled candidates (fact-checks with a headline): character n-gram
coverage, picture/video agreement, conflicts, score bounds and the threshold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import DEFAULT_MIN_SCORE, rank_candidates
from matchers.rank import TITLED_WEIGHTS, candidate_features
from store.models import Candidate


def titled(*pairs: tuple[str, str], bm25: float = 0.0) -> list[Candidate]:
    return [
        Candidate(id=i, kind="reference", text=text, title=title, bm25=bm25)
        for i, (text, title) in enumerate(pairs)
    ]


def test_titled_candidates_get_exactly_the_titled_features() -> None:
    pool = titled(("A photograph shows a giant ammonite fossil.", "Giant Ammonite Fossil?"), bm25=-3.0)
    features = candidate_features("Look at this giant ammonite fossil", pool)[0]
    assert set(features) == set(TITLED_WEIGHTS)
    assert all(0.0 <= value <= 1.0 for value in features.values())


def test_character_ngrams_equate_word_forms_the_stemmer_keeps_apart() -> None:
    query = "The campaign photoshopped a hat onto him #bedbugs"
    pool = titled(
        ("The campaign used photoshop to add a hat.", "Campaign Photoshop Hat and Bed Bugs?"),
        ("The campaign sold a hat.", "Campaign Hat Sales"),
    )
    first, second = candidate_features(query, pool)
    assert first["char_query_coverage"] > second["char_query_coverage"]


def test_a_picture_tweet_agrees_with_a_photograph_claim_not_a_video_claim() -> None:
    query = "Migrants storm the beach pic.twitter.com/AbC123"
    pool = titled(
        ("A photograph shows migrants on a beach.", "Migrants on a Beach?"),
        ("A video shows migrants on a beach.", "Migrants on a Beach?"),
    )
    photo, video = candidate_features(query, pool)
    assert photo["media"] == 1.0 and video["media"] == 0.0
    # A video tweet agrees with the video claim instead.
    photo, video = candidate_features("Footage of migrants storming the beach", pool)
    assert photo["media"] == 0.0 and video["media"] == 1.0
    # Without either, nothing agrees.
    assert {f["media"] for f in candidate_features("Migrants storm the beach", pool)} == {0.0}


def test_titled_identical_claim_scores_100_and_ranks_above_its_conflicts() -> None:
    query = "Iran killed 15 troops at the base in 2019"
    pool = titled(
        ("Iran killed 50 troops at the base in 2019", "Did Iran Kill Troops at the Base?"),
        ("Iran killed 15 troops at the base in 2018", "Did Iran Kill Troops at the Base?"),
        ("Iran never killed 15 troops at the base in 2019", "Did Iran Kill Troops at the Base?"),
        ("Iraq killed 15 troops at the base in 2019", "Did Iraq Kill Troops at the Base?"),
        ("Iran killed 15 troops at the base in 2019", "Did Iran Kill Troops at the Base?"),
        bm25=-5.0,
    )
    matches = rank_candidates(query, pool, limit=5, min_score=0)
    assert matches[0].candidate.id == 4 and matches[0].score == 100
    assert not matches[0].explanation["conflicts"]
    for match in matches[1:]:
        assert match.score < 100 and match.explanation["conflicts"]


def test_titled_threshold_separates_the_same_claim_from_a_same_topic_one() -> None:
    query = "Nancy Pelosi said the border wall is immoral"
    pool = [
        Candidate(id=1, kind="reference", text="Nancy Pelosi called a border wall immoral.",
                  title="Did Pelosi Call the Border Wall Immoral?", bm25=-9.0),
        Candidate(id=2, kind="reference", text="The border wall will cost 25 billion dollars.",
                  title="Will the Wall Cost $25 Billion?", bm25=-4.0),
    ]
    scores = {m.candidate.id: m.score for m in rank_candidates(query, pool, min_score=0)}
    assert scores[1] >= DEFAULT_MIN_SCORE > scores[2]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200), st.lists(st.tuples(st.text(max_size=120), st.text(min_size=1, max_size=80)),
                                      min_size=1, max_size=6))
def test_titled_scores_stay_within_bounds_and_sorted(query: str, pairs: list[tuple[str, str]]) -> None:
    pool = titled(*pairs, bm25=-2.0)
    scores = [m.score for m in rank_candidates(query, pool, limit=10, min_score=0)]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
