"""Text normalisation and token analysis for claim matching.

`normalise_for_matching` turns a claim, a tweet or a headline into a canonical lower-case
string: Unicode NFKC, invisible and bidi characters dropped, quotes and dashes unified,
URLs, @handles and tweet signatures removed, hashtags split into words, common
abbreviations expanded and numbers written one way ("1,200", "1.2k" and "1200" all
become "1200"). `analyse` splits a text into tokens that keep what the conflict
detector needs (numbers, years, months, negations, capitalised names).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# Zero-width characters (U+200B-200D, U+2060, U+FEFF), the soft hyphen, and the bidi
# controls (U+200E/200F, U+202A-202E, U+2066-2069): invisible, so never part of a word.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": '"', "\u203a": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u2026": "...",
    }
)

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S*|\b[\w-]+\.(?:com|org|net|gov|co|ly|be)/\S*", re.I)
# The byline Twitter appends to an embedded tweet: "— Name (@handle) January 6, 2020".
# The name may not contain a dash, so the match starts at the byline's own dash. A tweet
# exported inside quotes keeps its closing quote after the byline.
_SIGNATURE = re.compile(
    r"\s*[\u2014\u2013]\s*([^\u2014\u2013\n]{0,80}?)\s*\(@\w{1,30}\)\s*"
    r"(?:[A-Z][a-z]+\.? \d{1,2}, \d{4})?\s*\"?\s*$"
)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
_HANDLE_WORD = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")

# Abbreviations whose expansion is what the other side usually writes. Applied before
# case folding because "US" (the country) and "us" (the pronoun) differ only in case.
# One alternation, one pass: each group's index picks its replacement. The third column
# names the text every match of the pattern holds (its cues, see `_may_abbreviate`).
_ABBREVIATION_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"\bU\.\s?S\.\s?A\.?(?!\w)|\bUSA\b", "United States", ("U.", "US")),
    (r"\bU\.\s?S\.?(?!\w)|\bUS\b", "United States", ("U.", "US")),
    (r"\bU\.\s?K\.?(?!\w)|\bUK\b", "United Kingdom", ("U.", "UK")),
    (r"\bU\.\s?N\.?(?!\w)", "United Nations", ("U.",)),
    (r"\bE\.\s?U\.?(?!\w)", "European Union", ("E.",)),
    (r"\bD\.\s?C\.?(?!\w)", "DC", ("D.",)),
    (r"\bPOTUS\b", "President", ("OTUS",)),
    (r"\bFLOTUS\b", "First Lady", ("OTUS",)),
    (r"\bSCOTUS\b", "Supreme Court", ("OTUS",)),
    (r"\bGOP\b", "Republican", ("GOP",)),
    (r"\bDems?\b", "Democrats", ("Dem",)),
    (r"\bNRA\b", "National Rifle Association", ("NRA",)),
    (r"\bAOC\b", "Alexandria Ocasio-Cortez", ("AOC",)),
    (r"\bGitmo\b", "Guantanamo", ("Gitmo",)),
    (r"\bPres\.", "President", ("Pres.",)),
    (r"\bGov\.", "Governor", ("Gov.",)),
    (r"\bSen\.", "Senator", ("Sen.",)),
    (r"\bRep\.", "Representative", ("Rep.",)),
    (r"\bDr\.", "Doctor", ("Dr.",)),
    (r"\bSt\.(?= [A-Z])", "Saint", ("St.",)),
    (r"\bMt\.", "Mount", ("Mt.",)),
    (r"\bvs?\.", "versus", ("v.", "vs.")),
    (r"\bw/(?=\s)", "with", ("w/",)),
    (r"\bgov't\b", "government", ("gov't",)),
    (r"&", " and ", ("&",)),
    (r"%", " percent", ("%",)),
    (r"\bper cent\b", "percent", ("per cent",)),
)
# The lookahead names every pattern's first character: it lets the regex engine skip
# most positions at once (10x faster than trying each alternative everywhere).
_ABBREVIATIONS = re.compile(
    "(?=[%&ADEFGMNPRSUgpvw])(?:"
    + "|".join(f"({pattern})" for pattern, _, _ in _ABBREVIATION_TABLE)
    + ")"
)
_ABBREVIATION_REPLACEMENTS = tuple(replacement for _, replacement, _ in _ABBREVIATION_TABLE)
# Every match of an entry's pattern holds one of its cues: a text holding no cue has no
# abbreviation, and the regex scan (most of `clean_surface`'s time) is skipped.
_ABBREVIATION_CUES = tuple(dict.fromkeys(cue for _, _, cues in _ABBREVIATION_TABLE for cue in cues))


def _may_abbreviate(text: str) -> bool:
    for cue in _ABBREVIATION_CUES:
        if cue in text:
            return True
    return False


def _expand_abbreviation(match: re.Match[str]) -> str:
    return _ABBREVIATION_REPLACEMENTS[match.lastindex - 1]  # type: ignore[operator]


_MULTIPLIERS = {
    "k": 1_000, "thousand": 1_000,
    "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
    "billions": 1_000_000_000, "trillion": 1_000_000_000_000,
}
# "1,200" (thousands groups of exactly three digits), "1.2", "1.2k", "3 million".
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(k|m|mn|b|bn)\b|\s(thousand|millions?|billions?|trillion)\b)?",
    re.I,
)
# A word: a decimal number, or letters and digits with an inner apostrophe ("don't").
_WORD = re.compile(r"\d+\.\d+(?![^\W_])|[^\W_]+(?:'[^\W\d_]+)?", re.UNICODE)
# The same digits `_NUMBER` finds; one regex search is much cheaper than a generator
# testing each character.
_DIGIT = re.compile(r"\d")


def _format_number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _number_replacement(match: re.Match[str]) -> str:
    digits, short, long = match.group(1), match.group(2), match.group(3)
    value = float(digits.replace(",", ""))
    multiplier = _MULTIPLIERS.get((short or long or "").lower(), 1)
    return _format_number(value * multiplier)


def _split_camel_case(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)) + " "


def clean_surface(text: str, *, keep_names: bool = False, expand_numbers: bool = True) -> str:
    """The text with invisible characters, URLs, handles and signatures removed, quotes,
    dashes, abbreviations and numbers unified, but case kept (names need it).

    `keep_names` keeps the name of a tweet's signature and the words of @handles
    ("@realDonaldTrump" -> "real Donald Trump"): who speaks is often part of the claim
    a fact-check names. `expand_numbers=False` keeps numbers as written, for searching
    an index that tokenised them as written.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    author = ""
    # Each substitution is skipped when its trigger character is absent: most claims
    # have no dash, link, handle or hashtag, and this runs for every candidate.
    if ("\u2014" in text or "\u2013" in text) and (signature := _SIGNATURE.search(text)):
        author = signature.group(1)
        text = text[: signature.start()]
    if not text.isascii():
        text = text.translate(_QUOTES)
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        if keep_names:
            text = _HANDLE.sub(lambda m: _split_camel_case(_HANDLE_WORD.match(m.group(0))), text)
        else:
            text = _HANDLE.sub(" ", text)
    if keep_names and author:
        text = f"{text} . {author}"
    if "#" in text:
        text = _HASHTAG.sub(_split_camel_case, text)
    if _may_abbreviate(text):
        text = _ABBREVIATIONS.sub(_expand_abbreviation, text)
    if expand_numbers and _DIGIT.search(text):
        text = _NUMBER.sub(_number_replacement, text)
    # Runs of whitespace to one space: str.split() knows the same whitespace as `\s`.
    return " ".join(text.split())


