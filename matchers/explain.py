"""Why two claims match, and where they disagree.

`explain(query, text)` returns `{"shared", "only_query", "only_match", "conflicts"}`:
the content words both texts share, the words only one side has, and conflict flags,
each `{"kind", "query", "match"}` naming what each side says (never an empty side).

A conflict says the two claims disagree on their checkable core: the same slot of both
claims holds different values. A slot is found by its anchors, content words both
sides share next to the value ("killed 15 troops" / "killed 50 troops": "killed",
"troops"). The kinds:

- "number": different numbers for the same quantity (anchored by a word before or
  after), or the one figure each side gives (within a factor of `SOLE_FIGURE_RATIO`);
  numbers within `NUMBER_TOLERANCE` of each other, or one inside a list or range the
  other side gives ("30, 40, sometimes 50"), are the same figure rounded;
- "date": years (or months) anchored by a shared word on either side (a date moves
  freely in its sentence) that the other side lacks, or the one year a side gives
  when the other side gives none of its years; a year inside a name ("Refugee Act of
  1980") is none;
- "negation": a negated predicate ("does not cause", "didn't pay") that the other side
  states without negation ("causes", "paid"); a negation of something the other side
  does not say is not a conflict;
- "entity": a different name after the same office ("President Obama" / "President
  Trump"; a name the other side holds only in its byline counts as unnamed there), or
  in the same anchored place when the two can be actors of one role: a person or a
  place by its cues (see `_name_type`) against the same kind or a name of no known
  kind, or two names of no known kind between the same words ("Obama signed" /
  "Trump signed"), never an institution ("Walter Reed Hospital" / "Medical Center");
  or a person against a person (a surname of `matchers/surnames.py` is a person), a
  place against a place of a comparable kind, wherever each sentence puts them. Neither name may appear on the other side. An
  acronym and the words it stands for ("SAA" / "Syrian Arab Army"), a country and its
  people ("China" / "Chinese"), a name and its misspelling ("Dorian" / "Dorain") are
  one name; a name ends at a possessive or at a sentence's end.

Words a tweet's signature or @handles put in (`Token.is_byline`) are never part of
a conflict: who posted a claim is not what it claims.
"""

from __future__ import annotations

import os.path
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from matchers.normalise import MONTHS, NEGATIONS, Analysis, Token, analyse, light_stem
from matchers.given_names import GIVEN_NAMES
from matchers.places import CITY_COUNTRIES, COUNTRY_ALIASES, LONGEST_PLACE, PLACE_KINDS
from matchers.surnames import SURNAMES

MAX_LISTED_WORDS = 20
# How far (in content words) a value may sit from the shared word that anchors it.
ANCHOR_WINDOW = 3
# Two numbers this close (relative to the larger) are one figure, rounded differently
# ("$3.6M" / "$4 million", "92.3 percent" / "92 percent").
NUMBER_TOLERANCE = 0.1
# When each side states one figure only, figures this many times apart are taken for
# different quantities ("13 years" / "$33 million"), not one figure misstated.
SOLE_FIGURE_RATIO = 10
# A name differing from another over more words than this is no longer a name in the
# same place but a different passage.
MAX_NAME_WORDS = 4
# Names this long or longer, one edit apart, are one name misspelt.
MIN_MISSPELT_LETTERS = 5
# Lower-case words inside a name ("Nour al-Din al-Zenki", "Bureau of Investigation").
_NAME_CONNECTORS = frozenset("al el bin ibn de del der van von la le da di du of".split())
# Words a negation passes over to reach what it negates ("does not even cause").
_NEGATION_SKIP = frozenset(
    """be been being is are was were am do does did have has had to a an the any ever even
    really yet always actually just also very so much longer now""".split()
)
# Verbs in the stopword list that a negation still negates ("never said").
_STATED = frozenset("said says say get got".split())
# "not only ... but also" affirms.
_NOT_NEGATING = frozenset({"only"})
# Words naming an office, before the name of who holds it.
_TITLES = frozenset(
    """president senator governor representative speaker minister secretary mayor king
    queen prince pope chancellor judge justice sheriff general""".split()
)
# Words before a name that make it a person's, on its own side ("Senator Warren",
# "former Vice President Biden", "Rep. Omar").
_PERSON_TITLES = _TITLES | frozenset(
    """vice former rep sen mr mrs ms dr doctor congressman congresswoman chairman
    chairwoman director ambassador attorney commissioner lady""".split()
)
# Words that make a capitalised run a place or an institution even after a given name
# ("Travis County", "Ted Cruz campaign").
_INSTITUTION_WORDS = frozenset(
    """county city club party house state university college school church street avenue
    park center centre department office foundation institute court bridge hall arena
    square valley beach bay port tower airport news times post campaign administration""".split()
)
# Institution words that, after a surname, name what one person leads ("the Obama
# Administration" acts for Obama).
_LED_BY_ONE = frozenset({"administration"})
# Verbs after a name that make it a person's ("Putin said").
_SPEECH_VERBS = frozenset("said says told tweeted claimed announced wrote stated admitted".split())
# Names written as different words for the same place.
_ALIAS_GROUPS = (
    ("america", "american", "americans", "states"),
    ("britain", "british", "kingdom", "england", "english"),
)


@lru_cache(maxsize=65_536)
def _key(stem: str) -> str:
    """A stem compared across sides: accents folded ("juárez" / "juarez") and a final
    "e" dropped, which the light stemmer keeps on some forms of a verb and not on others
    ("endorses" -> "endorse", "endorsed" -> "endors")."""
    if not stem.isascii():
        stem = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    return stem[:-1] if len(stem) > 4 and stem.endswith("e") else stem


