"""Transcript reading speed: a debate read with its speakers, against plain line splitting.

Run from the project root:
    .venv/bin/python bench/transcripts.py [--repeat N]

Inputs: the CheckThat! 2020 task 5 train transcripts (../shared/data/, read in place;
skipped when absent), each written "SPEAKER: words" a line, as `claimdesk ingest --lines`
reads them: the longest one (2,216 lines) and all 50 joined (42,776 lines, 3.3 MB).
For each it prints the median and p95 seconds of
- `line_claims`: speakers, roles, repeats and sweeping claims (`ingest --lines`);
- `speech_claims`: the same with each turn split into sentences (`ingest --transcript`);
- the baseline `split_claims(text, lines=True)`: every line scored as a sentence, no speakers,
and the ratio of each median to the baseline's, all measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import p95, timed  # noqa: E402

from ingest.claims import line_claims, speech_claims, split_claims  # noqa: E402

CT20 = ROOT.parent / "shared" / "data" / "clef2020-checkthat-task5-debates" / "train"


def transcript_text(path: Path) -> str:
    """A CheckThat! 2020 transcript (line number, speaker, text, label) as "SPEAKER: text" lines."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [fields for fields in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(fields) >= 4]
    return "".join(f"{speaker}: {text}\n" for _, speaker, text, _ in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (default 5; 2 for all 50 joined)")
    args = parser.parse_args()
    if not CT20.is_dir():
        print(f"Skipped: the public data folder {CT20} is absent.")
        return
    texts = {path.stem: transcript_text(path) for path in sorted(CT20.glob("*.tsv"))}
    longest = max(texts, key=lambda name: texts[name].count("\n"))
    inputs = [(f"{longest} ({texts[longest].count(chr(10)):,} lines)", texts[longest], args.repeat)]
    joined = "".join(texts.values())
    inputs.append((f"all {len(texts)} joined ({joined.count(chr(10)):,} lines, {len(joined.encode()) / 1e6:.1f} MB)",
                   joined, max(1, args.repeat // 2)))
    print(f"{'input':52} {'reader':40} {'median s':>9} {'p95 s':>7} {'x base':>7}")
    for label, text, runs in inputs:
        base = timed(lambda t: split_claims(t, lines=True), runs, text)
        for name, times in [
            ("split_claims(lines=True) (baseline)", base),
            ("line_claims (ingest --lines)", timed(line_claims, runs, text)),
            ("speech_claims (ingest --transcript)", timed(speech_claims, runs, text)),
        ]:
            median = statistics.median(times)
            print(f"{label:52} {name:40} {median:9.3f} {p95(times):7.3f} {median / statistics.median(base):7.2f}")


if __name__ == "__main__":
    main()
