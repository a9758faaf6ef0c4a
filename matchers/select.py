"""Choosing the matches to show, explaining only the candidates that decide them.

A candidate's explanation (`matchers.explain`: shared words and conflict flags) costs
more than the rest of its ranking, and the conflict flags lower its score
(`matchers.rank`). Each flag kind costs a fixed penalty and there are
`matchers.explain.CONFLICT_KINDS` of them, so before it is explained a candidate's score
is known to lie between its score with no flag and its score with every kind flagged.
A `DeferredMatch` carries those bounds and is explained when first needed
(`DeferredMatch.match`).

- `best(entries, count, bounds)`: the `count` entries a ranking by a key would put first,
  explaining only those whose place the bounds cannot settle;
- `lexical_bounds(entry)`: the bounds of the lexical ranking's key;
- `shown(pool, limit, rescore)`: what `claimdesk match` shows of a pool of lexical
  matches: rescored (the semantic stage), same claims first, at most `limit`.

The results are those of explaining every candidate: an entry is left unexplained only
when no value its score can take would change what is returned.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace

from matchers.verdict import (
    SAME_CLAIM_SCORE,
    TRANSCRIPT_SAME_CLAIM_SCORE,
    fact_check_keys,
    is_same_claim,
    mark_same_fact_check,
)
from store.models import Candidate, Match

# A ranking key: (what it ranks by, ..., -the candidate's place in the search's order),
# compared as a tuple, so no two candidates tie.
Key = tuple[float, ...]
# Below this (rescored) score a match is neither the same claim nor listed with the same
# claims, whatever its explanation holds.
_SAME_CLAIM_FLOOR = min(SAME_CLAIM_SCORE, TRANSCRIPT_SAME_CLAIM_SCORE)


class DeferredMatch:
    """A ranked candidate whose explanation is worked out when first asked for.

    `low` and `high` bound its score (0-100, one decimal) until then, and are its score
    after; `bonus` is its ranking bonus (`matchers.rank`'s priors) and `order` its place in
    the search's candidates (the last tie-break). `coverage` is the share of the
    candidate's words the query holds (`matchers.rank`'s `match_coverage`, 0 when not
    known), which the semantic stage reads (`matchers.semantic.fused_score`)."""

    __slots__ = ("candidate", "order", "bonus", "low", "high", "coverage", "_explain", "_match", "_fact_check")

    def __init__(self, candidate: Candidate, order: int, bonus: float, low: float, high: float,
                 explain: Callable[[], Match], coverage: float = 0.0) -> None:
        self.candidate = candidate
        self.order = order
        self.bonus = bonus
        self.low = low
        self.high = high
        self.coverage = coverage
        self._explain = explain
        self._match: Match | None = None
        self._fact_check: list | None = None

    @property
    def fact_check(self) -> list[tuple[str, str, str]]:
        """What identifies the candidate's fact-check (`matchers.verdict.fact_check_keys`)."""
        if self._fact_check is None:
            self._fact_check = fact_check_keys(self.candidate)
        return self._fact_check

    @property
    def explained(self) -> bool:
        return self._match is not None

    def match(self) -> Match:
        """The explained match with its exact score."""
        if self._match is None:
            self._match = self._explain()
            self.low = self.high = self._match.score
        return self._match

    def __repr__(self) -> str:
        return f"DeferredMatch({self.candidate.id}, {self.low}..{self.high})"


def lexical_bounds(entry: DeferredMatch) -> tuple[Key, Key]:
    """The lowest and highest key the lexical ranking can give `entry`: score plus bonus,
    then the search's order."""
    return ((entry.low + entry.bonus, -entry.order), (entry.high + entry.bonus, -entry.order))


def passing(entries: Sequence[DeferredMatch], min_score: float) -> list[DeferredMatch]:
    """The entries scoring at least `min_score` (those that might are explained)."""
    for entry in entries:
        if entry.low < min_score <= entry.high:
            entry.match()
    return [entry for entry in entries if entry.low >= min_score]


def best(entries: Sequence[DeferredMatch], count: int,
         bounds: Callable[[DeferredMatch], tuple[Key, Key]]) -> list[DeferredMatch]:
    """The `count` entries with the highest keys (all when there are no more), in no
    particular order. An entry is explained only when some other entry could come before
    it or not, as their keys' bounds say, and which decides whether it is among them."""
    while True:
        chosen, unsure = _split(entries, count, bounds)
        if not unsure:
            return chosen
        _settle_one(entries, unsure, bounds)