def _words(tokens: tuple[Token, ...], keep: set[str]) -> list[str]:
    seen: set[str] = set()
    words = []
    for token in tokens:
        if token.stem in keep and token.stem not in seen:
            seen.add(token.stem)
            words.append(token.norm)
    return words[:MAX_LISTED_WORDS]


def _flag(kind: str, query: str, match: str) -> dict[str, str]:
    return {"kind": kind, "query": query, "match": match}


# What `_Side` derives from one analysis alone is kept for the analyses compared last:
# a query is compared with each of its candidates in turn.
DERIVED_KEPT = 64
_derived_kept: OrderedDict[int, tuple[Analysis, dict]] = OrderedDict()
_derived_lock = threading.Lock()


def _derived(analysis: Analysis) -> dict:
    """The dictionary kept for `analysis` (by identity; the entry holds the analysis, so
    its id is not reused while kept)."""
    with _derived_lock:
        kept = _derived_kept.get(id(analysis))
        if kept is not None and kept[0] is analysis:
            _derived_kept.move_to_end(id(analysis))
            return kept[1]
        derived: dict = {}
        _derived_kept[id(analysis)] = (analysis, derived)
        if len(_derived_kept) > DERIVED_KEPT:
            _derived_kept.popitem(last=False)
        return derived


class _Side:
    """One text prepared for comparison with another: its claim words (no byline
    words), its content words in order, and which of them anchor (the other side has
    them)."""

    def __init__(self, analysis: Analysis) -> None:
        # All but the anchors depend on the text alone: made once per analysis kept.
        derived = _derived(analysis)
        parts = derived.get("side")
        if parts is None:
            keyed = [(t, _key(t.stem)) for t in analysis.tokens]
            claim = [(t, key) for t, key in keyed if not t.is_byline]
            tokens = [t for t, _ in claim]
            content = [t for t in tokens if t.is_content]
            parts = derived["side"] = (
                tokens, content, {t.position: i for i, t in enumerate(content)},
                frozenset(key for _, key in claim),
                # Names the text mentions, its byline included: a handle
                # ("@realDonaldTrump") names the person as well as the claim's words do.
                frozenset(key for _, key in keyed),
                _name_forms(key for t, key in keyed if t.is_capitalised),
                # The same without the byline: what the claim itself names.
                _name_forms(key for t, key in claim if t.is_capitalised),
                len(tokens) < len(analysis.tokens),
                _conflict_words(analysis.normalised),
                # The claim's stems that may anchor (not figures), with their keys.
                [(t.stem, key) for t, key in claim if not t.stem[0].isdigit()],
            )
        (self.tokens, self.content, self.index, self.keys, self.known, self.capitalised,
         self.claim_capitalised, self.has_byline, self.words, self.anchor_stems) = parts
        self.derived = derived
        self.anchors: frozenset[str] = frozenset()

    def expansions(self) -> dict[str, set[int]]:
        """`_expansions` of the side's tokens (kept with what `_derived` keeps)."""
        found = self.derived.get("expansions")
        if found is None:
            found = self.derived["expansions"] = _expansions(self.tokens)
        return found

    def context(self, start: int, end: int, window: int = ANCHOR_WINDOW) -> tuple[set[str], set[str]]:
        """Anchor stems within `window` content words before `start` and after `end`
        (content indices, inclusive)."""
        before = {_key(t.stem) for t in self.content[max(0, start - window) : start] if t.stem in self.anchors}
        after = {_key(t.stem) for t in self.content[end + 1 : end + 1 + window] if t.stem in self.anchors}
        return before, after


