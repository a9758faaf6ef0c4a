"""What a claim's matches say together: corroboration and a suggested verdict.

`corroboration` counts the distinct sources holding the same claim (a match at or above
the threshold with no conflict flag) and finds the earliest date among them: who said
it first.

`suggest_verdict` applies one rule to the strong matches (score >= the threshold):
- "contested" if any strong match carries a conflict flag (it says something else about
  the same thing) or a false-type published rating (false, pants on fire, mostly false,
  barely true, misleading, fake, scam, miscaptioned, misattributed, incorrect);
- otherwise "corroborated" if at least one strong match carries a true-type rating
  (true, mostly true, correct, correct attribution, accurate);
- otherwise None: mixed, unproven or unrated matches decide nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from matchers.normalise import MONTHS
from matchers.rank import DEFAULT_MIN_SCORE
from store.models import Match

FALSE_RATINGS = frozenset(
    {"false", "pants on fire", "pants fire", "mostly false", "barely true", "misleading",
     "fake", "scam", "miscaptioned", "misattributed", "incorrect", "incorrect attribution",
     "not true", "wrong", "four pinocchios", "inaccurate"}
)
TRUE_RATINGS = frozenset(
    {"true", "mostly true", "correct", "correct attribution", "accurate", "verified"}
)


def rating_kind(rating: str) -> str | None:
    """"false", "true" or None for a published rating in any common spelling."""
    key = " ".join(re.findall(r"[a-z]+", rating.casefold()))
    if key in FALSE_RATINGS:
        return "false"
    if key in TRUE_RATINGS:
        return "true"
    return None


def _source_key(match: Match) -> str:
    candidate = match.candidate
    if candidate.source.strip():
        return candidate.source.strip().casefold()
    host = urlsplit(candidate.url.strip()).hostname if candidate.url.strip() else None
    if host:
        return host.removeprefix("www.")
    return f"{candidate.kind}:{candidate.id}"


_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def parse_date(text: str) -> date | None:
    """A date from ISO ("2020-01-06"), "January 6, 2020", "6 Jan 2020" or a bare year
    (as 1 January); None when nothing date-like is found."""
    try:
        if found := _ISO.search(text):
            return date(int(found[1]), int(found[2]), int(found[3] or 1))
        if (found := _MONTH_DAY_YEAR.search(text)) and found[1].casefold() in MONTHS:
            return date(int(found[3]), MONTHS[found[1].casefold()], int(found[2]))
        if (found := _DAY_MONTH_YEAR.search(text)) and found[2].casefold() in MONTHS:
            return date(int(found[3]), MONTHS[found[2].casefold()], int(found[1]))
        if found := _YEAR.search(text):
            return date(int(found[1]), 1, 1)
    except ValueError:  # "2020-13-45"
        return None
    return None


def corroboration(matches: Sequence[Match], min_score: float = DEFAULT_MIN_SCORE) -> tuple[int, str]:
    """(number of distinct sources holding the same claim, earliest date among them as
    given in the store, "" when none is known)."""
    sources: set[str] = set()
    earliest: tuple[date, str] | None = None
    for match in matches:
        if match.score < min_score or match.explanation.get("conflicts"):
            continue
        sources.add(_source_key(match))
        parsed = parse_date(match.candidate.date) if match.candidate.date else None
        if parsed and (earliest is None or parsed < earliest[0]):
            earliest = (parsed, match.candidate.date)
    return len(sources), earliest[1] if earliest else ""


def suggest_verdict(matches: Sequence[Match], min_score: float = DEFAULT_MIN_SCORE) -> str | None:
    """"contested", "corroborated" or None by the rule in the module docstring."""
    strong = [m for m in matches if m.score >= min_score]
    if any(m.explanation.get("conflicts") for m in strong):
        return "contested"
    kinds = {rating_kind(m.candidate.rating) for m in strong}
    if "false" in kinds:
        return "contested"
    if "true" in kinds:
        return "corroborated"
    return None
