"""What a sentence of a transcript needs from its context to be matched.

A debate sentence often names neither its speaker nor what it is about: "He said that
too." `query_with_context(text, speaker, previous)` gives the text to match: the sentence,
preceded by the speaker's name (without titles: "PRESIDENT OBAMA" gives "Obama") and, when
the sentence leans on the line before (it opens with a pronoun or a demonstrative, or is
too short to stand alone), by that line. `same_speaker(speaker, claimant)` says whether a
candidate's claimant is the sentence's speaker, titles and first names tolerated
("PRESIDENT OBAMA", "Obama" and "Barack Obama" are one person, "Bill Clinton" and
"Hillary Clinton" two): the ranking counts it apart from the words (`matchers.rank`), as
it counts `stated_recently(date, claim_date)`: a claim stated in the year of the
transcript or the year before (a debate repeats what was said on the campaign trail).
"""

from __future__ import annotations

import re
import unicodedata

# Titles and roles transcripts put before a speaker's name.
_TITLES = frozenset(
    "mr mrs ms miss dr president vice governor gov senator sen secretary rep representative "
    "congressman congresswoman mayor former speaker the hon honorable moderator".split()
)
# Words that, opening a sentence, point back to something said before.
_LEANING_OPENERS = frozenset(
    "he she it they them his her its their this that these those there so and but also "
    "which who".split()
)
# Fewer content words than this, and the sentence cannot stand alone.
_SHORT_SENTENCE = 6
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Generational suffixes: part of who someone is ("Donald Trump Jr." is not his father),
# but not the surname.
_SUFFIXES = frozenset("jr sr ii iii iv".split())
# A year in a date as stores and fact-checkers write it ("2019-10-22", "stated on
# October 22, 2019 in a speech").
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def speaker_name(speaker: str) -> str:
    """The speaker's name without titles, in title case when it was all capitals."""
    words = [w for w in re.split(r"[\s.,]+", speaker.strip()) if w]
    kept = [w for w in words if w.casefold() not in _TITLES]
    name = " ".join(kept or words)
    return name.title() if name.isupper() else name


def leans_on_previous(text: str) -> bool:
    """The sentence points back to the line before: it opens with a pronoun or a
    demonstrative, or has too few words to stand alone."""
    words = _WORD.findall(text)
    return not words or words[0].casefold() in _LEANING_OPENERS or len(words) < _SHORT_SENTENCE


def query_with_context(text: str, speaker: str = "", previous: str = "") -> str:
    """The text to match for `text` said by `speaker` after the line `previous`."""
    parts = []
    if speaker.strip():
        parts.append(speaker_name(speaker))
    if previous.strip() and leans_on_previous(text):
        parts.append(previous.strip())
    parts.append(text)
    return " ".join(parts)


def _name_parts(name: str) -> tuple[list[str], tuple[str, ...]]:
    """A name's words without titles, case or accents, and its generational suffixes."""
    decomposed = unicodedata.normalize("NFKD", speaker_name(name)).casefold()
    words = re.findall(r"[^\W_]+", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return [w for w in words if w not in _SUFFIXES], tuple(w for w in words if w in _SUFFIXES)


def same_speaker(speaker: str, claimant: str) -> bool:
    """Whether `speaker` and `claimant` name the same person: the same surname (last
    word, titles and suffixes aside) and the same suffixes, and when both give a first
    name, the same one or its initial. Either name empty: False."""
    a, a_suffixes = _name_parts(speaker)
    b, b_suffixes = _name_parts(claimant)
    if not a or not b or a[-1] != b[-1] or a_suffixes != b_suffixes:
        return False
    if len(a) == 1 or len(b) == 1:
        return True
    first_a, first_b = a[0], b[0]
    return first_a == first_b or (min(len(first_a), len(first_b)) == 1 and first_a[0] == first_b[0])


def date_year(date: str) -> int | None:
    """The first year written in `date`, None when it holds none."""
    found = _YEAR.search(date)
    return int(found.group()) if found else None


def stated_recently(date: str, claim_date: str) -> bool:
    """Whether a claim dated `claim_date` was stated in the year of `date` or the year
    before. Either year unknown: False."""
    year, claim_year = date_year(date), date_year(claim_date)
    return year is not None and claim_year is not None and 0 <= year - claim_year <= 1
