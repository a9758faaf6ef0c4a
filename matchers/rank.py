"""Reranking FTS5 candidates into scored, explained matches.

Each candidate gets a few features in [0, 1]; a weighted mean of them, times 100, is the
match score:

- `bm25`: the candidate's BM25 relative to the best candidate of the same search;
- `match_coverage` / `query_coverage`: the share of the candidate's (or the query's)
  content words found on the other side, each word weighted by how rare it is among
  the candidates retrieved (a word most candidates have says little);
- `token_set`, `token_sort`: rapidfuzz's `token_set_ratio` and `token_sort_ratio` of
  the normalised texts.

Texts that normalise identically score 100. A match carrying conflict flags (see
`matchers.explain`) loses `CONFLICT_PENALTY` points per flag kind, so a claim that
differs in its checkable core ranks below one that does not.

The weights and the threshold were tuned on the CheckThat! 2020 task 2 train split
(800 tweets against 10,375 Snopes claims) with `bench/matching.py --tune`: a coordinate
search of the weights for MAP@5, then `DEFAULT_MIN_SCORE` = 45 as the threshold that
maximises F1 of "score >= t means the same claim" over each tweet's top five matches
(train: precision 0.57, recall 0.79, F1 0.66; the F1 optimum is 45 on dev too). Below
it a candidate is most often another claim on the same topic. The benchmark reports
the dev split. The BM25 feature is relative to the best candidate of the same search,
so scores compare matches of one query, and only roughly across queries.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from rapidfuzz import fuzz, utils

from matchers.explain import explain
from matchers.normalise import analyse, match_view
from matchers.query import DEFAULT_MAX_TERMS, build_fts_query
from store.models import Candidate, Match

# Scores at or above this mean "the same claim" (tuned on train, see above).
DEFAULT_MIN_SCORE = 45.0
# rapidfuzz scorers grow at least quadratically with length (partial_ratio, not used
# for that reason, cubically); a claim is never this long, a pasted article is, and is
# compared on its start.
MAX_SCORER_CHARS = 600
DEFAULT_WEIGHTS: dict[str, float] = {
    "bm25": 0.275,
    "match_coverage": 0.02,
    "query_coverage": 0.392,
    "token_set": 0.275,
    "token_sort": 0.039,
}
CONFLICT_PENALTY = 2.0
# Conflicts are computed for this many of the best-scored candidates per requested match.
_EXPLAIN_FACTOR = 2


def candidate_features(query: str, candidates: Sequence[Candidate]) -> list[dict[str, float]]:
    """Feature values in [0, 1] for each candidate (see the module docstring).

    `bm25` is absent when the candidates carry no BM25 (all zero), so that ranking
    candidates from elsewhere than the FTS index still works.
    """
    q_text, q_stems = match_view(query)
    q_text = q_text[:MAX_SCORER_CHARS]
    views = [match_view(c.text) for c in candidates]
    # Rarity among the retrieved candidates stands in for corpus rarity.
    document_frequency = Counter(stem for view in views for stem in view.stems)
    numerator = len(candidates) + 1
    idf = {
        stem: math.log(1.0 + numerator / (document_frequency[stem] + 1))
        for stem in q_stems | document_frequency.keys()
    }
    q_total = sum(idf[s] for s in q_stems)
    best_bm25 = min((c.bm25 for c in candidates), default=0.0)
    features = []
    for candidate, (m_text, m_stems) in zip(candidates, views):
        m_text = m_text[:MAX_SCORER_CHARS]
        shared_weight = sum(idf[s] for s in q_stems & m_stems)
        m_total = sum(idf[s] for s in m_stems)
        values = {
            "match_coverage": shared_weight / m_total if m_total else 0.0,
            "query_coverage": shared_weight / q_total if q_total else 0.0,
            "token_set": fuzz.token_set_ratio(q_text, m_text, processor=utils.default_process) / 100,
            "token_sort": fuzz.token_sort_ratio(q_text, m_text, processor=utils.default_process) / 100,
        }
        if best_bm25 < 0:
            values["bm25"] = max(0.0, min(1.0, candidate.bm25 / best_bm25))
        features.append(values)
    return features


def fuse(features: Mapping[str, float], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """The weighted mean of the features present, in [0, 1]."""
    total = sum(weights.get(name, 0.0) for name in features)
    if total <= 0:
        return 0.0
    return sum(value * weights.get(name, 0.0) for name, value in features.items()) / total


def rank_candidates(
    query: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = 5,
    min_score: float = DEFAULT_MIN_SCORE,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    conflict_penalty: float = CONFLICT_PENALTY,
) -> list[Match]:
    """The best `limit` candidates scoring at least `min_score` (0-100), best first,
    each with its explanation. Ties keep the candidates' input order."""
    if not candidates or limit <= 0:
        return []
    q_text = match_view(query)[0]
    features = candidate_features(query, candidates)
    scores = []
    for candidate, values in zip(candidates, features):
        identical = bool(q_text) and q_text == match_view(candidate.text)[0]
        scores.append(100.0 if identical else 100.0 * fuse(values, weights))
    q = analyse(query)
    order = sorted(range(len(candidates)), key=lambda i: -scores[i])
    shortlisted = order[: max(limit * _EXPLAIN_FACTOR, 10)]
    ranked: list[tuple[float, int, dict]] = []
    for i in shortlisted:
        explanation = explain(q, analyse(candidates[i].text))
        kinds = {flag["kind"] for flag in explanation["conflicts"]}
        score = max(0.0, min(100.0, scores[i] - conflict_penalty * len(kinds)))
        ranked.append((round(score, 1), i, explanation))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [
        Match(candidate=candidates[i], score=score, explanation=explanation)
        for score, i, explanation in ranked
        if score >= min_score
    ][:limit]


def find_matches(
    query: str,
    search: Callable[[str, int], Sequence[Candidate]],
    *,
    limit: int = 5,
    min_score: float = DEFAULT_MIN_SCORE,
    pool: int = 100,
    max_terms: int = DEFAULT_MAX_TERMS,
    document_frequency: Callable[[Sequence[str]], Mapping[str, int]] | None = None,
) -> list[Match]:
    """Matches for a claim: `search(fts_query, pool)` supplies FTS5 candidates (best
    BM25 first), which are reranked. No informative word, no search, no match.

    `document_frequency` and `max_terms` choose the search terms (see
    `matchers.query.build_fts_query`)."""
    fts_query = build_fts_query(query, max_terms, document_frequency=document_frequency)
    if not fts_query:
        return []
    return rank_candidates(query, search(fts_query, pool), limit=limit, min_score=min_score)