def _same_slot(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> bool:
    return bool(a[0] & b[0] or a[1] & b[1])


# -- numbers -------------------------------------------------------------------------


def _number_value(token: Token) -> float | None:
    try:
        return float(token.norm)
    except ValueError:  # "5g": a digit-led word is a name, not a quantity
        return None


def _figure(token: Token) -> str:
    """A figure as a checker reads it: "40 million", "12,500", "3.5" (the normalised
    word is all digits: "40000000")."""
    value = _number_value(token)
    if value is None:
        return token.norm
    for scale, name in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale and round(value / scale, 2) * scale == value:
            return f"{value / scale:g} {name}"
    if abs(value) >= 10000 and value == int(value):
        return f"{int(value):,}"
    return token.norm


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= NUMBER_TOLERANCE * max(abs(a), abs(b))


# Words that join the figures of a list or range ("30, 40, sometimes 50", "70 to 80",
# "between 2 and 3").
_RANGE_WORDS = frozenset("to and or sometimes through till until even maybe perhaps nearly almost up".split())


def _ranges(side: _Side) -> dict[int, tuple[float, float]]:
    """For each number in a list or range, by position, the list's lowest and highest
    figure: numbers in a row with only joining words between them."""
    ranges: dict[int, tuple[float, float]] = {}
    group: list[tuple[int, float]] = []
    between = 0
    for token in side.tokens:
        value = _number_value(token) if token.is_number else None
        if value is not None:
            group.append((token.position, value))
            between = 0
            continue
        if group and token.norm in _RANGE_WORDS and between < 2:
            between += 1
            continue
        _close_range(group, ranges)
        group, between = [], 0
    _close_range(group, ranges)
    return ranges


def _close_range(group: list[tuple[int, float]], ranges: dict[int, tuple[float, float]]) -> None:
    if len(group) > 1:
        values = [v for _, v in group]
        for position, _ in group:
            ranges[position] = (min(values), max(values))


def _quantities(side: _Side) -> list[tuple[Token, float, int]]:
    """Each number that counts something, with its value and content index: not a
    year, and not a day next to a month ("20 March")."""
    found = []
    tokens = side.tokens
    for i, token in enumerate(tokens):
        if not token.is_number or token.position not in side.index:
            continue
        value = _number_value(token)
        if value is None:
            continue
        neighbours = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
        if any(t.is_month for t in neighbours):
            continue
        found.append((token, value, side.index[token.position]))
    return found


def _number_conflicts(q: _Side, m: _Side) -> list[dict]:
    flags: list[dict] = []
    q_numbers, m_numbers = _quantities(q), _quantities(m)
    if not q_numbers or not m_numbers:
        return flags
    q_values = [v for _, v, _ in q_numbers]
    m_values = [v for _, v, _ in m_numbers]
    q_slots = [q.context(qi, qi) for _, _, qi in q_numbers]
    m_slots = [m.context(mi, mi) for _, _, mi in m_numbers]
    q_ranges, m_ranges = _ranges(q), _ranges(m)
    for q_token, q_value, q_slot in zip(q_numbers, q_values, q_slots):
        if any(_close(q_value, v) for v in m_values):
            continue
        q_low, q_high = q_ranges.get(q_token[0].position, (q_value, q_value))
        for m_token, m_value, m_slot in zip(m_numbers, m_values, m_slots):
            if any(_close(m_value, v) for v in q_values) or not _same_slot(q_slot, m_slot):
                continue
            # A list or range on one side ("30, 40, sometimes 50 percent") holds any
            # figure between its ends.
            m_low, m_high = m_ranges.get(m_token[0].position, (m_value, m_value))
            if q_low <= m_value <= q_high or m_low <= q_value <= m_high:
                continue
            flag = _flag("number", _figure(q_token[0]), _figure(m_token[0]))
            if flag not in flags:
                flags.append(flag)
            break
    if not flags:
        flags = _sole_value_conflict("number", q_numbers, m_numbers, q_ranges, m_ranges)
    return flags


def _sole_value_conflict(kind: str, q_values: list[tuple[Token, float, int]], m_values: list[tuple[Token, float, int]],
                         q_ranges: dict[int, tuple[float, float]], m_ranges: dict[int, tuple[float, float]]) -> list[dict]:
    """A flag when each side gives one figure only, the two differ and are of one order
    of magnitude: two matched claims stating one figure each state it for the same
    thing, however differently they word around it ("had an IQ of 336" / "intelligence
    quotient was measured at 168")."""
    q_distinct = {v for _, v, _ in q_values}
    m_distinct = {v for _, v, _ in m_values}
    if len(q_distinct) != 1 or len(m_distinct) != 1 or q_ranges or m_ranges:
        return []
    (q_token, q_value, _), (m_token, m_value, _) = q_values[0], m_values[0]
    if _close(q_value, m_value) or q_value <= 0 or m_value <= 0:
        return []
    if kind == "number" and max(q_value, m_value) >= SOLE_FIGURE_RATIO * min(q_value, m_value):
        return []  # "33" / "$33 million": not one quantity
    if kind == "number":
        return [_flag(kind, _figure(q_token), _figure(m_token))]
    return [_flag(kind, q_token.norm, m_token.norm)]


# -- dates ---------------------------------------------------------------------------


def _named_years(side: _Side) -> set[int]:
    """Positions of years that are part of a name ("the Refugee Act of 1980")."""
    tokens = side.tokens
    return {
        tokens[i].position for i in range(2, len(tokens))
        if tokens[i].is_year and tokens[i - 1].norm == "of" and tokens[i - 2].is_capitalised
    }


def _same_date_slot(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> bool:
    """Whether two dates are anchored by a shared word on either side of either: a date
    moves freely in its sentence ("In 2002, Senator Clinton co-sponsored" / "proposed
    by Hillary (2005)")."""
    return bool((a[0] | a[1]) & (b[0] | b[1]))


def _date_conflicts(q: _Side, m: _Side) -> list[dict]:
    flags: list[dict] = []
    q_named, m_named = _named_years(q), _named_years(m)
    for is_kind, key in ((lambda t: t.is_year, lambda t: t.norm), (lambda t: t.is_month, lambda t: MONTHS[t.norm])):
        q_dates = [(t, key(t), q.index[t.position]) for t in q.tokens
                   if is_kind(t) and t.position in q.index and t.position not in q_named]
        m_dates = [(t, key(t), m.index[t.position]) for t in m.tokens
                   if is_kind(t) and t.position in m.index and t.position not in m_named]
        q_keys = {k for _, k, _ in q_dates}
        m_keys = {k for _, k, _ in m_dates}
        for q_token, q_key, qi in q_dates:
            if q_key in m_keys:
                continue
            q_slot = q.context(qi, qi)
            for m_token, m_key, mi in m_dates:
                if m_key in q_keys or not _same_date_slot(q_slot, m.context(mi, mi)):
                    continue
                flag = _flag("date", q_token.norm, m_token.norm)
                if flag not in flags:
                    flags.append(flag)
                break
        if (not flags and q_dates and m_dates and q_dates[0][0].is_year and not q_keys & m_keys
                and (len(q_keys) == 1 or len(m_keys) == 1)):
            # One year on a side, and none of the other side's years: the year of what
            # both describe ("refused service to Joe Biden in 2013 ... closed in 2016" /
            # "refused service in 2012").
            flags.append(_flag("date", q_dates[0][0].norm, m_dates[0][0].norm))
        if flags:  # a different year already says the dates differ
            break
    return flags


# -- negation ------------------------------------------------------------------------


def _negated(side: _Side) -> list[tuple[Token, Token]]:
    """Each negation with the word it negates (the first word after it that is not an
    auxiliary: "does not cause" -> cause, "no longer available" -> available)."""
    found = []
    tokens = side.tokens
    for i, token in enumerate(tokens):
        # "without a visa" leaves out a thing; it does not deny a predicate.
        if not token.is_negation or token.norm == "without":
            continue
        for follower in tokens[i + 1 : i + 5]:
            # "No. 13" numbers; "not only" affirms.
            if follower.norm in _NOT_NEGATING or follower.is_negation or follower.is_number:
                break
            if follower.norm in _NEGATION_SKIP:
                continue
            # A function word ("not in our country") says too little to be the predicate.
            if follower.is_content or follower.norm in _STATED:
                found.append((token, follower))
            break
    return found


# Irregular past forms, by their verb: "didn't pay" denies "paid". Verbs that say little
# on their own ("say", "make", "go", "take", "give", "come", "see") are left out: two
# claims use them of different things too often.
_IRREGULAR_PAST = {
    past: verb
    for verb, forms in {
        "pay": "paid", "win": "won", "lose": "lost", "build": "built", "sell": "sold",
        "buy": "bought", "tell": "told", "write": "wrote written", "meet": "met", "hold": "held",
        "send": "sent", "spend": "spent", "steal": "stole stolen", "wear": "wore worn",
        "break": "broke broken", "drive": "drove driven", "fight": "fought", "lead": "led",
        "shoot": "shot", "speak": "spoke spoken", "teach": "taught", "throw": "threw thrown",
        "hide": "hid hidden", "fly": "flew flown", "know": "knew known", "eat": "ate eaten",
        "choose": "chose chosen", "keep": "kept", "leave": "left", "find": "found",
    }.items()
    for past in forms.split()
}


def _verb(stem: str) -> str:
    return _IRREGULAR_PAST.get(stem, stem)


def _affirmed(side: _Side, stem: str) -> Token | None:
    """A word of `side` with `stem` (or its verb's other form) that no negation just
    before it negates."""
    tokens = side.tokens
    verb = _verb(stem)
    for i, token in enumerate(tokens):
        if _verb(token.stem) == verb and not any(t.is_negation for t in tokens[max(0, i - 4) : i]):
            return token
    return None


def _negation_conflicts(q: _Side, m: _Side) -> list[dict]:
    flags: list[dict] = []
    for negating, other, negated_is_query in ((q, m, True), (m, q, False)):
        other_negated = {_verb(word.stem) for _, word in _negated(other)}
        for negation, word in _negated(negating):
            if _verb(word.stem) in other_negated:
                continue
            stated = _affirmed(other, word.stem)
            if stated is None:
                continue
            denial = f"{negation.norm} {word.norm}"
            flag = _flag("negation", denial, stated.norm) if negated_is_query else _flag(
                "negation", stated.norm, denial
            )
            if flag not in flags:
                flags.append(flag)
    return flags


# -- names ---------------------------------------------------------------------------

# Longest run of capitalised words an acronym is matched against ("SAA", "Syrian Arab Army").
MAX_ACRONYM = 6


def _expansions(tokens: Sequence[Token]) -> dict[str, set[int]]:
    """The initials of every run of capitalised words (two to `MAX_ACRONYM` of them; small
    words such as "of" may sit between, without an initial: "Federal Bureau of
    Investigation"), each with the positions of the words it covers."""
    found: dict[str, set[int]] = {}
    for start, token in enumerate(tokens):
        if not token.is_capitalised:
            continue
        initials = ""
        for end in range(start, min(start + 2 * MAX_ACRONYM, len(tokens))):
            if not tokens[end].is_capitalised:
                if tokens[end].is_stopword:
                    continue
                break
            initials += tokens[end].norm[0]
            if len(initials) > MAX_ACRONYM:
                break
            if end > start:
                found.setdefault(initials, set()).update(range(start, end + 1))
    return found


def _acronym_positions(a: _Side, b: _Side) -> set[int]:
    """Positions in `a` of acronyms of words in `b` ("SAA" / "Syrian Arab Army")."""
    expansions = b.expansions()
    return {
        t.position for t in a.tokens
        if t.is_capitalised and 2 <= len(t.norm) <= MAX_ACRONYM and t.norm in expansions
    }


def _expanded_positions(a: _Side, b: _Side) -> set[int]:
    """Positions in `a` of words that an acronym in `b` stands for."""
    expansions = a.expansions()
    covered: set[int] = set()
    for t in b.tokens:
        if t.is_capitalised and 2 <= len(t.norm) <= MAX_ACRONYM and t.norm in expansions:
            covered |= {a.tokens[i].position for i in expansions[t.norm]}
    return covered


def _known_to(token: Token, other: _Side, claim_only: bool = False) -> bool:
    """Whether `other` names what `token` names: the same word, one name's start
    ("Iran" / "Iranian", "Obama" / "Obamacare"), the same name misspelt, or an alias;
    with `claim_only`, in the claim itself, not in its byline."""
    known, capitalised = (other.keys, other.claim_capitalised) if claim_only else (other.known, other.capitalised)
    stem = _key(token.stem)
    # A possessive names its name ("Fox's" / "Fox"): the stemmer keeps the "'s".
    if stem in known or _key(token.stem.removesuffix("'s")) in known:
        return True
    if capitalised and _resembles_one_of(stem, capitalised):
        return True
    return bool(_aliases().get(stem, frozenset()) & known)


def _name_forms(keys: Iterable[str]) -> tuple[tuple[str, str, int], ...]:
    """Each distinct name key with what `_resembles_one_of` tests first: its first four
    letters and its length without a possessive's "'s"."""
    return tuple((key, key[:4], len(key.removesuffix("'s"))) for key in dict.fromkeys(keys))


def _resembles_one_of(stem: str, names: tuple[tuple[str, str, int], ...]) -> bool:
    """Whether `stem` starts the same name as one of `names` (`_name_forms`;
    `_same_name_start`) or spells one of them another way (`_misspelt`), each tested
    once the first letters or the lengths it needs agree."""
    head = stem[:4] if len(stem) >= 4 else None
    bare = len(stem.removesuffix("'s"))
    misspelling = bare >= MIN_MISSPELT_LETTERS
    for name, name_head, name_bare in names:
        if name_head == head and _same_name_start(stem, name):
            return True
        if misspelling and abs(name_bare - bare) <= 1 and _misspelt(stem, name):
            return True
    return False


def _misspelt(a: str, b: str) -> bool:
    """One name spelt two ways: a letter added, dropped, changed or two swapped, in a
    name of at least `MIN_MISSPELT_LETTERS` letters ("Mallinger" / "Malinger",
    "Dorian" / "Dorain")."""
    a, b = a.removesuffix("'s"), b.removesuffix("'s")
    if min(len(a), len(b)) < MIN_MISSPELT_LETTERS or abs(len(a) - len(b)) > 1:
        return False
    return OSA.distance(a, b, score_cutoff=1) <= 1


@lru_cache(maxsize=1)
def _aliases() -> dict[str, frozenset[str]]:
    """Each alias's comparison key, with the keys of its group ("america" / "states")."""
    found: dict[str, frozenset[str]] = {}
    for group in _ALIAS_GROUPS:
        keys = frozenset(_key(light_stem(word)) for word in group)
        for key in keys:
            found[key] = keys - {key}
    return found


def _same_name_start(a: str, b: str) -> bool:
    """One name's start ("Iran" / "Iranian", "Obama" / "Obamacare"), or a people's
    adjective sharing all but the last letter of its country's name ("China" /
    "Chinese", "Mexico" / "Mexican")."""
    if len(a) < 4 or len(b) < 4:
        return False
    # A given name inside a surname names someone else ("John" / "Johnson").
    if {a, b} & GIVEN_NAMES and {a.removesuffix("'s"), b.removesuffix("'s")} & SURNAMES:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    shared = len(os.path.commonprefix((a, b)))
    return shared >= 4 and shared >= min(len(a), len(b)) - 1


def _name_runs(side: _Side) -> list[list[Token]]:
    """Runs of capitalised words of `side` (with connectors: "Nour al-Din"), as
    `_unknown_names` reads them; made once per side kept (`_derived`)."""
    runs = side.derived.get("name runs")
    if runs is not None:
        return runs
    runs = side.derived["name runs"] = []
    run: list[Token] = []
    previous = -2
    for token in side.tokens:
        if token.is_capitalised and not token.is_number and not token.is_label:
            # A possessive ends a name ("Georgia's House Bill": Georgia), and so does a
            # sentence ("... over Ohio! Pray ..."): inside a sentence a capitalised word
            # is an entity, at a sentence's start it is not.
            if run and (token.position != previous + 1 or run[-1].norm.endswith("'s") or not token.is_entity):
                runs.append(run)
                run = []
            run.append(token)
            previous = token.position
        elif run and token.norm in _NAME_CONNECTORS and token.position == previous + 1:
            previous = token.position
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _unknown_names(side: _Side, other: _Side, same: set[int],
                   claim_only: bool = False) -> list[tuple[list[Token], str]]:
    """Runs of capitalised words of `side` (`_name_runs`) of which the other side names
    none (with `claim_only`, none in its claim, its byline aside), each as its content
    words, with the title both sides have right before it ("President [Donald Trump]":
    "president"; "" when none)."""
    unknown = []
    for run in _name_runs(side):
        known = [t.position in same or _known_to(t, other, claim_only) for t in run]
        for piece, piece_known in _headline_names(run, known, other) if len(run) > 1 else ((run, known),):
            name = _unknown_name(side, piece, piece_known)
            if name is not None:
                unknown.append(name)
    return unknown


def _unknown_name(side: _Side, run: list[Token], known: list[bool]) -> tuple[list[Token], str] | None:
    """One run of `_unknown_names` as its unknown name and title; None when the other
    side names it or it is no name."""
    # A name is known by its last word ("Barack Obama" / "Obama"); titles and first
    # names before an unknown last word ("President Hassan Rouhani") anchor it.
    if known[-1]:
        return None
    title = ""
    # "United States President Donald Trump": the name after the title both name.
    for i in range(len(run) - 1, -1, -1):
        if known[i] and run[i].norm in _TITLES:
            title, run, known = run[i].stem, run[i + 1 :], known[i + 1 :]
            break
    else:
        # "U.S. Vice President Bill Gates": too long for a name; the name is what
        # follows the office.
        offices = [i for i, t in enumerate(run[:-1]) if t.norm in _PERSON_TITLES]
        if offices and len(run) > MAX_NAME_WORDS:
            run, known = run[offices[-1] + 1 :], known[offices[-1] + 1 :]
    while known[0]:
        run, known = run[1:], known[1:]
    # A lone initial is part of a name the other side knows ("William H. Macy": the
    # stop ends the run before "Macy").
    if len(run) == 1 and len(run[0].norm) == 1:
        return None
    if len(run) <= MAX_NAME_WORDS and all(t.position in side.index for t in run) and not any(known):
        return run, title
    return None


def _headline_names(run: list[Token], known: list[bool], other: _Side) -> list[tuple[list[Token], list[bool]]]:
    """A run of capitalised words split after each unknown listed surname or place that
    a word the other side writes in lower case follows: a headline capitalises the words
    after a name ("Trump Rally" / "a rally", "California Newborn" / "their newborn")."""
    pieces = []
    start = 0
    lower_case: frozenset[str] | None = None
    for i in range(len(run) - 1):
        if known[i] or not known[i + 1]:
            continue
        word, after = run[i].norm.removesuffix("'s"), run[i + 1].norm.removesuffix("'s")
        if word not in SURNAMES and word not in PLACE_KINDS:
            continue
        # Not inside a longer place ("United States") nor before an institution's word
        # ("Trump Tower", "Travis County"): the run names that place or institution.
        if after in _INSTITUTION_WORDS or f"{word} {after}" in PLACE_KINDS:
            continue
        if lower_case is None:
            lower_case = other.derived.get("lower case")
            if lower_case is None:
                lower_case = other.derived["lower case"] = other.keys.difference(key for key, _, _ in other.capitalised)
        if _key(run[i + 1].stem) in lower_case:
            pieces.append((run[start : i + 1], known[start : i + 1]))
            start = i + 1
    if not pieces:
        return [(run, known)]
    pieces.append((run[start:], known[start:]))
    return pieces


def _neighbours(side: _Side, start: int, end: int) -> tuple[list[str], list[str]]:
    """The stems of the `ANCHOR_WINDOW` content words before `start` (nearest first)
    and after `end`, "" for a word the other side lacks."""
    before = side.content[max(0, start - ANCHOR_WINDOW) : start][::-1]
    after = side.content[end + 1 : end + 1 + ANCHOR_WINDOW]
    return ([_key(t.stem) if t.stem in side.anchors else "" for t in before],
            [_key(t.stem) if t.stem in side.anchors else "" for t in after])


def _same_place(q: tuple[list[str], list[str]], m: tuple[list[str], list[str]]) -> bool:
    """Whether two names sit in the same place: the same anchor right next to both
    ("Obama signed" / "Trump signed"), or anchors shared on both sides of them (a text's
    start or end counting as shared when both names are there)."""
    (q_before, q_after), (m_before, m_after) = q, m
    for q_side, m_side in ((q_before, m_before), (q_after, m_after)):
        if q_side and m_side and q_side[0] and q_side[0] == m_side[0]:
            return True
    left = bool(set(q_before) & set(m_before) - {""})
    right = bool(set(q_after) & set(m_after) - {""})
    return (left or right) and (left or not (q_before or m_before)) and (right or not (q_after or m_after))


def _places(words: list[str]) -> list[tuple[str, str]] | None:
    """The place names the words are, end to end, each with its kind ("el paso texas":
    [("el paso", "city"), ("texas", "state")]); None when any word is no place's. A
    possessive names its place ("japan's")."""
    words = [word.removesuffix("'s") for word in words]
    places = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + LONGEST_PLACE), start, -1):
            name = " ".join(words[start:end])
            kind = PLACE_KINDS.get(name)
            if kind:
                places.append((name, kind))
                start = end
                break
        else:
            return None
    return places


