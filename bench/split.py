"""Sentence-splitting and cleaning speed, against a naive regex split measured in the same run.

Run from the project root:
    .venv/bin/python bench/split.py [--repeat N]

Inputs: the sample article (../shared/seeds/sample-article.txt, skipped when absent), a 1 MB
and a 10 MB article (`make_article`), and a 200,000-character run without punctuation. For each it prints the median and
p95 of `sentence_spans`, of the whole `split_claims` (splitting plus scoring), of cleaning plus
splitting without and with scoring (`extract_article` + `sentence_spans` / `split_claims`), and of the baseline `re.split(r"(?<=[.!?])\\s+")`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import extract_article, split_claims  # noqa: E402
from ingest.split import sentence_spans  # noqa: E402
from timing import p95, timed  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "seeds" / "sample-article.txt"
DATA = ROOT.parent / "shared" / "data"
# Statements as fact-checking articles word them: the Snopes and PolitiFact claim collections of
# CheckThat! 2022 task 2 (search corpora, not query splits), read in place, never copied.
SNOPES = DATA / "clef2022-checkthat-2a-en" / "vclaims.jsonl"
POLITIFACT = DATA / "clef2022-checkthat-2b-en" / "politifact-vclaims.jsonl"
_NAIVE = re.compile(r"(?<=[.!?])\s+")

_PARAGRAPHS = [
    "On Jan. 11, the U.S. Senate voted 52-48 to pass the bill, which costs $3.5 billion, according to Dr. Smith of Acme Inc. "
    "Officials said the measure would raise 1,200 jobs by 2025. \"Is it enough?\" asked Sen. J. K. Jones at 9 a.m.",
    "Clashes were reported near Abu al-Duhur, where al-Qaeda fighters killed at least 15 troops... The army denied it. "
    "Prices rose 3.5% in 2022, the largest increase since 2009 (the previous record was 3.1%).",
    "Key facts:\n- Wages fell 2% last year\n- Rents doubled since 2010\n1. The council met on Monday\n2. It approved the plan",
    "中文句子。第二句！ The family 👨‍👩‍👧 arrived on Monday. I think this is a great day for everyone!",
]


def article_sentences() -> list[str]:
    """Real, varied sentences in a fixed shuffled order: each Snopes claim and its article's
    subtitle, each PolitiFact claim; empty when the collections are absent."""
    sentences: list[str] = []
    for path, fields in ((SNOPES, ("vclaim", "subtitle")), (POLITIFACT, ("vclaim",))):
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                for field in fields:
                    text = " ".join((row.get(field) or "").split())
                    if not text or text.startswith("Rumor:"):  # Snopes' old subtitles repeat the claim
                        continue
                    # Headline-like claims lack a full stop; without one two sentences would run together.
                    sentences.append(text if text[-1] in ".!?\"”')" else text + ".")
    random.Random(2022).shuffle(sentences)
    return sentences


def make_article(size: int) -> str:
    """`size` characters of article text: paragraphs of 2 to 6 real sentences
    (`article_sentences`, each used once before any repeats; 1 MB holds about 8,000 of their
    33,000), and every 20th paragraph one of `_PARAGRAPHS` (abbreviations, lists, other
    scripts) for the splitter's hard cases. Without the shared data, `_PARAGRAPHS` repeated:
    15 sentences, which flatters anything that caches by text."""
    sentences = article_sentences()
    rng = random.Random(7)
    parts, total, used, i = [], 0, 0, 0
    while total < size:
        if sentences and i % 20 != 19:
            count = rng.randint(2, 6)
            paragraph = " ".join(sentences[(used + k) % len(sentences)] for k in range(count))
            used += count
        else:
            paragraph = _PARAGRAPHS[i % len(_PARAGRAPHS)]
        parts.append(paragraph)
        total += len(paragraph) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def describe_article() -> str:
    return ("real Snopes and PolitiFact claim sentences, varied" if article_sentences()
            else "15 synthetic sentences repeated (the shared claim collections are absent)")


def clean_and_split_only(text: str) -> None:
    article = extract_article(text, name="bench", kind="text")
    sentence_spans(article.text)


def clean_and_split(text: str) -> None:
    article = extract_article(text, name="bench", kind="text")
    split_claims(article.text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args()
    inputs = []
    if SAMPLE.exists():
        inputs.append(("sample article", SAMPLE.read_text(encoding="utf-8"), args.repeat * 20))
    else:
        print(f"(sample article skipped: {SAMPLE} is absent)")
    inputs.append(("1 MB article", make_article(1_000_000), args.repeat))
    inputs.append(("10 MB article", make_article(10_000_000), max(1, args.repeat // 2)))
    inputs.append(("200,000 chars, no punctuation", "word " * 40_000, args.repeat))
    print(f"{'input':32} {'what':30} {'median s':>10} {'p95 s':>10} {'x naive':>8}")
    for label, text, repeat in inputs:
        naive = timed(_NAIVE.split, repeat, text)
        base = statistics.median(naive)
        rows = [
            ("naive regex split", naive),
            ("sentence_spans", timed(sentence_spans, repeat, text)),
            ("split_claims (split+score)", timed(split_claims, repeat, text)),
            ("extract_article+sentence_spans", timed(clean_and_split_only, repeat, text)),
            ("extract_article+split_claims", timed(clean_and_split, repeat, text)),
        ]
        for what, times in rows:
            median = statistics.median(times)
            print(f"{label:32} {what:30} {median:10.4f} {p95(times):10.4f} {median / base if base else 0:8.1f}")
        spans = sentence_spans(text)
        longest = max((e - s for s, e in spans), default=0)
        print(f"{label:32} {len(spans)} sentences, longest {longest} chars")


if __name__ == "__main__":
    main()
