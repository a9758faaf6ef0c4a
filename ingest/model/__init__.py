"""The shipped check-worthiness model: a logistic regression over words, word pairs and rule signals.

`load_model()` reads `checkworthy.json` (next to this file; under 5 MB, no network) once;
`Model.logit(text, signals)` is the log-odds that `text` is check-worthy. The model is
trained by `python -m ingest.model.train` on public data (see that module for sources).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "checkworthy.json"
_TOKEN = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?|\d+(?:[.,:]\d+)*|[%$€£?!]")
# Capitalised words after the first: names of people, places and organisations, which are
# mostly absent from the training vocabulary, so their count is a feature of its own.
_CAPITALISED = re.compile(r"(?<=\s)[\"'(\u201c]?[A-Z]")


def tokens(text: str) -> list[str]:
    """Lower-cased words with numbers folded to <year> or <num>."""
    out = []
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            token = "<year>" if len(token) == 4 and token[:2] in {"18", "19", "20"} else "<num>"
        out.append(token.replace("\u2019", "'"))
    return out


def features(text: str, signals: tuple[str, ...]) -> list[str]:
    """Every feature name the model may weigh for `text`: words, word pairs, signals, length, names."""
    words = tokens(text)
    feats = ["w:" + w for w in set(words)]
    padded = ["<s>"] + words
    feats.extend({"b:" + a + " " + b for a, b in zip(padded, padded[1:])})
    feats.extend("s:" + s for s in signals)
    n = len(words)
    feats.append("len:" + ("<5" if n < 5 else "<10" if n < 10 else "<20" if n < 20 else "<40" if n < 40 else "40+"))
    capitalised = len(_CAPITALISED.findall(text))
    feats.append("caps:" + ("0" if not capitalised else "1" if capitalised == 1 else "2-3" if capitalised < 4 else "4+"))
    return feats


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float
    description: str
    trained_on: tuple[str, ...] = ()

    def logit(self, text: str, signals: tuple[str, ...]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) for f in features(text, signals))

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
                 description=data.get("description", ""), trained_on=tuple(data.get("trained_on", ())))
