"""The boosted trees that correct titled candidates' scores: their pool-relative inputs,
their plain-Python evaluation, the shipped model, and how the score uses them."""

from __future__ import annotations

import math

import pytest

from matchers import rank_candidates
from matchers import rank as rank_module
from matchers.rank import TITLED_WEIGHTS, candidate_features, fuse, tree_inputs
from matchers.trees import MAX_POOL_RANK, RerankTrees, load_rerank_trees, pool_rows
from store.models import Candidate


def constant_trees(value: float, columns: tuple[str, ...] = (*TITLED_WEIGHTS, "fused")) -> RerankTrees:
    """Trees adding `value` (after the scale) to every candidate, with a link of slope 10
    about 0.5."""
    return RerankTrees(columns=columns, scale=10.0, link=(10.0, 0.5), nodes=((),), leaves=((10.0 * value,),))


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


POOL = [
    Candidate(id=1, kind="reference", text="Nancy Pelosi called a border wall immoral.",
              title="Did Pelosi Call the Border Wall Immoral?", bm25=-9.0),
    Candidate(id=2, kind="reference", text="The border wall will cost 25 billion dollars.",
              title="Will the Wall Cost $25 Billion?", bm25=-4.0),
]
QUERY = "Nancy Pelosi said the border wall is immoral"


def test_pool_rows_hold_values_distance_to_the_best_and_rank() -> None:
    rows = pool_rows([[0.2, 1.0], [0.5, 1.0], [0.1, 0.0]])
    assert rows[0] == [0.2, 1.0, pytest.approx(-0.3), 0.0, 1.0, 0.0]
    assert rows[1] == [0.5, 1.0, 0.0, 0.0, 0.0, 1.0]  # a tie ranks in input order
    assert rows[2] == [0.1, 0.0, pytest.approx(-0.4), -1.0, 2.0, 2.0]
    assert pool_rows([]) == []


def test_pool_rank_is_capped() -> None:
    rows = pool_rows([[float(-i)] for i in range(MAX_POOL_RANK + 10)])
    assert [row[2] for row in rows[-3:]] == [float(MAX_POOL_RANK)] * 3


def test_trees_sum_their_leaves_going_left_at_or_below_the_threshold() -> None:
    # Tree 1: feature 0 <= 0.5 ? (feature 1 <= 2 ? 1 : 2) : 3. Tree 2: a single leaf.
    trees = RerankTrees(
        columns=("a", "b"), scale=1.0, link=(1.0, 0.0),
        nodes=(((0, 0.5, 1, ~2), (1, 2.0, ~0, ~1)), ()),
        leaves=((1.0, 2.0, 3.0), (0.25,)),
    )
    assert trees.predict([0.5, 2.0]) == 1.25
    assert trees.predict([0.4, 2.5]) == 2.25
    assert trees.predict([0.6, 0.0]) == 3.25
    assert RerankTrees.from_json(trees.to_json()) == trees


def test_a_model_of_another_format_is_refused() -> None:
    data = constant_trees(0.1).to_json() | {"format": "something-else/9"}
    with pytest.raises(ValueError, match="format"):
        RerankTrees.from_json(data)


def test_the_shipped_trees_read_the_titled_features_and_their_pool_forms() -> None:
    trees = load_rerank_trees()
    assert trees is not None and trees.nodes
    assert trees.columns == (*TITLED_WEIGHTS, "fused")
    width = 3 * len(trees.columns)
    assert all(0 <= feature < width for nodes in trees.nodes for feature, _, _, _ in nodes)
    assert all(math.isfinite(value) for leaves in trees.leaves for value in leaves)
    rows = tree_inputs(candidate_features(QUERY, POOL), trees.columns)
    assert all(len(row) == width for row in rows)


def test_the_score_is_the_link_of_the_corrected_mean(monkeypatch) -> None:
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: constant_trees(0.1))
    features = candidate_features(QUERY, POOL)
    scores = {m.candidate.id: m.score for m in rank_candidates(QUERY, POOL, min_score=0, conflict_penalty=0)}
    for candidate, values in zip(POOL, features):
        assert scores[candidate.id] == round(100 * logistic(10 * (fuse(values) + 0.1 - 0.5)), 1)


def test_a_conflict_is_taken_from_the_corrected_mean_before_the_link(monkeypatch) -> None:
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: constant_trees(0.0))
    query = "Iran killed 15 troops at the base in 2019"
    pool = [Candidate(id=1, kind="reference", text="Iran killed 50 troops at the base in 2019",
                      title="Did Iran Kill Troops at the Base?", bm25=-5.0)]
    mean = fuse(candidate_features(query, pool)[0])
    (match,) = rank_candidates(query, pool, min_score=0, conflict_penalty=20)
    kinds = {flag["kind"] for flag in match.explanation["conflicts"]}
    assert kinds
    assert match.score == round(100 * logistic(10 * (mean - 0.2 * len(kinds) - 0.5)), 1)


@pytest.mark.parametrize("correction", [-50.0, 50.0])
def test_a_large_correction_keeps_scores_within_bounds(monkeypatch, correction: float) -> None:
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: constant_trees(correction))
    scores = [m.score for m in rank_candidates(QUERY, POOL, min_score=0)]
    assert scores == ([100.0, 100.0] if correction > 0 else [0.0, 0.0])


def test_trees_apply_to_the_shipped_weights_only_and_with_bm25(monkeypatch) -> None:
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: constant_trees(0.3))
    with_trees = [m.score for m in rank_candidates(QUERY, POOL, min_score=0)]
    given_weights = [m.score for m in rank_candidates(QUERY, POOL, min_score=0, weights=TITLED_WEIGHTS)]
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: None)
    linear = [m.score for m in rank_candidates(QUERY, POOL, min_score=0)]
    assert given_weights == linear and all(t > s for t, s in zip(with_trees, linear))
    # Candidates from elsewhere than the FTS index (no BM25) keep the weighted mean.
    no_bm25 = [Candidate(id=c.id, kind=c.kind, text=c.text, title=c.title) for c in POOL]
    plain = [m.score for m in rank_candidates(QUERY, no_bm25, min_score=0)]
    monkeypatch.setattr(rank_module, "load_rerank_trees", lambda: constant_trees(0.3))
    assert [m.score for m in rank_candidates(QUERY, no_bm25, min_score=0)] == plain


def test_identical_text_still_scores_100_with_the_shipped_trees() -> None:
    pool = [*POOL, Candidate(id=3, kind="reference", text=QUERY, title="Did Pelosi Say the Wall Is Immoral?",
                             bm25=-2.0)]
    best = rank_candidates(QUERY, pool, min_score=0)[0]
    assert best.candidate.id == 3 and best.score == 100.0