def _place_kind(words: list[str]) -> str | None:
    """"country", "state" or "city" when the words are place names end to end, by the
    first ("el paso texas": a city); None for other words, and for a list of places of
    one kind ("kuwait qatar oman"), which names no one place."""
    places = _places(words)
    if not places:
        return None
    kinds = [kind for _, kind in places]
    if len(kinds) != len(set(kinds)):
        return None
    return kinds[0]


def _city_abroad(city_run: list[Token], country_run: list[Token]) -> bool:
    """Whether a city lies outside a country ("El Paso" / "Russia"); a city inside its
    country ("Tehran" / "Iran") or one whose country is not known is no conflict."""
    city = _places([t.norm for t in city_run])
    country = _places([t.norm for t in country_run])
    if not city or not country:
        return False
    name = COUNTRY_ALIASES.get(country[0][0], country[0][0])
    home = CITY_COUNTRIES.get(city[0][0])
    return home is not None and home != name


def _surname_person(tokens: tuple[Token, ...], run: list[Token], last: int) -> bool:
    """Whether a run is a person by a known surname (`matchers/surnames.py`): the
    surname alone ("Pelosi said", "... against Pelosi"; the list holds no common word,
    so it may open a sentence) or after capitalised first words ("Vladimir Putin"),
    with no word of an institution ("Trump Tower"); never a party to a case ("Roe v.
    Wade")."""
    # "the Obama Administration": the person's government acts for them.
    if len(run) == 2 and run[1].norm in _LED_BY_ONE and run[0].norm in SURNAMES:
        return True
    if run[-1].norm.removesuffix("'s") not in SURNAMES or not all(t.is_entity for t in run[1:]):
        return False
    if len(run) > 3 or _INSTITUTION_WORDS.intersection(t.norm for t in run):
        return False
    return not (last + 1 < len(tokens) and tokens[last + 1].norm in ("v", "vs", "versus"))


