"""Matching benchmark: retrieval quality on CheckThat! 2020 task 2 and speed at scale.

Run from the project root:
    .venv/bin/python bench/matching.py              # quality + speed at 10k and 100k (a few minutes)
    .venv/bin/python bench/matching.py --full       # also 1M stored claims (about 6 minutes more)
    .venv/bin/python bench/matching.py --tune       # refit the titled weights and trees on train only (about 2 minutes; needs the `tune` extra)
    .venv/bin/python bench/matching.py --quality    # quality only   (--speed: speed only)
    .venv/bin/python bench/matching.py --conflicts  # conflict flags only (seconds; part of --quality)
    .venv/bin/python bench/matching.py --suggest    # same claim, default output, suggestions (about 4 minutes)
    .venv/bin/python bench/matching.py --suggest --train-only   # the same-claim threshold's choice on train (dev unread)
    .venv/bin/python bench/matching.py --speed --sizes 1000000   # speed at chosen sizes only
    .venv/bin/python bench/matching.py --speed --sizes 1000000 --store DIR   # keep the stores in DIR, reuse them next time
    .venv/bin/python bench/matching.py --engine postgresql       # SQLite vs PostgreSQL, same run (about 2 minutes)
    .venv/bin/python bench/matching.py --engine postgresql --train-only   # the same, train only
    .venv/bin/python bench/matching.py --engine postgresql --speed --sizes 1000000   # speed on both engines

Quality: the 10,375 verified claims (with their titles) go into a temporary store; each
train and dev tweet is matched; MAP@5, Recall@1, Recall@5 and MRR are printed for
`find_matches` next to baselines computed in the same run: plain FTS5 BM25 over the
claims' text (the tweet's words OR-ed), the same over text and title, and brute-force
rapidfuzz `token_set_ratio` over every claim.

Tuning (--tune, train only): loads the collection and runs `matchers.model.train.tune`,
which refits `matchers.rank.TITLED_WEIGHTS` (printed, pasted by hand) and the boosted
trees with their logistic link (written to matchers/model/rerank_trees.json), printing
the 5-fold cross-validated train MAP@5 of both over 3 shuffles; it needs lightgbm and
numpy, which matching itself does not.

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
embedded and stored afterwards (`operations.embed_references`, wall and CPU), and
p50/mean/p95 of `operations.find_matches` as `claimdesk match` runs it, semantic off
(the baseline) and on, in the same run, each on its own fresh queries, in wall and in
CPU milliseconds (the steadier figure on a shared machine).

Same claim and suggestions (--suggest): precision and recall of "same claim"
(`matchers.is_same_claim`) over each query's top five on CheckThat! 2020 task 2 train
for each threshold (how `SAME_CLAIM_SCORE` was chosen: the lowest with precision >=
`SAME_CLAIM_PRECISION`) and on dev at the shipped one; the same on 2022 2B train
(debate sentences, how `TRANSCRIPT_SAME_CLAIM_SCORE` was chosen: the lowest with
precision >= `TRANSCRIPT_SAME_CLAIM_PRECISION`) and on 2B dev at it and at 60;
MAP@5 of the default output (`operations.find_matches` with its defaults, what `claimdesk
match` prints) and of its lexical ranking alone (semantic off) beside BM25 over text and
title, on 2020 dev, on 2020 dev against the 2022 2A collection and on 2022 2B dev
(debate sentences alone and with their context);
and the share of suggestions agreeing with the normalised rating of the match they cite,
on the demo store and on a store of 2022 2B's PolitiFact claims imported with their
ratings (queries: 2B train and dev sentences with context).
The 2020 same-claim figures at the shipped threshold, 2020 dev's and the 2A collection's
default output and the demo store's suggestions are printed again without the semantic
stage's containment floor (`matchers.semantic.CONTAINED_COVERAGE`), the baseline of that rule.

Engines (--engine postgresql, or --engine postgresql://URL for a server of your own; the
default starts a throwaway server as the tests do, which needs the PostgreSQL server
programs): the CheckThat! 2020 task 2 collection in an SQLite store and in a PostgreSQL
store; `find_matches` through `search_by_terms` on each, train then dev: MAP@5, R@1,
R@5, MRR and p50/p95 per tweet, with the difference in MAP@5. With --speed as well: the
speed stores (above) on SQLite, the baseline, and on PostgreSQL, same run: import rate
(wall and CPU; the server's CPU for PostgreSQL), and p50/p95 of `find_matches` through
`search_by_terms` with the CPU milliseconds per query of this process, the load average
printed around each size.

Skips with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
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
from matchers import build_fts_query, find_matches
from matchers.model import train
from matchers.model.train import SHUFFLES
from matchers.query import query_terms
from matchers.rank import DEFAULT_SHORTLIST
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


def _throwaway_server(purpose: str):
    """A PostgreSQL server of the test suite's kind (Unix socket, removed on stop), or None
    with a line saying how to get one."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pgserver import HOW_TO_GET, PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        print(f"{purpose}: skipped, {HOW_TO_GET}", file=sys.stderr)
        return None
    return PostgresServer(binaries)


