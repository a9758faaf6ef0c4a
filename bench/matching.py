"""Matching benchmark: retrieval quality on CheckThat! 2020 task 2 and speed at scale.

Run from the project root:
    .venv/bin/python bench/matching.py              # quality + speed at 10k and 100k (a few minutes)
    .venv/bin/python bench/matching.py --full       # also 1M stored claims (about 6 minutes more)
    .venv/bin/python bench/matching.py --tune       # refit the titled weights and trees on train only (about 2 minutes; needs the `tune` extra)
    .venv/bin/python bench/matching.py --quality    # quality only   (--speed: speed only)
    .venv/bin/python bench/matching.py --conflicts  # conflict flags only (seconds; part of --quality)
    .venv/bin/python bench/matching.py --suggest    # same claim, default output, suggestions (about 4 minutes)
    .venv/bin/python bench/matching.py --speed --sizes 1000000   # speed at chosen sizes only
    .venv/bin/python bench/matching.py --engine postgresql       # SQLite vs PostgreSQL, same run (about 2 minutes)

Quality: the 10,375 verified claims (with their titles) go into a temporary store; each
train and dev tweet is matched; MAP@5, Recall@1, Recall@5 and MRR are printed for
`find_matches` next to baselines computed in the same run: plain FTS5 BM25 over the
claims' text (the tweet's words OR-ed), the same over text and title, and brute-force
rapidfuzz `token_set_ratio` over every claim.

Tuning (--tune, train only): refits `matchers.rank.TITLED_WEIGHTS` (printed, pasted by
hand) and the boosted trees with their logistic link (written to
matchers/model/rerank_trees.json), printing the 5-fold cross-validated train MAP@5 of
both over 3 shuffles; it needs lightgbm and numpy, which matching itself does not.

Conflicts (bench/conflicts.py): the share of true pairs (CheckThat! 2020 task 2 and
2022 2B qrels) carrying any conflict flag, and the share of contradictions built from
them (a number, a date or an actor changed, the main verb negated) flagged with the
right kind, for train and dev, with examples of what is still wrong.

Speed: LIAR statements plus generated claims fill a store to each size; queries are
stored claims with 20-40% of their words dropped or replaced. Printed: import rate,
database size (after a WAL checkpoint), p50/p95 latency of `find_matches` through the
store's bounded-work search (`store.search.search_by_terms`) and through one FTS5 query
OR-ing the terms (each reranks the `DEFAULT_SHORTLIST` best of its 100 candidates by a
cheap score), how often the perturbed claim's source comes first / in the top five,
and brute-force `token_set_ratio` over all stored texts for the same queries, as a ratio.
The document-count cache starts empty at each size, so its filling is in the figures.
With the semantic stage (on by default): how fast the import's reference claims are
embedded and stored afterwards (`operations.embed_references`), and p50/mean/p95 of
`operations.find_matches` as `claimdesk match` runs it, semantic on and off, in the
same run.

Same claim and suggestions (--suggest): precision and recall of "same claim"
(`matchers.is_same_claim`) over each query's top five on CheckThat! 2020 task 2 train
for each threshold (how `SAME_CLAIM_SCORE` was chosen) and on dev at the shipped one;
MAP@5 of the default output (`operations.find_matches` with its defaults, what `claimdesk
match` prints) and of its lexical ranking alone (semantic off) beside BM25 over text and
title, on 2020 dev, on 2020 dev against the 2022 2A collection and on 2022 2B dev
(debate sentences alone and with their context);
and the share of suggestions agreeing with the normalised rating of the match they cite,
on the demo store and on a store of 2022 2B's PolitiFact claims imported with their
ratings (queries: 2B train and dev sentences with context).

Engines (--engine postgresql, or --engine postgresql://URL for a server of your own; the
default starts a throwaway server as the tests do, which needs the PostgreSQL server
programs): the CheckThat! 2020 task 2 collection in an SQLite store and in a PostgreSQL
store; `find_matches` through `search_by_terms` on each, train then dev: MAP@5, R@1,
R@5, MRR and p50/p95 per tweet, with the difference in MAP@5.

Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from _data import (
    ClaimGenerator,
    DatasetMissing,
    checkthat_tweets,
    checkthat_verified_claims,
    liar_statements,
    perturb,
)
from matchers import build_fts_query, explain, find_matches
from matchers.query import query_terms
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
from store import Store
from store.search import search_by_terms
from store.models import ReferenceDraft
from timing import percentile

POOL = 100


# -- metrics -------------------------------------------------------------------------


def average_precision_at(ranked: Sequence[str], relevant: frozenset[str], k: int = 5) -> float:
    hits = 0
    total = 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def metrics(rankings: Sequence[tuple[Sequence[str], frozenset[str]]]) -> dict[str, float]:
    n = len(rankings)
    result = {"MAP@5": 0.0, "R@1": 0.0, "R@5": 0.0, "MRR": 0.0}
    for ranked, relevant in rankings:
        result["MAP@5"] += average_precision_at(ranked, relevant)
        result["R@1"] += len(relevant & set(ranked[:1])) / len(relevant)
        result["R@5"] += len(relevant & set(ranked[:5])) / len(relevant)
        result["MRR"] += next((1 / r for r, item in enumerate(ranked, 1) if item in relevant), 0.0)
    return {name: value / n for name, value in result.items()}


def print_row(label: str, values: dict[str, float]) -> None:
    cells = "  ".join(f"{name} {value:.3f}" for name, value in values.items())
    print(f"  {label:<34} {cells}", flush=True)


# -- quality -------------------------------------------------------------------------


def plain_bm25_query(text: str) -> str:
    """The baseline's query: every word of the tweet, quoted and OR-ed."""
    words = dict.fromkeys(w.lower() for w in re.findall(r"[^\W_]+", text))
    return " OR ".join(f'"{w}"' for w in words)


