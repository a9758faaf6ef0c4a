"""Semantic reranking benchmark: quality on CheckThat! 2020 task 2 with and without it, and its latency.

Run from the project root:
    .venv/bin/python bench/matching_semantic.py              # quality + latency (about 2 minutes)
    .venv/bin/python bench/matching_semantic.py --quality    # quality only  (--latency: latency only)
    .venv/bin/python bench/matching_semantic.py --quality --train-only   # the choices on train, dev unread
    .venv/bin/python bench/matching_semantic.py --model DIR --dims 128   # another static model folder, or
                                                             # its first 128 (PCA) dimensions

Quality: the 10,375 verified claims (with titles) go into a temporary store, and each
train and dev tweet gets the lexical matcher's best matches (`matchers.find_matches`
through `store.search.search_by_terms`, as the desk does). The semantic similarity
(`matchers.semantic`) of the tweet to each of the best N is fused into the score:
`(1 - w) * lexical + w * 100 * similarity`. Which text is embedded (the claim, the
title, both joined, or the better of the two), N and w are chosen on train alone by a
grid search for MAP@5 (the shallowest N, then the lightest w, within 0.002 of the
best); the figures then
printed for dev come from that one choice, next to the lexical matcher's in the same
run. The "same claim" threshold on the fused score is chosen on train for F1 over each
tweet's top five, and reported on dev.

Latency: per dev tweet, `find_matches` alone against `find_matches` plus the semantic
rerank, p50 and p95, with the embedding cache emptied before each tweet (every match
embedded: the cost of a claim whose candidates were never seen) and filled beforehand
with every dev tweet's matches (what remains: the tweet's own embedding and the fusing).
Other processes on the machine weigh heavily on these figures: compare the rows of one
run with each other, not across runs. The model's loading is timed apart.

Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _data import DatasetMissing, checkthat_tweets
from matching import POOL, load_checkthat_store, metrics, print_row, vclaim_id
from matchers import find_matches
from matchers import semantic
from store.models import Match
from store.search import search_by_terms
from timing import percentile

# Lexical matches kept per tweet: the deepest rerank the grid search tries.
MAX_DEPTH = 30
DEPTHS = (5, 10, 20, 30)
# Train MAP@5 differences below this are treated as ties (see `quality`).
TIE_MAP = 0.002
WEIGHTS = tuple(round(0.05 * step, 2) for step in range(21))
# What is embedded for a match.
VARIANTS: dict[str, Callable[[Match], tuple[str, ...]]] = {
    "claim": lambda m: (m.candidate.text,),
    "title": lambda m: (m.candidate.title or m.candidate.text,),
    "title. claim": lambda m: (
        f"{m.candidate.title}. {m.candidate.text}" if m.candidate.title else m.candidate.text,
    ),
    "max(claim, title)": lambda m: (m.candidate.text, m.candidate.title or m.candidate.text),
}
# The variant `matchers.semantic.match_texts` embeds.
SHIPPED_VARIANT = "title. claim"
# Texts embedded per titled match, each a model call's share of the cost.
TEXTS_PER_MATCH = {"claim": 1, "title": 1, "title. claim": 1, "max(claim, title)": 2}


@dataclass
class TweetMatches:
    relevant: frozenset[str]
    matches: list[Match]
    # Per variant, the similarity of the tweet to each match.
    similarities: dict[str, list[float]]


def ranked_ids(tweet: TweetMatches, variant: str | None, depth: int, weight: float) -> list[str]:
    """Match ids best first: the top `depth` fused with the similarity, the rest after."""
    if variant is None or weight == 0:
        return [vclaim_id(m.candidate) for m in tweet.matches]
    head = semantic.fuse_semantic(
        tweet.matches[:depth], tweet.similarities[variant][:depth], weight
    )
    return [vclaim_id(m.candidate) for m in head + tweet.matches[depth:]]


def fused_top(tweet: TweetMatches, variant: str, depth: int, weight: float) -> list[Match]:
    return semantic.fuse_semantic(
        tweet.matches[:depth], tweet.similarities[variant][:depth], weight
    )


def map_at_5(tweets: Sequence[TweetMatches], variant, depth, weight) -> float:
    return metrics([(ranked_ids(t, variant, depth, weight), t.relevant) for t in tweets])["MAP@5"]


def collect(store, tweets, search_terms) -> list[TweetMatches]:
    """Each tweet's lexical matches and, per variant, their similarities to the tweet."""
    out = []
    for tweet in tweets:
        matches = find_matches(
            tweet.text, search_terms=search_terms, limit=MAX_DEPTH, min_score=0, pool=POOL
        )
        out.append(TweetMatches(tweet.relevant, matches, {}))
    return out