def normalise_for_matching(text: str) -> str:
    """A canonical form of `text` for comparing claims: two texts that say the same
    thing in different typography, casing or number formats normalise the same."""
    # Punctuation carries no meaning for matching; decimal points and apostrophes inside
    # words ("1.5", "don't") stay, everything else goes.
    return " ".join(_WORD.findall(clean_surface(text).casefold()))


# A compact English stopword list: function words that say nothing about a claim's
# content. Negations are deliberately absent (they are content for a fact-checker).
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he he'd he'll he's her here here's hers
    herself him himself his how how's i i'd i'll i'm i've if in into is it it's its itself
    just let's me more most my myself of off on once only or other ought our ours
    ourselves out over own same she she'd she'll she's should so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was we we'd we'll we're
    we've were what what's when when's where where's which while who who's whom why why's
    will with would you you'd you'll you're you've your yours yourself yourselves also
    said says say via rt amp just like get got one would could us s t will can may might
    must shall now new still even much many really yes lol
    """.split()
)
NEGATIONS: frozenset[str] = frozenset(
    """not no never none nobody nothing neither nor without cannot can't don't doesn't
    didn't isn't wasn't weren't won't wouldn't shouldn't couldn't hasn't haven't hadn't
    aren't ain't nowhere""".split()
)
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}


@lru_cache(maxsize=262_144)
def light_stem(word: str) -> str:
    """A conservative English suffix stripper: enough to equate "vaccines" and
    "vaccine", "claimed" and "claims", without the Porter stemmer's over-reach."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, replacement, min_len in (
        ("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5),
        ("es", "", 5), ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len:
            if suffix == "s" and word[-2] in "su":
                return word
            # "boxes" -> "box", but "causes" -> "cause" (the e belongs to the word)
            if suffix == "es" and word[-3] not in "xz" and not word.endswith(("ches", "shes")):
                return word[:-1]
            stem = word[: len(word) - len(suffix)] + replacement
            # "stopped" -> "stop", "running" -> "run"
            if suffix in ("ing", "ed") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            return stem
    return word


class Token(NamedTuple):
    """One word of an analysed text: `norm` as normalised, `stem` for comparison.

    A named tuple: thousands are made per query, and tuples are cheap to build."""

    norm: str
    stem: str
    position: int
    is_entity: bool = False
    is_capitalised: bool = False
    is_number: bool = False
    is_year: bool = False
    is_month: bool = False
    is_negation: bool = False
    is_stopword: bool = False
    # The word comes from an @handle or a tweet's signature: who posted or was tagged,
    # kept for matching but not part of what the text claims.
    is_byline: bool = False
    # The word comes from a hashtag of several words ("#VeteransForTrump"): a label
    # for a topic, matched as words but naming no actor of the claim.
    is_label: bool = False

    @property
    def is_content(self) -> bool:
        return not self.is_stopword


@dataclass(frozen=True)
class Analysis:
    """A text prepared for comparison: its normal form, its tokens, its content
    tokens (no stopwords) and their stems."""

    normalised: str
    tokens: tuple[Token, ...]
    content: tuple[Token, ...]
    stems: frozenset[str]


# Long texts are not worth caching.
_CACHED_TEXT_CHARS = 2_000


def analyse(text: str, *, for_search: bool = False) -> Analysis:
    """Tokens of `text` with their roles (names, numbers, years, months, negations).

    Signature names and handle words are kept (see `clean_surface`); `for_search`
    keeps numbers as written, as the FTS index has them.
    """
    if len(text) <= _CACHED_TEXT_CHARS:
        return _analyse_cached(text, for_search)
    return _analyse(text, for_search)


class MatchView(NamedTuple):
    """What scoring needs of a text: its normalised string (as `analyse().normalised`)
    and its content stems (as `analyse().stems`)."""

    normalised: str
    stems: frozenset[str]


def match_view(text: str) -> MatchView:
    """The scoring view of `text`, without per-token roles (cheaper than `analyse`)."""
    if len(text) <= _CACHED_TEXT_CHARS:
        return _match_view_cached(text)
    return _match_view(text)


def _match_view(text: str) -> MatchView:
    surface = _matching_surface(text)
    if surface.isascii():
        # Lower-casing ASCII moves no word boundary: one call instead of one per word.
        words = _WORD.findall(surface.lower())
    else:
        words = [w.casefold() for w in _WORD.findall(surface)]
    return MatchView(" ".join(words), frozenset(light_stem(w) for w in words if w not in STOPWORDS))


# The views and analyses of a few queries' candidates: each is reused within a query (the
# reranker, the explanations, the same-claim checks) and seldom across queries of a large
# store; kept for longer, their tokens are objects the cycle collector walks again and
# again (about a millisecond a match at a million claims, see bench/NOTES.md).
_match_view_cached = lru_cache(maxsize=256)(_match_view)


def _matching_surface(text: str) -> str:
    # The reranker takes the scoring view of every candidate, then analyses the best
    # few: both start from this surface.
    if len(text) <= _CACHED_TEXT_CHARS:
        return _matching_surface_cached(text)
    return clean_surface(text, keep_names=True)


@lru_cache(maxsize=1_024)
def _matching_surface_cached(text: str) -> str:
    return clean_surface(text, keep_names=True)


@lru_cache(maxsize=128)
def _analyse_cached(text: str, for_search: bool) -> Analysis:
    return _analyse(text, for_search)


_new_tuple = tuple.__new__
_CURRENCY = frozenset("$£€¥")


@lru_cache(maxsize=65_536)
def _word_roles(raw: str) -> tuple:
    """A word's `Token` fields but its position, with `is_entity` twice: inside a
    sentence, and at its start. Cached: the same words recur in every claim."""
    norm = raw.casefold()
    if norm[0].isdigit():
        is_number = norm.replace(".", "", 1).isdigit()
        is_year = is_number and len(norm) == 4 and norm[:2] in ("19", "20")
        return (norm, norm, False, False, False, is_number and not is_year, is_year,
                False, False, False)
    is_stopword = norm in STOPWORDS
    is_negation = norm in NEGATIONS
    is_month = norm in MONTHS and (norm != "may" or raw == "May") and norm != "mar"
    # Sentence-initial capitals count for `is_capitalised` ("Trump signed" and
    # "Obama signed" differ in actor) but for `is_entity` only in acronyms ("NATO").
    capitalised = (
        raw[0].isupper() and not is_stopword and not is_negation and norm not in MONTHS
    )
    return (
        norm,
        light_stem(norm),
        capitalised,
        capitalised and len(raw) > 1 and raw.isupper(),
        capitalised,
        False,
        False,
        is_month,
        is_negation,
        is_stopword,
    )


def _label_words(text: str, surface: str) -> frozenset[int]:
    """Positions of the words of `surface` that come from a hashtag of three words or
    more ("#VeteransForTrump" -> "Veterans For Trump"), found in order. Two may be one
    name ("#CapeTown", "#McConnell" -> "Mc Connell")."""
    words = _WORD.findall(surface)
    found: set[int] = set()
    start = 0
    for hashtag in _HASHTAG.finditer(text):
        label = _WORD.findall(_CAMEL.sub(" ", hashtag.group(1)))
        if len(label) < 3:
            continue
        for at in range(start, len(words) - len(label) + 1):
            if words[at : at + len(label)] == label:
                found.update(range(at, at + len(label)))
                start = at + len(label)
                break
    return frozenset(found)


def _byline_words(text: str, surface: str, for_search: bool) -> frozenset[int]:
    """Positions of the words of `surface` (the text with names kept) that the text
    without its signature and handles lacks: the words those names put in."""
    if "@" not in text and "\u2014" not in text and "\u2013" not in text:
        return frozenset()
    core = _WORD.findall(clean_surface(text, expand_numbers=not for_search))
    found: set[int] = set()
    next_core = 0
    # The surface is the core with words inserted (handles split, the author appended):
    # walking both in order, a surface word the core does not have next is inserted.
    for position, word in enumerate(_WORD.findall(surface)):
        if next_core < len(core) and word == core[next_core]:
            next_core += 1
        else:
            found.add(position)
    return frozenset(found)


def _analyse(text: str, for_search: bool) -> Analysis:
    if for_search:
        surface = clean_surface(text, keep_names=True, expand_numbers=False)
    else:
        surface = _matching_surface(text)
    bylines = _byline_words(text, surface, for_search)
    labels = _label_words(text, surface) if "#" in text else frozenset()
    tokens: list[Token] = []
    previous_end = 0
    at_start = True
    for position, found in enumerate(_WORD.finditer(surface)):
        start, previous_end_next = found.span()
        if start > previous_end and (gap := surface[previous_end:start].strip()):
            at_start = gap[-1] in ".!?:\"'"
        elif position:
            at_start = False
        previous_end = previous_end_next
        (norm, stem, entity_inside, entity_at_start, *roles) = _word_roles(found.group(0))
        if roles[2] and start and surface[start - 1] in _CURRENCY:
            roles = [roles[0], True, False, *roles[3:]]  # "$2000" is an amount, not a year
        tokens.append(
            _new_tuple(
                Token,
                (norm, stem, position, entity_at_start if at_start else entity_inside, *roles,
                 position in bylines, position in labels),
            )
        )
    content = tuple(t for t in tokens if not t.is_stopword)
    return Analysis(
        normalised=" ".join(t.norm for t in tokens),
        tokens=tuple(tokens),
        content=content,
        stems=frozenset(t.stem for t in content),
    )
