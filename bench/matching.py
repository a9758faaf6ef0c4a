"""Matching benchmark: retrieval quality on CheckThat! 2020 task 2 and speed at scale.

Run from the project root:
    .venv/bin/python bench/matching.py              # quality + speed at 10k and 100k (a few minutes)
    .venv/bin/python bench/matching.py --full       # also 1M stored claims (about 6 minutes more)
    .venv/bin/python bench/matching.py --tune       # refit the titled weights on train, 5-fold CV (+3 minutes)
    .venv/bin/python bench/matching.py --quality    # quality only   (--speed: speed only)

Quality: the 10,375 verified claims (with their titles) go into a temporary store; each
train and dev tweet is matched; MAP@5, Recall@1, Recall@5 and MRR are printed for
`find_matches` next to baselines computed in the same run: plain FTS5 BM25 over the
claims' text (the tweet's words OR-ed), the same over text and title, and brute-force
rapidfuzz `token_set_ratio` over every claim.

Speed: LIAR statements plus generated claims fill a store to each size; queries are
stored claims with 20-40% of their words dropped or replaced. Printed: import rate,
database size (after a WAL checkpoint), p50/p95 latency of `find_matches` through the
store's bounded-work search (`store.search.search_by_terms`) and through one FTS5 query
OR-ing the terms (each reranks the `DEFAULT_SHORTLIST` best of its 100 candidates by a
cheap score), how often the perturbed claim's source comes first / in the top five,
and brute-force `token_set_ratio` over all stored texts for the same queries, as a ratio.
The document-count cache starts empty at each size, so its filling is in the figures.

Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import itertools
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
    TITLED_WEIGHTS,
    _shortlist,
    candidate_features,
)
from store import Store
from store.search import search_by_terms
from store.models import ReferenceDraft

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


def quality(tune: bool) -> None:
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
    if tune:
        weights, penalty = tune_weights(splits["train"], search_terms)
        print(f"  tuned on train: weights {weights}, conflict penalty {penalty}")
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
            if tune:
                matches = rerank(tweet.text, search_terms, weights, penalty)
            else:
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


def tune_weights(tweets, search_terms) -> tuple[dict[str, float], float]:
    """The titled weights and conflict penalty fitted on `tweets` (train), after a
    5-fold cross-validation of the same fit as the selection figure.

    The fit: a listwise softmax loss over each tweet's shortlist (projected gradient
    descent, weights kept non-negative), then a coordinate search on MAP@5."""
    prepared = []
    for tweet in tweets:
        pool = search_terms(query_terms(tweet.text), POOL)
        if not pool:
            continue
        pool = _shortlist(tweet.text, pool, DEFAULT_SHORTLIST) if len(pool) > DEFAULT_SHORTLIST else pool
        features = candidate_features(tweet.text, pool)
        conflicts = [len({f["kind"] for f in explain(tweet.text, c.text)["conflicts"]}) for c in pool]
        gold = [vclaim_id(c) in tweet.relevant for c in pool]
        prepared.append((features, conflicts, gold, len(tweet.relevant)))
    names = list(TITLED_WEIGHTS)
    rows = [
        ([[f.get(name, 0.0) for name in names] + [-k] for f, k in zip(features, conflicts)], gold, n)
        for features, conflicts, gold, n in prepared
    ]
    shares = []
    for shuffle in range(1):  # more shuffles: a steadier figure, 5 minutes each
        order = list(range(len(rows)))
        random.Random(shuffle).shuffle(order)
        folds = [order[i::5] for i in range(5)]
        total = 0.0
        for i, held_out in enumerate(folds):
            fitted = [rows[j] for fold in folds[:i] + folds[i + 1 :] for j in fold]
            theta = _refine(fitted, _fit_listwise(fitted))
            total += _map5([rows[j] for j in held_out], theta) * len(held_out)
        shares.append(total / len(rows))
        print(f"  shuffle {shuffle}: 5-fold cross-validated train MAP@5 {shares[-1]:.4f}", flush=True)
    print(f"  cross-validated train MAP@5 {statistics.mean(shares):.4f}", flush=True)
    theta = _refine(rows, _fit_listwise(rows))
    print(f"  fitted on all of train: MAP@5 {_map5(rows, theta):.4f}", flush=True)
    total = sum(theta[:-1]) or 1.0
    weights = {name: round(value, 3) for name, value in zip(names, theta)}
    return weights, round(100 * theta[-1] / total, 2)


def _scores(candidates: Sequence[Sequence[float]], theta: Sequence[float]) -> list[float]:
    return [sum(x * w for x, w in zip(row, theta)) for row in candidates]


def _map5(rows, theta: Sequence[float]) -> float:
    total = 0.0
    for candidates, gold, n_relevant in rows:
        scores = _scores(candidates, theta)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:5]
        hits, ap = 0, 0.0
        for rank, i in enumerate(order, 1):
            if gold[i]:
                hits += 1
                ap += hits / rank
        total += ap / min(n_relevant, 5)
    return total / len(rows) if rows else 0.0


def _fit_listwise(rows, epochs: int = 300, rate: float = 1.0, l2: float = 1e-4, temperature: float = 10.0) -> list[float]:
    """Weights (the last one the conflict penalty) minimising the softmax loss of the
    gold candidates, by projected gradient descent from all ones."""
    import math

    usable = [(candidates, gold) for candidates, gold, _ in rows if any(gold)]
    dimensions = len(usable[0][0][0])
    theta = [1.0] * dimensions
    for _epoch in range(epochs):
        gradient = [2 * l2 * t for t in theta]
        for candidates, gold in usable:
            scores = [temperature * s for s in _scores(candidates, theta)]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            norm = sum(exps)
            n_gold = sum(gold)
            for row, e, g in zip(candidates, exps, gold):
                coefficient = temperature * (e / norm - (1.0 / n_gold if g else 0.0)) / len(usable)
                gradient = [total + coefficient * x for total, x in zip(gradient, row)]
        theta = [max(0.0, t - rate * g) for t, g in zip(theta, gradient)]
    return theta


def _refine(rows, theta: Sequence[float], rounds: int = 3) -> list[float]:
    """A coordinate search on MAP@5 from `theta` over a grid of weights and penalties."""
    theta = list(theta)
    best = _map5(rows, theta)
    for _round in range(rounds):
        improved = False
        for d in range(len(theta) - 1):
            for value in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0):
                trial = theta[:d] + [value] + theta[d + 1 :]
                if sum(trial[:-1]) <= 0:
                    continue
                if (score := _map5(rows, trial)) > best + 1e-9:
                    best, theta, improved = score, trial, True
        for share in (0.0, 0.005, 0.01, 0.02, 0.05, 0.1):
            trial = theta[:-1] + [share * sum(theta[:-1])]
            if (score := _map5(rows, trial)) > best + 1e-9:
                best, theta, improved = score, trial, True
        if not improved:
            break
    return theta


# -- speed ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


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
        print(
            f"    {'search_by_terms alone':<32} p50 {percentile(stage, 0.5) * 1000:6.1f} ms "
            f"p95 {percentile(stage, 0.95) * 1000:6.1f} ms | source in the {POOL} candidates "
            f"{pooled / len(stage):.3f}",
            flush=True,
        )


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also measure 1M stored claims")
    parser.add_argument("--tune", action="store_true", help="refit the titled weights on train (with a 5-fold cross-validation)")
    parser.add_argument("--quality", action="store_true", help="quality only")
    parser.add_argument("--speed", action="store_true", help="speed only")
    parser.add_argument("--queries", type=int, default=200, help="speed queries per size")
    args = parser.parse_args(argv)
    run_quality = not args.speed or args.quality
    run_speed = not args.quality or args.speed
    try:
        if run_quality:
            quality(args.tune)
        if run_speed:
            sizes = [10_000, 100_000] + ([1_000_000] if args.full else [])
            speed(sizes, args.queries, brute_queries=20)
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
