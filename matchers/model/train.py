"""Fitting the matcher's titled weights (`matchers.rank.TITLED_WEIGHTS`) and the boosted
trees shipped in `matchers/model/rerank_trees.json`, on CheckThat! 2020 task 2 train only.

Run from the project root:  .venv/bin/python bench/matching.py --tune
(the benchmark loads the verified claims into a store and retrieves each tweet's
candidates, which the matchers may not do themselves; about 2 minutes). It needs the
`tune` extra (lightgbm, numpy), which matching itself does not.
"""

from __future__ import annotations

import dataclasses
import json
import random
import statistics
from collections.abc import Callable
from pathlib import Path

from matchers import explain
from matchers.rank import (
    DEFAULT_SHORTLIST,
    TITLED_CONFLICT_PENALTY,
    TITLED_SCORE_POWER,
    TITLED_WEIGHTS,
    _shortlist,
    candidate_features,
    fuse,
    tree_inputs,
)

SHUFFLES = 3  # a single shuffle's cross-validated MAP@5 moves by about 0.002
# The trees' settings, chosen by cross-validated train MAP@5 (3 shuffles) among a few:
# 3-8 leaves, 50-200 rounds, scale 5-20 all gave 0.874-0.878 over the linear 0.873-0.875.
TREE_PARAMS = {"objective": "lambdarank", "num_leaves": 3, "learning_rate": 0.05,
               "min_data_in_leaf": 30, "num_threads": 1, "deterministic": True, "seed": 1, "verbose": -1}
TREE_ROUNDS = 100
TREE_SCALE = 10.0
# The trees' input columns (each with its pool-relative forms, see `matchers.trees`).
TREE_COLUMNS = [*TITLED_WEIGHTS, "fused"]
TREES_PATH = Path(__file__).resolve().parent / "rerank_trees.json"


