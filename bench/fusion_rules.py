"""Fusion rules of the semantic stage, compared offline on train (dev is never read here).

Run from the project root:
    nice -n 10 .venv/bin/python bench/fusion_rules.py            # collect (about 5 minutes) and compare
    nice -n 10 .venv/bin/python bench/fusion_rules.py --cache F  # keep the collected pools in F, reuse them

Each query's lexical pool (the `matchers.semantic.SEMANTIC_POOL` best lexical matches,
every one explained) and the similarity of the query to each are collected once, as
`operations.find_matches` computes them, on CheckThat! 2020 task 2 train (tweets against
the Snopes claims, with titles) and 2022 2B train (debate sentences with their context,
speaker and date, against the PolitiFact claims), and for the demo store's claims (as
`operations.match_claim` matches them). Each rule then rescores the pool and
`matchers.select.shown` chooses what `claimdesk match` would show, so a rule costs a
fraction of a second per set. Printed per rule: MAP@5 of the default output on both
train sets, same-claim P / R at the shipped thresholds (each query's top five), and the
demo store's suggestions (how many agree with the rating they cite, and whether the
third claim's near-verbatim reference is suggested). Parameters are then cross-validated
(5 folds over 3 shuffles, chosen on four folds by the two sets' MAP@5, scored on the fifth).
"""

from __future__ import annotations

import argparse
import math
import pickle
import random
from collections import Counter
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from _data import DatasetMissing, checkthat_2b_sentences, checkthat_tweets
from matching import average_precision_at, load_checkthat_store, politifact_store, vclaim_id

import matchers
import operations
from matchers import is_same_claim, rank, select, semantic, suggest_verdict
from matchers.context import query_with_context
from matchers.select import DeferredMatch
from matchers.verdict import QUERY_KIND, SAME_CLAIM_SCORE, TRANSCRIPT_LINE
from operations.matching import _search_terms
from store import Store