def engine_parity(engine: str, splits: Sequence[str] = ("train", "dev")) -> None:
    """The same matching on SQLite and on PostgreSQL, in one run."""
    server = None
    if engine == "postgresql":
        server = _throwaway_server("Engines")
        if server is None:
            return
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


# -- speed ---------------------------------------------------------------------------


def speed(sizes: Sequence[int], queries_per_size: int, brute_queries: int, keep: str | None = None) -> None:
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
        with _speed_folder(keep) as folder:
            path = Path(folder) / f"bench-{size}.db"
            reused = path.exists()
            store = Store(path)
            started = time.perf_counter()
            added = 0 if reused else store.add_reference_claims(
                ReferenceDraft(text=t, source="bench", url=f"bench:{i}") for i, t in enumerate(texts)
            )[0]
            import_seconds = time.perf_counter() - started
            stored = store.db.conn.execute("SELECT count(*) FROM reference_claims").fetchone()[0]
            if reused and stored != size:
                raise SystemExit(f"{path} holds {stored:,} claims, not {size:,} (an import cut short?): "
                                 "delete it and run again.")
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
            semantic_rows = _semantic_speed(store, texts, rng, vocabulary, queries_per_size)
            store.close()
        brute_p50 = statistics.median(brute) * 1000
        imported = (f"reused {path}" if reused else
                    f"import {added / import_seconds:,.0f} claims/s ({import_seconds:.1f} s)")
        print(
            f"  {size:>9,} stored: {imported}, db {size_mb:.1f} MB | brute force token_set_ratio p50 "
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


def _speed_folder(keep: str | None):
    """Where the speed stores are built: a temporary folder, or `keep` (made if needed),
    where a store built by an earlier run (`bench-SIZE.db`) is used again as it is."""
    if keep is None:
        return tempfile.TemporaryDirectory()
    Path(keep).mkdir(parents=True, exist_ok=True)
    return contextlib.nullcontext(keep)


def _semantic_speed(store: Store, texts: Sequence[str], rng: random.Random, vocabulary, count: int) -> list[str]:
    """Embedding the stored reference claims after the import, then matching as the
    `match` command does (`operations.find_matches`), semantic stage off and on, each on
    its own `count` fresh perturbed claims (not matched before in this process, so no
    cached analysis of the query or its candidates flatters either row; the term counts
    cached by the rows before stay, as in a desk that has been matching for a while).
    Wall and CPU milliseconds per claim."""
    from matchers import semantic
    import operations

    started = time.perf_counter()
    semantic.load_model()
    load_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    embedded = operations.embed_references(store)
    embed_seconds, embed_cpu = time.perf_counter() - started, time.process_time() - cpu
    lines = [f"    model load {load_seconds:.2f} s; embedding after the import: {embedded / embed_seconds:,.0f} "
             f"claims/s ({embed_seconds:.1f} s wall, {embed_cpu:.1f} s CPU: "
             f"{embed_cpu / max(embedded, 1) * 1e6:.0f} us CPU a claim)" if embedded else
             f"    model load {load_seconds:.2f} s; every stored claim already embedded"]
    for label, on in (("match, semantic off (base)", False), ("match, semantic on (default)", True)):
        sources = rng.sample(range(len(texts)), count)
        queries = [perturb(texts[i], rng, vocabulary) for i in sources]
        latencies, hits1, hits5, cpus = _timed_matches(sources, queries, lambda q: operations.find_matches(
            store, q, limit=5, min_score=0, semantic=on), cpu=True)
        lines.append(
            f"    {label:<32} p50 {percentile(latencies, 0.5) * 1000:6.1f} ms mean "
            f"{statistics.mean(latencies) * 1000:6.1f} ms p95 {percentile(latencies, 0.95) * 1000:6.1f} ms"
            f" | CPU p50 {percentile(cpus, 0.5) * 1000:5.1f} mean {statistics.mean(cpus) * 1000:5.1f} "
            f"p95 {percentile(cpus, 0.95) * 1000:5.1f} ms"
            f" | source R@1 {hits1 / len(latencies):.3f} R@5 {hits5 / len(latencies):.3f} ({count} fresh queries)")
    return lines


def engine_speed(engine: str, sizes: Sequence[int], queries_per_size: int) -> None:
    """Import and lexical matching speed at each size, SQLite (baseline) then PostgreSQL."""
    import os

    server = None
    if engine == "postgresql":
        server = _throwaway_server("Engine speed")
        if server is None:
            return
    load = lambda: " ".join(f"{x:.1f}" for x in os.getloadavg())  # noqa: E731
    try:
        print("Engine speed: LIAR statements + generated claims; queries = stored claims "
              "20-40% perturbed", flush=True)
        liar = [s.text for s in liar_statements()]
        generator = ClaimGenerator(liar)
        vocabulary = sorted({w for t in liar[:3000] for w in t.split()})
        for size in sizes:
            texts = (liar + generator.claims(max(0, size - len(liar))))[:size]
            rng = random.Random(11)
            sources = rng.sample(range(len(texts)), queries_per_size)
            queries = [perturb(texts[i], rng, vocabulary) for i in sources]
            print(f"  {size:,} stored; load average {load()}", flush=True)
            for name in ("sqlite", "postgresql"):
                with tempfile.TemporaryDirectory() as folder:
                    location = (str(Path(folder) / "bench.db") if name == "sqlite"
                                else server.new_database() if server is not None else engine)
                    store = Store(location)
                    server_before = server.ended_backends_cpu() if server and name != "sqlite" else 0.0
                    started, cpu = time.perf_counter(), time.process_time()
                    added, _ = store.add_reference_claims(
                        ReferenceDraft(text=t, source="bench", url=f"bench:{i}") for i, t in enumerate(texts))
                    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                    import_part = ""
                    if server is not None and name != "sqlite":
                        store.close()  # its backend ends: the import's server CPU is counted
                        time.sleep(0.5)  # once the server has reaped it
                        server_seconds = server.ended_backends_cpu() - server_before
                        import_part = (f", server {server_seconds:.1f} CPU s: {added / (cpu + server_seconds):,.0f}"
                                       " claims per CPU s of both")
                        store = Store(location)
                    search_terms = lambda terms, n, store=store: search_by_terms(store, terms, n)  # noqa: E731
                    query_cpu = time.process_time()
                    latencies, hits1, hits5 = _timed_matches(sources, queries, lambda q: find_matches(
                        q, search_terms=search_terms, limit=5, min_score=0, pool=POOL))
                    query_cpu = (time.process_time() - query_cpu) / len(queries) * 1000
                    store.close()
                    if server is not None and name != "sqlite":
                        server.drop_database(location)
                p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
                print(f"    {name:<10} import {added / seconds:>9,.0f} claims/s ({seconds:.1f} s, "
                      f"{added / cpu:,.0f} claims per CPU s here{import_part}) | find_matches p50 "
                      f"{p50:6.1f} ms p95 {p95:6.1f} ms, {query_cpu:.1f} CPU ms a query here | "
                      f"source R@1 {hits1 / len(latencies):.3f} R@5 {hits5 / len(latencies):.3f} "
                      f"({len(latencies)} queries)", flush=True)
            print(f"  load average after {load()}", flush=True)
    finally:
        if server is not None:
            server.stop()


def _timed_matches(sources, queries, match, cpu: bool = False):
    """Latencies of `match` over the queries, and how often the perturbed claim's source
    came first and within the top five (ids follow insertion order); with `cpu`, the CPU
    seconds of each call too."""
    latencies, hits1, hits5, cpus = [], 0, 0, []
    for source, query in zip(sources, queries):
        started, cpu_started = time.perf_counter(), time.process_time()
        matches = match(query)
        latencies.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        ids = [m.candidate.id for m in matches]
        hits1 += ids[:1] == [source + 1]
        hits5 += (source + 1) in ids
    return (latencies, hits1, hits5, cpus) if cpu else (latencies, hits1, hits5)


# -- same claim, default output, suggestions ------------------------------------------


# `matchers.verdict.SAME_CLAIM_SCORE` is the lowest of `SAME_CLAIM_THRESHOLDS` whose
# "same claim" precision on 2020 train reaches this (see its comment for why not 0.90).
SAME_CLAIM_PRECISION = 0.95
SAME_CLAIM_THRESHOLDS = range(50, 91, 5)
# `matchers.verdict.TRANSCRIPT_SAME_CLAIM_SCORE`: the same rule on 2022 2B train, at this
# precision, as no threshold reaches `SAME_CLAIM_PRECISION` there (see its comment).
TRANSCRIPT_SAME_CLAIM_PRECISION = 0.90
TRANSCRIPT_SAME_CLAIM_THRESHOLDS = range(50, 96, 5)


def same_claim_cells(found, positives: int, thresholds, dataset_id=vclaim_id) -> tuple[list[str], list[float]]:
    """P and R of "same claim" (`matchers.is_same_claim`) over each query's matches, as
    printed cells, and the precision at each threshold; `found` holds (matches,
    relevant ids), `dataset_id(candidate)` a candidate's id in the dataset."""
    from matchers import is_same_claim

    cells, precisions = [], []
    for threshold in thresholds:
        kept = [dataset_id(m.candidate) in relevant for matches, relevant in found
                for m in matches if is_same_claim(m, threshold)]
        precisions.append(sum(kept) / max(1, len(kept)))
        cells.append(f"{threshold:.0f}: P {precisions[-1]:.3f} R {sum(kept) / positives:.3f} ({len(kept)})")
    return cells, precisions


def same_claim_report(train_only: bool = False) -> None:
    from _data import checkthat_2a_claims, checkthat_2a_tweets

    import operations
    from matchers import SAME_CLAIM_SCORE

    print("Same claim (score >= t, no conflict flag, first of its fact-check), each query's top five, "
          "CheckThat! 2020 task 2: P, R (matches kept)", flush=True)
    store, _ = load_checkthat_store()
    for split in ("train",) if train_only else ("train", "dev"):
        tweets = checkthat_tweets(split)
        found = [(operations.find_matches(store, t.text), t.relevant) for t in tweets]
        positives = sum(len(t.relevant) for t in tweets)
        thresholds = SAME_CLAIM_THRESHOLDS if split == "train" else [SAME_CLAIM_SCORE]
        cells, precisions = same_claim_cells(found, positives, thresholds)
        print(f"  {split}: " + " | ".join(cells), flush=True)
        with no_containment_floor():
            unfloored = [(operations.find_matches(store, t.text), t.relevant) for t in tweets]
        print(f"  {split}, baseline without the containment floor: "
              + same_claim_cells(unfloored, positives, [SAME_CLAIM_SCORE])[0][0], flush=True)
        print_row("  baseline's default output", metrics(
            [([vclaim_id(m.candidate) for m in matches], relevant) for matches, relevant in unfloored]))
        if split == "train":
            chosen = next((t for t, p in zip(thresholds, precisions) if p >= SAME_CLAIM_PRECISION), None)
            print(f"  lowest threshold with train precision >= {SAME_CLAIM_PRECISION}: {chosen} "
                  f"(shipped: {SAME_CLAIM_SCORE:.0f})", flush=True)
            print_row("train, default output (operations.find_matches)", metrics(
                [([vclaim_id(m.candidate) for m in matches], relevant) for matches, relevant in found]))
        if split == "dev":
            print_row("default output (operations.find_matches)", metrics(
                [([vclaim_id(m.candidate) for m in matches], relevant) for matches, relevant in found]))
            print_row("lexical ranking alone (semantic off)", metrics(
                [([vclaim_id(m.candidate) for m in operations.find_matches(store, t.text, semantic=False)], t.relevant)
                 for t in tweets]))
            print_row("BM25 text+title, words OR-ed", metrics(
                [([vclaim_id(c) for c in store.search_candidates(plain_bm25_query(t.text), 5)], t.relevant)
                 for t in tweets]))
    if train_only:
        return
    print("Default output against the 2022 2A collection (14,231 Snopes claims), 2020 dev tweets", flush=True)
    collection = Store(None, memory=True)
    collection.add_reference_claims(
        ReferenceDraft(text=c.text, title=c.title, source="Snopes", url=f"vclaim:{c.id}") for c in checkthat_2a_claims())
    tweets = checkthat_2a_tweets("dev")
    print_row("default output (operations.find_matches)", metrics(
        [([vclaim_id(m.candidate) for m in operations.find_matches(collection, t.text)], t.relevant) for t in tweets]))
    with no_containment_floor():
        print_row("baseline without the containment floor", metrics(
            [([vclaim_id(m.candidate) for m in operations.find_matches(collection, t.text)], t.relevant)
             for t in tweets]))
    print_row("lexical ranking alone (semantic off)", metrics(
        [([vclaim_id(m.candidate) for m in operations.find_matches(collection, t.text, semantic=False)], t.relevant)
         for t in tweets]))
    print_row("BM25 text+title, words OR-ed", metrics(
        [([vclaim_id(c) for c in collection.search_candidates(plain_bm25_query(t.text), 5)], t.relevant)
         for t in tweets]))


@contextlib.contextmanager
def no_containment_floor():
    """The semantic stage as it was before its containment floor (the baseline)."""
    from matchers import semantic

    kept = semantic.CONTAINED_COVERAGE
    semantic.CONTAINED_COVERAGE = math.inf
    try:
        yield
    finally:
        semantic.CONTAINED_COVERAGE = kept


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


def debate_same_claim(train_only: bool = False) -> None:
    """P and R of "same claim" by threshold on 2022 2B train sentences (with context,
    speaker and date, as `claimdesk` matches a transcript's line), and the lowest threshold
    reaching `TRANSCRIPT_SAME_CLAIM_PRECISION` (how `TRANSCRIPT_SAME_CLAIM_SCORE` was
    chosen); then, unless `train_only`, dev at the shipped threshold and, as the baseline,
    at `SAME_CLAIM_SCORE`."""
    from _data import checkthat_2b_sentences

    import operations
    from matchers import SAME_CLAIM_SCORE, TRANSCRIPT_SAME_CLAIM_SCORE
    from matchers.context import query_with_context

    print("Same claim on CheckThat! 2022 2B (debate sentences with context, speaker and date), "
          "each sentence's top five: P, R (matches kept)", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        store, ids = politifact_store(folder)
        for split in ("train",) if train_only else ("train", "dev"):
            sentences = checkthat_2b_sentences(split)
            found = [(operations.find_matches(store, query_with_context(s.text, s.speaker,
                                                                        s.before[-1] if s.before else ""),
                                              speaker=s.speaker, date=s.date), s.relevant) for s in sentences]
            thresholds = (TRANSCRIPT_SAME_CLAIM_THRESHOLDS if split == "train"
                          else [TRANSCRIPT_SAME_CLAIM_SCORE, SAME_CLAIM_SCORE])
            cells, precisions = same_claim_cells(found, sum(len(s.relevant) for s in sentences), thresholds,
                                                 lambda candidate: ids[candidate.id])
            print(f"  {split}: " + " | ".join(cells), flush=True)
            if split == "train":
                for wanted in (SAME_CLAIM_PRECISION, TRANSCRIPT_SAME_CLAIM_PRECISION):
                    chosen = next((t for t, p in zip(thresholds, precisions) if p >= wanted), None)
                    print(f"  lowest threshold with train precision >= {wanted}: {chosen}", flush=True)
                print(f"  (shipped for a transcript's line: {TRANSCRIPT_SAME_CLAIM_SCORE:.0f})", flush=True)


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
        with no_containment_floor():
            suggestion_agreement("demo store, baseline without the containment floor", demo, claims)


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
            kept = [ok for top in tops for m, ok in top[k] if is_same_claim(m, SAME_CLAIM_SCORE)]
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
    parser.add_argument("--train-only", action="store_true",
                        help="with --suggest or --engine: the train figures only (dev is not read)")
    parser.add_argument("--speaker", action="store_true",
                        help="fit the speaker and date bonuses on 2022 2B train (5-fold cross-validations)")
    parser.add_argument("--queries", type=int, default=200, help="speed queries per size")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="stored claims to measure speed at")
    parser.add_argument("--store", metavar="DIR",
                        help="with --speed: build the speed stores in DIR and keep them; a store "
                        "an earlier run left there is used again (no import figure)")
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
        if args.engine and args.speed:
            engine_speed(args.engine, args.sizes or [10_000, 100_000], args.queries)
            return 0
        if args.engine:
            engine_parity(args.engine, ("train",) if args.train_only else ("train", "dev"))
            return 0
        if args.suggest:
            same_claim_report(train_only=args.train_only)
            debate_same_claim(train_only=args.train_only)
            if not args.train_only:
                debate_report_and_suggestions()
            return 0
        if args.tune:
            print("Tuning on CheckThat! 2020 task 2 train (dev is not read)", flush=True)
            store, _ = load_checkthat_store()
            train.tune(checkthat_tweets("train"),
                       lambda text: search_by_terms(store, query_terms(text), POOL), vclaim_id)
            if not (args.quality or args.speed):
                return 0
        if args.conflicts:
            conflict_section()
            return 0
        if run_quality:
            quality()
        if run_speed:
            sizes = args.sizes or [10_000, 100_000] + ([1_000_000] if args.full else [])
            speed(sizes, args.queries, brute_queries=20, keep=args.store)
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