def add_similarities(split_tweets: dict[str, list[TweetMatches]], texts: dict[str, list]) -> float:
    """Embeds every text once (batched through the cache), then scores each tweet; returns
    the seconds spent embedding."""
    semantic.EMBEDDING_CACHE_SIZE = 200_000
    unique = list(dict.fromkeys(t for group in texts.values() for t in group))
    started = time.perf_counter()
    for start in range(0, len(unique), 512):
        semantic.semantic_scores("warm-up", unique[start : start + 512])
        done = min(len(unique), start + 512)
        if done % 4096 < 512 or done == len(unique):
            print(f"  embedded {done:,}/{len(unique):,} texts", flush=True)
    return time.perf_counter() - started


def quality(train_only: bool = False) -> tuple[str, int, float, float]:
    print("Quality: CheckThat! 2020 task 2 (tweets vs 10,375 Snopes claims)", flush=True)
    store, _ = load_checkthat_store()
    search_terms = lambda terms, n: search_by_terms(store, terms, n)  # noqa: E731
    splits = ("train",) if train_only else ("train", "dev")
    raw = {split: checkthat_tweets(split) for split in splits}
    split_tweets = {split: collect(store, tweets, search_terms) for split, tweets in raw.items()}
    texts: dict[str, list[str]] = {"queries": [t.text for ts in raw.values() for t in ts]}
    texts["matches"] = [
        text
        for tweets in split_tweets.values()
        for tweet in tweets
        for m in tweet.matches
        for variant in VARIANTS.values()
        for text in variant(m)
    ]
    seconds = add_similarities(split_tweets, texts)
    print(f"  embedding: {seconds:.0f} s in all", flush=True)
    for split, tweets in split_tweets.items():
        for tweet, source in zip(tweets, raw[split]):
            for name, variant in VARIANTS.items():
                per_match = [variant(m) for m in tweet.matches]
                flat = [text for group in per_match for text in group]
                scores = iter(semantic.semantic_scores(source.text, flat))
                tweet.similarities[name] = [max(next(scores) for _ in g) for g in per_match]

    train, dev = split_tweets["train"], split_tweets.get("dev", [])
    print(f" grid search on train ({len(train)} tweets): MAP@5 of the best weight per variant and depth")
    lexical_map = map_at_5(train, None, 0, 0.0)
    grid = []
    for name in VARIANTS:
        cells = []
        for depth in DEPTHS:
            scores = [(map_at_5(train, name, depth, w), w) for w in WEIGHTS]
            score, weight = max(scores, key=lambda item: (item[0], -item[1]))
            cells.append(f"N={depth}: {score:.3f} (w={weight:.2f})")
            grid.extend((s, name, depth, w) for s, w in scores)
        print(f"  {name:<18} " + "  ".join(cells), flush=True)
    # The cheapest rerank within TIE_MAP of the best train MAP@5 (the shallowest, then
    # the fewest texts embedded per match, then the lightest weight): embedding fewer
    # texts is faster, a lighter weight leaves more to the lexical score (its conflict
    # penalties, its calibrated "same claim" scale), and a smaller gain than that is
    # noise on 800 tweets.
    top = max(score for score, *_ in grid)
    _, variant, depth, weight = min(
        (item for item in grid if item[0] >= top - TIE_MAP),
        key=lambda item: (item[2], TEXTS_PER_MATCH[item[1]], item[3], -item[0]),
    )
    if top <= lexical_map:
        print("  no semantic weight beats the lexical matcher on train")
        return "", 0, 0.0, 0.0
    print(f" chosen on train: embed {variant!r}, rerank the best {depth}, weight {weight:.2f}")
    shipped = (semantic.SEMANTIC_POOL, semantic.DEFAULT_SEMANTIC_WEIGHT)
    if variant != SHIPPED_VARIANT or (depth, weight) != shipped:
        print(f"  matchers.semantic ships {SHIPPED_VARIANT!r}, the best {shipped[0]}, weight "
              f"{shipped[1]:.2f}: update it to the choice above")
    for split, tweets in split_tweets.items():
        print(f" {split} ({len(tweets)} tweets)")
        lexical = [(ranked_ids(t, None, 0, 0), t.relevant) for t in tweets]
        fused = [(ranked_ids(t, variant, depth, weight), t.relevant) for t in tweets]
        print_row("find_matches (lexical)", metrics(lexical))
        print_row("find_matches + semantic rerank", metrics(fused))
        # Semantic similarity alone over the same best N, for scale.
        alone = [(ranked_ids(t, variant, depth, 1.0), t.relevant) for t in tweets]
        print_row(f"semantic alone over lexical top {depth}", metrics(alone))
    threshold = choose_threshold(train, dev, variant, depth, weight)
    return variant, depth, weight, threshold


def f1_at(tweets, threshold, top) -> tuple[float, float, float]:
    positives = sum(len(t.relevant) for t in tweets)
    kept = [
        vclaim_id(m.candidate) in t.relevant
        for t in tweets
        for m in top(t)[:5]
        if m.score >= threshold
    ]
    tp = sum(kept)
    precision = tp / len(kept) if kept else 1.0
    recall = tp / positives
    return precision, recall, (2 * precision * recall / (precision + recall) if tp else 0.0)


