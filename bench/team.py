"""Several desks on one store: verdicts lost or overwritten unseen, key-to-store
latency, and how long one desk's verdict takes to reach the other desks' screens.

Run:  nice -n 10 .venv/bin/python bench/team.py [--desks 10] [--verdicts 200] [--seed 7]
      [--engine postgresql]   (also on a throwaway PostgreSQL server, after SQLite)
      [--pace reading|stress]  (reading, the default: each run of 200 verdicts takes about
                               7 minutes; stress: the keys as fast as the desks take them)

Wall-clock latencies need a quiet machine: each run prints the load average before and
after it, and the CPU seconds the desks (and the PostgreSQL server) spent, which hold on
a shared machine.

With `--engine postgresql` the same runs go first on an SQLite file (the baseline), then
on a database of a throwaway local server (tests/pgserver.py: Unix socket, fsync off).

Each desk is its own process running the real desk headless (`App.run_test`), opened on
one store file of 20 articles x 60 claims, as a checker of its own. It opens articles
and presses c/x/u on claims picked at random (desks overlap on purpose), answering "use
mine" when the desk shows a colleague's clash. Baseline, in the same run: one desk alone
giving the same number of verdicts.

Pace:
- reading (default): the cursor goes to the claim, the checker reads it for 1-3 s, then
  presses the verdict key: a fast checker. A verdict follows reading the claim (one
  sentence) and glancing at its matches beside it, which takes a second or more even
  when the match decides it; a checker who judges a claim every two seconds all day is
  fast. Ten such desks press about five keys a second between them, which the desks'
  own drawing on one machine keeps up with, so key to store measures the key and the
  store rather than the drawing of the claim the key was pressed on.
- stress: the verdict key right after the cursor move, then 0-50 ms to the next claim
  (the pace of the earlier runs). Ten desks then ask for more drawing than two cores
  give, and key to store mostly measures the wait for the CPU.

Figures:
- key to store: from the key press to the commit of its verdict (the change log's time);
- desk to desk: from that commit to the moment another desk's poll has applied it to the
  screen it shows (every other desk, every verdict);
- CPU: user + system seconds of the desk processes from "go" until their last verdict
  was stored, per verdict key (and in all, start-up included); on PostgreSQL also the
  server's for the whole run (its backends', counted when they exit);
- lost: presses with no verdict row and no clash shown; overwritten unseen: verdicts
  that replaced a colleague's verdict the checker's screen did not show (before the key,
  or when the desk handled it) and no clash dialog showed either.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARTICLES = 20
CLAIMS_PER_ARTICLE = 60
KEYS = {"c": "corroborated", "x": "contested", "u": "unverified"}
# Seconds a desk waits after a verdict key, drawn uniformly (see the docstring).
PACES = {"reading": (1.0, 3.0), "stress": (0.0, 0.05)}


def build_store(path: Path | str) -> None:
    from store import Store
    from store.models import ArticleDraft, Candidate, ClaimDraft, Match, ReferenceDraft

    store = Store(path)
    store.add_reference_claims([ReferenceDraft("A reference claim about the harbour.", source="Ref")])
    reference = store.get_candidate("reference", 1)
    for a in range(ARTICLES):
        sentences = [f"Claim {n} of report {a}: {n * 7 + a} boats reached the harbour on day {n}."
                     for n in range(CLAIMS_PER_ARTICLE)]
        text = f"Report {a}\n\n" + " ".join(sentences)
        drafts, start = [], len(f"Report {a}\n\n")
        for sentence in sentences:
            drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.8, True, ("has a number",)))
            start += len(sentence) + 1
        article_id, _ = store.add_article(ArticleDraft(title=f"Report {a}", text=text, source="Wire"), drafts)
        # Saved matches, so opening a claim does not start the matcher in every desk.
        store.save_many_matches([(c.id, [Match(reference, 10.0, {})])
                                 for c in store.claims_for_article(article_id)])
    store.close()


# -- one desk (a child process) -------------------------------------------------------------


async def run_desk(db: Path | str, index: int, verdicts: int, seed: int, folder: Path,
                   pace: str = "reading") -> dict:
    from store import Store
    from tui.app import ClaimdeskApp
    from tui.screens.article import ArticleScreen
    from tui.screens.conflict import ConflictScreen
    from tui.settings import Settings
    from tui.widgets.claim_list import ClaimList

    checker = f"desk{index}"
    arrivals: list[tuple[int, float, float]] = []  # change id, committed at, on screen at
    shown_at_key: list[tuple[int, str | None]] = []  # claim id, its verdict on screen

    class MeasuredDesk(ClaimdeskApp):
        # Textual reads CSS_PATH beside the module defining the class: the desk's own file.
        CSS_PATH = str(Path(sys.modules[ClaimdeskApp.__module__].__file__).parent / ClaimdeskApp.CSS_PATH)

        def record_verdict(self, claim_ids, verdict, offer_duplicates=False, seen=None) -> None:
            # What the screen showed when the key was handled: a colleague's verdict the
            # poll put on screen between the bench's look and the key counts as seen.
            for claim_id, shown in (seen or {}).items():
                shown_at_key.append((claim_id, shown))
            super().record_verdict(claim_ids, verdict, offer_duplicates, seen)

        def apply_remote_changes(self, batch) -> None:
            super().apply_remote_changes(batch)
            shown = time.time()
            arrivals.extend((c.id, c.at, shown) for c in batch.changes
                            if c.kind == "verdict" and c.checker != checker)

    store = Store(db)
    app = MeasuredDesk(store, Settings().with_checker(checker))
    rng = random.Random(seed * 1000 + index)
    presses: list[dict] = []
    clashes: list[dict] = []
    articles = [row["id"] for row in store.query("SELECT id FROM articles ORDER BY id")]
    async with app.run_test(size=(120, 40)) as pilot:
        (folder / f"ready-{index}").touch()
        while not (folder / "go").exists():
            await asyncio.sleep(0.05)
        cpu_at_go = time.process_time()

        async def answer_clashes() -> None:
            while isinstance(app.screen, ConflictScreen):
                for clash in app.screen.clashes:
                    clashes.append({"claim": clash.claim_id, "stored": clash.stored,
                                    "stored_by": clash.stored_by})
                await pilot.press("m")
                await pilot.pause()

        while len(presses) < verdicts:
            await answer_clashes()
            article_id = rng.choice(articles)
            if not (isinstance(app.screen, ArticleScreen) and app.screen.article_id == article_id):
                app.open_article(article_id)
                await pilot.pause()
            for _ in range(rng.randint(1, 5)):
                await answer_clashes()
                if len(presses) >= verdicts or not isinstance(app.screen, ArticleScreen):
                    break
                claim_list = app.screen.query_one(ClaimList)
                claim = claim_list.claims[rng.choice(claim_list.order)]
                claim_list.move_to_claim(claim.id)
                key = rng.choice(list(KEYS))
                wait = rng.uniform(*PACES[pace])
                if pace == "reading":  # the claim is on screen and read before the key
                    await asyncio.sleep(wait)
                    await answer_clashes()
                    if not isinstance(app.screen, ArticleScreen):
                        break
                    claim_list.move_to_claim(claim.id)  # where it was, unless a reload moved it
                seen = claim_list.claims[claim.id].verdict
                presses.append({"claim": claim.id, "key_at": time.time(), "verdict": KEYS[key],
                                "seen": seen})
                await pilot.press(key)
                if pace == "stress":
                    await asyncio.sleep(wait)
        while not app.writes_settled or isinstance(app.screen, ConflictScreen):
            await answer_clashes()
            await asyncio.sleep(0.01)
        cpu_working = time.process_time() - cpu_at_go
        (folder / f"done-{index}").touch()
        while not (folder / "stop").exists():
            await answer_clashes()
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # the last verdicts of the others reach this screen
    store.close()
    return {"checker": checker, "presses": presses, "clashes": clashes, "arrivals": arrivals,
            "shown_at_key": shown_at_key,
            "cpu_working": cpu_working}


def desk_main(args: argparse.Namespace) -> None:
    result = asyncio.run(run_desk(args.db, args.desk, args.verdicts, args.seed, Path(args.folder),
                                  args.pace))
    Path(args.folder, f"result-{args.desk}.json").write_text(json.dumps(result))


# -- the run (parent) ---------------------------------------------------------------------------


def run_team(folder: Path, desks: int, verdicts: int, seed: int,
             db: Path | str | None = None, pace: str = "reading") -> list[dict]:
    """The desks on `db` (a new SQLite file in `folder` when None)."""
    db = folder / "team.db" if db is None else db
    build_store(db)
    procs = [subprocess.Popen([sys.executable, __file__, "--desk", str(i), "--db", str(db),
                               "--verdicts", str(verdicts), "--seed", str(seed), "--folder", str(folder),
                               "--pace", pace])
             for i in range(desks)]
    wait_for(folder, "ready", desks, procs)
    (folder / "go").touch()
    started = time.perf_counter()
    wait_for(folder, "done", desks, procs)
    elapsed = time.perf_counter() - started
    (folder / "stop").touch()
    for proc in procs:
        if proc.wait(timeout=120) != 0:
            raise SystemExit(f"a desk process failed (exit {proc.returncode})")
    results = [json.loads((folder / f"result-{i}.json").read_text()) for i in range(desks)]
    return results, db, elapsed


def wait_for(folder: Path, stage: str, desks: int, procs: list) -> None:
    while sum((folder / f"{stage}-{i}").exists() for i in range(desks)) < desks:
        if any(p.poll() not in (None, 0) for p in procs):
            raise SystemExit(f"a desk process failed before '{stage}'")
        time.sleep(0.05)


def audit(results: list[dict], db: Path) -> dict:
    """Lost and unseen overwrites, and the latencies, from the press logs and the store."""
    from store import Store

    store = Store(db)
    changes = store.query("SELECT claim_id, checker, at FROM change_log WHERE kind = 'verdict' ORDER BY id")
    history = store.query("SELECT claim_id, checker, verdict, previous_verdict FROM verdict_history ORDER BY id")
    store.close()
    commits: dict[tuple[str, int], list[float]] = {}
    for row in changes:
        commits.setdefault((row["checker"], row["claim_id"]), []).append(row["at"])
    key_to_store, lost = [], 0
    for result in results:
        clashed = {(c["claim"]) for c in result["clashes"]}
        for press in result["presses"]:
            times = [t for t in commits.get((result["checker"], press["claim"]), []) if t >= press["key_at"] - 0.001]
            if times:
                key_to_store.append(times[0] - press["key_at"])
            elif press["claim"] not in clashed:
                lost += 1
    # Every verdict that replaced a colleague's must have been seen: on screen, or in a clash.
    seen_by: dict[tuple[str, int], set] = {}
    for result in results:
        for press in result["presses"]:
            seen_by.setdefault((result["checker"], press["claim"]), set()).add(press["seen"])
        for claim_id, shown in result["shown_at_key"]:
            seen_by.setdefault((result["checker"], claim_id), set()).add(shown)
        for clash in result["clashes"]:
            seen_by.setdefault((result["checker"], clash["claim"]), set()).add(clash["stored"])
    unseen, last_setter = 0, {}
    for row in history:
        before = last_setter.get(row["claim_id"])
        replaced_colleague = (before is not None and before != row["checker"]
                              and row["previous_verdict"] not in (None, row["verdict"]))
        if replaced_colleague and row["previous_verdict"] not in seen_by.get((row["checker"], row["claim_id"]), set()):
            unseen += 1
        last_setter[row["claim_id"]] = row["checker"]
    arrivals = [shown - at for r in results for _, at, shown in r["arrivals"]]
    return {"presses": sum(len(r["presses"]) for r in results),
            "verdict_rows": len(changes), "clashes": sum(len(r["clashes"]) for r in results),
            "lost": lost, "overwritten_unseen": unseen,
            "key_to_store": key_to_store, "desk_to_desk": arrivals}


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    ms = sorted(v * 1000 for v in values)
    return (f"{name}: median {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
            f"max {ms[-1]:.0f} ms (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--verdicts", type=int, default=200, help="verdicts per desk")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: SQLite first as the baseline, then PostgreSQL")
    parser.add_argument("--pace", choices=tuple(PACES), default="reading",
                        help="reading: 1-3 s on a claim before its key (default); "
                             "stress: the key at once, 0-50 ms to the next claim")
    parser.add_argument("--desk", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.desk is not None:
        desk_main(args)
        return
    engines = ["sqlite"] if args.engine == "sqlite" else ["sqlite", "postgresql"]
    server = None
    if "postgresql" in engines:
        from tests.pgserver import HOW_TO_GET, PostgresServer, find_binaries

        binaries = find_binaries()
        if binaries is None:
            raise SystemExit(HOW_TO_GET)
        server = PostgresServer(binaries)
    try:
        for engine in engines:
            print(f"-- {engine}, {args.pace} pace", flush=True)
            for label, desks in (("baseline: 1 desk alone", 1), (f"{args.desks} desks", args.desks)):
                run_once(label, desks, args, server if engine == "postgresql" else None)
    finally:
        if server is not None:
            server.stop()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu(server) -> float:
    return 0.0 if server is None else server.ended_backends_cpu()


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_once(label: str, desks: int, args: argparse.Namespace, server) -> None:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="claimdesk-team-") as tmp:
        url = server.new_database() if server is not None else None
        cpu_before, server_before = children_cpu(), server_cpu(server)
        results, db, elapsed = run_team(Path(tmp), desks, args.verdicts, args.seed, url, args.pace)
        desk_cpu = children_cpu() - cpu_before
        figures = audit(results, db)
        if server is not None:
            server.drop_database(url)  # ends the last backends, so their CPU is counted
            time.sleep(0.5)  # once the server has reaped them
        spent_by_server = server_cpu(server) - server_before
    print(f"{label}: {figures['presses']} verdict keys in {elapsed:.1f} s, "
          f"{figures['verdict_rows']} verdicts stored, {figures['clashes']} clashes shown, "
          f"{figures['lost']} lost, {figures['overwritten_unseen']} overwritten unseen", flush=True)
    working = sum(r["cpu_working"] for r in results)
    per_key = 1000 * working / max(1, figures["presses"])
    server_part = (f"; server {spent_by_server:.1f} s" if server is not None else "")
    print(f"  CPU: desks {per_key:.0f} ms a verdict key while working ({desk_cpu:.1f} s in all)"
          f"{server_part}; load average before {load_before}, after {load_average()}", flush=True)
    print("  " + describe("key to store", figures["key_to_store"]), flush=True)
    if desks > 1:
        print("  " + describe("desk to desk (commit to the other screens)", figures["desk_to_desk"]),
              flush=True)


if __name__ == "__main__":
    main()