def _name_type(side: _Side, run: list[Token], by_surname: bool = True) -> str | None:
    """`_find_name_type`, kept per side (`_derived`) by the run's positions: a query's
    names are typed against each of its candidates in turn."""
    types = side.derived.get("name types")
    if types is None:
        types = side.derived["name types"] = {}
    key = (tuple(t.position for t in run), by_surname)
    if key not in types:
        types[key] = _find_name_type(side, run, by_surname)
    return types[key]


def _find_name_type(side: _Side, run: list[Token], by_surname: bool = True) -> str | None:
    """"person", a kind of place ("country", "state", "city") or None (not known) for a
    run of capitalised words, from the text around it: a place by its name; a person by a title before it ("Senator
    Warren"), a verb of speech right after it ("Putin said"), with `by_surname` a known
    surname (`_surname_person`), or a first and last name: a common given name first
    ("Nancy Pelosi"), or a last name that stands alone elsewhere in the text ("Mike
    Pence ... Pence")."""
    words = [t.norm for t in run]
    # "United States President Donald Trump": the name after the last title.
    titles = [i for i, word in enumerate(words[:-1]) if word in _PERSON_TITLES]
    titled = bool(titles)
    if titled:
        words, run = words[titles[-1] + 1 :], run[titles[-1] + 1 :]
    place = _place_kind(words)
    if place:
        return place
    tokens = side.tokens
    first = next(i for i, t in enumerate(tokens) if t.position == run[0].position)
    last = first + len(run) - 1
    while last + 1 < len(tokens) and tokens[last].position != run[-1].position:
        last += 1
    if titled or (first and tokens[first - 1].norm in _PERSON_TITLES):
        return "person"
    # The verb right after the name: a handle left out between them ("Today @handle
    # tweeted") leaves the word before it no speaker.
    if (last + 1 < len(tokens) and tokens[last + 1].norm in _SPEECH_VERBS
            and tokens[last + 1].position == run[-1].position + 1):
        return "person"
    if by_surname and _surname_person(tokens, run, last):
        return "person"
    # (The first name may open a sentence: "Mike Pence is visiting".)
    if 2 <= len(run) <= 3 and all(t.is_entity for t in run[1:]):
        if words[0] in GIVEN_NAMES and not _INSTITUTION_WORDS.intersection(words):
            return "person"
        inside = {t.position for t in run}
        if any(t.stem == run[-1].stem and t.position not in inside for t in tokens):
            return "person"
    return None


