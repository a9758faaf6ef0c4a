"""Check-worthiness of a sentence: a score in [0, 1] and the reasons behind it.

`score_sentence(text)` finds the signals fact-checkers look for (after Full Fact's claim
types): a quantity or statistic, a date, a named person/organisation/place doing something,
an attribution, a comparison, a cause, a prediction, a law or rule, a past event; and the
signals that lower it: a question, an opinion without a checkable core, an imperative, a
greeting, a very short fragment. Each signal has a weight; the score is the logistic of
their sum. The weights and `THRESHOLD` were fitted on public training data by
`bench/checkworthiness.py --fit` (see `FITTED_ON`), so every score is explained by the
reasons listed with it.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

_NUMBER_WORDS = (
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|percent|per cent|percentage"
    r"|half|third|quarter|twice|double[sd]?|tripled?|quadrupled?|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_PATTERNS: dict[str, re.Pattern[str]] = {
    "quantity": re.compile(
        rf"\d|[%$£€¥]|\b(?:{_NUMBER_WORDS}|majority|minority|average|rate|ratio|per capita|figures?|statistics?|numbers?)\b",
        re.IGNORECASE,
    ),
    "date": re.compile(
        r"\b(?:1[89]\d\d|20\d\d|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d|january|february|march|april|june|july"
        r"|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
        r"|yesterday|last (?:year|month|week|decade|century|night)|this (?:year|month|week)|(?:years?|months?|weeks?|days?) ago"
        r"|decades?|centur(?:y|ies)|since|in the (?:\d0s|past)|\d\d?(?::\d\d)?\s*[ap]\.?m\b)",
        re.IGNORECASE,
    ),
    "attribution": re.compile(
        r"\b(?:according to|said|says|told|claim(?:s|ed)?|report(?:s|ed)?|stated?|announc(?:ed|es|ing)|confirm(?:ed|s)"
        r"|denie[sd]|alleg(?:ed|es|ing)|revealed|admitted|insist(?:ed|s)|warned|estimated?|sources?|officials?"
        r"|spokes(?:man|woman|person)|statement|study|studies|survey|poll|research|data|census|documents?)\b",
        re.IGNORECASE,
    ),
    "comparison": re.compile(
        r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|better|worse|faster|slower|than|compared"
        r"|most|least|largest|biggest|highest|lowest|smallest|fastest|greatest|worst|best|first|only|record"
        r"|increas(?:e|ed|es|ing)|decreas(?:e|ed|es|ing)|ris(?:e|en|ing)|rose|fell|fall(?:en|ing)?|grew|grow(?:n|ing)"
        r"|drop(?:ped)?|doubled|tripled|halved|cut|up|down|surged?|plunged?|declined?)\b|\w+est\b",
        re.IGNORECASE,
    ),
    "causation": re.compile(
        r"\b(?:because|caus(?:e|ed|es|ing)|due to|led to|leads? to|result(?:ed|s)? (?:in|of|from)|as a result|thanks to"
        r"|responsible for|linked to|associated with|blame[sd]?|prevents?|cures?|reduces? the risk|triggers?|so that)\b",
        re.IGNORECASE,
    ),
    "prediction": re.compile(
        r"\b(?:will|won't|shall|going to|expected to|expects?|forecasts?|predict(?:s|ed)?|projected|plans? to|is set to"
        r"|next (?:year|month|week|decade)|by 20\d\d|in the coming|future)\b",
        re.IGNORECASE,
    ),
    "law or rule": re.compile(
        r"\b(?:law|laws|act|bill|legal|illegal|unlawful|ban(?:s|ned)?|regulations?|rules?|ruled|constitution(?:al)?|court"
        r"|judge|legislation|legislat(?:ive|ure)|mandate[sd]?|requir(?:e|es|ed)|prohibit(?:s|ed)?|allowed|permitted"
        r"|tax(?:es)?|treaty|agreement|ceasefire|sanctions?|vetoed?|signed|voted?|votes|passed|policy|amendment)\b",
        re.IGNORECASE,
    ),
    "past event": re.compile(
        r"\b(?:was|were|had|has been|have been|did|killed|died|lost|won|launched|released|destroyed|attacked|arrested"
        r"|elected|created|built|closed|opened|invaded|fired|joined|spent|paid|raised|received|sent|founded|declared)\b"
        r"|\b\w{3,}ed\b",
        re.IGNORECASE,
    ),
}
_ACTION = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does|do)\b|\b\w{3,}(?:ed|es)\b|\b\w+s\b", re.IGNORECASE
)
# A capitalised word after the first word, or an acronym: a named person, organisation or place.
_NAMED = re.compile(r"(?<=[\s(\"'“‘-])(?:[A-Z][a-z]+|[A-Z]{2,}|[A-Z]\.[A-Z]\.)")
_NOT_NAMES = frozenset("I I'm I've I'll I'd OK Mr Mrs Ms Dr The A An And But So".split())

_OPINION = re.compile(
    r"\b(?:i think|i believe|i feel|i hope|i wish|i want|i'd like|in my (?:opinion|view)|we (?:need|must|should|have) to"
    r"|should|ought to|must|it's time|let's|let us|great|terrible|wonderful|horrible|awful|disgrace(?:ful)?|shameful"
    r"|beautiful|amazing|fantastic|ridiculous|absurd|outrageous|love|hate|important|proud|sad|pathetic)\b",
    re.IGNORECASE,
)
_IMPERATIVE = re.compile(
    r"^\W*(?:let|look|go|join|click|read|watch|vote|call|tell|stop|imagine|think|remember|don't|do not|please|see|check"
    r"|share|subscribe|follow|sign|get|help|make|take|give|listen|consider|note|ask|try|keep|support|download|visit|find)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\W*(?:thank you|thanks|hello|hi|hey|good (?:morning|afternoon|evening|night)|welcome|congratulations|goodbye"
    r"|(?:\(|\[)?(?:applause|laughter|crosstalk|inaudible|cheers|booing)(?:\)|\])?|okay|ok|yes|no|well|sure|right)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

# Weights of each signal (log-odds) and the bias; fitted by `bench/checkworthiness.py --fit`.
WEIGHTS: dict[str, float] = {
    "quantity": 1.2,
    "date": 0.6,
    "named entity with action": 1.0,
    "attribution": 0.5,
    "comparison": 0.5,
    "causation": 0.4,
    "prediction": -0.2,
    "law or rule": 0.5,
    "past event": 0.4,
    "question": -1.5,
    "opinion": -0.4,
    "imperative": -1.0,
    "greeting": -1.2,
    "too short": -1.5,
}
BIAS = -1.3
THRESHOLD = 0.5
FITTED_ON = "hand-set starting weights"

# Signals that make a sentence more check-worthy, in the order reasons are listed.
POSITIVE = ("quantity", "date", "named entity with action", "attribution", "comparison",
            "causation", "prediction", "law or rule", "past event")
NEGATIVE = ("question", "opinion", "imperative", "greeting", "too short")
SHORT_WORDS = 5


class Assessment(NamedTuple):
    score: float
    checkworthy: bool
    reasons: tuple[str, ...]


def signals(text: str) -> tuple[str, ...]:
    """The names of every signal present in `text`, positive ones first."""
    found: list[str] = []
    words = _WORD.findall(text)
    stripped = text.strip()
    for name in POSITIVE:
        if name == "named entity with action":
            names = [m.group(0) for m in _NAMED.finditer(text) if m.group(0) not in _NOT_NAMES]
            if names and _ACTION.search(text):
                found.append(name)
        elif _PATTERNS[name].search(text):
            found.append(name)
    if stripped.endswith("?") or stripped.endswith("?\"") or stripped.endswith("?”"):
        found.append("question")
    if _OPINION.search(text):
        found.append("opinion")
    if _IMPERATIVE.match(text):
        found.append("imperative")
    if _GREETING.match(text) and len(words) < 12:
        found.append("greeting")
    if len(words) < SHORT_WORDS:
        found.append("too short")
    return tuple(found)


def score_sentence(text: str) -> Assessment:
    """Score one sentence for check-worthiness; `reasons` lists the signals that were found."""
    found = signals(text)
    logit = BIAS + sum(WEIGHTS.get(name, 0.0) for name in found)
    score = 1.0 / (1.0 + math.exp(-logit))
    score = round(min(1.0, max(0.0, score)), 4)
    return Assessment(score, score >= THRESHOLD, found)