def tune(tweets, pool_of: Callable[[str], list], candidate_id: Callable[[object], str]) -> None:
    """Refit the titled weights and the trees on `tweets` (train: each with `text` and
    the ids of its `relevant` claims; `pool_of(text)` retrieves a tweet's candidates,
    `candidate_id` names one) and write the trees to `TREES_PATH`, after `SHUFFLES`
    5-fold cross-validations of the same fit (the selection figures). The weights printed go into `matchers.rank.TITLED_WEIGHTS` by
    hand; the trees are fitted on those weights rounded as printed.

    The linear fit: a listwise softmax loss over each tweet's shortlist (projected
    gradient descent, weights kept non-negative), then a coordinate search on MAP@5. The
    trees: LightGBM's LambdaRank over `matchers.rank.tree_inputs`, starting from the
    linear score times `TREE_SCALE`; their logistic link, from the out-of-fold scores of
    the first shuffle (`_fit_link`). Both are scored as `rank_candidates` scores them
    (with the conflict penalty; the link, fitted last, changes no order). LightGBM and
    numpy are needed here only."""
    import numpy as np

    prepared = []
    for tweet in tweets:
        pool = pool_of(tweet.text)
        pool = _shortlist(tweet.text, pool, DEFAULT_SHORTLIST) if len(pool) > DEFAULT_SHORTLIST else pool
        features = candidate_features(tweet.text, pool)
        conflicts = np.array([len({f["kind"] for f in explain(tweet.text, c.text)["conflicts"]}) for c in pool], float)
        gold = np.array([candidate_id(c) in tweet.relevant for c in pool], bool)
        prepared.append((features, conflicts, gold, len(tweet.relevant)))
    names = list(TITLED_WEIGHTS)
    rows = [
        (np.array([[f.get(name, 0.0) for name in names] for f in features]).reshape(len(features), len(names)),
         conflicts, gold, n)
        for features, conflicts, gold, n in prepared
    ]
    linear_shares, tree_shares = [], []
    out_of_fold: list = []
    for shuffle in range(SHUFFLES):
        order = list(range(len(rows)))
        random.Random(shuffle).shuffle(order)
        folds = [order[i::5] for i in range(5)]
        linear_total = tree_total = 0.0
        for i, held_out in enumerate(folds):
            fitted = [j for fold in folds[:i] + folds[i + 1 :] for j in fold]
            weights = _fit_linear([rows[j] for j in fitted])
            trees = _fit_trees([prepared[j] for j in fitted], weights)
            for j in held_out:
                if not len(rows[j][0]):
                    continue
                corrections = _corrections(prepared[j][0], weights, trees)
                linear_total += _average_precision(rows[j], _titled_scores(rows[j], weights))
                tree_total += _average_precision(rows[j], _titled_scores(rows[j], weights, corrections))
                if shuffle == 0:
                    out_of_fold.append((_fused(rows[j], weights, corrections), rows[j][1], rows[j][2], rows[j][3]))
        linear_shares.append(linear_total / len(rows))
        tree_shares.append(tree_total / len(rows))
        print(f"  shuffle {shuffle}: 5-fold cross-validated train MAP@5 linear {linear_shares[-1]:.4f}, "
              f"with trees {tree_shares[-1]:.4f}", flush=True)
    print(f"  cross-validated train MAP@5 ({SHUFFLES} shuffles): linear {statistics.mean(linear_shares):.4f}, "
          f"with trees {statistics.mean(tree_shares):.4f}", flush=True)
    link = _fit_link(out_of_fold, sum(len(t.relevant) for t in tweets))
    weights = {name: round(value, 3) for name, value in _fit_linear(rows).items()}
    trees = dataclasses.replace(_fit_trees(prepared, weights), link=link)
    linear_map = sum(_average_precision(row, _titled_scores(row, weights)) for row in rows if len(row[0])) / len(rows)
    tree_map = sum(
        _average_precision(row, _titled_scores(row, weights, _corrections(p[0], weights, trees), link))
        for row, p in zip(rows, prepared) if len(row[0])
    ) / len(rows)
    print(f"  fitted on all of train: MAP@5 linear {linear_map:.4f}, with trees {tree_map:.4f}")
    print(f"  TITLED_WEIGHTS = {weights}")
    TREES_PATH.parent.mkdir(exist_ok=True)
    TREES_PATH.write_text(json.dumps(trees.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"  trees written to {TREES_PATH.relative_to(TREES_PATH.parents[2])} ({len(trees.nodes)} trees)", flush=True)


def _fused(row, weights: dict[str, float], corrections=None):
    """The titled candidates' weighted mean, plus the trees' corrections if given."""
    import numpy as np

    vector = np.array([weights[name] for name in TITLED_WEIGHTS])
    return row[0] @ vector / vector.sum() + (corrections if corrections is not None else 0.0)


def _titled_scores(row, weights: dict[str, float], corrections=None, link=None):
    """The 0-100 scores `rank_candidates` gives a tweet's shortlist (before rounding):
    without trees the weighted mean to `TITLED_SCORE_POWER`, with them the logistic
    `link` of the corrected mean (without a link yet, the corrected mean itself)."""
    import numpy as np

    if corrections is None:
        scores = 100 * _fused(row, weights) ** TITLED_SCORE_POWER
        return scores - TITLED_CONFLICT_PENALTY * row[1]
    # With the trees, the penalty is taken before the link (see `rank_candidates`).
    corrected = _fused(row, weights, corrections) - TITLED_CONFLICT_PENALTY / 100 * row[1]
    if link is None:
        return 100 * corrected
    slope, midpoint = link
    return 100 / (1 + np.exp(-slope * (corrected - midpoint)))


def _average_precision(row, scores) -> float:
    """AP@5 of one tweet's shortlist ranked by `scores`."""
    import numpy as np

    gold, n_relevant = row[2], row[3]
    if not len(gold):
        return 0.0
    hits, total = 0, 0.0
    for rank, i in enumerate(np.argsort(-scores, kind="stable")[:5], 1):
        if gold[i]:
            hits += 1
            total += hits / rank
    return total / min(n_relevant, 5)


def _fit_link(held_out: list, positives: int) -> tuple[float, float]:
    """The logistic link (slope, midpoint) for the trees' corrected means, from
    out-of-fold ones: the slope of a logistic regression of "same claim" on each tweet's
    top five, the midpoint putting the best "same claim" F1 at `DEFAULT_MIN_SCORE`."""
    import numpy as np

    from matchers.rank import DEFAULT_MIN_SCORE

    tops = []  # each tweet's top five: penalised corrected means, and which are gold
    for raw, conflicts, gold, _ in held_out:
        penalised = raw - TITLED_CONFLICT_PENALTY / 100 * conflicts
        top = np.argsort(-penalised, kind="stable")[:5]
        tops.append((penalised[top], gold[top]))
    x = np.concatenate([t[0] for t in tops])
    y = np.concatenate([t[1] for t in tops]).astype(float)
    slope, intercept = 1.0, 0.0
    for _step in range(50):  # Newton's method on the logistic log-likelihood
        p = 1 / (1 + np.exp(-(slope * x + intercept)))
        gradient = np.array([((p - y) * x).sum(), (p - y).sum()])
        weight = p * (1 - p)
        hessian = np.array([[(weight * x * x).sum(), (weight * x).sum()], [(weight * x).sum(), weight.sum()]])
        slope, intercept = np.array([slope, intercept]) - np.linalg.solve(hessian + 1e-9 * np.eye(2), gradient)
    best = (0.0, 0.0, 0.0, -intercept / slope)
    for midpoint in np.arange(x.min(), x.max(), 0.002):
        kept = tp = 0
        for penalised, gold in tops:
            scores = 100 / (1 + np.exp(-slope * (penalised - midpoint)))
            kept += int((scores >= DEFAULT_MIN_SCORE).sum())
            tp += int(gold[scores >= DEFAULT_MIN_SCORE].sum())
        precision, recall = (tp / kept if kept else 1.0), tp / positives
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if f1 > best[2] + 1e-9:
            best = (precision, recall, f1, float(midpoint))
    print(f"  link: slope {slope:.2f} (logistic fit), midpoint {best[3]:.3f} (the fit's own "
          f"{-intercept / slope:.3f}); out-of-fold \"same claim\" at score >= {DEFAULT_MIN_SCORE:.0f}: "
          f"P {best[0]:.2f} R {best[1]:.2f} F1 {best[2]:.2f}", flush=True)
    return round(float(slope), 3), round(best[3], 3)


def _fit_linear(rows) -> dict[str, float]:
    """The titled weights: a listwise fit refined by a coordinate search (see `tune`)."""
    import numpy as np

    problems = [(np.hstack([values, -conflicts[:, None]]), gold, n) for values, conflicts, gold, n in rows if len(values)]
    theta = _refine(problems, _fit_listwise(problems))
    return dict(zip(TITLED_WEIGHTS, (float(t) for t in theta[:-1])))


def _fit_trees(prepared, weights: dict[str, float]):
    """LambdaRank trees over `tree_inputs`, from the linear score times `TREE_SCALE`."""
    import lightgbm
    import numpy as np

    from matchers.trees import RerankTrees

    usable = [(features, gold) for features, _, gold, _ in prepared if gold.any()]
    inputs = [np.array(tree_inputs(features, TREE_COLUMNS, weights)) for features, _ in usable]
    fused = np.concatenate([TREE_SCALE * np.array([fuse(f, weights) for f in features]) for features, _ in usable])
    data = lightgbm.Dataset(np.vstack(inputs), np.concatenate([g for _, g in usable]).astype(int),
                            group=[len(g) for _, g in usable], init_score=fused)
    booster = lightgbm.train(TREE_PARAMS, data, num_boost_round=TREE_ROUNDS)
    trees = _trees_from_booster(booster)
    # The plain-Python evaluation must give LightGBM's own predictions.
    sample = np.vstack(inputs[:50])
    ours = np.array([trees.predict(list(row)) for row in sample])
    assert np.allclose(ours, booster.predict(sample), atol=1e-9), "tree evaluation differs from LightGBM's"
    return trees


def _trees_from_booster(booster):
    from matchers.trees import RerankTrees

    all_nodes, all_leaves = [], []
    for info in booster.dump_model()["tree_info"]:
        nodes: list[list] = []
        leaves: list[float] = []

        def walk(node) -> int:
            if "leaf_value" in node:
                leaves.append(float(node["leaf_value"]))
                return ~(len(leaves) - 1)
            assert node["decision_type"] == "<=", node["decision_type"]
            index = len(nodes)
            nodes.append([int(node["split_feature"]), float(node["threshold"]), 0, 0])
            nodes[index][2] = walk(node["left_child"])
            nodes[index][3] = walk(node["right_child"])
            return index

        walk(info["tree_structure"])
        all_nodes.append(tuple(tuple(n) for n in nodes))
        all_leaves.append(tuple(leaves))
    # The link is fitted afterwards (`_fit_link`).
    return RerankTrees(columns=tuple(TREE_COLUMNS), scale=TREE_SCALE, link=(1.0, 0.0), nodes=tuple(all_nodes), leaves=tuple(all_leaves))


def _corrections(features, weights, trees):
    import numpy as np

    if not features:
        return np.zeros(0)
    return np.array([trees.predict(row) / trees.scale for row in tree_inputs(features, trees.columns, weights)])


def _map5(problems, theta) -> float:
    import numpy as np

    total = 0.0
    for values, gold, n_relevant in problems:
        order = np.argsort(-(values @ theta), kind="stable")[:5]
        hits, ap = 0, 0.0
        for rank, i in enumerate(order, 1):
            if gold[i]:
                hits += 1
                ap += hits / rank
        total += ap / min(n_relevant, 5)
    return total / len(problems) if problems else 0.0


def _fit_listwise(problems, epochs: int = 300, rate: float = 1.0, l2: float = 1e-4, temperature: float = 10.0):
    """Weights (the last one the conflict penalty) minimising the softmax loss of the
    gold candidates, by projected gradient descent from all ones."""
    import numpy as np

    usable = [(values, gold) for values, gold, _ in problems if gold.any()]
    theta = np.ones(usable[0][0].shape[1])
    for _epoch in range(epochs):
        gradient = 2 * l2 * theta
        for values, gold in usable:
            scores = temperature * (values @ theta)
            exps = np.exp(scores - scores.max())
            coefficient = temperature * (exps / exps.sum() - gold / gold.sum()) / len(usable)
            gradient = gradient + coefficient @ values
        theta = np.maximum(0.0, theta - rate * gradient)
    return theta


def _refine(problems, theta, rounds: int = 3):
    """A coordinate search on MAP@5 from `theta` over a grid of weights and penalties."""
    theta = theta.copy()
    best = _map5(problems, theta)
    for _round in range(rounds):
        improved = False
        for d in range(len(theta) - 1):
            for value in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0):
                trial = theta.copy()
                trial[d] = value
                if trial[:-1].sum() <= 0:
                    continue
                if (score := _map5(problems, trial)) > best + 1e-9:
                    best, theta, improved = score, trial, True
        for share in (0.0, 0.005, 0.01, 0.02, 0.05, 0.1):
            trial = theta.copy()
            trial[-1] = share * theta[:-1].sum()
            if (score := _map5(problems, trial)) > best + 1e-9:
                best, theta, improved = score, trial, True
        if not improved:
            break
    return theta