def _typed_conflict(q: _Side, m: _Side, q_names: list, m_names: list) -> list[dict]:
    """A person the query names against another person the match names, or a place
    against a place, neither named on the other side: the claims put a different actor
    in the one role (two matched claims about "Texas" and "Ohio" name different places,
    wherever each sentence puts them). Only here does a known surname alone make a
    person: in the anchored rule it would pair a name with any capitalised word."""
    m_typed = [(run, _name_type(m, run)) for run, _ in m_names]
    for q_run, _ in q_names:
        q_type = _name_type(q, q_run)
        if q_type is None:
            continue
        for m_run, m_type in m_typed:
            if set(_name_text(q_run).split()) & set(_name_text(m_run).split()):
                continue  # one name written two ways ("Fox's" / "Michael J. Fox")
            if m_type == q_type or {q_type, m_type} == {"country", "state"} and not (
                _US & {_name_text(q_run), _name_text(m_run)}
            ) or (q_type, m_type) == ("city", "country") and _city_abroad(q_run, m_run) or (
                (q_type, m_type) == ("country", "city") and _city_abroad(m_run, q_run)
            ):
                return [_flag("entity", _name_text(q_run), _name_text(m_run))]
    return []


# The country that holds the states: "Texas" is in it, not set against it.
_US = frozenset({"united states", "america", "united states america"})


