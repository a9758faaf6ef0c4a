"""Report writing speed: every format over 10,000 verdict records, against `json.dumps`
of the same records measured in the same run.

Run from the project root:  .venv/bin/python bench/reports.py [--records 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import reports  # noqa: E402
from store.models import VerdictRecord  # noqa: E402
from timing import median, p95, timed  # noqa: E402

VERDICT_CYCLE = ("corroborated", "contested", "unverified")


def make_records(count: int) -> list[VerdictRecord]:
    return [
        VerdictRecord(
            claim_id=i, claim_text=f"Claim {i}: officials said 1,{i % 1000:03d} troops moved on day {i % 31}.",
            verdict=VERDICT_CYCLE[i % 3], note=f"Checked against source {i % 17}.", checker=f"checker{i % 5}",
            at="2024-05-01T10:00:00+00:00", article_id=i // 20, article_title=f"Article {i // 20}",
            article_url=f"https://news.example/{i // 20}", article_source=f"Outlet {i % 7}",
            article_published="2024-04-30", best_match_text=f"Earlier claim {i}", best_match_source="Checker",
            best_match_url=f"https://check.example/{i}", best_match_rating="False", best_match_score=71.5,
            evidence=(f"https://evidence.example/{i}",), corroborating_sources=i % 3, earliest_seen="2024-04-01",
        )
        for i in range(count)
    ]


def median_and_p95(fn, runs: int) -> tuple[float, float]:
    times = timed(fn, runs)
    return median(times), p95(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    records = make_records(args.records)
    options = reports.ReportOptions(base_url="https://desk.example/reviews", include_unverified=True)
    base, base_p95 = median_and_p95(lambda: json.dumps([dataclasses.asdict(r) for r in records]), args.runs)
    print(f"{args.records:,} records, {args.runs} runs")
    print(f"{'format':24} {'median ms':>10} {'p95 ms':>10} {'x base':>8}")
    print(f"{'json.dumps (baseline)':24} {base * 1000:10.0f} {base_p95 * 1000:10.0f} {1.0:8.1f}")
    for fmt in reports.FORMATS:
        median_s, p95_s = median_and_p95(lambda: reports.write_report(records, fmt, io.StringIO(), options), args.runs)
        print(f"{fmt:24} {median_s * 1000:10.0f} {p95_s * 1000:10.0f} {median_s / base:8.1f}")


if __name__ == "__main__":
    main()
