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

import numpy as np

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


def _relevant_ids(qrels: Path) -> dict[str, set[str]]:
    """A TREC qrels file (query, 0, document, relevance) as the relevant documents of
    each query."""
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in qrels.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3].strip() == "1":
            relevant[parts[0]].add(parts[2])
    return relevant


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
    relevant = _relevant_ids(folder / "tweet-vclaim-pairs.qrels")
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
    statements, so word frequencies are Zipfian and sentences read like claims.

    The chain is walked for a block of claims at once with numpy (one vectorised draw
    per word position): a million claims take seconds, where a draw per word in Python
    took minutes on a loaded machine."""

    BLOCK = 100_000

    def __init__(self, texts: list[str], seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        followers: dict[str, Counter[str]] = defaultdict(Counter)
        starts: Counter[str] = Counter()
        for text in texts:
            words = _TOKEN.findall(text)
            if not words:
                continue
            starts[words[0]] += 1
            for a, b in zip(words, words[1:]):
                followers[a][b] += 1
        self.words = np.array(sorted(set(starts) | set(followers) | {b for c in followers.values() for b in c}), dtype=object)
        index = {word: i for i, word in enumerate(self.words.tolist())}
        # Row w of the chain as a slice of `next_ids`, its cumulative probabilities
        # shifted by w, so one searchsorted over all rows draws each claim's next word
        # within its own row. A word with no followers starts over (a start word).
        self.next_ids, keys, self.has_followers = [], [], np.zeros(len(self.words), dtype=bool)
        for word, counts in sorted(followers.items(), key=lambda item: index[item[0]]):
            row = index[word]
            self.has_followers[row] = True
            total = sum(counts.values())
            self.next_ids.extend(index[b] for b in counts)
            keys.extend(row + c / total for c in accumulate(counts.values()))
        self.next_ids, self.keys = np.array(self.next_ids), np.array(keys)
        self.start_ids = np.array([index[w] for w in starts])
        self.start_cum = np.cumsum(np.array(list(starts.values()), dtype=np.float64))
        self.start_cum /= self.start_cum[-1]

    def _starts(self, count: int):
        return self.start_ids[np.searchsorted(self.start_cum, self.rng.random(count), side="right").clip(max=len(self.start_ids) - 1)]

    def _block(self, count: int) -> list[str]:
        lengths = self.rng.integers(10, 41, size=count)
        ids = np.empty((count, 40), dtype=np.int64)
        ids[:, 0] = self._starts(count)
        for step in range(1, 40):
            current = ids[:, step - 1]
            found = np.searchsorted(self.keys, current + self.rng.random(count), side="right")
            found = found.clip(max=len(self.keys) - 1)
            ids[:, step] = np.where(self.has_followers[current], self.next_ids[found], self._starts(count))
        words = self.words[ids]
        return [" ".join(row[:length]) + "." for row, length in zip(words.tolist(), lengths.tolist())]

    def claim(self) -> str:
        return self._block(1)[0]

    def claims(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            out.extend(self._block(min(self.BLOCK, count - len(out))))
        return out


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


CHECKTHAT_2022_2A = SHARED_DATA / "clef2022-checkthat-2a-en"
CHECKTHAT_2022_2B = SHARED_DATA / "clef2022-checkthat-2b-en"


@dataclass(frozen=True)
class FactCheck:
    """A verified claim of the 2022 collections, with what the store keeps of it."""

    id: str
    text: str
    title: str
    date: str = ""
    rating: str = ""
    speaker: str = ""
    url: str = ""


def _jsonl(path: Path) -> list[dict]:
    import json

    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def checkthat_2a_claims() -> list[FactCheck]:
    """The 14,231 Snopes claims of CheckThat! 2022 task 2A."""
    rows = _jsonl(_require(CHECKTHAT_2022_2A) / "vclaims.jsonl")
    return [FactCheck(r["vclaim_id"], r["vclaim"], r.get("title") or "", r.get("date") or "") for r in rows]


def _normal_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def checkthat_2a_tweets(split: str) -> list[Tweet]:
    """The 2020 task 2 tweets of `split` with their relevant claims in the 2022 2A
    collection (2A's train queries are the 2020 train and dev tweets under new ids)."""
    folder = _require(CHECKTHAT_2022_2A)
    relevant = _relevant_ids(folder / "CT2022-Task2A-EN-Train_QRELs.tsv")
    with (folder / "CT2022-Task2A-EN-Train-Dev_Queries.tsv").open(encoding="utf-8", newline="") as handle:
        by_text = {_normal_words(r[1]): r[0] for r in csv.reader(handle, delimiter="\t") if len(r) >= 2}
    tweets = []
    for tweet in checkthat_tweets(split):
        query_id = by_text.get(_normal_words(tweet.text))
        if query_id and relevant.get(query_id):
            tweets.append(Tweet(tweet.id, tweet.text, frozenset(relevant[query_id])))
    return tweets


def checkthat_2b_claims() -> list[FactCheck]:
    """The 19,250 PolitiFact claims of CheckThat! 2022 task 2B, with their ratings."""
    rows = _jsonl(_require(CHECKTHAT_2022_2B) / "politifact-vclaims.jsonl")
    return [
        FactCheck(r["vclaim_id"], r["vclaim"], r.get("title") or "", r.get("date") or "",
                  r.get("truth_label") or "", r.get("speaker") or "", r.get("url") or "")
        for r in rows
    ]


@dataclass(frozen=True)
class DebateSentence:
    """A sentence of a debate or speech with its relevant claims and its context: the
    line's speaker and the lines before it in the transcript (nearest last), and the
    transcript's date (ISO)."""

    id: str
    text: str
    relevant: frozenset[str]
    speaker: str
    before: tuple[str, ...]
    date: str = ""


def checkthat_2b_sentences(split: str) -> list[DebateSentence]:
    """The 2B sentences of `split` ("train" or "dev") whose transcript is on disk."""
    folder = _require(CHECKTHAT_2022_2B)
    name = {"train": "Train", "dev": "Dev"}[split]
    relevant = _relevant_ids(folder / f"CT2022-Task2B-EN-{name}_QRELs.tsv")
    with (folder / "CT2022-Task2B-EN-Train-Dev_Queries.tsv").open(encoding="utf-8", newline="") as handle:
        texts = {r[0]: r[1] for r in csv.reader(handle, delimiter="\t") if len(r) >= 2}
    transcripts: dict[str, list[list[str]]] = {}
    # Query ids and file names differ ("20160926_1pres" is
    # "20160926_first_presidential_debate.tsv"); the date is unique per transcript.
    files = {path.stem[:8]: path for path in (folder / "transcripts").glob("*.tsv")}
    sentences = []
    for query_id in sorted(relevant):
        if query_id not in texts:
            continue
        transcript, _, number = query_id.rpartition("_")
        if transcript not in transcripts:
            path = files.get(transcript[:8])
            transcripts[transcript] = []
            if path is not None:
                with path.open(encoding="utf-8", newline="") as handle:
                    transcripts[transcript] = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        lines = transcripts[transcript]
        index = next((i for i, row in enumerate(lines) if row and row[0] == number), None)
        speaker = lines[index][1] if index is not None and len(lines[index]) > 1 else ""
        before = tuple(row[2] for row in lines[max(0, (index or 0) - 3) : index or 0] if len(row) > 2)
        day = transcript[:8]
        sentences.append(DebateSentence(query_id, texts[query_id], frozenset(relevant[query_id]),
                                        speaker, before, f"{day[:4]}-{day[4:6]}-{day[6:]}"))
    return sentences