def _name_text(run: list[Token]) -> str:
    """A run as its name, after any title ("senator elizabeth warren": "elizabeth warren")."""
    titles = [i for i, t in enumerate(run[:-1]) if t.norm in _PERSON_TITLES]
    return _run_text(run[titles[-1] + 1 :] if titles else run)


def _run_text(run: list[Token]) -> str:
    """A run's words as a flag shows them, a possessive's name without its "'s"."""
    return " ".join(t.norm for t in run).removesuffix("'s")


def _entity_conflicts(q: _Side, m: _Side) -> list[dict]:
    flags: list[dict] = []
    q_same = _acronym_positions(q, m) | _expanded_positions(q, m)
    m_same = _acronym_positions(m, q) | _expanded_positions(m, q)
    q_names, m_names = _unknown_names(q, m, q_same), _unknown_names(m, q, m_same)
    paired: set[int] = set()
    for q_run, q_title in q_names:
        q_place = _neighbours(q, q.index[q_run[0].position], q.index[q_run[-1].position])
        for n, (m_run, m_title) in enumerate(m_names):
            if n in paired:
                continue
            if q_title and q_title == m_title:
                # The same office held by different people: "President Obama" /
                # "President Trump".
                paired.add(n)
                flags.append(_flag("entity", _run_text(q_run), _run_text(m_run)))
                break
            m_place = _neighbours(m, m.index[m_run[0].position], m.index[m_run[-1].position])
            if not _same_place(q_place, m_place):
                continue
            # Both are names mid-sentence (or acronyms); two sentence openers ("Obama
            # signed" / "Trump signed") only when the word right after is the same.
            q_named, m_named = any(t.is_entity for t in q_run), any(t.is_entity for t in m_run)
            openers = not q_named and not m_named and bool(q_place[1][:1]) and q_place[1][:1] == m_place[1][:1] != [""]
            if not (openers or (q_named and m_named)):
                continue
            if not _comparable_actors(q, q_run, m, m_run, _aligned(q_place, m_place)):
                continue
            paired.add(n)
            flags.append(_flag("entity", _run_text(q_run), _run_text(m_run)))
            break
    return flags or _office_conflict(q, m, q_same, m_same) or _typed_conflict(q, m, q_names, m_names)


