"""Reranking FTS5 candidates into scored, explained matches.

Each candidate gets a few features in [0, 1]; a weighted mean of them, times 100, is the
match score of a candidate without a title. A candidate with a title gets a correction
from boosted trees on top, mapped into 0-100 by a logistic (see below). A candidate
without a title (`DEFAULT_WEIGHTS`) is scored on:

- `bm25`: the candidate's BM25 relative to the best candidate of the same search;
- `match_coverage` / `query_coverage`: the share of the candidate's (or the query's)
  content words found on the other side, each word weighted by how rare it is among
  the candidates retrieved (a word most candidates have says little);
- `token_set`, `token_sort`: rapidfuzz's `token_set_ratio` and `token_sort_ratio` of
  the normalised texts.

A candidate with a title (a fact-check's headline, `TITLED_WEIGHTS`) is scored on
`bm25`, `match_coverage`, the same coverage against the title (`title_match_coverage`),
`title_token_sort` (the query against the title), and:

- `char_query_coverage`: the share of the query's character 4-grams (taken inside its
  content words) found in the candidate's text or title, each weighted by its rarity
  among the candidates: it catches word forms the stemmer leaves apart
  ("photoshopped" / "photoshop", "bedbugs" / "bed bugs", unsplit hashtags);
- `media`: 1 when the query speaks of a picture (or carries a pic.twitter.com link) and
  the candidate of a photograph or image, or both of a video; else 0.

Boosted regression trees (`matchers.trees`, shipped in `matchers/model/rerank_trees.json`)
then add a correction to a titled candidate's weighted mean, from the same features,
the mean itself, and each of them relative to the same search's candidates (minus the
best, and the candidate's rank): "the best title match of this search" is worth more
than a high title match, which a weighted mean cannot say. The corrected mean becomes
the score through the trees' logistic link, fitted so that the score is about the
chance (in percent) that a top-five match is the same claim. The trees apply with the
shipped weights only (not with `weights` given) and when the candidates carry BM25;
otherwise a titled candidate's mean is raised to `TITLED_SCORE_POWER`.

Texts that normalise identically score 100. A match carrying conflict flags (see
`matchers.explain`) loses `CONFLICT_PENALTY` points per flag kind
(`TITLED_CONFLICT_PENALTY` with a title; with the trees, hundredths of the corrected
mean before the link), so a claim that differs in its checkable core ranks below one
that does not.

When the query's speaker is known (a transcript's line), a candidate whose claimant is
that speaker (`matchers.context.same_speaker`) ranks as if it scored `SPEAKER_BONUS`
points more: a debate sentence is most often checked as its speaker's claim, which its
words alone seldom say. When the query's date is known (the transcript's), a candidate
stated in that year or the year before (`matchers.context.stated_recently`) gains
`DATE_BONUS` points the same way. These priors order the matches (score plus bonus,
kept on each match as `rank_bonus` for later stages) but never enter the score, which
stays the calibrated same-claim chance: a same-speaker claim on another topic is listed
higher, not taken for the same claim. Each match names its priors in
`explanation["prior"]`. They sit outside the weights and the trees, which were fitted
on tweets without a speaker or a date; without them they change nothing. A query with
a speaker is a transcript's line: its matches say so (`explanation["query_kind"]`), and
are held to that kind's same-claim threshold (`matchers.verdict`).

At or above `DEFAULT_MIN_SCORE` a match is counted as the same claim (the desk's
`matchers.verdict.SAME_CLAIM_SCORE` is stricter); below it a candidate is most often
another claim on the same topic. The BM25 feature and the trees' pool-relative values
are relative to the same search's candidates, so scores compare matches of one query,
and only roughly across queries. How the constants were chosen, and the scores they
give on train and dev: bench/NOTES.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial

from rapidfuzz import fuzz, utils

from matchers.context import same_speaker, stated_recently
from matchers.explain import explain, possible_conflict_kinds
from matchers.normalise import STOPWORDS, analyse, match_view
from matchers.query import DEFAULT_MAX_TERMS, build_fts_query, query_terms
from matchers.select import DeferredMatch, best, lexical_bounds, passing
from matchers.trees import RerankTrees, load_rerank_trees, pool_rows
from matchers.verdict import QUERY_KIND, query_kind
from store.models import Candidate, Match

# The score's F1-optimal "same claim" threshold (tuned on train, see above); the trees'
# link is calibrated to it.
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
# For candidates with a title (a fact-check's headline), fitted on train with titles
# (see the module docstring). Only these features are computed for such a candidate.
TITLED_WEIGHTS: dict[str, float] = {
    "bm25": 0.4,
    "match_coverage": 0.1,
    "title_match_coverage": 0.355,
    "title_token_sort": 1.089,
    "char_query_coverage": 1.201,
    "media": 0.082,
}
CONFLICT_PENALTY = 2.0
TITLED_CONFLICT_PENALTY = 1.0
# Points added to the ranking key (not the score) of a candidate whose claimant is the
# query's speaker, and of one stated in the query's year or the year before (see the
# module docstring); fitted on CheckThat! 2022 2B train (bench/matching.py --speaker).
# The date bonus is 60, not the grid's best 100 (cross-validated MAP@5 0.589 against
# 0.590): at 100 every recent candidate sorts above every older one, so an older exact
# repeat of a claim could leave the top five; at 60 a strong old match keeps its place.
SPEAKER_BONUS = 45.0
DATE_BONUS = 60.0
# The labels of those priors, in a match's `explanation["prior"]` and on the desk.
SAME_SPEAKER = "same speaker"
RECENT_CLAIM = "same or prior year"
# Without the trees (no BM25, or `weights` given), the titled features' weighted mean
# runs lower (a tweet's character n-grams are seldom all in a headline); raised to this
# power (monotone, 0 and 1 kept), its "same claim" F1 optimum on train falls at
# `DEFAULT_MIN_SCORE`, the untitled scores' one, so that one threshold serves both.
# With the trees, their logistic link does the same.
TITLED_SCORE_POWER = 0.8
# Character n-grams of this length, taken inside each content word padded with spaces
# (" vacc", "ccin", "ine "): they equate "photoshopped" and "photoshop", "bedbugs" and
# "bed bugs", an unsplit hashtag and the words it joins.
CHAR_GRAM = 4
# Words that say a tweet (or a claim) is about a picture or a video. A tweet's attached
# picture leaves only its "pic.twitter.com" link, so that counts as a picture.
_QUERY_PICTURE = re.compile(
    r"pic\.twitter\.com|\b(?:photos?|photograph|pictures?|pic|images?|meme|photoshop(?:ped)?)\b", re.I
)
_QUERY_VIDEO = re.compile(r"\b(?:videos?|footage|watch|clip|filmed|youtube)\b", re.I)
_CLAIM_PICTURE = re.compile(
    r"\b(?:photographs?|photographed|photos?|pictures?|images?|meme)\b", re.I
)
_CLAIM_VIDEO = re.compile(r"\b(?:videos?|footage|clip|filmed)\b", re.I)
# Candidates beyond this many are first cut by a cheap score (`_shortlist`): preparing a
# candidate for the full features costs about 50 us, most of a search's reranking.
DEFAULT_SHORTLIST = 50
# Ranked (and explained when that decides the result) are this many of the best-scored
# candidates before their conflict penalties, per requested match.
_EXPLAIN_FACTOR = 2
_PLAIN_WORD = re.compile(r"[^\W_]+")
# In ASCII text, `_PLAIN_WORD`'s words are the runs of letters and digits: cheaper to
# find by blanking everything else and splitting.
_ASCII_NON_ALNUM = str.maketrans({i: " " for i in range(128) if not chr(i).isalnum()})


def _plain_words(text: str) -> list[str]:
    if text.isascii():
        return text.translate(_ASCII_NON_ALNUM).split()
    return _PLAIN_WORD.findall(text)


# Sums over sets use math.fsum: exactly rounded, so a score does not depend on the
# set's iteration order (which follows string hashing and changes between runs).
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
    q_total = math.fsum(idf[s] for s in q_stems)
    out = []
    for m_stems in views:
        shared_weight = math.fsum(idf[s] for s in q_stems & m_stems)
        m_total = math.fsum(idf[s] for s in m_stems)
        out.append(
            (shared_weight / m_total if m_total else 0.0, shared_weight / q_total if q_total else 0.0)
        )
    return out


@lru_cache(maxsize=262_144)
def _word_grams(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(padded[i : i + CHAR_GRAM] for i in range(len(padded) - CHAR_GRAM + 1))


@lru_cache(maxsize=65_536)
def _char_grams(normalised: str) -> frozenset[str]:
    """The `CHAR_GRAM`-character pieces of the content words of a normalised text."""
    words = [_word_grams(word) for word in set(normalised.split()) - STOPWORDS]
    return frozenset().union(*words)


def _char_coverages(query_grams: frozenset[str], views: Sequence[frozenset[str]]) -> list[float]:
    """The share of the query's character n-grams each view holds, each n-gram weighted
    by its rarity among `views` (as `_coverages` does for words)."""
    held = [query_grams & grams for grams in views]
    document_frequency = Counter(gram for grams in held for gram in grams)
    numerator = len(views) + 1
    idf = {gram: math.log(1.0 + numerator / (document_frequency[gram] + 1)) for gram in query_grams}
    total = math.fsum(idf.values())
    if not total:
        return [0.0] * len(views)
    return [math.fsum(idf[gram] for gram in grams) / total for grams in held]


@lru_cache(maxsize=65_536)
def _claim_media(text: str, title: str) -> tuple[bool, bool]:
    both = f"{text} {title}"
    return bool(_CLAIM_PICTURE.search(both)), bool(_CLAIM_VIDEO.search(both))


def candidate_features(query: str, candidates: Sequence[Candidate]) -> list[dict[str, float]]:
    """Feature values in [0, 1] for each candidate (see the module docstring).

    A candidate without a title gets the features of `DEFAULT_WEIGHTS`, one with a title
    those of `TITLED_WEIGHTS`. `bm25` is absent when the candidates carry no BM25 (all
    zero), so that ranking candidates from elsewhere than the FTS index still works.
    """
    q_text, q_stems = match_view(query)
    q_text = q_text[:MAX_SCORER_CHARS]
    # rapidfuzz's processor applied once per text rather than once per comparison: the
    # scorers then compare the processed texts as they would with `processor` given.
    q_scored = utils.default_process(q_text)
    views = [match_view(c.text) for c in candidates]
    text_coverages = _coverages(q_stems, [view.stems for view in views])
    titled = [i for i, c in enumerate(candidates) if c.title.strip()]
    title_views = {i: match_view(candidates[i].title) for i in titled}
    title_coverages = dict(zip(titled, _coverages(q_stems, [title_views[i].stems for i in titled])))
    char_coverages: dict[int, float] = {}
    if titled:
        # Rarity counts over every candidate, titled or not, as the word coverages do.
        grams = [
            _char_grams(view.normalised) | (_char_grams(title_views[i].normalised) if i in title_views else frozenset())
            for i, view in enumerate(views)
        ]
        char_coverages = dict(enumerate(_char_coverages(_char_grams(q_text), grams)))
        q_picture, q_video = bool(_QUERY_PICTURE.search(query)), bool(_QUERY_VIDEO.search(query))
    best_bm25 = min((c.bm25 for c in candidates), default=0.0)
    features = []
    for i, (candidate, (m_text, _)) in enumerate(zip(candidates, views)):
        if i in title_views:
            t_text = title_views[i].normalised[:MAX_SCORER_CHARS]
            m_picture, m_video = _claim_media(candidate.text, candidate.title)
            values = {
                "match_coverage": text_coverages[i][0],
                "title_match_coverage": title_coverages[i][0],
                "title_token_sort": (
                    fuzz.token_sort_ratio(q_scored, utils.default_process(t_text)) / 100
                ),
                "char_query_coverage": char_coverages[i],
                "media": float((q_picture and m_picture) or (q_video and m_video)),
            }
        else:
            m_scored = utils.default_process(m_text[:MAX_SCORER_CHARS])
            values = {
                "match_coverage": text_coverages[i][0],
                "query_coverage": text_coverages[i][1],
                "token_set": fuzz.token_set_ratio(q_scored, m_scored) / 100,
                "token_sort": fuzz.token_sort_ratio(q_scored, m_scored) / 100,
            }
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


def tree_inputs(
    features: Sequence[Mapping[str, float]], columns: Sequence[str], weights: Mapping[str, float] | None = None
) -> list[list[float]]:
    """The boosted trees' input rows (`matchers.trees.pool_rows`) for the candidates of
    one search: the `columns` named, "fused" being the linear score (`fuse`)."""
    return pool_rows([
        [fuse(values, weights) if name == "fused" else values.get(name, 0.0) for name in columns]
        for values in features
    ])


def _corrected_means(features: Sequence[Mapping[str, float]], trees: RerankTrees) -> dict[int, float]:
    """The weighted mean plus the trees' correction of each titled candidate (by
    index); only for candidates with BM25 (the trees were fitted with it)."""
    titled = [i for i, values in enumerate(features) if "title_token_sort" in values and "bm25" in values]
    if not titled:
        return {}
    rows = tree_inputs([features[i] for i in titled], trees.columns)
    return {i: fuse(features[i]) + trees.predict(row) / trees.scale for i, row in zip(titled, rows)}


def _shortlist(query: str, candidates: Sequence[Candidate], size: int) -> list[Candidate]:
    """The `size` candidates with the best cheap score, in their input order: the share
    of the query's plain lower-case words a candidate holds, each word weighted by its
    rarity among the candidates, plus the candidate's relative retrieval score."""
    q_words = set(_plain_words(query.casefold())) - STOPWORDS
    holdings = [
        q_words.intersection(_plain_words(f"{c.text} {c.title}".casefold())) for c in candidates
    ]
    frequency = Counter(word for held in holdings for word in held)
    weight = {w: math.log(1.0 + (len(candidates) + 1) / (n + 1)) for w, n in frequency.items()}
    total = math.fsum(weight.values()) or 1.0
    best_bm25 = min((c.bm25 for c in candidates), default=0.0)
    scores = [
        math.fsum(weight[w] for w in held) / total + (c.bm25 / best_bm25 if best_bm25 < 0 else 0.0)
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
    conflict_penalty: float | None = None,
    shortlist: int | None = None,
    speaker: str = "",
    speaker_bonus: float = SPEAKER_BONUS,
    date: str = "",
    date_bonus: float = DATE_BONUS,
) -> list[Match]:
    """The best `limit` candidates scoring at least `min_score` (0-100), best first,
    each with its explanation. Ties keep the candidates' input order.

    `speaker` is who said the query (a transcript's line), "" when unknown: a candidate
    whose claimant is that speaker ranks `speaker_bonus` points higher. `date` is when it
    was said (its article's date), "" when unknown: a candidate stated in that year or
    the year before ranks `date_bonus` points higher. The bonuses order the matches
    (best first by score plus bonus) and leave their scores as they are.

    With `shortlist`, only that many candidates (chosen by a cheap score, at least
    `limit`) get the full features: for a large pool, most of the reranking time.
    `conflict_penalty` (points per conflict kind) defaults to `TITLED_CONFLICT_PENALTY`
    for a candidate with a title and `CONFLICT_PENALTY` for one without. With `weights`
    given, titled candidates get their weighted mean without the trees."""
    if not candidates or limit <= 0:
        return []
    deferred = defer_candidates(
        query, candidates, limit=limit, weights=weights, conflict_penalty=conflict_penalty,
        shortlist=shortlist, speaker=speaker, speaker_bonus=speaker_bonus, date=date, date_bonus=date_bonus,
    )
    kept = best(passing(deferred, min_score), limit, lexical_bounds)
    # Explaining takes each kept entry's conflict penalty, which narrows its score bounds
    # to the final score: the sort below needs the settled scores.
    for entry in kept:
        entry.match()
    return [entry.match() for entry in sorted(kept, key=lambda entry: lexical_bounds(entry)[0], reverse=True)]


