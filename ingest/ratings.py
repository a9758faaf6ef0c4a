"""Fact-checkers' published ratings mapped onto claimdesk's three verdicts.

`normalise_rating(published)` turns a textual rating as a fact-checker published it
("Pants on Fire", "Mostly True", "Missing context", "2/5"…) into "corroborated",
"contested", "unverified", or "" when the rating says nothing claimdesk can use.

The mapping (case, spacing, hyphens and trailing punctuation ignored):

| published rating                                                   | normalised   |
|--------------------------------------------------------------------|--------------|
| True, Correct, Mostly True, Accurate, Mostly Accurate, Verified,   | corroborated |
| Confirmed, Correct Attribution, Legit, Geppetto Checkmark,         |              |
| Corroborated                                                       |              |
| False, Pants on Fire, Mostly False, Barely True, Misleading,       | contested    |
| Exaggerated, Incorrect, Inaccurate, Fake, Fabricated, Hoax, Scam,  |              |
| Partly/Partially False, Missing/Lacks/Needs Context, Out of        |              |
| Context, Miscaptioned, Misattributed, Altered, Manipulated,        |              |
| Distorted, Spins the Facts, Satire, Three/Four Pinocchios, Wrong,  |              |
| Contested                                                          |              |
| Unproven, Mixture, Mixed, Unverified, Half True, Half Truth,       | unverified   |
| Partly/Partially True, Unsupported, No Evidence, Unsubstantiated,  |              |
| Undetermined, Research in Progress, One/Two Pinocchios, Disputed   |              |
| a number "N/M" or "N out of M" (N between worst 0/1 and best M):   |              |
|   position <= 25% of the scale                                     | contested    |
|   position >= 75% of the scale                                     | corroborated |
|   in between                                                       | unverified   |
| anything else                                                      | ""           |

Choices made on purpose: "Barely True" (PolitiFact: an element of truth, critical facts
ignored) is contested; "Half True" is unverified, because the checker must still decide
which half the claim under review repeats; satire is contested because a satirical claim
met as news is false. A few common ratings in Spanish, Portuguese, French and German are
mapped too. Longer ratings that begin with a known one ("False. The photo shows…") take
that one's mapping.
"""

from __future__ import annotations

import re

CORROBORATED = "corroborated"
CONTESTED = "contested"
UNVERIFIED = "unverified"

_TABLE: dict[str, tuple[str, ...]] = {
    CORROBORATED: (
        "true", "correct", "mostly true", "mostly correct", "accurate", "mostly accurate",
        "largely accurate", "verified", "confirmed", "correct attribution", "legit", "real",
        "geppetto checkmark", "fact", "supported",
        # claimdesk's own labels, so its ClaimReview exports import back unchanged
        "corroborated",
        # es / pt / fr / de
        "verdadero", "verdadeiro", "cierto", "vrai", "wahr", "richtig",
    ),
    CONTESTED: (
        "false", "pants on fire", "pants fire", "pants on fire!", "mostly false", "barely true",
        "misleading", "exaggerated", "exaggeration", "incorrect", "inaccurate", "fake",
        "fabricated", "hoax", "scam", "wrong", "not true", "untrue", "baseless", "debunked",
        "partly false", "partially false", "false context", "missing context", "lacks context",
        "needs context", "out of context", "miscaptioned", "misattributed",
        "incorrect attribution", "altered", "altered image", "altered photo", "manipulated",
        "manipulated media", "distorted", "distorts the facts", "spins the facts", "satire",
        "labeled satire", "three pinocchios", "four pinocchios", "full flop", "conspiracy theory",
        "contested",
        "falso", "faux", "falsch", "engañoso", "enganoso", "trompeur", "irreführend",
        "sacado de contexto", "fuera de contexto", "hors contexte",
    ),
    UNVERIFIED: (
        "unproven", "mixture", "mixed", "unverified", "half true", "half truth", "half right",
        "partly true", "partially true", "partially correct", "unsupported", "no evidence",
        "unsubstantiated", "undetermined", "research in progress", "one pinocchio",
        "two pinocchios", "disputed", "unclear", "inconclusive", "half flip", "not the whole story",
        "sin evidencia", "impreciso", "verdad a medias", "meia verdade", "à moitié vrai",
        "teilweise richtig", "unbelegt",
    ),
}

_LOOKUP: dict[str, str] = {
    phrase: verdict for verdict, phrases in _TABLE.items() for phrase in phrases
}
# Longest first, so "mostly false" wins over "false" when a rating starts with it.
_PREFIXES = sorted(_LOOKUP, key=len, reverse=True)

_SEPARATORS = re.compile(r"[\s_\-–—]+")
_TRAILING = re.compile(r"[\s.!?:;,'\"*)\]]+$")
_SCORE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*(\d+(?:\.\d+)?)$")
_MAX_RATING_CHARS = 300


def _clean(published: str) -> str:
    text = _SEPARATORS.sub(" ", published.casefold()).strip()
    text = text.lstrip("\"'*([")
    return _TRAILING.sub("", text)


def _from_score(value: float, best: float) -> str:
    # Ratings scales start at 0 or 1; a scale of 1..5 puts 1 at the bottom.
    worst = 1.0 if best > 1 and value >= 1 else 0.0
    if best <= worst or value > best:
        return ""
    position = (value - worst) / (best - worst)
    if position <= 0.25:
        return CONTESTED
    if position >= 0.75:
        return CORROBORATED
    return UNVERIFIED


def normalise_rating(published: str) -> str:
    """Map a published textual rating onto a verdict, or "" when it is not recognised."""
    if not isinstance(published, str):
        return ""
    text = _clean(published[:_MAX_RATING_CHARS])
    if not text:
        return ""
    if text in _LOOKUP:
        return _LOOKUP[text]
    score = _SCORE.match(text)
    if score:
        return _from_score(float(score.group(1)), float(score.group(2)))
    for phrase in _PREFIXES:
        # "False. The video was edited" or "Misleading: the figure is from 2019".
        if text.startswith(phrase) and not text[len(phrase)].isalnum():
            return _LOOKUP[phrase]
    return ""
