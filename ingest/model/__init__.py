"""The shipped check-worthiness model: one weight per word, word pair and rule signal.

`load_model()` reads `checkworthy.json` (next to this file; under 5 MB, no network) once;
`Model.logit(text, signals)` is the log-odds that `text` is check-worthy: the bias plus the
weights of the sentence's features times their values (`feature_values`: words and word pairs
share `LEXICAL_SCALE` / sqrt(their number), so long sentences do not pile up evidence; signals,
length and capitals count 1). It is a logistic regression averaged with an NBSVM, both linear in
the same features, so one weight each. The model is
trained by `python -m ingest.model.train` on public data (see that module for sources).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "checkworthy.json"
# Links and @handles are folded to one token each: their letters are noise, their presence is not.
_TOKEN = re.compile(r"(?:https?://|www\.)\S+|@\w+|[a-z]+(?:['\u2019][a-z]+)?|\d+(?:[.,:]\d+)*|[%$€£?!]")
# Capitalised words after the first: names of people, places and organisations, which are
# mostly absent from the training vocabulary, so their count is a feature of its own.
_CAPITALISED = re.compile(r"(?<=\s)[\"'(\u201c]?[A-Z]")
_LENGTH_BUCKETS = ("len:<5",) * 5 + ("len:<10",) * 5 + ("len:<20",) * 10 + ("len:<40",) * 20
_CAPITALS_BUCKETS = ("caps:0", "caps:1", "caps:2-3", "caps:2-3")
# Each word and word-pair feature of a sentence is valued LEXICAL_SCALE / sqrt(n), n being the
# number of such features in it (known to the model or not); training and scoring share it, and
# the model file records the value it was trained with.
LEXICAL_SCALE = 4.0


def lexical_value(count: int, scale: float = LEXICAL_SCALE) -> float:
    """The value of each of a sentence's `count` word and word-pair features."""
    return scale / math.sqrt(count) if count else 0.0


def _fold(token: str) -> str:
    if token[0].isdigit():
        return "<year>" if len(token) == 4 and token[:2] in {"18", "19", "20"} else "<num>"
    if token[0] == "@":
        return "<user>"
    if "://" in token or token.startswith("www."):
        return "<url>"
    return token


def lowered(text: str) -> str:
    """`text` lower-cased, with curly apostrophes made straight: the text words are read from."""
    lower = text.lower()
    return lower.replace("\u2019", "'") if "\u2019" in lower else lower


def tokens(text: str) -> list[str]:
    """Lower-cased words; numbers folded to <year> or <num>, links to <url>, handles to <user>."""
    return lowered_tokens(lowered(text))


def lowered_tokens(lower: str) -> list[str]:
    """`tokens` of text already `lowered`."""
    found = _TOKEN.findall(lower)
    if "@" not in lower and "://" not in lower and "www." not in lower and not _DIGIT.search(lower):
        return found  # words and signs only: nothing to fold
    return [token if token[0] in _PLAIN else _fold(token) for token in found]


_DIGIT = re.compile(r"\d")
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz%$€£?!") - {"h", "w"}


def _length_feature(n: int) -> str:
    return _LENGTH_BUCKETS[n] if n < 40 else "len:40+"


def _capitals_feature(text: str) -> str:
    capitalised = len(_CAPITALISED.findall(text))
    return _CAPITALS_BUCKETS[capitalised] if capitalised < 4 else "caps:4+"


def features(text: str, signals: tuple[str, ...]) -> list[str]:
    """Every feature name the model may weigh for `text`: words, word pairs, signals, length, names."""
    words = tokens(text)
    feats = ["w:" + w for w in set(words)]
    padded = ["<s>"] + words
    feats.extend({"b:" + a + " " + b for a, b in zip(padded, padded[1:])})
    feats.extend("s:" + s for s in signals)
    feats.append(_length_feature(len(words)))
    feats.append(_capitals_feature(text))
    return feats


def feature_values(text: str, signals: tuple[str, ...], scale: float = LEXICAL_SCALE) -> list[tuple[str, float]]:
    """`features(text, signals)` with the value each takes: words and word pairs
    `lexical_value(their number)`, the rest 1."""
    feats = features(text, signals)
    value = lexical_value(sum(1 for f in feats if f.startswith(("w:", "b:"))), scale)
    return [(f, value if f.startswith(("w:", "b:")) else 1.0) for f in feats]


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float
    description: str
    trained_on: tuple[str, ...] = ()
    # Log-odds added in transcripts: "moderator" (once), "speaker share" (times the share gap),
    # "questions" (times the question excess), "repeated claim" (times the line's repetition),
    # "sweeping claim" (once, for a line with an absolute or superlative word).
    transcript_weights: dict[str, float] = field(default_factory=dict)
    lexical_scale: float = LEXICAL_SCALE
    # Each signal's weight by its name ("quantity"), as `checkworthy` lists the reasons.
    signal_weights: dict[str, float] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Word and word-pair weights keyed by the word and by the pair of words, so that
        # scoring looks them up without building a feature name per word.
        words, pairs, signals = {}, {}, {}
        for name, weight in self.weights.items():
            if name.startswith("w:"):
                words[name[2:]] = weight
            elif name.startswith("b:"):
                first, _, second = name[2:].partition(" ")
                pairs[first, second] = weight
            elif name.startswith("s:"):
                signals[name[2:]] = weight
        object.__setattr__(self, "_word_weights", words)
        object.__setattr__(self, "_pair_weights", pairs)
        object.__setattr__(self, "signal_weights", signals)

    def logit(self, text: str, signals: tuple[str, ...], words: list[str] | None = None) -> float:
        """`bias` plus weight times value over `feature_values(text, signals)`, without building that
        list; `words` is `tokens(text)` when the caller has it already."""
        if words is None:
            words = tokens(text)
        distinct = set(words)
        pairs = set(zip(["<s>", *words], words))
        zeros = repeat(0.0)
        lexical = sum(map(self._word_weights.get, distinct, zeros)) + sum(map(self._pair_weights.get, pairs, zeros))
        total = self.bias + lexical * lexical_value(len(distinct) + len(pairs), self.lexical_scale)
        signal_weight = self.signal_weights.get
        for name in signals:
            total += signal_weight(name, 0.0)
        get = self.weights.get
        return total + get(_length_feature(len(words)), 0.0) + get(_capitals_feature(text), 0.0)

    def probability(self, text: str, signals: tuple[str, ...]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(text, signals)))))


@lru_cache(maxsize=1)
def load_model() -> Model | None:
    """The shipped model, or None when its file is missing (the rules' own weights are used then)."""
    try:
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Model(weights=data["weights"], bias=data["bias"], threshold=data["threshold"],
                 description=data.get("description", ""), trained_on=tuple(data.get("trained_on", ())),
                 transcript_weights=data.get("transcript", {}).get("weights", {}),
                 lexical_scale=float(data.get("lexical_scale", LEXICAL_SCALE)))