def load_checkthat_store(*, titles: bool = True) -> tuple[Store, dict[str, str]]:
    claims = checkthat_verified_claims()
    store = Store(None, memory=True)
    # The url carries the dataset id back through the candidates.
    store.add_reference_claims(
        ReferenceDraft(
            text=c.text, title=c.title if titles else "", source="Snopes", url=f"vclaim:{c.id}"
        )
        for c in claims
    )
    return store, {c.id: c.text for c in claims}


def vclaim_id(candidate) -> str:
    return candidate.url.removeprefix("vclaim:")


def quality() -> None:
    print("Quality: CheckThat! 2020 task 2 (tweets vs 10,375 Snopes claims)", flush=True)
    store, texts = load_checkthat_store()
    # The baseline searches the claims' text alone, as before titles were stored.
    untitled, _ = load_checkthat_store(titles=False)
    search_untitled = lambda q, n: untitled.search_candidates(q, n)  # noqa: E731
    search = lambda q, n: store.search_candidates(q, n)  # noqa: E731
    search_terms = lambda terms, n: search_by_terms(store, terms, n)  # noqa: E731
    splits = {split: checkthat_tweets(split) for split in ("train", "dev")}
    # None: the defaults `find_matches` uses.
    weights: dict[str, float] | None = None
    penalty: float | None = None
    for split, tweets in splits.items():
        print(f" {split} ({len(tweets)} tweets)")
        plain, plain_titles, ours_query, ours, ours_fts, brute = [], [], [], [], [], []
        started = time.perf_counter()
        for tweet in tweets:
            found = search_untitled(plain_bm25_query(tweet.text), 20)
            plain.append(([vclaim_id(c) for c in found], tweet.relevant))
        bm25_seconds = time.perf_counter() - started
        for tweet in tweets:
            found = search(plain_bm25_query(tweet.text), 20)
            plain_titles.append(([vclaim_id(c) for c in found], tweet.relevant))
            found = search_terms(query_terms(tweet.text), 20)
            ours_query.append(([vclaim_id(c) for c in found], tweet.relevant))
        started = time.perf_counter()
        for tweet in tweets:
            matches = find_matches(tweet.text, search_terms=search_terms, limit=20, min_score=0, pool=POOL)
            ours.append(([vclaim_id(m.candidate) for m in matches], tweet.relevant))
        ours_seconds = time.perf_counter() - started
        for tweet in tweets:
            matches = find_matches(tweet.text, search, limit=20, min_score=0, pool=POOL)
            ours_fts.append(([vclaim_id(m.candidate) for m in matches], tweet.relevant))
        started = time.perf_counter()
        for tweet in tweets:
            found = process.extract(
                tweet.text, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=20
            )
            brute.append(([key for _, _, key in found], tweet.relevant))
        brute_seconds = time.perf_counter() - started
        print_row("BM25 claim text, words OR-ed (base)", metrics(plain))
        print_row("BM25 text+title, words OR-ed", metrics(plain_titles))
        print_row("token_set_ratio brute force (base)", metrics(brute))
        print_row("search_by_terms (retrieval only)", metrics(ours_query))
        print_row("find_matches (search_by_terms)", metrics(ours))
        print_row("find_matches (one FTS5 OR query)", metrics(ours_fts))
        print(
            f"  time per tweet: BM25 {1000 * bm25_seconds / len(tweets):.1f} ms, "
            f"find_matches {1000 * ours_seconds / len(tweets):.1f} ms, "
            f"brute force {1000 * brute_seconds / len(tweets):.1f} ms",
            flush=True,
        )
        threshold_report(tweets, search_terms, weights, penalty)
    conflict_section()


