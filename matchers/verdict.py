"""What a claim's matches say together: which of them are the same claim, how many
sources agree or dispute it, and the verdict they suggest.

A match is the *same claim* (`is_same_claim`) when it scores at least its query's
threshold (`same_claim_score`), carries no conflict flag, and is the best-ranked claim of its fact-check. A fact-check
often states its claim in several versions (Snopes stores one per wording it checked,
under one headline and page): `mark_same_fact_check` marks every reference after the
first of its fact-check (same source, and the same headline or page) in a ranked list,
and a marked match is listed as related. The first speaks for the fact-check; the
versions after it add no source, and the claim most often repeats the one ranked first.
The threshold is `SAME_CLAIM_SCORE`, or `TRANSCRIPT_SAME_CLAIM_SCORE` for a match found
for a transcript's line (a query with a speaker): the ranking marks such a match
(`explanation[QUERY_KIND]`, saved with it), so the desk, `match --json`, freshness and
every count below decide alike. A match that scores as high but carries a conflict flag is a *same-topic* match that
contradicts the claim's core (a different number, date, actor, or a negation). The rest
are *related*: shown, never counted.

`corroboration` counts distinct sources:
- agreeing: same-claim matches rated true-type (corroborated), or unrated (another
  outlet carrying the same claim);
- disputing: same-claim matches rated false-type (contested), and same-topic matches
  rated true-type or unrated (a source holding something else as the fact);
and the earliest date among the same-claim matches (who said it first). A same-claim
match rated unverified (Half True, Unproven) neither agrees nor disputes, nor does a
same-topic match rated false or unverified (a contradiction of a claim found false or
unproven settles nothing).

`suggest_verdict` makes one suggestion, always the verdict of the match it cites:
1. Rated same-claim matches decide: when their normalised ratings all agree, the
   suggestion is that rating (corroborated, contested or unverified), citing the best
   scored of them ("same claim as Snopes, rated False, 2019-03-02"); when they differ,
   there is no suggestion, and the reason says the sources disagree.
2. Without a rated same-claim match, a same-topic match rated true-type whose core the
   claim contradicts suggests "contested", naming the conflict ("differs from
   PolitiFact's claim rated True: number 15 ≠ 50").
3. Otherwise no suggestion (unrated matches only, a contradicted claim that is not rated
   true, or nothing close enough), and the reason says which.

Ratings are the store's normalised ones (`Candidate.normalised_rating`, set when a
reference is imported), so a suggestion never contradicts the rating shown beside the
match it cites.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlsplit

from store.models import Candidate, Match
from store.values import parse_date

# Scores at or above this (with no conflict flag, first of its fact-check) mean "the
# same claim" for a text without a speaker (a tweet, an article's sentence). On
# CheckThat! 2020 task 2 train (tweets, each query's top five, `bench/matching.py
# --suggest`) 60 is the lowest threshold reaching precision 0.95, but the matches an
# article's sentences get at 60-69 include reversed and different claims ("excluded
# from the ceasefire" / "covered by the ceasefire"), and prose sentences (2022 2B train)
# reach only 0.55 there. 70 keeps tweets at 0.98 (recall 0.46): a wrong suggestion costs
# a checker more than a missing one (figures: bench/NOTES.md).
SAME_CLAIM_SCORE = 70.0
# The same rule for a transcript's line, on CheckThat! 2022 2B train (debate sentences
# with their context, speaker and date): no threshold reaches precision 0.95 (90 gives
# 0.945, 95 gives 0.913), so the lowest reaching 0.90 (figures: bench/NOTES.md).
TRANSCRIPT_SAME_CLAIM_SCORE = 90.0
# A match's explanation key naming the kind of query it was found for; absent for a
# plain text (a tweet, an article's sentence).
QUERY_KIND = "query_kind"
TRANSCRIPT_LINE = "transcript line"
# A match's explanation key naming (by id) the better-ranked claim of its fact-check.
SAME_FACT_CHECK = "same_fact_check_as"

CORROBORATED = "corroborated"
CONTESTED = "contested"
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Corroboration:
    """Distinct sources agreeing with and disputing a claim, and the earliest date one of
    the same-claim matches carries ("" when none does), as the store gives it.
    `undecided` counts the sources that rated the same claim unverified (Half True,
    Unproven): they neither agree nor dispute, but a checker reading "1 source agrees"
    beside "sources disagree" needs to see them."""

    agree: int = 0
    dispute: int = 0
    first_seen: str = ""
    undecided: int = 0

    def describe(self) -> str:
        """"2 sources agree · 1 disputes" (and "· first seen DATE"); "no source agrees or
        disputes" when none does either."""
        if not self.agree and not self.dispute:
            parts = ["no source agrees or disputes"]
        else:
            parts = [
                f"{self.agree} source{'' if self.agree == 1 else 's'} agree{'s' if self.agree == 1 else ''}",
                f"{self.dispute} dispute{'s' if self.dispute == 1 else ''}",
            ]
        if self.undecided:
            parts.append(f"{self.undecided} undecided")
        if self.first_seen:
            parts.append(f"first seen {self.first_seen}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Suggestion:
    """A suggested verdict (None: no suggestion), why in one line, and the match cited."""

    verdict: str | None
    because: str = ""
    match: Match | None = None


def query_kind(speaker: str) -> str | None:
    """The kind of query a claim said by `speaker` makes: a transcript's line when the
    speaker is known, None for a plain text."""
    return TRANSCRIPT_LINE if speaker.strip() else None


def same_claim_score(match: Match) -> float:
    """The score at which `match` is the same claim: its query kind's threshold."""
    explanation = match.explanation if isinstance(match.explanation, dict) else {}
    if explanation.get(QUERY_KIND) == TRANSCRIPT_LINE:
        return TRANSCRIPT_SAME_CLAIM_SCORE
    return SAME_CLAIM_SCORE


def is_same_claim(match: Match, threshold: float | None = None) -> bool:
    """The match holds the claim itself: it scores at least `threshold` (by default its
    own, `same_claim_score`), no conflict, and no better-ranked claim of its fact-check
    came before it (`mark_same_fact_check`)."""
    at = same_claim_score(match) if threshold is None else threshold
    return match.score >= at and not _conflicts(match) and not _later_version(match)


def mark_same_fact_check(matches: Sequence[Match]) -> list[Match]:
    """The matches (ranked, best first) with each reference claim that follows another
    of the same fact-check (same source, and the same headline or the same page)
    marked: `explanation[SAME_FACT_CHECK]` is the first one's id. Marks already present
    are recomputed from this order."""
    first: dict[tuple[str, str, str], int] = {}
    out = []
    for match in matches:
        explanation = dict(match.explanation) if isinstance(match.explanation, dict) else {}
        explanation.pop(SAME_FACT_CHECK, None)
        keys = _fact_check_keys(match)
        earlier = next((first[key] for key in keys if key in first), None)
        if earlier is not None:
            explanation[SAME_FACT_CHECK] = earlier
        for key in keys:
            first.setdefault(key, match.candidate.id)
        out.append(match if explanation == match.explanation else replace(match, explanation=explanation))
    return out


def _fact_check_keys(match: Match) -> list[tuple[str, str, str]]:
    return fact_check_keys(match.candidate)


def fact_check_keys(candidate: Candidate) -> list[tuple[str, str, str]]:
    """What identifies a reference's fact-check: its source with its headline, and with
    its page; none for an article's claim."""
    if candidate.kind != "reference":
        return []
    source = _candidate_source_key(candidate)
    keys = []
    if title := " ".join(candidate.title.split()).casefold():
        keys.append((source, "title", title))
    # A page, not a site: a bare home page is no fact-check of its own.
    if (url := candidate.url.strip()) and urlsplit(url).path.strip("/"):
        keys.append((source, "url", url))
    return keys


def _later_version(match: Match) -> bool:
    return isinstance(match.explanation, dict) and match.explanation.get(SAME_FACT_CHECK) is not None


def is_same_topic_conflict(match: Match, threshold: float | None = None) -> bool:
    """The match scores as the same claim would but contradicts the claim's core."""
    at = same_claim_score(match) if threshold is None else threshold
    return match.score >= at and bool(_conflicts(match))


def rating_verdict(match: Match) -> str | None:
    """The match's normalised rating as a verdict, None when unrated or unrecognised."""
    rating = match.candidate.normalised_rating.strip().casefold()
    return rating if rating in (CORROBORATED, CONTESTED, UNVERIFIED) else None


def same_claim_first(matches: Sequence[Match], threshold: float | None = None) -> list[Match]:
    """The same-claim matches, then the others ("related"), each group in its order."""
    same = [m for m in matches if is_same_claim(m, threshold)]
    return same + [m for m in matches if not is_same_claim(m, threshold)]


def corroboration(matches: Sequence[Match], threshold: float | None = None) -> Corroboration:
    """Agreeing and disputing sources, and the first date seen (see the module docstring)."""
    agreeing: set[str] = set()
    disputing: set[str] = set()
    undecided: set[str] = set()
    earliest: tuple[date, str] | None = None
    for match in matches:
        rating = rating_verdict(match)
        if is_same_claim(match, threshold):
            if rating in (CORROBORATED, None):
                agreeing.add(_source_key(match))
            elif rating == CONTESTED:
                disputing.add(_source_key(match))
            else:
                undecided.add(_source_key(match))
            parsed = parse_date(match.candidate.date, partial=True) if match.candidate.date else None
            if parsed and (earliest is None or parsed < earliest[0]):
                earliest = (parsed, match.candidate.date)
        elif is_same_topic_conflict(match, threshold) and rating in (CORROBORATED, None):
            disputing.add(_source_key(match))
    return Corroboration(len(agreeing), len(disputing), earliest[1] if earliest else "", len(undecided))


def suggest_verdict(matches: Sequence[Match], threshold: float | None = None) -> Suggestion:
    """One suggested verdict with its reason, by the rule in the module docstring."""
    rated = [m for m in matches if is_same_claim(m, threshold) and rating_verdict(m)]
    if rated:
        verdicts = {rating_verdict(m) for m in rated}
        if len(verdicts) > 1:
            return Suggestion(None, "sources disagree: " + ", ".join(
                f"{_source_name(m)} rated {_rating_name(m)}" for m in _one_per_source(rated)))
        best = max(rated, key=lambda m: m.score)
        return Suggestion(rating_verdict(best), _cite("same claim as", best), best)
    contradicted = [
        m for m in matches
        if is_same_topic_conflict(m, threshold) and rating_verdict(m) == CORROBORATED
    ]
    if contradicted:
        best = max(contradicted, key=lambda m: m.score)
        conflicts = "; ".join(_conflict_text(c) for c in _conflicts(best))
        because = f"differs from {_source_name(best)}'s claim rated {_rating_name(best)}"
        if best.candidate.date.strip():
            because += f", {best.candidate.date.strip()}"
        return Suggestion(CONTESTED, f"{because}: {conflicts}", best)
    if any(is_same_claim(m, threshold) for m in matches):
        return Suggestion(None, "same claim found, but no source rated it")
    differing = [m for m in matches if is_same_topic_conflict(m, threshold)]
    if differing:
        best = max(differing, key=lambda m: m.score)
        rated = f"rated {_rating_name(best)}" if _rating_name(best) else "unrated"
        conflicts = "; ".join(_conflict_text(c) for c in _conflicts(best))
        return Suggestion(None, f"closest claim differs ({conflicts}) and is {rated}: it settles nothing")
    return Suggestion(None, "no match close enough to be the same claim")


def _conflicts(match: Match) -> list:
    explanation = match.explanation if isinstance(match.explanation, dict) else {}
    return list(explanation.get("conflicts") or ())


def _conflict_text(conflict: object) -> str:
    if isinstance(conflict, dict) and {"kind", "query", "match"} <= conflict.keys():
        return f"{conflict['kind']} {conflict['query']} ≠ {conflict['match']}"
    return str(conflict)


def _source_name(match: Match) -> str:
    candidate = match.candidate
    if candidate.source.strip():
        return " ".join(candidate.source.split())
    host = urlsplit(candidate.url.strip()).hostname if candidate.url.strip() else None
    return host.removeprefix("www.") if host else f"{candidate.kind} {candidate.id}"


def _rating_name(match: Match) -> str:
    return " ".join(match.candidate.rating.split()) or match.candidate.normalised_rating


def _cite(prefix: str, match: Match) -> str:
    parts = [f"{prefix} {_source_name(match)}", f"rated {_rating_name(match)}"]
    if match.candidate.date.strip():
        parts.append(" ".join(match.candidate.date.split()))
    return ", ".join(parts)


def _one_per_source(matches: Sequence[Match]) -> list[Match]:
    seen: dict[tuple[str, str | None], Match] = {}
    for match in matches:
        seen.setdefault((_source_key(match), rating_verdict(match)), match)
    return list(seen.values())


def _source_key(match: Match) -> str:
    return _candidate_source_key(match.candidate)


def _candidate_source_key(candidate: Candidate) -> str:
    if candidate.source.strip():
        return candidate.source.strip().casefold()
    host = urlsplit(candidate.url.strip()).hostname if candidate.url.strip() else None
    if host:
        return host.removeprefix("www.")
    return f"{candidate.kind}:{candidate.id}"