def defer_candidates(
    query: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = 5,
    weights: Mapping[str, float] | None = None,
    conflict_penalty: float | None = None,
    shortlist: int | None = None,
    speaker: str = "",
    speaker_bonus: float = SPEAKER_BONUS,
    date: str = "",
    date_bonus: float = DATE_BONUS,
) -> list[DeferredMatch]:
    """The candidates `rank_candidates` would choose its best `limit` from, scored but not
    yet explained (`matchers.select.DeferredMatch`; the arguments are its own): each is
    explained, and its conflict penalty taken, when first asked for its match."""
    if not candidates or limit <= 0:
        return []
    if shortlist is not None and len(candidates) > max(shortlist, limit):
        candidates = _shortlist(query, candidates, max(shortlist, limit))
    q_text = match_view(query)[0]
    features = candidate_features(query, candidates)
    # The trees correct the shipped weights' score only.
    trees = load_rerank_trees() if weights is None else None
    corrected = _corrected_means(features, trees) if trees is not None else {}
    priors = [
        candidate_priors(c, speaker=speaker, speaker_bonus=speaker_bonus, date=date, date_bonus=date_bonus)
        for c in candidates
    ]
    bonus = [sum(points.values()) for points in priors]
    # A transcript's line is held to its own same-claim threshold (`matchers.verdict`).
    kind = query_kind(speaker)
    scores = []
    for i, (candidate, values) in enumerate(zip(candidates, features)):
        if q_text and q_text == match_view(candidate.text)[0]:
            corrected.pop(i, None)
            scores.append(100.0)
        elif i in corrected:
            scores.append(100.0 * trees.linked(corrected[i]))
        else:
            fused = fuse(values, weights)
            if candidate.title.strip():
                fused **= TITLED_SCORE_POWER
            scores.append(max(0.0, min(100.0, 100.0 * fused)))

    def penalised(i: int, kinds: int) -> float:
        """Candidate i's score with `kinds` kinds of conflict flagged, rounded."""
        penalty = conflict_penalty
        if penalty is None:
            penalty = TITLED_CONFLICT_PENALTY if candidates[i].title.strip() else CONFLICT_PENALTY
        if i in corrected:
            # Taken before the link, in hundredths of the corrected mean: after it, a
            # point would weigh more near 0 and 100 than in between.
            return round(100.0 * trees.linked(corrected[i] - penalty / 100.0 * kinds), 1)
        return round(max(0.0, min(100.0, scores[i] - penalty * kinds)), 1)

    analysed_query: list = []

    def explained(i: int) -> Match:
        if not analysed_query:
            analysed_query.append(analyse(query))
        explanation = explain(analysed_query[0], analyse(candidates[i].text))
        score = penalised(i, len({flag["kind"] for flag in explanation["conflicts"]}))
        if priors[i]:
            explanation["prior"] = list(priors[i])
        if kind:
            explanation[QUERY_KIND] = kind
        return Match(candidate=candidates[i], score=score, explanation=explanation, rank_bonus=bonus[i])

    order = sorted(range(len(candidates)), key=lambda i: -(scores[i] + bonus[i]))
    deferred = []
    for i in order[: max(limit * _EXPLAIN_FACTOR, 10)]:
        # A penalty moves a score one way (down, unless `conflict_penalty` is negative),
        # so its extremes are no flag and a flag of every kind the two texts can have.
        unflagged = penalised(i, 0)
        flagged = penalised(i, possible_conflict_kinds(q_text, match_view(candidates[i].text)[0]))
        deferred.append(DeferredMatch(candidates[i], i, bonus[i], min(unflagged, flagged),
                                      max(unflagged, flagged), partial(explained, i),
                                      features[i].get("match_coverage", 0.0)))
    return deferred


