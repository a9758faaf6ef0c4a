"""Why two claims match, and where they disagree.

`explain(query, text)` returns `{"shared", "only_query", "only_match", "conflicts"}`:
the content words both texts share, the words only one side has, and conflict flags,
each `{"kind", "query", "match"}` with kind one of:

- "number": the same thing counted differently ("15 troops" / "50 troops"), found by
  aligning the two word sequences, by the word a number qualifies, or, when each side
  holds a single number, by comparing the two;
- "date": years or months that differ on the two sides;
- "negation": a negation ("not", "never", "no", "n't"...) on one side only;
- "entity": different names in the same place of otherwise aligned sentences
  ("Obama signed" / "Trump signed"); an acronym and the words it stands for ("SAA" /
  "Syrian Arab Army") are one name.

A conflict marks a likely contradiction: the claims share a topic but not their
checkable core.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from matchers.normalise import MONTHS, Analysis, Token, analyse

MAX_LISTED_WORDS = 20
# Alignment is quadratic in words; a claim longer than this is compared on its start.
MAX_ALIGNED_TOKENS = 200


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


def _number_value(token: Token) -> float:
    try:
        return float(token.norm)
    except ValueError:  # "5g": a digit-led word is a name, not a quantity
        return float("nan")


def _number_conflicts(q: Analysis, m: Analysis, aligned: list[tuple[list[Token], list[Token]]]) -> list[dict]:
    flags: list[dict] = []
    q_numbers = [t for t in q.tokens if t.is_number]
    m_numbers = [t for t in m.tokens if t.is_number]
    if not q_numbers or not m_numbers:
        return flags
    q_values = {_number_value(t) for t in q_numbers}
    m_values = {_number_value(t) for t in m_numbers}

    def add(a: Token, b: Token) -> None:
        if _number_value(a) != _number_value(b) and _number_value(a) not in m_values \
                and _number_value(b) not in q_values:
            flag = _flag("number", a.norm, b.norm)
            if flag not in flags:
                flags.append(flag)

    # 1. The alignment swapped a number for another number.
    for q_block, m_block in aligned:
        qn = [t for t in q_block if t.is_number]
        mn = [t for t in m_block if t.is_number]
        if qn and mn:
            add(qn[0], mn[0])
    # 2. Numbers qualifying the same word ("15 troops" / "50 troops").
    def units(analysis: Analysis) -> dict[str, Token]:
        found: dict[str, Token] = {}
        tokens = analysis.tokens
        for i, token in enumerate(tokens):
            if token.is_number:
                for follower in tokens[i + 1 : i + 3]:
                    if follower.is_content and not follower.is_number:
                        found.setdefault(follower.stem, token)
                        break
        return found

    q_units, m_units = units(q), units(m)
    for stem, q_token in q_units.items():
        if stem in m_units:
            add(q_token, m_units[stem])
    # 3. One number each: the claim's quantity.
    if len(q_values) == 1 and len(m_values) == 1:
        add(q_numbers[0], m_numbers[0])
    return flags


def _date_conflicts(q: Analysis, m: Analysis) -> list[dict]:
    flags = []
    q_years = {t.norm for t in q.tokens if t.is_year}
    m_years = {t.norm for t in m.tokens if t.is_year}
    if q_years and m_years and not q_years & m_years:
        flags.append(_flag("date", min(q_years), min(m_years)))
    # Keyed by month number so "sept" and "september" agree.
    q_months = {MONTHS[t.norm]: t.norm for t in q.tokens if t.is_month}
    m_months = {MONTHS[t.norm]: t.norm for t in m.tokens if t.is_month}
    if q_months and m_months and not q_months.keys() & m_months.keys():
        flags.append(_flag("date", q_months[min(q_months)], m_months[min(m_months)]))
    return flags


def _negation_conflicts(q: Analysis, m: Analysis) -> list[dict]:
    q_neg = [t.norm for t in q.tokens if t.is_negation]
    m_neg = [t.norm for t in m.tokens if t.is_negation]
    if bool(q_neg) != bool(m_neg):
        return [_flag("negation", q_neg[0] if q_neg else "", m_neg[0] if m_neg else "")]
    return []


# Longest run of capitalised words an acronym is matched against ("SAA", "Syrian Arab Army").
MAX_ACRONYM = 6


def _expansions(analysis: Analysis) -> dict[str, set[int]]:
    """The initials of every run of capitalised words (two to `MAX_ACRONYM` of them; small
    words such as "of" may sit between, without an initial: "Federal Bureau of
    Investigation"), each with the positions of the words it covers."""
    tokens = analysis.tokens
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


def _acronym_positions(a: Analysis, b: Analysis) -> tuple[set[int], set[int]]:
    """Positions in `a` and in `b` of names that are one side's acronym of the other's
    words ("SAA" in `a`, "Syrian Arab Army" in `b`): the same name, written two ways."""
    expansions = _expansions(b)
    in_a: set[int] = set()
    in_b: set[int] = set()
    for token in a.tokens:
        if token.is_capitalised and 2 <= len(token.norm) <= MAX_ACRONYM and token.norm in expansions:
            in_a.add(token.position)
            in_b |= expansions[token.norm]
    return in_a, in_b


def _entity_conflicts(
    q: Analysis, m: Analysis, aligned: list[tuple[list[Token], list[Token]]]
) -> list[dict]:
    flags = []
    q_short, m_long = _acronym_positions(q, m)
    m_short, q_long = _acronym_positions(m, q)
    q_same, m_same = q_short | q_long, m_short | m_long
    for q_block, m_block in aligned:
        q_names = [t for t in q_block if t.is_capitalised and t.position not in q_same]
        m_names = [t for t in m_block if t.is_capitalised and t.position not in m_same]
        # At least one side must be a name mid-sentence; two capitalised sentence
        # openers swapped one for one ("Trump signed" / "Obama signed") also count.
        named = any(t.is_entity for t in q_names + m_names) or (
            len(q_block) == len(m_block) == 1 and q_names and m_names
        )
        if named and q_names and m_names and not {t.stem for t in q_names} & {t.stem for t in m_names}:
            flag = _flag(
                "entity", " ".join(t.norm for t in q_names), " ".join(t.norm for t in m_names)
            )
            if flag not in flags:
                flags.append(flag)
    return flags


def _replaced_blocks(q: Analysis, m: Analysis) -> list[tuple[list[Token], list[Token]]]:
    """Pairs of word runs that take each other's place in the aligned content words."""
    q_tokens = [t for t in q.tokens if t.is_content][:MAX_ALIGNED_TOKENS]
    m_tokens = [t for t in m.tokens if t.is_content][:MAX_ALIGNED_TOKENS]
    opcodes = Levenshtein.opcodes([t.stem for t in q_tokens], [t.stem for t in m_tokens])
    blocks = []
    for op in opcodes:
        if op.tag == "replace":
            blocks.append(
                (q_tokens[op.src_start : op.src_end], m_tokens[op.dest_start : op.dest_end])
            )
    return blocks


def find_conflicts(query: str | Analysis, text: str | Analysis) -> list[dict]:
    """Conflict flags between a query claim and a matched claim (see module docstring)."""
    q = analyse(query) if isinstance(query, str) else query
    m = analyse(text) if isinstance(text, str) else text
    aligned = _replaced_blocks(q, m)
    return (
        _number_conflicts(q, m, aligned)
        + _date_conflicts(q, m)
        + _negation_conflicts(q, m)
        + _entity_conflicts(q, m, aligned)
    )


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
