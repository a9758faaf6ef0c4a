"""Importing a large JSON Lines file of reference claims through the `claimdesk import`
command, against a baseline measured in the same run.

Run from the project root:
    .venv/bin/python bench/importing.py [--claims 1000000] [--repeat 1] [--keep DIR]
        [--engine postgresql]   (into databases of a throwaway PostgreSQL server instead)
        [--articles 600]        (article claims stored first, for the re-matching stage)

Inputs: two files of `--claims` reference claims each (1M: about 210 MB each), made from
the statements and ratings of LIAR's train split (../shared/data/liar) with one word of
each statement replaced at random, so that no two rows are the same claim; `--keep DIR`
keeps them there for the next run. Each run is a fresh process of the command line
(`tui.cli.main`, what the `claimdesk` script runs) with its default settings:

1. baseline: a process that reads the first file and `json.loads` each line (the floor
   of any JSON Lines import in Python);
2. `claimdesk import FIRST` into an empty store;
3. `claimdesk import SECOND` into that store, which then holds `--claims` claims;
4. `claimdesk import FIRST` again: every row a duplicate.

For each it prints the median and p95 over `--repeat` runs of the wall time and of the
claims per second, the process's CPU seconds (and claims per CPU second, the steadier
figure on a loaded machine) and its peak resident memory (VmHWM), and
the ratio of its median time to the baseline's; for an import that adds claims, also the
same until the command prints how many it added (after that it embeds the new claims for
semantic matching and re-matches the stored claims they may match), and each stage's wall
and CPU seconds (storing, embedding, re-matching; timed inside the command). The machine's
load average is printed first: on a shared machine, wall time follows it (CPU seconds much
less so).

With `--articles N` each store first holds N check-worthy article claims (LIAR train
statements, ten to an article, stored directly), so that the command's last stage
re-matches up to 500 of them against the new claims, as on a desk's store; by default
the store holds none and that stage has nothing to do.

With `--engine postgresql` each import goes into a new database of a throwaway local
server (tests/pgserver.py: Unix socket, fsync off), and each line is followed by the
server's CPU seconds for that command and the claims per CPU second of command and
server together (the server parses and indexes the text, which SQLite does in-process);
the stages' server CPU is read from /proc at each stage's end (all the server's
processes, autovacuum included).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._data import LIAR, DatasetMissing, _require  # noqa: E402

# Runs the command line, then reports its peak resident memory and CPU seconds on stderr,
# and where each stage ended (wall and CPU seconds since the start, and the server's CPU
# seconds then, when BENCH_SERVER_DATA names a local server's data folder).
MEASURED = (
    "import os, resource, sys, time\n"
    "from pathlib import Path\n"
    "started = time.perf_counter()\n"
    "def server_cpu():\n"
    "    data = os.environ.get('BENCH_SERVER_DATA')\n"
    "    if not data:\n"
    "        return 0.0\n"
    "    tick = os.sysconf('SC_CLK_TCK')\n"
    "    pid = (Path(data) / 'postmaster.pid').read_text().split()[0]\n"
    "    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()\n"
    "    total = sum(int(f) for f in fields[11:15])\n"
    "    for child in Path(f'/proc/{pid}/task/{pid}/children').read_text().split():\n"
    "        try:\n"
    "            fields = Path(f'/proc/{child}/stat').read_text().rsplit(')', 1)[1].split()\n"
    "        except OSError:\n"
    "            continue\n"
    "        total += int(fields[11]) + int(fields[12])\n"
    "    return total / tick\n"
    "marks = [f'start:0:0:{server_cpu()}']\n"
    "import operations\n"
    "def timed(stage, function):\n"
    "    def run(*args, **kwargs):\n"
    "        try:\n"
    "            return function(*args, **kwargs)\n"
    "        finally:\n"
    "            marks.append(f'{stage}:{time.perf_counter() - started}:{time.process_time()}:{server_cpu()}')\n"
    "    return run\n"
    "for stage, name in (('storing', 'import_references'), ('embedding', 'embed_references'),\n"
    "                    ('re-matching', 'rematch_after_references')):\n"
    "    setattr(operations, name, timed(stage, getattr(operations, name)))\n"
    "from tui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "peak = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "stored = next((m.split(':')[2] for m in marks if m.startswith('storing:')), '0')\n"
    "sys.stderr.write(f'MEASURED {peak} {usage.ru_utime + usage.ru_stime} {stored} {\" \".join(marks)}\\n')\n"
    "sys.exit(code)\n"
)
BASELINE = (
    "import json, resource, sys\n"
    "count = 0\n"
    "with open(sys.argv[1], encoding='utf-8') as handle:\n"
    "    for line in handle:\n"
    "        json.loads(line)\n"
    "        count += 1\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "peak = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "sys.stderr.write(f'MEASURED {peak} {usage.ru_utime + usage.ru_stime} 0\\n')\n"
)


def liar_train() -> list[tuple[list[str], str]]:
    path = _require(LIAR) / "train.tsv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 14 and row[2].strip():
                rows.append((row[2].split(), row[1]))
    return rows


def write_claims(path: Path, count: int, seed: int, statements: list[tuple[list[str], str]]) -> None:
    """`count` JSON Lines rows: a LIAR statement with one word replaced, its rating, a URL."""
    if path.exists():
        return
    rng = random.Random(seed)
    vocabulary = sorted({w for words, _ in statements for w in words})
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as handle:
        for i in range(count):
            words, label = statements[rng.randrange(len(statements))]
            words = list(words)
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
            row = {"text": " ".join(words), "source": "PolitiFact",
                   "url": f"https://www.politifact.com/f/{seed}-{i}", "rating": label}
            handle.write(json.dumps(row) + "\n")
    partial.rename(path)


def add_articles(db: str, count: int, statements: list[tuple[list[str], str]]) -> None:
    """`count` check-worthy claims in articles of ten, stored as ingest would leave them."""
    from store import Store
    from store.models import ArticleDraft, ClaimDraft

    rng = random.Random(3)
    store = Store(db)
    try:
        for number in range(0, count, 10):
            sentences = [" ".join(rng.choice(statements)[0]) for _ in range(min(10, count - number))]
            claims, start = [], 0
            for sentence in sentences:
                claims.append(ClaimDraft(sentence, start, start + len(sentence), 0.9, True))
                start += len(sentence) + 1
            store.add_article(ArticleDraft(title=f"Article {number // 10}", text=" ".join(sentences),
                                           source="bench", url=f"https://bench.example/{number // 10}"),
                              claims)
    finally:
        store.close()


STAGES = ("storing", "embedding", "re-matching")


def measured(argv: list[str], server=None) -> tuple[float, float, int, str, float, float, float, dict]:
    """(wall seconds, CPU seconds, peak RSS in bytes, the "N added" line, wall seconds
    until that line, CPU seconds until then, the server's CPU seconds, and for each
    stage that ran its (wall, CPU, server CPU) seconds) of one process."""
    server_before = server.ended_backends_cpu() if server is not None else 0.0
    env = dict(os.environ)
    if server is not None:
        env["BENCH_SERVER_DATA"] = str(server.data)
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    summary, stored = "", 0.0
    for line in process.stdout:  # type: ignore[union-attr]
        if " added, " in line and not summary:
            summary, stored = line.strip(), time.perf_counter() - started
    err = process.stderr.read()  # type: ignore[union-attr]
    process.wait()
    wall = time.perf_counter() - started
    lines = err.splitlines()
    if process.returncode != 0 or not lines or not lines[-1].startswith("MEASURED "):
        raise SystemExit(f"{' '.join(argv[3:])} failed ({process.returncode}): {err[-2000:]}")
    _, peak_kb, cpu, cpu_stored, *marks = lines[-1].split()
    stages, last = {}, None
    for mark in marks:
        stage, *figures = mark.split(":")
        now = tuple(float(f) for f in figures)
        if last is not None:
            stages[stage] = tuple(b - a for a, b in zip(last, now))
        last = now
    # The command's backend has exited with it, so its CPU is counted once reaped.
    if server is not None:
        time.sleep(0.5)
    server_seconds = server.ended_backends_cpu() - server_before if server is not None else 0.0
    return (wall, float(cpu), int(peak_kb) * 1024, summary, stored or wall,
            float(cpu_stored) or float(cpu), server_seconds, stages)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, claims: int, runs: list[tuple], base: float, server=None) -> None:
    """The whole command, then the import alone (until it prints what it added: the
    claims are searchable from then on)."""
    _line(label, claims, [r[0] for r in runs], [r[1] for r in runs], runs, base)
    if server is not None:
        server_cpu = statistics.median(r[6] for r in runs)
        both = statistics.median(r[1] + r[6] for r in runs)
        print(f"  server CPU s {server_cpu:.1f} (whole command); claims per CPU s of command "
              f"and server: {claims / both:,.0f}", flush=True)
    if any(r[4] < r[0] for r in runs):
        _line("  of which storing (to searchable)", claims, [r[4] for r in runs],
              [r[5] for r in runs], runs, base)
    parts = []
    for stage in STAGES:
        figures = [r[7][stage] for r in runs if stage in r[7]]
        if figures:
            wall, cpu, server_cpu = (statistics.median(f[i] for f in figures) for i in range(3))
            parts.append(f"{stage} {wall:.1f} / {cpu:.1f}" + (f" / {server_cpu:.1f}" if server else ""))
    if parts:
        what = "wall / CPU / server CPU s" if server else "wall / CPU s"
        print(f"  stages ({what}): {', '.join(parts)}", flush=True)


def _line(label: str, claims: int, walls: list[float], cpus: list[float], runs: list,
          base: float) -> None:
    median = statistics.median(walls)
    cpu = statistics.median(cpus)
    print(f"{label:38} {median:8.1f} {p95(walls):8.1f} {claims / median:>10,.0f} "
          f"{claims / p95(walls):>10,.0f} {cpu:8.1f} {claims / cpu:>10,.0f} "
          f"{max(r[2] for r in runs) / 2**20:8.0f} {median / base:6.1f}   {runs[-1][3]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--articles", type=int, default=0,
                        help="check-worthy article claims stored before the first import")
    args = parser.parse_args()
    server = None
    if args.engine == "postgresql":
        from tests.pgserver import HOW_TO_GET, PostgresServer, find_binaries

        binaries = find_binaries()
        if binaries is None:
            raise SystemExit(HOW_TO_GET)
        server = PostgresServer(binaries)
    try:
        run(args, server)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace, server) -> None:
    try:
        statements = liar_train()
    except DatasetMissing as exc:
        raise SystemExit(str(exc)) from None
    folder = tempfile.TemporaryDirectory()
    data = args.keep or Path(folder.name)
    data.mkdir(parents=True, exist_ok=True)
    first, second = data / f"claims-{args.claims}-a.jsonl", data / f"claims-{args.claims}-b.jsonl"
    for path, seed in ((first, 1), (second, 2)):
        write_claims(path, args.claims, seed, statements)
    size_mb = first.stat().st_size / 1e6
    print(f"{args.claims:,} claims per file ({size_mb:.0f} MB), {args.engine}, "
          f"{args.articles:,} article claims; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    print(f"{'':38} {'median s':>8} {'p95 s':>8} {'claims/s':>10} {'p95 c/s':>10} "
          f"{'CPU s':>8} {'c/CPU s':>10} {'peak MB':>8} {'ratio':>6}   output")
    python = sys.executable
    cli = [python, "-u", "-c", MEASURED]
    baseline = [measured([python, "-c", BASELINE, str(first)]) for _ in range(args.repeat)]
    base = statistics.median(r[0] for r in baseline)
    report("baseline: read + json.loads each line", args.claims, baseline, base)
    empty, full, again = [], [], []
    with tempfile.TemporaryDirectory() as stores:
        for number in range(args.repeat):
            db = server.new_database() if server is not None else str(Path(stores) / f"bench-{number}.db")
            if args.articles:
                add_articles(db, args.articles, statements)
            empty.append(measured([*cli, "import", str(first), "--db", db], server))
            full.append(measured([*cli, "import", str(second), "--db", db], server))
            again.append(measured([*cli, "import", str(first), "--db", db], server))
            if server is not None:
                server.drop_database(db)
                continue
            for suffix in ("", "-wal", "-shm"):
                Path(db + suffix).unlink(missing_ok=True)
    report("import into an empty store", args.claims, empty, base, server)
    report(f"import into a store of {args.claims:,}", args.claims, full, base, server)
    report("import again (all duplicates)", args.claims, again, base, server)
    folder.cleanup()


if __name__ == "__main__":
    main()
