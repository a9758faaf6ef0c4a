"""CPU per match call of two checkouts, alternated claim by claim on the same store.

Run from the project root, with another checkout (main, say) exported somewhere:
    git archive main | tar -x -C /tmp/main-code
    .venv/bin/python bench/alternate_matching.py /tmp/main-code --store DIR/bench-1000000.db
    .venv/bin/python bench/alternate_matching.py /tmp/main-code --store DIR/bench-1000000.db --no-semantic
    .venv/bin/python bench/alternate_matching.py /tmp/main-code --store DIR/bench-1000000.db --with-gc

The store is one `bench/matching.py --speed --store DIR` keeps. Each checkout runs in its
own process (this venv, its own code first on the path), holding the store; each fresh
claim (a stored claim with 20-40% of its words dropped or replaced, as the speed bench
makes them) goes to both, which goes first alternating, through
`operations.find_matches` with its defaults (what `claimdesk match` runs). The first
`--warm` claims fill the term counts and are not counted. Printed: each side's CPU mean,
p50 and p95 per claim (the other checkout is the baseline), the paired difference (mean
with its standard error, median), and how many claims' results (matches with unrounded
scores and explanations, suggestion, corroboration) differ between the two.

On a shared machine this resolves about 0.1 ms where two separate bench runs differ by
1-2 ms. The collector is off during each call and run between calls (`--with-gc` leaves
it on): a full collection lands on different claims in the two processes, which made
the paired differences several times noisier.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", help="the other checkout's folder (the baseline)")
    parser.add_argument("--store", required=True, help="a store of `bench/matching.py --speed`")
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--with-gc", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    claims = fresh_claims(args.store, args.claims + args.warm, args.seed)
    sides = [start(Path(args.other).resolve(), args), start(ROOT, args)]
    cpu: tuple[list[float], list[float]] = ([], [])
    differing = 0
    for n, claim in enumerate(claims):
        answers = {}
        for side in ((0, 1) if n % 2 == 0 else (1, 0)):
            sides[side].stdin.write(json.dumps(claim) + "\n")
            sides[side].stdin.flush()
            answers[side] = json.loads(sides[side].stdout.readline())
        if n < args.warm:
            continue
        for side in (0, 1):
            cpu[side].append(answers[side][0] * 1000)
        differing += answers[0][1] != answers[1][1]
    for side in sides:
        side.stdin.close()
        side.wait()
    difference = [b - a for a, b in zip(*cpu)]
    print(f"{len(difference)} claims, semantic stage {'off' if args.no_semantic else 'on'}, "
          f"collector {'on' if args.with_gc else 'off during calls'}; CPU ms a claim:")
    for label, values in ((f"baseline {args.other}", cpu[0]), ("this checkout", cpu[1])):
        print(f"  {label:<40} mean {statistics.mean(values):6.2f} p50 {percentile(values, 0.5):6.2f} "
              f"p95 {percentile(values, 0.95):6.2f}")
    print(f"  this - baseline: mean {statistics.mean(difference):+.2f} "
          f"± {statistics.stdev(difference) / len(difference) ** 0.5:.2f}, median "
          f"{statistics.median(difference):+.2f}; results differing: {differing}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_claims(store: str, count: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from _data import liar_statements, perturb

    vocabulary = sorted({w for s in liar_statements()[:3000] for w in s.text.split()})
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    total = connection.execute("SELECT max(id) FROM reference_claims").fetchone()[0]
    rng = random.Random(seed)
    ids = rng.sample(range(1, total + 1), count)
    texts = dict(connection.execute(
        f"SELECT id, text FROM reference_claims WHERE id IN ({', '.join('?' for _ in ids)})", ids))
    connection.close()
    return [perturb(texts[i], rng, vocabulary) for i in ids if i in texts]


def start(checkout: Path, args: argparse.Namespace) -> subprocess.Popen:
    command = [sys.executable, str(ROOT / "bench" / "alternate_matching.py"), str(checkout),
               "--store", args.store, "--worker", str(checkout)]
    command += ["--no-semantic"] * args.no_semantic + ["--with-gc"] * args.with_gc
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if process.stdout.readline().strip() != "ready":
        raise SystemExit(f"The worker for {checkout} did not start.")
    return process


def worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, args.worker)
    import matchers
    import operations
    from store import Store

    store = Store(Path(args.store))
    if not args.no_semantic:
        from matchers import semantic

        semantic.load_model()
    if not args.with_gc:
        gc.disable()
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.process_time()
        found = operations.find_matches(store, json.loads(line), semantic=not args.no_semantic)
        seconds = time.process_time() - started
        suggestion, corroboration = matchers.suggest_verdict(found), matchers.corroboration(found)
        result = json.dumps({
            "matches": [[m.candidate.kind, m.candidate.id, repr(m.score), m.rank_bonus, m.explanation]
                        for m in found],
            "suggested": [suggestion.verdict, suggestion.because,
                          suggestion.match.candidate.id if suggestion.match else None],
            "corroboration": [corroboration.agree, corroboration.dispute, corroboration.first_seen],
        }, sort_keys=True, default=repr)
        print(json.dumps([seconds, result]), flush=True)
        if not args.with_gc:
            gc.collect(0)


if __name__ == "__main__":
    main()
