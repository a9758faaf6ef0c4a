"""Reranking FTS5 candidates into scored, explained matches.

Each candidate gets a few features in [0, 1]; a weighted mean of them, times 100, is the
match score:

- `bm25`: the candidate's BM25 relative to the best candidate of the same search;
- `match_coverage` / `query_coverage`: the share of the candidate's (or the query's)
  content words found on the other side, each word weighted by how rare it is among
  the candidates retrieved (a word most candidates have says little);
- `token_set`, `token_sort`: rapidfuzz's `token_set_ratio` and `token_sort_ratio` of
  the normalised texts;
- for a candidate with a title (a fact-check's headline): `title_match_coverage`,
  `title_query_coverage` and `title_token_sort`, the same measures against the title.

Texts that normalise identically score 100. A match carrying conflict flags (see
`matchers.explain`) loses `CONFLICT_PENALTY` points per flag kind, so a claim that
differs in its checkable core ranks below one that does not.

The weights and the threshold were tuned on the CheckThat! 2020 task 2 train split
(800 tweets against 10,375 Snopes claims) with `bench/matching.py --tune`: a coordinate
search of the weights for MAP@5 (`DEFAULT_WEIGHTS` on the claims' text alone,
`TITLED_WEIGHTS` with their titles stored too), then `DEFAULT_MIN_SCORE` = 45 as the
threshold that maximises F1 of "score >= t means the same claim" over each tweet's top
five matches (with titles, train: precision 0.61, recall 0.77, F1 0.68; 45 is the F1
optimum on dev too). Below it a candidate is most often another claim on the same
topic. The benchmark reports the dev split. The BM25 feature is relative to the best
candidate of the same search, so scores compare matches of one query, and only
roughly across queries.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from rapidfuzz import fuzz, utils

from matchers.explain import explain
from matchers.normalise import STOPWORDS, analyse, match_view
from matchers.query import DEFAULT_MAX_TERMS, build_fts_query, query_terms
from store.models import Candidate, Match

# Scores at or above this mean "the same claim" (tuned on train, see above).
DEFAULT_MIN_SCORE = 45.0
# rapidfuzz scorers grow at least quadratically with length (partial_ratio, not used
# for that reason, cubically); a claim is never this long, a pasted article is, and is
# compared on its start.
MAX_SCORER_CHARS = 600
# For candidates without a title (tuned on train with the claims' text alone).
DEFAULT_WEIGHTS: dict[str, float] = {
    "bm25": 0.275,
    "match_coverage": 0.02,
    "query_coverage": 0.392,
    "token_set": 0.275,
    "token_sort": 0.039,
}
# For candidates with a title (a fact-check's headline), tuned on train with titles.
TITLED_WEIGHTS: dict[str, float] = {
    "bm25": 1.0,
    "match_coverage": 0.2,
    "query_coverage": 0.3,
    "token_set": 0.4,
    "token_sort": 0.5,
    "title_match_coverage": 0.2,
    "title_query_coverage": 0.5,
    "title_token_sort": 1.5,
}
CONFLICT_PENALTY = 2.0
# Candidates beyond this many are first cut by a cheap score (`_shortlist`): preparing a
# candidate for the full features costs about 50 us, most of a search's reranking.
DEFAULT_SHORTLIST = 50
_PLAIN_WORD = re.compile(r"[^\W_]+")
# Conflicts are computed for this many of the best-scored candidates per requested match.
_EXPLAIN_FACTOR = 2


def _coverages(
    q_stems: frozenset[str], views: Sequence[frozenset[str]]
) -> list[tuple[float, float]]:
    """(match coverage, query coverage) of each stem set, words weighted by their rarity
    among `views` (the retrieved candidates stand in for the corpus)."""
    document_frequency = Counter(stem for stems in views for stem in stems)
    numerator = len(views) + 1
    idf = {
        stem: math.log(1.0 + numerator / (document_frequency[stem] + 1))
        for stem in q_stems | document_frequency.keys()
    }
    q_total = sum(idf[s] for s in q_stems)
    out = []
    for m_stems in views:
        shared_weight = sum(idf[s] for s in q_stems & m_stems)
        m_total = sum(idf[s] for s in m_stems)
        out.append(
            (shared_weight / m_total if m_total else 0.0, shared_weight / q_total if q_total else 0.0)
        )
    return out


def candidate_features(query: str, candidates: Sequence[Candidate]) -> list[dict[str, float]]:
    """Feature values in [0, 1] for each candidate (see the module docstring).

    `bm25` is absent when the candidates carry no BM25 (all zero), so that ranking
    candidates from elsewhere than the FTS index still works; the `title_` features
    are absent for a candidate without a title.
    """
    q_text, q_stems = match_view(query)
    q_text = q_text[:MAX_SCORER_CHARS]
    views = [match_view(c.text) for c in candidates]
    text_coverages = _coverages(q_stems, [view.stems for view in views])
    titled = [i for i, c in enumerate(candidates) if c.title.strip()]
    title_views = {i: match_view(candidates[i].title) for i in titled}
    title_coverages = dict(zip(titled, _coverages(q_stems, [title_views[i].stems for i in titled])))
    best_bm25 = min((c.bm25 for c in candidates), default=0.0)
    features = []
    for i, (candidate, (m_text, _)) in enumerate(zip(candidates, views)):
        m_text = m_text[:MAX_SCORER_CHARS]
        values = {
            "match_coverage": text_coverages[i][0],
            "query_coverage": text_coverages[i][1],
            "token_set": fuzz.token_set_ratio(q_text, m_text, processor=utils.default_process) / 100,
            "token_sort": fuzz.token_sort_ratio(q_text, m_text, processor=utils.default_process) / 100,
        }
        if i in title_views:
            t_text = title_views[i].normalised[:MAX_SCORER_CHARS]
            values["title_match_coverage"] = title_coverages[i][0]
            values["title_query_coverage"] = title_coverages[i][1]
            values["title_token_sort"] = (
                fuzz.token_sort_ratio(q_text, t_text, processor=utils.default_process) / 100
            )
        if best_bm25 < 0:
            values["bm25"] = max(0.0, min(1.0, candidate.bm25 / best_bm25))
        features.append(values)
    return features


def fuse(features: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """The weighted mean of the features present, in [0, 1]; without `weights`, those
    for a candidate with a title (`TITLED_WEIGHTS`) or without one (`DEFAULT_WEIGHTS`)."""
    if weights is None:
        weights = TITLED_WEIGHTS if "title_token_sort" in features else DEFAULT_WEIGHTS
    total = sum(weights.get(name, 0.0) for name in features)
    if total <= 0:
        return 0.0
    return sum(value * weights.get(name, 0.0) for name, value in features.items()) / total


def _shortlist(query: str, candidates: Sequence[Candidate], size: int) -> list[Candidate]:
    """The `size` candidates with the best cheap score, in their input order: the share
    of the query's plain lower-case words a candidate holds, each word weighted by its
    rarity among the candidates, plus the candidate's relative retrieval score."""
    q_words = set(_PLAIN_WORD.findall(query.casefold())) - STOPWORDS
    holdings = [
        q_words.intersection(_PLAIN_WORD.findall(f"{c.text} {c.title}".casefold()))
        for c in candidates
    ]
    frequency = Counter(word for held in holdings for word in held)
    weight = {w: math.log(1.0 + (len(candidates) + 1) / (n + 1)) for w, n in frequency.items()}
    total = sum(weight.values()) or 1.0
    best_bm25 = min((c.bm25 for c in candidates), default=0.0)
    scores = [
        sum(weight[w] for w in held) / total + (c.bm25 / best_bm25 if best_bm25 < 0 else 0.0)
        for c, held in zip(candidates, holdings)
    ]
    kept = sorted(sorted(range(len(candidates)), key=lambda i: -scores[i])[:size])
    return [candidates[i] for i in kept]