SHUFFLES = 3
# The coverages tried for the containment floor; 1.01 is the shipped fusion (never fires).
CONTAINED_GRID = [1.01, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
FOLDS = 5


@dataclass
class Pool:
    """One query's lexical pool: (candidate, order, bonus, explained match) per entry, the
    similarity of each, the dataset ids of each candidate and the relevant ones."""

    query: str
    entries: list
    similarities: list[float]
    ids: list[str]
    relevant: frozenset[str]
    # Each entry's lexical features (`matchers.rank.candidate_features`).
    features: list[dict]


_features: dict[int, dict] = {}


def _recording_features(query, candidates):
    """`candidate_features`, each candidate's values kept by id for `collect`."""
    values = _candidate_features(query, candidates)
    _features.clear()
    _features.update((c.id, v) for c, v in zip(candidates, values))
    return values


_candidate_features = rank.candidate_features
rank.candidate_features = _recording_features


def collect(store: Store, text: str, relevant, dataset_id, *, speaker: str = "", date: str = "",
            exclude_article_id: int | None = None) -> Pool:
    deferred = matchers.find_deferred(text, search_terms=partial(_search_terms, store, exclude_article_id),
                                      limit=semantic.SEMANTIC_POOL, speaker=speaker, date=date)
    for entry in deferred:
        entry.match()
    inside = select.best(deferred, semantic.SEMANTIC_POOL, select.lexical_bounds)
    similarities = semantic.candidate_similarities(text, [e.candidate for e in inside])
    return Pool(text, [(e.candidate, e.order, e.bonus, e.match()) for e in inside], similarities,
                [dataset_id(e.candidate) for e in inside], frozenset(relevant),
                [dict(_features[e.candidate.id]) for e in inside])


# 2022 2B train sentences matched alone, with no speaker: how an article's sentence is
# matched (held to the plain-text same-claim threshold); the only labelled stand-in for prose.
PROSE = "2B train as prose"


def prose_pools(store: Store, ids: dict) -> list[Pool]:
    return [collect(store, s.text, s.relevant, lambda c: ids[c.id]) for s in checkthat_2b_sentences("train")]


def collect_all(cache: str | None) -> dict[str, list[Pool]]:
    if cache and Path(cache).exists():
        with open(cache, "rb") as handle:
            sets = pickle.load(handle)
        if PROSE not in sets:
            with tempfile.TemporaryDirectory() as folder:
                sets[PROSE] = prose_pools(*politifact_store(folder))
            with open(cache, "wb") as handle:
                pickle.dump(sets, handle)
        return sets
    store, _ = load_checkthat_store()
    sets = {"2020 train": [collect(store, t.text, t.relevant, vclaim_id) for t in checkthat_tweets("train")]}
    print("collected 2020 train", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        politifact, ids = politifact_store(folder)
        sets["2B train"] = [
            collect(politifact, query_with_context(s.text, s.speaker, s.before[-1] if s.before else ""),
                    s.relevant, lambda c: ids[c.id], speaker=s.speaker, date=s.date)
            for s in checkthat_2b_sentences("train")]
        print("collected 2B train", flush=True)
        sets[PROSE] = prose_pools(politifact, ids)
        demo = Store(Path(folder) / "demo.db")
        operations.seed_demo(demo)
        sets["demo"] = [
            collect(demo, operations.matching.claim_query(c), (), lambda c: str(c.id), exclude_article_id=c.article_id)
            for row in demo.query("SELECT DISTINCT article_id FROM claims")
            for c in demo.claims_for_article(row["article_id"])]
    if cache:
        with open(cache, "wb") as handle:
            pickle.dump(sets, handle)
    return sets


# A rule: (lexical score, similarity, the entry's context) -> the fused score. The
# context: "words" (the query's words), "coverage" (the candidate's `match_coverage`:
# the share of its words, weighted by rarity in the pool, found in the query),
# "plain_coverage" (the same unweighted, from the explanation's words). Each rule must be
# monotone in the lexical score (`matchers.select.shown` ranks by bounds).
Rule = Callable[[float, float, dict], float]


def shipped(score: float, similarity: float, context: dict) -> float:
    return semantic.fused_score(score, similarity)


def contexts(pool: Pool) -> list[dict]:
    words = len(pool.query.split())
    out = []
    for (_, _, _, match), values in zip(pool.entries, pool.features):
        shared, only = len(match.explanation.get("shared", ())), len(match.explanation.get("only_match", ()))
        out.append({"words": words, "coverage": values.get("match_coverage", 0.0),
                    "plain_coverage": shared / (shared + only) if shared + only else 0.0,
                    "line": match.explanation.get(QUERY_KIND) == TRANSCRIPT_LINE})
    return out


def shown(pool: Pool, rule: Rule):
    entries = []
    for candidate, order, bonus, match in pool.entries:
        entry = DeferredMatch(candidate, order, bonus, match.score, match.score, lambda m=match: m)
        entry.match()
        entries.append(entry)
    similarity = dict(zip(entries, pool.similarities))
    context = dict(zip(entries, contexts(pool)))
    by_id = dict(zip((e.candidate.id for e in entries), pool.ids))
    matches = select.shown(entries, 5, lambda e, s: rule(s, similarity[e], context[e]))
    return matches, [by_id[m.candidate.id] for m in matches]


def evaluate(pools: Sequence[Pool], rule: Rule) -> dict[str, float]:
    ap = kept = right = 0.0
    positives = sum(len(p.relevant) for p in pools)
    for pool in pools:
        matches, ranked = shown(pool, rule)
        ap += average_precision_at(ranked, pool.relevant)
        for match, dataset_id in zip(matches, ranked):
            if is_same_claim(match):
                kept += 1
                right += dataset_id in pool.relevant
    return {"map": ap / len(pools), "p": right / max(1, kept), "r": right / positives, "kept": kept}


def demo_report(pools: Sequence[Pool], rule: Rule) -> str:
    made = agree = 0
    third = "-"
    for number, pool in enumerate(pools, start=1):
        matches, _ = shown(pool, rule)
        suggestion = suggest_verdict(matches)
        if suggestion.verdict is not None:
            made += 1
            cited = suggestion.match
            agree += (suggestion.verdict == cited.candidate.normalised_rating or
                      (not is_same_claim(cited) and (suggestion.verdict, cited.candidate.normalised_rating)
                       == ("contested", "corroborated")))
        if number == 3:
            third = f"{suggestion.verdict} ({matches[0].candidate.text[:24]}... {matches[0].score:.1f})"
    return f"demo {agree}/{made} agree; claim 3: {third}"


def rules() -> dict[str, tuple[Rule, dict]]:
    """Each family: a function of (parameters) -> rule, and its parameter grid."""
    fused = semantic.fused_score
    w0 = semantic.DEFAULT_SEMANTIC_WEIGHT

    def floor_above(t):  # no lowering at or above a lexical threshold
        return lambda s, c, x: max(fused(s, c), s) if s >= t else fused(s, c)

    def bounded_drop(d):  # lowered by at most d points, everywhere
        return lambda s, c, x: max(fused(s, c), s - d)

    def bounded_drop_above(t, d):
        return lambda s, c, x: max(fused(s, c), s - d) if s >= t else fused(s, c)

    def length_weight(n0, w_long):  # the similarity's weight falls to w_long for queries over n0 words
        return lambda s, c, x: fused(s, c, w0 if x["words"] <= n0 else w_long)

    def length_weight_smooth(n0):  # weight w0 * n0 / n beyond n0 words
        return lambda s, c, x: fused(s, c, w0 * min(1.0, n0 / max(1, x["words"])))

    def contained_floor(t, c0, n0, key="coverage"):
        # no lowering at or above t when the query holds c0 of the candidate and is over n0 words
        return lambda s, c, x: (max(fused(s, c), s) if s >= t and x[key] >= c0 and x["words"] > n0
                                else fused(s, c))

    def coverage_weight(c0, k):  # the weight falls linearly to w0 * (1 - k) as coverage goes c0 -> 1
        return lambda s, c, x: fused(s, c, w0 * (1 - k * max(0.0, x["coverage"] - c0) / (1 - c0)))

    def plain_contained_floor(c0):
        # a plain text's (not a transcript line's) match at or over the same-claim threshold,
        # whose words the query holds c0 of, is not lowered
        return lambda s, c, x: (max(fused(s, c), s) if s >= SAME_CLAIM_SCORE and x["coverage"] >= c0
                                and not x["line"] else fused(s, c))

    return {
        "plain contained floor": (plain_contained_floor, {"c0": CONTAINED_GRID}),
        "floor above t": (floor_above, {"t": [60, 70, 80, 90, 101]}),
        "bounded drop d": (bounded_drop, {"d": [0, 5, 10, 15, 20, 30, 50, 100]}),
        "bounded drop above t": (bounded_drop_above,
                                 {"t": [60, 70, 80], "d": [0, 5, 10, 15, 20]}),
        "length weight": (length_weight, {"n0": [20, 25, 30, 40, 50, 60], "w_long": [0.25, 0.4, 0.5, 0.6]}),
        "length weight smooth": (length_weight_smooth, {"n0": [15, 20, 25, 30, 40, 60, 1000]}),
        "contained floor": (contained_floor, {"t": [70, 101], "c0": [0.6, 0.7, 0.8, 0.9, 0.95],
                                              "n0": [0, 15, 20, 25, 30]}),
        "contained floor plain": (partial(contained_floor, key="plain_coverage"),
                                  {"t": [70, 101], "c0": [0.6, 0.7, 0.8, 0.9], "n0": [0, 15, 20, 25, 30]}),
        "coverage weight": (coverage_weight, {"c0": [0.0, 0.5, 0.7, 0.8, 0.9], "k": [0.0, 0.5, 1.0]}),
    }


def grid(params: dict) -> list[dict]:
    keys = list(params)
    out = [{}]
    for key in keys:
        out = [{**o, key: v} for o in out for v in params[key]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", metavar="FILE", help="keep the collected pools in FILE, reuse them next time")
    args = parser.parse_args(argv)
    try:
        sets = collect_all(args.cache)
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 0
    train_sets = ("2020 train", "2B train")

    def line(label, rule):
        cells = []
        for name in (*train_sets, PROSE):
            m = evaluate(sets[name], rule)
            cells.append(f"{name} MAP@5 {m['map']:.4f} P {m['p']:.3f} R {m['r']:.3f} ({m['kept']:.0f})")
        print(f"  {label:<34} " + " | ".join(cells) + " | " + demo_report(sets["demo"], rule), flush=True)

    print("Shipped fusion and each rule over its grid (train; same claim at the shipped thresholds)")
    line("shipped", shipped)
    for family, (make, params) in rules().items():
        for values in grid(params):
            line(f"{family} {values}", make(**values))
    print("Cross-validation: each fold's parameters chosen on the other four by the mean of the two "
          f"sets' MAP@5; {FOLDS} folds x {SHUFFLES} shuffles")
    for family, (make, params) in rules().items():
        candidates = grid(params)
        per_query = {name: {} for name in train_sets}
        for index, values in enumerate(candidates):
            rule = make(**values)
            for name in train_sets:
                per_query[name][index] = [average_precision_at(shown(p, rule)[1], p.relevant) for p in sets[name]]
        base = {name: [average_precision_at(shown(p, shipped)[1], p.relevant) for p in sets[name]]
                for name in train_sets}
        scores = {name: [] for name in train_sets}
        chosen = []
        for shuffle in range(SHUFFLES):
            folds = shuffled_folds(sets, train_sets, shuffle)
            for k in range(FOLDS):
                def fit(index):
                    return sum(
                        sum(v for q, v in enumerate(per_query[name][index]) if q not in folds[name][k])
                        / (len(sets[name]) - len(folds[name][k])) for name in train_sets)
                best = max(range(len(candidates)), key=fit)
                chosen.append(best)
                for name in train_sets:
                    held = folds[name][k]
                    scores[name].append((
                        sum(per_query[name][best][q] for q in held) / len(held),
                        sum(base[name][q] for q in held) / len(held)))
        cells = []
        for name in train_sets:
            rule_mean = sum(a for a, _ in scores[name]) / len(scores[name])
            base_mean = sum(b for _, b in scores[name]) / len(scores[name])
            cells.append(f"{name} CV {rule_mean:.4f} (shipped {base_mean:.4f})")
        picks = sorted({str(candidates[i]) for i in chosen})
        print(f"  {family:<22} " + " | ".join(cells) + f" | chosen: {', '.join(picks)}", flush=True)
    contained_cross_validation(sets, rules()["plain contained floor"][0])
    return 0


def shuffled_folds(sets: dict[str, list], names, shuffle: int) -> dict[str, list[set[int]]]:
    """Per set, its queries' indices in `FOLDS` folds after a shuffle seeded by `shuffle`."""
    folds = {}
    for name in names:
        order = list(range(len(sets[name])))
        random.Random(shuffle).shuffle(order)
        folds[name] = [set(order[k::FOLDS]) for k in range(FOLDS)]
    return folds


def contained_cross_validation(sets: dict[str, list[Pool]], make) -> None:
    """The containment floor's coverage chosen on four folds as the same-claim rule is
    chosen (precision first): the lowest coverage (the most recall) at which neither 2020
    train's nor the prose stand-in's same-claim precision falls under the shipped
    fusion's on those folds; scored on the fifth: same-claim P / R and MAP@5 of each
    set's held-out folds, against the shipped fusion's."""
    names = ("2020 train", PROSE)
    print("Containment floor, cross-validated (lowest coverage keeping each set's same-claim precision; "
          f"2020 train and 2B as prose; {FOLDS} folds x {SHUFFLES} shuffles): held-out totals")
    per_query = {}  # (name, c0) -> [(ap, right, kept)] per query
    for c0 in CONTAINED_GRID:
        rule = make(c0)
        for name in names:
            rows = []
            for pool in sets[name]:
                matches, ranked = shown(pool, rule)
                same = [i in pool.relevant for m, i in zip(matches, ranked) if is_same_claim(m)]
                rows.append((average_precision_at(ranked, pool.relevant), sum(same), len(same)))
            per_query[name, c0] = rows

    def precision(name, c0, queries):
        right = sum(per_query[name, c0][q][1] for q in queries)
        return right / max(1, sum(per_query[name, c0][q][2] for q in queries))

    totals = {(name, c0): [0.0, 0, 0] for name in names for c0 in ("chosen", 1.01)}
    picks = []
    for shuffle in range(SHUFFLES):
        folds = shuffled_folds(sets, names, shuffle)
        for k in range(FOLDS):
            fitting = {name: [q for q in range(len(sets[name])) if q not in folds[name][k]] for name in names}
            best = min(c0 for c0 in CONTAINED_GRID if all(
                precision(name, c0, fitting[name]) >= precision(name, 1.01, fitting[name]) for name in names))
            picks.append(best)
            for name in names:
                for label, c0 in (("chosen", best), (1.01, 1.01)):
                    for q in folds[name][k]:
                        ap, r, kept = per_query[name, c0][q]
                        cell = totals[name, label]
                        cell[0] += ap / len(folds[name][k]) / FOLDS / SHUFFLES
                        cell[1] += r
                        cell[2] += kept
    for name in names:
        positives = sum(len(p.relevant) for p in sets[name]) * SHUFFLES
        cells = []
        for label in ("chosen", 1.01):
            ap, right, kept = totals[name, label]
            cells.append(f"{'chosen' if label == 'chosen' else 'shipped'}: MAP@5 {ap:.4f} "
                         f"P {right / max(1, kept):.3f} R {right / positives:.3f}")
        print(f"  {name}: " + " | ".join(cells), flush=True)
    print(f"  coverages chosen per fold: {sorted(Counter(picks).items())}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