def candidate_priors(
    candidate: Candidate,
    *,
    speaker: str = "",
    speaker_bonus: float = SPEAKER_BONUS,
    date: str = "",
    date_bonus: float = DATE_BONUS,
) -> dict[str, float]:
    """The ranking points a candidate gains beyond its words, by the label the desk
    shows: `SAME_SPEAKER` when its claimant is the query's `speaker`, `RECENT_CLAIM` when
    it was stated in the year of the query's `date` or the year before. A prior worth no
    points is left out."""
    points: dict[str, float] = {}
    if speaker_bonus and speaker and same_speaker(speaker, candidate.claimant):
        points[SAME_SPEAKER] = speaker_bonus
    if date_bonus and date and stated_recently(date, candidate.date):
        points[RECENT_CLAIM] = date_bonus
    return points


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
    speaker: str = "",
    speaker_bonus: float = SPEAKER_BONUS,
    date: str = "",
    date_bonus: float = DATE_BONUS,
) -> list[Match]:
    """Matches for a claim, reranked from candidates one of two searches supplies (best
    first): `search_terms(terms, pool)` gets the claim's informative terms, most
    informative first, and chooses among them itself (the store's
    `store.search.search_by_terms` does, by document counts); `search(fts_query, pool)`
    gets an FTS5 expression OR-ing them. No informative word, no search, no match.

    `document_frequency` and `max_terms` choose the terms (see
    `matchers.query.query_terms`); of the `pool` candidates, the `shortlist` best by a
    cheap score are reranked (see `rank_candidates`), a candidate whose claimant is
    `speaker` (who said the claim, when known) with `speaker_bonus` points, one stated
    in the year of `date` (when the claim was said) or the year before with `date_bonus`."""
    candidates = _search(query, search, search_terms, pool, max_terms, document_frequency)
    if not candidates:
        return []
    return rank_candidates(
        query, candidates, limit=limit, min_score=min_score, weights=weights, shortlist=shortlist,
        speaker=speaker, speaker_bonus=speaker_bonus, date=date, date_bonus=date_bonus,
    )


def find_deferred(
    query: str,
    *,
    search_terms: Callable[[Sequence[str], int], Sequence[Candidate]],
    limit: int = 5,
    pool: int = 100,
    speaker: str = "",
    date: str = "",
) -> list[DeferredMatch]:
    """`find_matches` through `search_terms` with the shipped settings, up to choosing:
    the candidates it would choose its best `limit` from, not yet explained
    (`defer_candidates`)."""
    candidates = _search(query, None, search_terms, pool, DEFAULT_MAX_TERMS, None)
    return defer_candidates(query, candidates, limit=limit, shortlist=DEFAULT_SHORTLIST,
                            speaker=speaker, date=date)


def _search(query, search, search_terms, pool: int, max_terms: int, document_frequency) -> Sequence[Candidate]:
    if search_terms is not None:
        terms = query_terms(query, max_terms, document_frequency=document_frequency)
        return search_terms(terms, pool) if terms else []
    if search is not None:
        fts_query = build_fts_query(query, max_terms, document_frequency=document_frequency)
        return search(fts_query, pool) if fts_query else []
    raise TypeError("find_matches needs a search or a search_terms function.")
