"""What a sentence of a transcript needs from its context to be matched.

A debate sentence often names neither its speaker nor what it is about: "He said that
too." `query_with_context(text, speaker, previous)` gives the text to match: the sentence,
preceded by the speaker's name (without titles: "PRESIDENT OBAMA" gives "Obama") and, when
the sentence leans on the line before (it opens with a pronoun or a demonstrative, or is
too short to stand alone), by that line.
"""

from __future__ import annotations

import re

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
