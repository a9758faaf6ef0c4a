"""Loaders for the shared public evaluation datasets used by the benchmarks.

The datasets live in `../shared/data/` next to the project (never copied into it);
each loader raises `DatasetMissing` with a sentence naming the folder when it is absent,
so a benchmark can skip with a clear message.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
CHECKTHAT_2020_TASK2 = SHARED_DATA / "clef2020-checkthat-task2-en"
LIAR = SHARED_DATA / "liar"

csv.field_size_limit(sys.maxsize)


class DatasetMissing(RuntimeError):
    """A shared dataset folder is not there."""


def _require(folder: Path) -> Path:
    if not folder.is_dir():
        raise DatasetMissing(f"The shared dataset folder {folder} is missing; skipping.")
    return folder


@dataclass(frozen=True)
class VerifiedClaim:
    id: str
    text: str
    title: str


@dataclass(frozen=True)
class Tweet:
    id: str
    text: str
    relevant: frozenset[str]


def checkthat_verified_claims() -> list[VerifiedClaim]:
    """The 10,375 Snopes claims of CheckThat! 2020 task 2 (CSV quoting, tab-separated)."""
    path = _require(CHECKTHAT_2020_TASK2) / "verified_claims.docs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quotechar='"'))
    return [VerifiedClaim(id=r[0], text=r[1], title=r[2] if len(r) > 2 else "") for r in rows[1:]]


def checkthat_tweets(split: str) -> list[Tweet]:
    """The tweets of one split ("train" or "dev") with their relevant claim ids."""
    folder = _require(CHECKTHAT_2020_TASK2) / split
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in (folder / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3].strip() == "1":
            relevant[parts[0]].add(parts[2])
    with (folder / "tweets.queries.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Tweet(id=r[0], text=r[1], relevant=frozenset(relevant[r[0]]))
        for r in rows[1:]
        if len(r) >= 2 and relevant.get(r[0])
    ]


@dataclass(frozen=True)
class LiarStatement:
    id: str
    label: str
    text: str
    speaker: str
    context: str


def liar_statements() -> list[LiarStatement]:
    """All 12.8k LIAR statements (train, valid, test) in file order."""
    folder = _require(LIAR)
    statements = []
    for name in ("train.tsv", "valid.tsv", "test.tsv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 14:
                    statements.append(LiarStatement(row[0], row[1], row[2], row[4], row[13]))
    return statements


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:[.,]\d+)?")


class ClaimGenerator:
    """Synthetic claims with a realistic vocabulary: a bigram chain trained on real
    statements, so word frequencies are Zipfian and sentences read like claims."""

    def __init__(self, texts: list[str], seed: int = 7) -> None:
        self.random = random.Random(seed)
        followers: dict[str, Counter[str]] = defaultdict(Counter)
        starts: Counter[str] = Counter()
        for text in texts:
            words = _TOKEN.findall(text)
            if not words:
                continue
            starts[words[0]] += 1
            for a, b in zip(words, words[1:]):
                followers[a][b] += 1
        # Cumulative weights once, so each draw is a bisection, not a sum.
        self.starts = (list(starts), list(accumulate(starts.values())))
        self.followers = {w: (list(c), list(accumulate(c.values()))) for w, c in followers.items()}

    def _draw(self, options: tuple[list[str], list[int]]) -> str:
        return self.random.choices(options[0], cum_weights=options[1])[0]

    def claim(self) -> str:
        length = self.random.randint(10, 40)
        word = self._draw(self.starts)
        words = [word]
        while len(words) < length:
            word = self._draw(self.followers.get(word) or self.starts)
            words.append(word)
        return " ".join(words) + "."

    def claims(self, count: int) -> list[str]:
        return [self.claim() for _ in range(count)]


def perturb(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """A query made from a stored claim by dropping or replacing 20-40% of its words."""
    words = text.split()
    share = rng.uniform(0.2, 0.4)
    out = []
    for word in words:
        if rng.random() < share:
            if rng.random() < 0.5:
                continue
            word = rng.choice(vocabulary)
        out.append(word)
    return " ".join(out) or text