def _split(entries: Sequence[DeferredMatch], count: int, bounds: Callable[[DeferredMatch], tuple[Key, Key]]
           ) -> tuple[list[DeferredMatch], list[DeferredMatch]]:
    """The entries surely among the `count` best, and those that may be or not."""
    if len(entries) <= count:
        return list(entries), []
    if count <= 0:
        return [], []
    ranges = [bounds(entry) for entry in entries]
    lows = sorted(low for low, _ in ranges)
    highs = sorted(high for _, high in ranges)
    chosen: list[DeferredMatch] = []
    unsure: list[DeferredMatch] = []
    for entry, (low, high) in zip(entries, ranges):
        # Entries whose key may be above this one's (itself too when not exact) ...
        may_precede = len(highs) - bisect_right(highs, low) - (high > low)
        if may_precede < count:
            chosen.append(entry)
        # ... and entries whose key is surely above it.
        elif len(lows) - bisect_right(lows, high) < count:
            unsure.append(entry)
    return chosen, unsure


def _settle_one(entries: Sequence[DeferredMatch], unsure: Sequence[DeferredMatch],
                bounds: Callable[[DeferredMatch], tuple[Key, Key]]) -> None:
    """Explain the unsure entry that may rank highest; an exact entry is unsure only while
    others are not exact (with every key exact, none is unsure)."""
    unexplained = [entry for entry in unsure if not entry.explained] or [
        entry for entry in entries if not entry.explained]
    max(unexplained, key=lambda entry: bounds(entry)[1]).match()


def shown_from(entries: Sequence[DeferredMatch], pool: int, limit: int,
               rescorer: Callable[[Sequence[DeferredMatch]], Callable[[DeferredMatch, float], float]] | None = None,
               threshold: float = 0.0) -> list[Match]:
    """`shown(best(entries, pool, lexical_bounds), limit, rescore, threshold)`, without
    settling which entries at the pool's edge are in it when that changes nothing shown:
    an edge entry that cannot be shown (at least `limit` entries surely in the pool rank
    surely above it) nor decide whether another is the same claim.
    `rescorer(entries)` gives the rescoring function for those entries (the semantic
    stage reads their embeddings)."""
    while True:
        inside, edge = _split(entries, pool, lexical_bounds)
        considered = inside + edge
        rescore = _remembered(rescorer(considered)) if rescorer else _unchanged
        mattering = _mattering(inside, edge, limit, rescore, threshold) if edge else []
        if not mattering:
            return shown(considered, limit, rescore, threshold)
        # The one that may rank highest: whether it is in the pool.
        _settle_membership(entries, max(mattering, key=lambda entry: _shown_bounds(entry, rescore)[1]), pool)


def _settle_membership(entries: Sequence[DeferredMatch], entry: DeferredMatch, pool: int) -> None:
    """Explain `entry`, then the entries whose key may be above its or not until it is
    known whether fewer than `pool` are (it is in the pool) or not; highest first."""
    entry.match()
    key = lexical_bounds(entry)[0]
    while True:
        above, unsure = 0, []
        for other in entries:
            if other is not entry:
                low, high = lexical_bounds(other)
                if low > key:
                    above += 1
                elif high > key:
                    unsure.append((high, other))
        if above >= pool or above + len(unsure) < pool:
            return
        max(unsure, key=lambda item: item[0])[1].match()


def _unchanged(entry: DeferredMatch, score: float) -> float:
    return score


def _remembered(rescore: Callable[[DeferredMatch, float], float]) -> Callable[[DeferredMatch, float], float]:
    """`rescore`, each (entry, score) computed once."""
    known: dict[tuple[DeferredMatch, float], float] = {}

    def remembered(entry: DeferredMatch, score: float) -> float:
        value = known.get((entry, score))
        if value is None:
            value = known[entry, score] = rescore(entry, score)
        return value

    return remembered


def _mattering(inside: Sequence[DeferredMatch], edge: Sequence[DeferredMatch], limit: int,
               rescore: Callable[[DeferredMatch, float], float], threshold: float) -> list[DeferredMatch]:
    """The edge entries (see `shown_from`) that could be shown, or decide whether another
    match is the same claim (see `shown`)."""
    above = sorted(_shown_bounds(entry, rescore)[0] for entry in inside
                   if rescore(entry, entry.low) >= threshold)
    if len(above) > limit:
        above = above[-limit:]
    deciding = _may_decide_same_claims([*inside, *edge], rescore)
    return [entry for entry in edge if rescore(entry, entry.high) >= threshold and (
        entry in deciding or len(above) < limit or _shown_bounds(entry, rescore)[1] >= above[0])]


