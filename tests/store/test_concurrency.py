"""Several writers on one store: separate processes making verdict changes at the same
time lose nothing, and a writer that cannot get the store in time gets a StoreError
sentence (never a raw "database is locked") and can retry.

Run as a module, this file is the writer process the tests start:
    python -m tests.store.test_concurrency verdicts DB CHECKER COUNT GO_FILE CLAIM_ID...
    python -m tests.store.test_concurrency cli DB CHECKER COUNT GO_FILE CLAIM_ID...
    python -m tests.store.test_concurrency open DB GO_FILE
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

import store.connection as store_connection
from store import Store, StoreError
from store.models import VERDICTS, ArticleDraft, ClaimDraft
from tests.conftest import PROJECT_ROOT

CHANGES_PER_WRITER = 1000


def _seed_claims(store: Store, count: int) -> list[int]:
    sentences = [f"Claim {i} says {i * 7} homes were rebuilt." for i in range(count)]
    text = " ".join(sentences)
    drafts, start = [], 0
    for sentence in sentences:
        drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.9, True))
        start += len(sentence) + 1
    article_id, _ = store.add_article(ArticleDraft(title="Seed", text=text), drafts)
    return [c.id for c in store.claims_for_article(article_id)]


def _start_writer(db: Path, checker: str, count: int, go: Path, claim_ids: list[int]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.test_concurrency", "verdicts", str(db), checker,
         str(count), str(go), *map(str, claim_ids)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Slow (about 15 s: 2,000 verdict changes from two processes), so it runs with `make test-slow`.
@pytest.mark.slow
@pytest.mark.timeout(240)
def test_two_writer_processes_lose_no_verdict_change(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    seed = Store(db)
    claim_ids = _seed_claims(seed, 40)
    seed.close()
    go = tmp_path / "go"
    writers = [_start_writer(db, name, CHANGES_PER_WRITER, go, claim_ids) for name in ("ana", "ben")]
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=220)
        assert writer.returncode == 0, err
        assert out.strip() == "done", out

    s = Store(db)
    try:
        history = s.query("SELECT * FROM verdict_history ORDER BY id")
        assert len(history) == 2 * CHANGES_PER_WRITER
        for checker in ("ana", "ben"):
            notes = [h["note"] for h in history if h["checker"] == checker]
            # Every change of each writer is there, in the order it made them.
            assert notes == [f"{checker}-{i}" for i in range(CHANGES_PER_WRITER)]
        by_claim: dict[int, list[dict]] = defaultdict(list)
        for row in history:
            by_claim[row["claim_id"]].append(row)
        for claim_id, rows in by_claim.items():
            # Each change saw the one before it: no two writers read the same old state.
            previous = (None, "")
            for row in rows:
                assert (row["previous_verdict"], row["previous_note"]) == previous, claim_id
                previous = (row["verdict"], row["note"])
            # The current verdict is the last one in the history.
            claim = s.get_claim(claim_id)
            assert (claim.verdict, claim.note) == previous
            [current] = s.query("SELECT checker FROM verdicts WHERE claim_id = ?", [claim_id])
            assert current["checker"] == rows[-1]["checker"]
        # Both writers really interleaved on the shared claims.
        assert any(len({r["checker"] for r in rows}) == 2 for rows in by_claim.values())
        assert s.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    finally:
        s.close()


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_two_command_line_processes_lose_no_verdict(tmp_path: Path) -> None:
    """The same, through the `claimdesk verdict` entry point: each change opens the store,
    records one verdict and closes it, as a script calling the command line would.
    Slow (about 10 s: 2,000 store openings), so it runs with `make test-all`."""
    db = tmp_path / "cli.db"
    seed = Store(db)
    claim_ids = _seed_claims(seed, 10)
    seed.close()
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store.test_concurrency", "cli", str(db), name,
             str(CHANGES_PER_WRITER), str(go), *map(str, claim_ids)],
            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("ana", "ben")
    ]
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=220)
        assert writer.returncode == 0, err
        assert out.strip() == "done", out[-500:]
    s = Store(db)
    try:
        history = s.query("SELECT claim_id, verdict, note, checker FROM verdict_history ORDER BY id")
        assert len(history) == 2 * CHANGES_PER_WRITER
        for checker in ("ana", "ben"):
            assert [h["note"] for h in history if h["checker"] == checker] == [
                f"{checker}-{i}" for i in range(CHANGES_PER_WRITER)
            ]
        for claim_id in claim_ids:
            last = [h for h in history if h["claim_id"] == claim_id][-1]
            claim = s.get_claim(claim_id)
            assert (claim.verdict, claim.note) == (last["verdict"], last["note"])
    finally:
        s.close()


def _hold_write_lock(db: Path, release: threading.Event, held: threading.Event) -> None:
    """Another writer (as a second process would) holding the store's write lock."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE articles SET status = 'done'")
    held.set()
    release.wait(30)
    conn.execute("COMMIT")
    conn.close()