def load_checkthat_into(store: Store) -> Store:
    store.add_reference_claims(
        ReferenceDraft(text=c.text, title=c.title, source="Snopes", url=f"vclaim:{c.id}")
        for c in checkthat_verified_claims()
    )
    return store


def engine_parity(engine: str, splits: Sequence[str] = ("train", "dev")) -> None:
    """The same matching on SQLite and on PostgreSQL, in one run."""
    server = None
    if engine == "postgresql":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.pgserver import HOW_TO_GET, PostgresServer, find_binaries

        binaries = find_binaries()
        if binaries is None:
            print(f"Engines: skipped, {HOW_TO_GET}", file=sys.stderr)
            return
        server = PostgresServer(binaries)
        url = server.new_database()
    else:
        url = engine
    try:
        print("Engines: CheckThat! 2020 task 2, find_matches through search_by_terms", flush=True)
        started = time.perf_counter()
        stores = {"sqlite": load_checkthat_into(Store(None, memory=True))}
        print(f"  SQLite store loaded in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        stores["postgresql"] = load_checkthat_into(Store(url))
        print(f"  PostgreSQL store loaded in {time.perf_counter() - started:.1f} s", flush=True)
        for split in splits:
            tweets = checkthat_tweets(split)
            print(f" {split} ({len(tweets)} tweets)")
            maps = {}
            for name, store in stores.items():
                search_terms = lambda terms, n, store=store: search_by_terms(store, terms, n)  # noqa: E731
                rankings, seconds = [], []
                for tweet in tweets:
                    started = time.perf_counter()
                    matches = find_matches(tweet.text, search_terms=search_terms, limit=20,
                                           min_score=0, pool=POOL)
                    seconds.append(time.perf_counter() - started)
                    rankings.append(([vclaim_id(m.candidate) for m in matches], tweet.relevant))
                values = metrics(rankings)
                maps[name] = values["MAP@5"]
                print_row(f"{name}{' (base)' if name == 'sqlite' else ''}", values)
                print(f"  {'':<34} p50 {percentile(seconds, 0.5) * 1000:.1f} ms, "
                      f"p95 {percentile(seconds, 0.95) * 1000:.1f} ms per tweet", flush=True)
            print(f"  MAP@5 PostgreSQL - SQLite: {maps['postgresql'] - maps['sqlite']:+.4f}", flush=True)
        for store in stores.values():
            store.close()
    finally:
        if server is not None:
            server.stop()


def conflict_section() -> None:
    import conflicts

    for split in ("train", "dev"):
        conflicts.report(split)


def rerank(text: str, search_terms: Callable, weights: dict[str, float] | None, penalty: float | None):
    from matchers import rank_candidates

    return rank_candidates(
        text, search_terms(query_terms(text), POOL), limit=20, min_score=0,
        weights=weights, conflict_penalty=penalty, shortlist=DEFAULT_SHORTLIST,
    )


def threshold_report(tweets, search_terms, weights, penalty) -> None:
    """Precision/recall of "score >= t means the same claim" over each tweet's top 5."""
    scored: list[tuple[float, bool]] = []
    positives = 0
    for tweet in tweets:
        positives += len(tweet.relevant)
        for match in rerank(tweet.text, search_terms, weights, penalty)[:5]:
            scored.append((match.score, vclaim_id(match.candidate) in tweet.relevant))
    best = (0.0, 0.0, 0.0, 0.0)
    rows = []
    for threshold in range(30, 96, 5):
        kept = [ok for score, ok in scored if score >= threshold]
        tp = sum(kept)
        precision = tp / len(kept) if kept else 1.0
        recall = tp / positives
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        rows.append(f"{threshold}: P {precision:.2f} R {recall:.2f} F1 {f1:.2f}")
        if f1 > best[3]:
            best = (threshold, precision, recall, f1)
    print("  threshold (same claim if score >= t, top 5 per tweet):")
    for i in range(0, len(rows), 4):
        print("    " + " | ".join(rows[i : i + 4]))
    print(f"  best F1 at t={best[0]:.0f}: P {best[1]:.2f} R {best[2]:.2f} F1 {best[3]:.2f}", flush=True)


SHUFFLES = 3  # a single shuffle's cross-validated MAP@5 moves by about 0.002
# The trees' settings, chosen by cross-validated train MAP@5 (3 shuffles) among a few:
# 3-8 leaves, 50-200 rounds, scale 5-20 all gave 0.874-0.878 over the linear 0.873-0.875.
TREE_PARAMS = {"objective": "lambdarank", "num_leaves": 3, "learning_rate": 0.05,
               "min_data_in_leaf": 30, "num_threads": 1, "deterministic": True, "seed": 1, "verbose": -1}
TREE_ROUNDS = 100
TREE_SCALE = 10.0
# The trees' input columns (each with its pool-relative forms, see `matchers.trees`).
TREE_COLUMNS = [*TITLED_WEIGHTS, "fused"]
TREES_PATH = Path(__file__).resolve().parent.parent / "matchers" / "model" / "rerank_trees.json"


def tune(tweets, search_terms) -> None:
    """Refit the titled weights and the trees on `tweets` (train) and write the trees
    to `TREES_PATH`, after `SHUFFLES` 5-fold cross-validations of the same fit (the
    selection figures). The weights printed go into `matchers.rank.TITLED_WEIGHTS` by
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
        pool = search_terms(query_terms(tweet.text), POOL)
        pool = _shortlist(tweet.text, pool, DEFAULT_SHORTLIST) if len(pool) > DEFAULT_SHORTLIST else pool
        features = candidate_features(tweet.text, pool)
        conflicts = np.array([len({f["kind"] for f in explain(tweet.text, c.text)["conflicts"]}) for c in pool], float)
        gold = np.array([vclaim_id(c) in tweet.relevant for c in pool], bool)
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


# -- speed ---------------------------------------------------------------------------


def speed(sizes: Sequence[int], queries_per_size: int, brute_queries: int) -> None:
    print("Speed: LIAR statements + generated claims; queries = stored claims 20-40% perturbed", flush=True)
    liar = [s.text for s in liar_statements()]
    generator = ClaimGenerator(liar)
    vocabulary = sorted({w for t in liar[:3000] for w in t.split()})
    rng = random.Random(11)
    generated: list[str] = []
    for size in sizes:
        need = max(0, size - len(liar))
        if need > len(generated):
            started = time.perf_counter()
            generated.extend(generator.claims(need - len(generated)))
            print(f"  generated {need:,} claims in {time.perf_counter() - started:.1f} s", flush=True)
        texts = (liar + generated)[:size]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            store = Store(path)
            started = time.perf_counter()
            added, _ = store.add_reference_claims(
                ReferenceDraft(text=t, source="bench", url=f"bench:{i}") for i, t in enumerate(texts)
            )
            import_seconds = time.perf_counter() - started
            # The main file after a checkpoint: the write-ahead log holds a copy of the
            # import's pages until then, and is not part of the store's size.
            store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size_mb = path.stat().st_size / 1e6
            sources = rng.sample(range(len(texts)), queries_per_size)
            queries = [perturb(texts[i], rng, vocabulary) for i in sources]
            search = lambda q, n: store.search_candidates(q, n)  # noqa: E731
            search_terms = lambda terms, n: search_by_terms(store, terms, n)  # noqa: E731
            ours = _timed_matches(sources, queries, lambda q: find_matches(
                q, search_terms=search_terms, limit=5, min_score=0, pool=POOL))
            stage, pooled = [], 0
            for source, query in zip(sources, queries):
                started = time.perf_counter()
                found = search_terms(query_terms(query), POOL)
                stage.append(time.perf_counter() - started)
                pooled += (source + 1) in {c.id for c in found}
            # The single OR query is slow at 1M: measured on fewer queries there.
            n_or = len(queries) if size < 1_000_000 else min(len(queries), 50)
            one_query = _timed_matches(sources[:n_or], queries[:n_or], lambda q: find_matches(
                q, search, limit=5, min_score=0, pool=POOL))
            brute = []
            for query in queries[:brute_queries]:
                started = time.perf_counter()
                process.extract(query, texts, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=5)
                brute.append(time.perf_counter() - started)
            semantic_rows = _semantic_speed(store, sources, queries)
            store.close()
        brute_p50 = statistics.median(brute) * 1000
        print(
            f"  {size:>9,} stored: import {added / import_seconds:,.0f} claims/s "
            f"({import_seconds:.1f} s), db {size_mb:.1f} MB | brute force token_set_ratio p50 "
            f"{brute_p50:.0f} ms ({len(brute)} queries)",
            flush=True,
        )
        for label, (latencies, hits1, hits5) in (
            ("find_matches, search_by_terms", ours), ("find_matches, one FTS5 OR query", one_query)
        ):
            p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
            print(
                f"    {label:<32} p50 {p50:6.1f} ms p95 {p95:6.1f} ms | source R@1 "
                f"{hits1 / len(latencies):.3f} R@5 {hits5 / len(latencies):.3f} | brute force "
                f"{brute_p50 / p50:.0f}x slower at p50, {brute_p50 / p95:.0f}x at p95 "
                f"({len(latencies)} queries)",
                flush=True,
            )
        for line in semantic_rows:
            print(line, flush=True)
        print(
            f"    {'search_by_terms alone':<32} p50 {percentile(stage, 0.5) * 1000:6.1f} ms "
            f"p95 {percentile(stage, 0.95) * 1000:6.1f} ms | source in the {POOL} candidates "
            f"{pooled / len(stage):.3f}",
            flush=True,
        )


def _semantic_speed(store: Store, sources, queries) -> list[str]:
    """Embedding the stored reference claims after the import, then matching as the
    `match` command does (`operations.find_matches`), semantic stage on and off."""
    from matchers import semantic
    import operations

    started = time.perf_counter()
    semantic.load_model()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    embedded = operations.embed_references(store)
    embed_seconds = time.perf_counter() - started
    lines = [f"    model load {load_seconds:.2f} s; embedding after the import: {embedded / embed_seconds:,.0f} "
             f"claims/s ({embed_seconds:.1f} s)"]
    for label, on in (("match, semantic off (base)", False), ("match, semantic on (default)", True)):
        latencies, hits1, hits5 = _timed_matches(sources, queries, lambda q: operations.find_matches(
            store, q, limit=5, min_score=0, semantic=on))
        lines.append(
            f"    {label:<32} p50 {percentile(latencies, 0.5) * 1000:6.1f} ms mean "
            f"{statistics.mean(latencies) * 1000:6.1f} ms p95 {percentile(latencies, 0.95) * 1000:6.1f} ms"
            f" | source R@1 {hits1 / len(latencies):.3f} R@5 {hits5 / len(latencies):.3f}")
    return lines


def _timed_matches(sources, queries, match) -> tuple[list[float], int, int]:
    """Latencies of `match` over the queries, and how often the perturbed claim's source
    came first and within the top five (ids follow insertion order)."""
    latencies, hits1, hits5 = [], 0, 0
    for source, query in zip(sources, queries):
        started = time.perf_counter()
        matches = match(query)
        latencies.append(time.perf_counter() - started)
        ids = [m.candidate.id for m in matches]
        hits1 += ids[:1] == [source + 1]
        hits5 += (source + 1) in ids
    return latencies, hits1, hits5


# -- same claim, default output, suggestions ------------------------------------------


def same_claim_report() -> None:
    from _data import checkthat_2a_claims, checkthat_2a_tweets

    import operations
    from matchers import SAME_CLAIM_SCORE, is_same_claim

    print("Same claim (score >= t, no conflict flag), each query's top five, CheckThat! 2020 task 2", flush=True)
    store, _ = load_checkthat_store()
    for split in ("train", "dev"):
        tweets = checkthat_tweets(split)
        found = [(operations.find_matches(store, t.text), t.relevant) for t in tweets]
        positives = sum(len(t.relevant) for t in tweets)
        thresholds = range(50, 91, 5) if split == "train" else [SAME_CLAIM_SCORE]
        cells = []
        for threshold in thresholds:
            kept = [vclaim_id(m.candidate) in relevant for matches, relevant in found
                    for m in matches if is_same_claim(m, threshold)]
            cells.append(f"{threshold:.0f}: P {sum(kept) / max(1, len(kept)):.3f} R {sum(kept) / positives:.3f}")
        print(f"  {split}: " + " | ".join(cells), flush=True)
        if split == "dev":
            print_row("default output (operations.find_matches)", metrics(
                [([vclaim_id(m.candidate) for m in matches], relevant) for matches, relevant in found]))
            print_row("lexical ranking alone (semantic off)", metrics(
                [([vclaim_id(m.candidate) for m in operations.find_matches(store, t.text, semantic=False)], t.relevant)
                 for t in tweets]))
            print_row("BM25 text+title, words OR-ed", metrics(
                [([vclaim_id(c) for c in store.search_candidates(plain_bm25_query(t.text), 5)], t.relevant)
                 for t in tweets]))
    print("Default output against the 2022 2A collection (14,231 Snopes claims), 2020 dev tweets", flush=True)
    collection = Store(None, memory=True)
    collection.add_reference_claims(
        ReferenceDraft(text=c.text, title=c.title, source="Snopes", url=f"vclaim:{c.id}") for c in checkthat_2a_claims())
    tweets = checkthat_2a_tweets("dev")
    print_row("default output (operations.find_matches)", metrics(
        [([vclaim_id(m.candidate) for m in operations.find_matches(collection, t.text)], t.relevant) for t in tweets]))
    print_row("lexical ranking alone (semantic off)", metrics(
        [([vclaim_id(m.candidate) for m in operations.find_matches(collection, t.text, semantic=False)], t.relevant)
         for t in tweets]))
    print_row("BM25 text+title, words OR-ed", metrics(
        [([vclaim_id(c) for c in collection.search_candidates(plain_bm25_query(t.text), 5)], t.relevant)
         for t in tweets]))


def politifact_store(folder: str) -> tuple[Store, dict[int, str]]:
    """A store holding CheckThat! 2022 2B's PolitiFact claims, imported as `claimdesk
    import` imports them (ratings normalised, PolitiFact's `speaker` as the claimant); and
    the dataset id of each stored id."""
    from _data import checkthat_2b_claims

    import operations

    path = Path(folder) / "politifact.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for c in checkthat_2b_claims():
            handle.write(json.dumps({"id": c.id, "text": c.text, "title": c.title, "rating": c.rating,
                                     "date": c.date, "speaker": c.speaker, "source": "PolitiFact",
                                     "url": f"https://www.politifact.com{c.url}"}) + "\n")
    store = Store(Path(folder) / "politifact.db")
    operations.import_references(store, str(path))
    ids = {r["id"]: r["external_id"] for r in store.query("SELECT id, external_id FROM reference_claims")}
    return store, ids


def debate_report_and_suggestions() -> None:
    from _data import checkthat_2b_sentences

    import operations
    from matchers import suggest_verdict
    from matchers.context import query_with_context

    def in_context(sentence) -> str:
        return query_with_context(sentence.text, sentence.speaker, sentence.before[-1] if sentence.before else "")

    with tempfile.TemporaryDirectory() as folder:
        store, ids = politifact_store(folder)
        print("Default output on CheckThat! 2022 2B (debate sentences vs 19,250 PolitiFact claims)", flush=True)
        for split in ("train", "dev"):
            sentences = checkthat_2b_sentences(split)
            print(f" {split} ({len(sentences)} sentences, {sum(bool(s.speaker) for s in sentences)} with a transcript)")
            print_row("BM25 text+title, words OR-ed", metrics(
                [([ids[c.id] for c in store.search_candidates(plain_bm25_query(s.text), 5)], s.relevant)
                 for s in sentences]))
            print_row("default output, sentence alone", metrics(
                [([ids[m.candidate.id] for m in operations.find_matches(store, s.text)], s.relevant) for s in sentences]))
            print_row("default output, context in the text", metrics(
                [([ids[m.candidate.id] for m in operations.find_matches(store, in_context(s))], s.relevant)
                 for s in sentences]))
            print_row("default output, context + speaker, date", metrics(
                [([ids[m.candidate.id] for m in operations.find_matches(store, in_context(s), speaker=s.speaker,
                                                                      date=s.date)],
                  s.relevant) for s in sentences]))
            print_row("lexical alone (semantic off), same", metrics(
                [([ids[m.candidate.id] for m in operations.find_matches(store, in_context(s), semantic=False,
                                                                      speaker=s.speaker, date=s.date)],
                  s.relevant) for s in sentences]))
        queries = [(in_context(s), s.speaker, s.date) for split in ("train", "dev")
                   for s in checkthat_2b_sentences(split)]
        suggestion_agreement("PolitiFact store, 2B train+dev sentences", store, queries)
    with tempfile.TemporaryDirectory() as folder:
        demo = Store(Path(folder) / "demo.db")
        operations.seed_demo(demo)
        claims = [(c.text, c.speaker, demo.get_article(c.article_id).published if c.speaker else "")
                  for row in demo.query("SELECT DISTINCT article_id FROM claims")
                  for c in demo.claims_for_article(row["article_id"])]
        suggestion_agreement("demo store, its article's claims", demo, claims)


# (speaker bonus, date bonus) pairs tried, in ranking points (they order the matches and
# leave the scores alone); 100 puts every such candidate above every other one. (0, 0)
# comes first: the baseline, and the choice on ties.
BONUS_STEPS = (0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 100.0)
BONUS_GRID = tuple(itertools.product(BONUS_STEPS, BONUS_STEPS))


def speaker_fit() -> None:
    """Fit `matchers.rank.SPEAKER_BONUS` and `DATE_BONUS` on CheckThat! 2022 2B train (dev
    is not read): MAP@5 of the default output (lexical ranking, then the semantic stage, as
    `operations.find_matches` runs it, the transcript's date as the query's date) for each
    pair of `BONUS_GRID`; then `SHUFFLES` 5-fold cross-validations, each fold's pair chosen
    on the other four. Also the precision and recall of "same claim" over each sentence's
    top five at `SAME_CLAIM_SCORE`, without the bonuses and with the pair chosen on all of
    train."""
    from _data import checkthat_2b_sentences

    from matchers import SAME_CLAIM_SCORE, is_same_claim
    from matchers import semantic as embeddings
    from matchers.context import query_with_context
    from matchers.rank import find_matches as rank_matches

    sentences = checkthat_2b_sentences("train")
    print(f"Speaker and date bonuses on CheckThat! 2022 2B train ({len(sentences)} sentences; dev is not read)",
          flush=True)
    with tempfile.TemporaryDirectory() as folder:
        store, ids = politifact_store(folder)
        pools: dict[tuple, list] = {}

        def search_terms(terms, n):
            key = (tuple(terms), n)
            if key not in pools:
                pools[key] = search_by_terms(store, terms, n)
            return pools[key]

        # precision per sentence (rows) and pair (columns); the top five kept per pair
        table, tops = [], []
        for s in sentences:
            query = query_with_context(s.text, s.speaker, s.before[-1] if s.before else "")
            row, top = [], []
            for speaker_bonus, date_bonus in BONUS_GRID:
                lexical = rank_matches(query, search_terms=search_terms, limit=embeddings.SEMANTIC_POOL,
                                       min_score=0, speaker=s.speaker, speaker_bonus=speaker_bonus,
                                       date=s.date, date_bonus=date_bonus)
                ranked = embeddings.rerank_semantic(query, lexical)
                row.append(average_precision_at([ids[m.candidate.id] for m in ranked], s.relevant))
                top.append([(m, ids[m.candidate.id] in s.relevant) for m in ranked[:5]])
            table.append(row)
            tops.append(top)
        means = [statistics.mean(row[j] for row in table) for j in range(len(BONUS_GRID))]
        print("  MAP@5 by speaker bonus (rows) and date bonus (columns)", flush=True)
        print("  " + " " * 9 + "".join(f"{d:>8g}" for d in BONUS_STEPS), flush=True)
        for speaker_bonus in BONUS_STEPS:
            cells = [means[BONUS_GRID.index((speaker_bonus, d))] for d in BONUS_STEPS]
            print(f"  {speaker_bonus:>9g}" + "".join(f"{m:8.4f}" for m in cells), flush=True)
        for shuffle in range(SHUFFLES):
            order = list(range(len(table)))
            random.Random(shuffle).shuffle(order)
            folds = [order[i::5] for i in range(5)]
            total, chosen = 0.0, []
            for i, held_out in enumerate(folds):
                fitted = [j for fold in folds[:i] + folds[i + 1:] for j in fold]
                best = max(range(len(BONUS_GRID)), key=lambda k: (sum(table[j][k] for j in fitted), -k))
                chosen.append(BONUS_GRID[best])
                total += sum(table[j][best] for j in held_out)
            print(f"    shuffle {shuffle}: cross-validated MAP@5 {total / len(table):.4f} "
                  f"(no bonus {means[0]:.4f}), chosen {chosen}", flush=True)
        positives = sum(len(s.relevant) for s in sentences)
        for k in (0, max(range(len(BONUS_GRID)), key=lambda k: (means[k], -k))):
            kept = [ok for top in tops for m, ok in top[k] if is_same_claim(m)]
            print(f"  same claim at {SAME_CLAIM_SCORE:.0f}, speaker {BONUS_GRID[k][0]:g}, date {BONUS_GRID[k][1]:g}: "
                  f"P {sum(kept) / max(1, len(kept)):.3f} R {sum(kept) / positives:.3f} ({len(kept)} kept)",
                  flush=True)


def suggestion_agreement(label: str, store: Store, queries: Sequence[tuple[str, str, str]]) -> None:
    """How many queries (text, speaker, date) get a suggestion, and how many suggestions agree with the
    normalised rating of the match they cite (a contested suggestion from a conflict
    cites a match rated true: the claim contradicts it, counted apart)."""
    import operations
    from matchers import is_same_claim, suggest_verdict

    made = agree = from_conflict = disagree_sources = 0
    verdicts: Counter = Counter()
    for query, speaker, date in queries:
        suggestion = suggest_verdict(operations.find_matches(store, query, speaker=speaker, date=date))
        if suggestion.verdict is None:
            disagree_sources += suggestion.because.startswith("sources disagree")
            continue
        made += 1
        verdicts[suggestion.verdict] += 1
        cited = suggestion.match
        if is_same_claim(cited):
            agree += suggestion.verdict == cited.candidate.normalised_rating
        else:
            from_conflict += (suggestion.verdict, cited.candidate.normalised_rating) == ("contested", "corroborated")
    print(f"Suggestions, {label}: {len(queries)} queries, {made} suggestions ({dict(verdicts)}), "
          f"{disagree_sources} withheld as sources disagree", flush=True)
    share = (agree + from_conflict) / made if made else 1.0
    print(f"  agreeing with the cited match's normalised rating: {agree + from_conflict}/{made} = {share:.1%} "
          f"({agree} citing a same-claim match with that rating, {from_conflict} contested citing a "
          f"true-rated claim it contradicts)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also measure 1M stored claims")
    parser.add_argument("--tune", action="store_true", help="refit the titled weights and the trees on train (5-fold cross-validations), write the trees")
    parser.add_argument("--quality", action="store_true", help="quality only")
    parser.add_argument("--speed", action="store_true", help="speed only")
    parser.add_argument("--conflicts", action="store_true", help="conflict flags on true and built pairs only")
    parser.add_argument("--suggest", action="store_true",
                        help="only same claim, default output and suggestion agreement")
    parser.add_argument("--speaker", action="store_true",
                        help="fit the speaker and date bonuses on 2022 2B train (5-fold cross-validations)")
    parser.add_argument("--queries", type=int, default=200, help="speed queries per size")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="stored claims to measure speed at")
    parser.add_argument("--engine", metavar="postgresql|URL",
                        help="only: matching quality and latency on SQLite and on PostgreSQL (a "
                        "throwaway server, or the database at URL), same run")
    args = parser.parse_args(argv)
    run_quality = not args.speed or args.quality
    run_speed = not args.quality or args.speed
    try:
        if args.speaker:
            speaker_fit()
            return 0
        if args.engine:
            engine_parity(args.engine)
            return 0
        if args.suggest:
            same_claim_report()
            debate_report_and_suggestions()
            return 0
        if args.tune:
            print("Tuning on CheckThat! 2020 task 2 train (dev is not read)", flush=True)
            store, _ = load_checkthat_store()
            tune(checkthat_tweets("train"), lambda terms, n: search_by_terms(store, terms, n))
            if not (args.quality or args.speed):
                return 0
        if args.conflicts:
            conflict_section()
            return 0
        if run_quality:
            quality()
        if run_speed:
            sizes = args.sizes or [10_000, 100_000] + ([1_000_000] if args.full else [])
            speed(sizes, args.queries, brute_queries=20)
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
