"""Choosing what is shown while explaining only the candidates that decide it
(`matchers.select`): the same matches, scores and explanations, in the same order, as
explaining every candidate first, and fewer explanations."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import SAME_CLAIM_SCORE, is_same_claim, mark_same_fact_check, rank_candidates
from matchers.rank import defer_candidates
from matchers.select import DeferredMatch, best, lexical_bounds, shown, shown_from
from matchers.semantic import fuse_semantic, fused_score
from matchers.verdict import QUERY_KIND, SAME_FACT_CHECK, TRANSCRIPT_LINE
from store.models import Candidate, Match

NUMBER = {"kind": "number", "query": "15", "match": "50"}


def entry(order: int, low: float, high: float, score: float | None = None, *, bonus: float = 0.0,
          conflicts=(), title: str = "", url: str = "", transcript: bool = False,
          calls: list | None = None) -> DeferredMatch:
    """A deferred match with the given bounds whose explanation gives `score` (the high
    bound by default) and `conflicts`, noting each explanation in `calls`."""
    candidate = Candidate(id=order + 1, kind="reference", text=f"claim {order}", source="Snopes",
                          title=title, url=url)
    explanation = {"shared": [], "only_query": [], "only_match": [], "conflicts": list(conflicts)}
    if transcript:
        explanation[QUERY_KIND] = TRANSCRIPT_LINE

    def explain() -> Match:
        if calls is not None:
            calls.append(order)
        return Match(candidate, high if score is None else score, dict(explanation), rank_bonus=bonus)

    return DeferredMatch(candidate, order, bonus, low, high, explain)


def test_best_explains_only_the_entries_whose_place_the_bounds_leave_open() -> None:
    calls: list[int] = []
    entries = [entry(0, 80, 82, calls=calls), entry(1, 60, 62, 61, calls=calls),
               entry(2, 58, 70, 59, calls=calls), entry(3, 10, 12, calls=calls)]
    chosen = best(entries, 2, lexical_bounds)
    assert {e.order for e in chosen} == {0, 1}
    # The first is in whatever its flags, the last out; the middle two decide each other.
    assert 0 not in calls and 3 not in calls
    assert 2 in calls


def test_best_breaks_ties_by_the_search_order_as_the_ranking_does() -> None:
    entries = [entry(5, 50, 50), entry(2, 50, 50), entry(9, 50, 50)]
    for e in entries:
        e.match()
    assert {e.order for e in best(entries, 2, lexical_bounds)} == {2, 5}


def test_a_match_that_may_be_the_same_claim_is_explained_to_know_its_flags() -> None:
    calls: list[int] = []
    # Its score with no flag reaches the same-claim threshold; a flag makes it related.
    flagged = entry(0, SAME_CLAIM_SCORE - 2, SAME_CLAIM_SCORE + 4, conflicts=[NUMBER], calls=calls)
    plain = entry(1, SAME_CLAIM_SCORE - 8, SAME_CLAIM_SCORE - 2, calls=calls)
    low = [entry(n, 20, 24, calls=calls) for n in range(2, 12)]
    found = shown([flagged, plain, *low], 2)
    assert [m.candidate.id for m in found] == [1, 2]
    assert not is_same_claim(found[0])
    assert calls[0] == 0 and sorted(calls) == [0, 1]


def test_a_shown_version_of_a_fact_check_is_marked_by_the_one_ranked_before_it() -> None:
    calls: list[int] = []
    first = entry(0, 40, 44, title="Did X happen?", calls=calls)
    second = entry(1, 36, 39, title="Did X happen?", calls=calls)
    others = [entry(n, 30, 34, calls=calls) for n in range(2, 6)]
    found = shown([first, second, *others], 2)
    assert [m.candidate.id for m in found] == [1, 2]
    assert found[1].explanation[SAME_FACT_CHECK] == 1
    assert sorted(calls) == [0, 1]


def test_a_version_ranked_first_by_a_prior_makes_a_same_claim_score_related() -> None:
    # The later version scores as the same claim; the first one scores lower but ranks
    # before it by its prior, so the later one is a version, and related.
    similarity = {0: 0.5, 1: 1.0}
    first = entry(0, 0, 4, 0, bonus=45.0, title="A")
    later = entry(1, 0, 0, title="A")
    found = shown([first, later], 1, lambda e, s: fused_score(s, similarity[e.order]))
    assert [m.candidate.id for m in found] == [1]
    assert first.explained


def test_an_entry_at_the_pools_edge_is_settled_when_it_could_be_shown() -> None:
    similarity = {0: 0.1, 1: 0.6, 2: 0.2, 3: 0.0}
    calls: list[int] = []
    # 1 and 2 compete for the pool's last place; 1 would be shown if it got in (its
    # similarity is the highest), and is out once explained.
    entries = [entry(0, 80, 80, calls=calls), entry(1, 50, 60, 50, calls=calls),
               entry(2, 55, 58, 56, calls=calls), entry(3, 30, 33, calls=calls)]
    rescore = lambda e, s: fused_score(s, similarity[e.order])  # noqa: E731
    found = shown_from(entries, 2, 1, lambda considered: rescore)
    assert [m.candidate.id for m in found] == [3]
    assert 1 in calls and 3 not in calls
    # With every similarity low, no entry at the edge could be shown: none is settled.
    similarity.update({1: 0.0, 2: 0.0})
    calls.clear()
    entries = [entry(0, 80, 80, calls=calls), entry(1, 50, 60, 50, calls=calls),
               entry(2, 55, 58, 56, calls=calls), entry(3, 30, 33, calls=calls)]
    found = shown_from(entries, 2, 1, lambda considered: rescore)
    assert [m.candidate.id for m in found] == [1]
    assert calls == [0]


def _exhaustively(entries: list[DeferredMatch], limit: int, similarity: dict[int, float] | None,
                  threshold: float) -> list[Match]:
    """What `operations.find_matches` returned before deferring explanations: every
    entry explained and ranked, fused, filtered, marked, same claims first."""
    pairs = sorted(((e, e.match()) for e in entries), key=lambda p: (-(p[1].score + p[0].bonus), p[0].order))
    ranked = [m for _, m in pairs]
    if similarity is not None:
        ranked = fuse_semantic(ranked, [similarity[e.order] for e, _ in pairs])
    ranked = [m for m in ranked if m.score >= threshold]

    def group(match: Match) -> int:
        if is_same_claim(match):
            return 0
        return 1 if is_same_claim(match, SAME_CLAIM_SCORE) else 2

    return sorted(mark_same_fact_check(ranked), key=group)[:limit]


bounded = st.tuples(
    st.floats(0, 100).map(lambda x: round(x, 1)), st.floats(0, 8).map(lambda x: round(x, 1)),
    st.floats(0, 1), st.sampled_from([0.0, 0.0, 45.0, 60.0]), st.booleans(),
    st.sampled_from(["", "", "A", "B"]), st.sampled_from(["", "", "https://example.org/a"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(bounded, min_size=0, max_size=40), st.integers(1, 8), st.integers(5, 20), st.booleans(),
       st.lists(st.floats(-0.2, 1.0), min_size=40, max_size=40), st.sampled_from([0.0, 0.0, 40.0, 70.0]),
       st.booleans())
def test_shown_is_what_explaining_every_entry_gives(rows, limit, pool, semantic, similarities, threshold,
                                                    transcript) -> None:
    def make() -> list[DeferredMatch]:
        made = []
        for order, (high, width, where, bonus, flagged, title, url) in enumerate(rows):
            low = round(max(0.0, high - width), 1)
            score = round(low + (high - low) * where, 1)
            made.append(entry(order, low, high, score, bonus=bonus, conflicts=[NUMBER] if flagged else (),
                              title=title, url=url, transcript=transcript))
        return made

    similarity = dict(enumerate(similarities)) if semantic else None
    rescore = (lambda e, s: fused_score(s, similarity[e.order])) if semantic else None
    deferred = make()
    found = shown(deferred, limit, rescore, threshold)
    assert found == _exhaustively(make(), limit, similarity, threshold)
    assert all(e.explained for e in deferred if e.candidate.id in {m.candidate.id for m in found})
    # From a larger list, through a pool of the lexically best: its edge settled only
    # when it matters.
    every = make()
    for e in every:
        e.match()
    in_pool = sorted(every, key=lambda e: (-(e.low + e.bonus), e.order))[:pool]
    deferred = make()
    found = shown_from(deferred, pool, limit, (lambda entries: rescore) if semantic else None, threshold)
    assert found == _exhaustively(in_pool, limit, similarity, threshold)


WORDS = ("Obama Trump Texas Ohio President signed the bill killed 15 50 troops in 2019 2020 not did pay "
         "taxes vaccine causes autism March million photo shows said").split()
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(texts, st.lists(st.tuples(texts, st.sampled_from(["", "", "Did Obama sign it?"]),
                                 st.floats(-20, 0)), min_size=1, max_size=30),
       st.integers(1, 12), st.sampled_from([0.0, 30.0, 45.0]))
def test_ranking_chooses_what_explaining_every_candidate_chooses(query, rows, limit, min_score) -> None:
    ids = itertools.count(1)
    pool = [Candidate(id=next(ids), kind="reference", text=text, title=title, bm25=bm25, source="Snopes")
            for text, title, bm25 in rows]
    every = defer_candidates(query, pool, limit=limit)
    ranked = sorted(every, key=lambda e: (-(e.match().score + e.bonus), e.order))
    expected = [e.match() for e in ranked if e.match().score >= min_score][:limit]
    assert rank_candidates(query, pool, limit=limit, min_score=min_score) == expected