def _aligned(q: tuple[list[str], list[str]], m: tuple[list[str], list[str]]) -> bool:
    """Whether two names sit between the same words: the same shared word right before
    both (or neither has one) and right after both (or neither has one), as the
    subject or the object of one predicate ("Obama signed" / "Trump signed", "told by
    Pelosi" / "told by Schumer")."""
    def same(a: list[str], b: list[str]) -> bool:
        return (not a and not b) or bool(a and b and a[0] and a[0] == b[0])
    return same(q[0], m[0]) and same(q[1], m[1]) and bool(q[0] or q[1])


def _comparable_actors(q: _Side, q_run: list[Token], m: _Side, m_run: list[Token], aligned: bool) -> bool:
    """Whether two names in the same place are two actors for one role: a person or a
    place by its cues against the same kind or a name of no known kind, or two names
    of no known kind in an aligned core (`_aligned`); never an institution of no known
    kind ("Insurance Arena", "Walter Reed Hospital" / "Medical Center"): words that
    merely differ there are wording, not actors."""
    q_type, m_type = _name_type(q, q_run, by_surname=False), _name_type(m, m_run, by_surname=False)
    if q_type and m_type and (q_type == "person") != (m_type == "person"):
        return False
    if any(kind is None and _INSTITUTION_WORDS.intersection(t.norm for t in run)
           for kind, run in ((q_type, q_run), (m_type, m_run))):
        return False
    return bool(q_type or m_type or aligned)


def _office_conflict(q: _Side, m: _Side, q_same: set[int], m_same: set[int]) -> list[dict]:
    """Different names after the same title when one side's byline holds the other
    side's name: a byline names who posted, not whom the claim is about ("President
    Putin wanted ..." signed by Donald J. Trump / "President Donald Trump asked ...")."""
    if not (q.has_byline or m.has_byline) or not all(any(t.norm in _TITLES for t in side.tokens) for side in (q, m)):
        return []
    m_titled = [(run, title) for run, title in _unknown_names(m, q, m_same, claim_only=True) if title]
    for q_run, q_title in _unknown_names(q, m, q_same, claim_only=True):
        for m_run, m_title in m_titled:
            if q_title and q_title == m_title:
                return [_flag("entity", _run_text(q_run), _run_text(m_run))]
    return []


def possible_conflict_kinds(query: str, text: str) -> int:
    """At most how many kinds of conflict flag `find_conflicts` can give two texts, from
    the words of their normal forms alone (`analyse(text).normalised`, a match's
    `matchers.normalise.match_view`): a number needs a figure on both sides, a date a
    year (a figure) or a month on both, a negation a negation on either; a name is
    always possible. The ranking bounds a score with it before explaining the match."""
    q_figure, q_month, q_negation = _conflict_words(query)
    m_figure, m_month, m_negation = _conflict_words(text)
    figures = q_figure and m_figure
    return 1 + figures + (figures or (q_month and m_month)) + (q_negation or m_negation)


@lru_cache(maxsize=65_536)
def _conflict_words(normalised: str) -> tuple[bool, bool, bool]:
    """Whether a normal form holds a figure (a word starting with a digit: a number or a
    year), a month's name, a negation."""
    words = normalised.split()
    return (any(word[0].isdigit() for word in words), not MONTHS.keys().isdisjoint(words),
            not NEGATIONS.isdisjoint(words))


def find_conflicts(query: str | Analysis, text: str | Analysis) -> list[dict]:
    """Conflict flags between a query claim and a matched claim (see module docstring)."""
    q = _Side(analyse(query) if isinstance(query, str) else query)
    m = _Side(analyse(text) if isinstance(text, str) else text)
    shared = q.keys & m.keys
    q.anchors, m.anchors = (
        frozenset(stem for stem, key in side.anchor_stems if key in shared) for side in (q, m)
    )
    # A kind whose words a side lacks (`possible_conflict_kinds`) gives no flag.
    (q_figure, q_month, q_negation), (m_figure, m_month, m_negation) = q.words, m.words
    flags = (
        (_number_conflicts(q, m) if q_figure and m_figure else [])
        + (_date_conflicts(q, m) if (q_figure and m_figure) or (q_month and m_month) else [])
        + (_negation_conflicts(q, m) if q_negation or m_negation else [])
        + _entity_conflicts(q, m)
    )
    return [flag for flag in flags if flag["query"] and flag["match"]]


def explain(query: str | Analysis, text: str | Analysis) -> dict[str, list]:
    """Shared words, words only on one side, and conflict flags for one match."""
    q = analyse(query) if isinstance(query, str) else query
    m = analyse(text) if isinstance(text, str) else text
    q_stems, m_stems = q.stems, m.stems
    return {
        "shared": _words(q.content, set(q_stems & m_stems)),
        "only_query": _words(q.content, set(q_stems - m_stems)),
        "only_match": _words(m.content, set(m_stems - q_stems)),
        "conflicts": find_conflicts(q, m),
    }