def test_writer_waits_for_a_short_lock(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    s = Store(db)
    [claim_id] = _seed_claims(s, 1)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db, release, held))
    holder.start()
    held.wait(10)
    threading.Timer(0.3, release.set).start()
    try:
        s.record_verdict(claim_id, "contested", checker="ana")  # waits, then succeeds
    finally:
        release.set()
        holder.join()
    assert s.get_claim(claim_id).verdict == "contested"
    assert s.get_article(1).status == "done"  # the other writer's change is kept too
    s.close()


def test_writer_blocked_past_the_timeout_gets_a_sentence_and_can_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "locked.db"
    Store(db).close()
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 200)  # the real one is 10 s
    s = Store(db)
    [claim_id] = _seed_claims(s, 1)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(db, release, held))
    holder.start()
    try:
        held.wait(10)
        with pytest.raises(StoreError) as raised:
            s.record_verdict(claim_id, "contested", checker="ana")
        message = str(raised.value)
        assert str(db) in message and "busy" in message and "\n" not in message
        assert s.get_claim(claim_id).verdict is None
        assert s.count("verdict_history") == 0
    finally:
        release.set()
        holder.join()
    # Nothing was half-written, and the same call succeeds once the store is free.
    s.record_verdict(claim_id, "contested", checker="ana")
    assert [h.verdict for h in s.verdict_history(claim_id)] == ["contested"]
    s.close()


def test_threads_sharing_one_store_serialise_their_writes(store: Store) -> None:
    claim_ids = _seed_claims(store, 5)
    errors: list[BaseException] = []

    def judge(checker: str) -> None:
        try:
            for i in range(100):
                store.record_verdict(claim_ids[i % 5], VERDICTS[i % 3], note=f"{checker}-{i}", checker=checker)
        except BaseException as exc:  # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=judge, args=(name,)) for name in ("t1", "t2", "t3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count("verdict_history") == 300


# Slow (about 15 s: six rounds of processes starting at once), so it runs with `make test-slow`.
@pytest.mark.slow
@pytest.mark.timeout(120)
def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    for round_number in range(6):
        db = tmp_path / f"new-{round_number}.db"
        go = tmp_path / f"go-{round_number}"
        openers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.store.test_concurrency", "open", str(db), str(go)],
                cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for _ in range(3)
        ]
        time.sleep(0.5)  # let every process start and wait on the go file
        go.touch()
        for opener in openers:
            out, err = opener.communicate(timeout=60)
            assert opener.returncode == 0, err
            assert out.strip() == "opened", out
        s = Store(db)
        assert s.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
        s.close()
    # The temporary files new stores are built in are gone.
    assert sorted(p.name for p in tmp_path.iterdir() if ".new" in p.name) == []


# -- the writer process --------------------------------------------------------


def _writer(db: str, checker: str, count: int, go: str, claim_ids: list[int]) -> None:
    s = Store(db)
    deadline = time.monotonic() + 30
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        s.record_verdict(
            claim_ids[i % len(claim_ids)], VERDICTS[i % len(VERDICTS)], note=f"{checker}-{i}", checker=checker
        )
    s.close()
    print("done", flush=True)


def _cli_writer(db: str, checker: str, count: int, go: str, claim_ids: list[int]) -> None:
    import contextlib
    import io

    from tui.cli import main

    deadline = time.monotonic() + 30
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        argv = ["verdict", str(claim_ids[i % len(claim_ids)]), VERDICTS[i % len(VERDICTS)],
                "--note", f"{checker}-{i}", "--checker", checker, "--db", db]
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        if code != 0:
            raise SystemExit(f"claimdesk {' '.join(argv)} exited with {code}")
    print("done", flush=True)


def _opener(db: str, go: str) -> None:
    deadline = time.monotonic() + 30
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    Store(db).close()
    print("opened", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "open":
        _opener(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "cli":
        _, db_arg, checker_arg, count_arg, go_arg, *ids = sys.argv[1:]
        _cli_writer(db_arg, checker_arg, int(count_arg), go_arg, [int(i) for i in ids])
    else:
        mode, db_arg, checker_arg, count_arg, go_arg, *ids = sys.argv[1:]
        assert mode == "verdicts"
        _writer(db_arg, checker_arg, int(count_arg), go_arg, [int(i) for i in ids])