def choose_threshold(train, dev, variant, depth, weight) -> float:
    """The fused-score threshold with the best F1 on train, reported on dev too, next to
    the lexical matcher's own threshold on its own scores."""
    fused = lambda t: fused_top(t, variant, depth, weight)  # noqa: E731
    lexical = lambda t: t.matches  # noqa: E731
    threshold = max(range(30, 96), key=lambda value: f1_at(train, value, fused)[2])
    print(f" threshold on the fused score, chosen for F1 on train: {threshold}")
    from matchers import DEFAULT_MIN_SCORE

    for split, tweets in (("train", train), ("dev", dev)):
        if not tweets:
            continue
        p, r, f = f1_at(tweets, threshold, fused)
        lp, lr, lf = f1_at(tweets, DEFAULT_MIN_SCORE, lexical)
        print(
            f"  {split}: fused >= {threshold}: P {p:.2f} R {r:.2f} F1 {f:.2f} | lexical >= "
            f"{DEFAULT_MIN_SCORE:.0f}: P {lp:.2f} R {lr:.2f} F1 {lf:.2f}",
            flush=True,
        )
    return float(threshold)


def latency(depth: int, weight: float) -> None:
    print(f"Latency per dev tweet (rerank of the best {depth}, weight {weight:.2f})", flush=True)
    store, _ = load_checkthat_store()
    search_terms = lambda terms, n: search_by_terms(store, terms, n)  # noqa: E731
    tweets = checkthat_tweets("dev")
    semantic.clear_embedding_cache()
    if semantic._model is None:
        started = time.perf_counter()
        semantic.semantic_scores("first use", ["loads the model"])
        print(f"  model load and first embedding: {time.perf_counter() - started:.2f} s")
    else:
        print("  (the model was loaded by the quality run; --latency alone times its loading)")
    for tweet in tweets[:20]:  # the store's caches warm up as in a running desk
        find_matches(tweet.text, search_terms=search_terms, limit=5)

    def lexical(text):
        return find_matches(text, search_terms=search_terms, limit=5)

    def reranked(text):
        pool = find_matches(text, search_terms=search_terms, limit=depth, min_score=0)
        return semantic.rerank_semantic(text, pool, weight)[:5]

    def fill_cache(text):
        # The matches' embeddings, not the tweet's: a claim being matched is new.
        pool = find_matches(text, search_terms=search_terms, limit=depth, min_score=0)
        semantic.semantic_scores("a query that fills the cache", semantic.match_texts(pool))

    semantic.EMBEDDING_CACHE_SIZE = 20_000
    passes = (
        ("cache emptied before each tweet", semantic.clear_embedding_cache, None),
        ("cache holding the matches' embeddings", None, fill_cache),
    )
    for title, before_each, before_pass in passes:
        if before_pass:
            for tweet in tweets:
                before_pass(tweet.text)
        rows: dict[str, list[float]] = {"find_matches (lexical)": [], "+ semantic rerank": []}
        for tweet in tweets:
            for label, run in (("find_matches (lexical)", lexical), ("+ semantic rerank", reranked)):
                if before_each and run is reranked:
                    before_each()
                started = time.perf_counter()
                run(tweet.text)
                rows[label].append(time.perf_counter() - started)
        print(f"  {title}:")
        base = statistics.median(rows["find_matches (lexical)"])
        for label, values in rows.items():
            p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
            print(
                f"    {label:<24} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
                f"({p50 / base:.1f}x the lexical p50, {len(values)} tweets)",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true", help="quality only")
    parser.add_argument("--latency", action="store_true", help="latency only (module defaults)")
    parser.add_argument("--train-only", action="store_true", help="quality on train alone: the choices, no dev figures")
    parser.add_argument("--model", metavar="DIR", help="a static model folder other than the shipped one")
    parser.add_argument("--dims", type=int, help="keep the model's first N dimensions (its PCA order)")
    args = parser.parse_args(argv)
    if args.model or args.dims:
        model = semantic.load_model(Path(args.model) if args.model else None)
        if args.dims:
            model = dataclasses.replace(model, table=np.ascontiguousarray(model.table[:, : args.dims]))
        semantic._model = model
        print(f"Model: {args.model or semantic.MODEL_DIR}, {model.dimensions} dimensions", flush=True)
    try:
        depth, weight = semantic.SEMANTIC_POOL, semantic.DEFAULT_SEMANTIC_WEIGHT
        if not args.latency:
            variant, tuned_depth, tuned_weight, _ = quality(args.train_only)
            if variant:
                depth, weight = tuned_depth, tuned_weight
        if not args.quality:
            latency(depth, weight)
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
