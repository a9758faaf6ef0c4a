"""Properties of the matcher, for any query and candidates: scores stay in [0, 100], a
candidate with the query's own text scores 100, the ranking is sorted and deterministic,
and the FTS5 query built from any text is one SQLite accepts."""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from matchers import build_fts_query, normalise_for_matching, rank_candidates
from store.models import Candidate

WORDS = ["the", "mayor", "said", "300", "trees", "were", "planted", "in", "2021", "not", "Lagos",
         "million", "3.5", "percent", "U.S.", "vac\u200bcine", "vaccine", "\u202eetad", "ma\u0301s",
         "\u4e2d\u6587", "\U0001f600", "[bold]", "\x1b[31m", "-", "\"", "AND", "OR", "NOT", "NEAR", "*", "(", ")"]
sentences = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
    st.text(min_size=1, max_size=200),
)
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _candidates(texts: list[str]) -> list[Candidate]:
    return [Candidate(id=i + 1, kind="reference", text=t, source="s") for i, t in enumerate(texts)]


@PROPERTY
@given(sentences, st.lists(sentences, min_size=1, max_size=12))
def test_scores_are_between_0_and_100_and_sorted(query: str, texts: list[str]) -> None:
    candidates = _candidates(texts)
    ranked = rank_candidates(query, candidates, limit=len(candidates), min_score=0)
    scores = [m.score for m in ranked]
    assert all(0.0 <= s <= 100.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({m.candidate.id for m in ranked}) == len(ranked)


@PROPERTY
@given(st.lists(st.sampled_from(WORDS[:16]), min_size=1, max_size=20).map(" ".join),
       st.lists(sentences, max_size=8))
@example("The mayor said 300 trees were planted", [])
@example("vac\u200bcine", [])
def test_identical_text_scores_100(query: str, others: list[str]) -> None:
    assume(normalise_for_matching(query).strip())
    candidates = _candidates([*others, query])
    ranked = rank_candidates(query, candidates, limit=len(candidates), min_score=0)
    by_id = {m.candidate.id: m.score for m in ranked}
    assert by_id.get(len(candidates)) == 100.0


def test_invisible_characters_do_not_change_a_match() -> None:
    [match] = rank_candidates("vac\u200bcine rollout reached 40 percent",
                              _candidates(["vaccine rollout reached 40 percent"]), min_score=0)
    assert match.score == 100.0


@PROPERTY
@given(sentences, st.lists(sentences, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_ranking_is_deterministic_and_independent_of_candidate_order(
    query: str, texts: list[str], rng: random.Random
) -> None:
    candidates = _candidates(texts)
    first = rank_candidates(query, candidates, limit=len(candidates), min_score=0)
    again = rank_candidates(query, candidates, limit=len(candidates), min_score=0)
    assert [(m.candidate.id, m.score) for m in first] == [(m.candidate.id, m.score) for m in again]
    # Ties keep the candidates' input order.
    for a, b in zip(first, first[1:]):
        if a.score == b.score:
            assert a.candidate.id < b.candidate.id
    shuffled = candidates[:]
    rng.shuffle(shuffled)
    other = rank_candidates(query, shuffled, limit=len(candidates), min_score=0)
    assert {(m.candidate.id, m.score) for m in other} == {(m.candidate.id, m.score) for m in first}


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('the mayor said 300 trees were planted')")
    return conn


@PROPERTY
@given(sentences)
@example('"unbalanced AND (NEAR OR * -')
@example("\x00")
def test_any_text_makes_a_valid_fts_query(fts: sqlite3.Connection, text: str) -> None:
    query = build_fts_query(text)
    if query:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", [query]).fetchall()