def rank_candidates(
    query: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = 5,
    min_score: float = DEFAULT_MIN_SCORE,
    weights: Mapping[str, float] | None = None,
    conflict_penalty: float = CONFLICT_PENALTY,
    shortlist: int | None = None,
) -> list[Match]:
    """The best `limit` candidates scoring at least `min_score` (0-100), best first,
    each with its explanation. Ties keep the candidates' input order.

    With `shortlist`, only that many candidates (chosen by a cheap score, at least
    `limit`) get the full features: for a large pool, most of the reranking time."""
    if not candidates or limit <= 0:
        return []
    if shortlist is not None and len(candidates) > max(shortlist, limit):
        candidates = _shortlist(query, candidates, max(shortlist, limit))
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
    search: Callable[[str, int], Sequence[Candidate]] | None = None,
    *,
    search_terms: Callable[[Sequence[str], int], Sequence[Candidate]] | None = None,
    limit: int = 5,
    min_score: float = DEFAULT_MIN_SCORE,
    pool: int = 100,
    max_terms: int = DEFAULT_MAX_TERMS,
    document_frequency: Callable[[Sequence[str]], Mapping[str, int]] | None = None,
    weights: Mapping[str, float] | None = None,
    shortlist: int | None = DEFAULT_SHORTLIST,
) -> list[Match]:
    """Matches for a claim, reranked from candidates one of two searches supplies (best
    first): `search_terms(terms, pool)` gets the claim's informative terms, most
    informative first, and chooses among them itself (the store's
    `store.search.search_by_terms` does, by document counts); `search(fts_query, pool)`
    gets an FTS5 expression OR-ing them. No informative word, no search, no match.

    `document_frequency` and `max_terms` choose the terms (see
    `matchers.query.query_terms`); of the `pool` candidates, the `shortlist` best by a
    cheap score are reranked (see `rank_candidates`)."""
    if search_terms is not None:
        terms = query_terms(query, max_terms, document_frequency=document_frequency)
        candidates = search_terms(terms, pool) if terms else []
    elif search is not None:
        fts_query = build_fts_query(query, max_terms, document_frequency=document_frequency)
        candidates = search(fts_query, pool) if fts_query else []
    else:
        raise TypeError("find_matches needs a search or a search_terms function.")
    if not candidates:
        return []
    return rank_candidates(
        query, candidates, limit=limit, min_score=min_score, weights=weights, shortlist=shortlist
    )