def _may_decide_same_claims(entries: Sequence[DeferredMatch],
                            rescore: Callable[[DeferredMatch, float], float]) -> set[DeferredMatch]:
    """The entries that may score as the same claim, and the other versions of their
    fact-checks (`matchers.mark_same_fact_check`)."""
    close = [entry for entry in entries if rescore(entry, entry.high) >= _SAME_CLAIM_FLOOR]
    keys = {key for entry in close for key in entry.fact_check}
    if not keys:
        return set(close)
    return {*close, *(entry for entry in entries if not keys.isdisjoint(entry.fact_check))}


def _shown_bounds(entry: DeferredMatch, rescore: Callable[[DeferredMatch, float], float]) -> tuple[Key, Key]:
    """The lowest and highest key `shown` can rank `entry` by: rescored score plus bonus,
    then its place in the lexical ranking."""
    return ((rescore(entry, entry.low) + entry.bonus, entry.low + entry.bonus, -entry.order),
            (rescore(entry, entry.high) + entry.bonus, entry.high + entry.bonus, -entry.order))


def shown(pool: Sequence[DeferredMatch], limit: int,
          rescore: Callable[[DeferredMatch, float], float] | None = None,
          threshold: float = 0.0) -> list[Match]:
    """The matches of `pool` to show, as explaining every one and then ranking would give:
    each rescored by `rescore(entry, score)` (the semantic stage; monotone in the score;
    by default the score itself), those under `threshold` dropped, ranked by rescored
    score plus bonus (ties in the pool's order), versions of a fact-check after its best
    one marked (`matchers.mark_same_fact_check`), then the best `limit`: same-claim
    matches, then the others at or over the plain-text same-claim threshold, then the
    rest, each group in its ranked order (a prior may lift a related claim, never above
    the claim itself nor above a match that close)."""
    if limit <= 0:
        return []
    rescore = _remembered(rescore) if rescore else _unchanged

    def bounds(entry: DeferredMatch) -> tuple[Key, Key]:
        return _shown_bounds(entry, rescore)

    for entry in pool:
        if rescore(entry, entry.low) < threshold <= rescore(entry, entry.high):
            entry.match()
    kept = [entry for entry in pool if rescore(entry, entry.low) >= threshold]
    # A match that may score as the same claim is explained (its flags decide), and so is
    # every other version of its fact-check: one ranked before it (a prior may put it
    # there) makes it related. A shown match's other marks come from matches ranked before
    # it, which are shown too or score as the same claim: explained either way.
    for entry in _may_decide_same_claims(kept, rescore):
        entry.match()
    ranked = _ranked_explained(kept, rescore)
    close = sum(group < 2 for group, _, _ in ranked)
    if close < limit:
        # The others are related whatever their flags: only the best of them are explained.
        explained_related = {entry for group, _, entry in ranked if group == 2}
        related = [entry for entry in kept if not entry.explained or entry in explained_related]
        for entry in best(related, limit - close, bounds):
            entry.match()
        ranked = _ranked_explained(kept, rescore)
    return [match for _, match, _ in sorted(ranked, key=lambda item: item[0])][:limit]


def _rescored(entry: DeferredMatch, rescore: Callable[[DeferredMatch, float], float]) -> Match:
    match = entry.match()
    score = rescore(entry, match.score)
    return match if score == match.score else replace(match, score=score)


def _ranked_explained(entries: Sequence[DeferredMatch], rescore: Callable[[DeferredMatch, float], float]
                      ) -> list[tuple[int, Match, DeferredMatch]]:
    """The explained entries' matches, rescored and ranked, fact-check versions marked,
    each with its group (see `shown`) and its entry."""
    explained = sorted(
        (entry for entry in entries if entry.explained),
        key=lambda entry: (-(rescore(entry, entry.low) + entry.bonus), -(entry.low + entry.bonus), entry.order),
    )
    marked = mark_same_fact_check([_rescored(entry, rescore) for entry in explained])
    return [(_group(match), match, entry) for match, entry in zip(marked, explained)]


def _group(match: Match) -> int:
    if is_same_claim(match):
        return 0
    return 1 if is_same_claim(match, SAME_CLAIM_SCORE) else 2
