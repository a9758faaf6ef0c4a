"""Crashes and full disks: a writer killed with SIGKILL in the middle of a large import, an
article with thousands of claims, a bulk verdict or an upgrade leaves a store that opens,
passes `PRAGMA integrity_check`, keeps every earlier commit and holds the interrupted batch
wholly or not at all. A full disk is a StoreError sentence and changes nothing.

Run as a module, this file is the writer process the tests kill:
    python -m tests.store.test_crash MODE DB PAUSE
MODE is import, article, verdicts or upgrade; with PAUSE=1 the writer stops inside the
batch's transaction (so the kill surely lands there), with PAUSE=0 it keeps writing.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store, StoreError
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft
from store.schema import SCHEMA_VERSION
from tests.conftest import FIXTURES, PROJECT_ROOT

EARLY_COMMITS = 20
IMPORT_SIZE = 100_000
ARTICLE_CLAIMS = 20_000
BULK_CLAIMS = 8_000
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


@pytest.fixture
def store(tmp_path: Path):
    """Crashes and full disks are the SQLite file's: these tests use that engine only
    (PostgreSQL's server keeps its own files; see test_postgres.py)."""
    s = Store(tmp_path / "claimdesk.db")
    yield s
    s.close()


# -- checks ---------------------------------------------------------------------


def _check_consistent(s: Store) -> None:
    assert s.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert s.query("PRAGMA foreign_key_check") == []
    fts_tables = [r["name"] for r in s.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")]
    assert {"claims_fts", "reference_claims_fts"} <= set(fts_tables)
    for fts in fts_tables:
        # FTS5's own check that the index matches its content table.
        with s.write() as conn:
            # rank = 1: also compare the index with its external content table.
            conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
    orphans = s.query("SELECT count(*) AS n FROM claims WHERE article_id NOT IN (SELECT id FROM articles)")
    assert orphans == [{"n": 0}]


def _run_until_inside(mode: str, db: Path, pause: bool) -> list[str]:
    """Start a writer, read its progress until it reports being inside the big
    transaction, SIGKILL it there; returns the lines it printed."""
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store.test_crash", mode, str(db), "1" if pause else "0"],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        for line in writer.stdout:  # type: ignore[union-attr]
            lines.append(line.strip())
            if line.startswith("inside"):
                break
        os.kill(writer.pid, signal.SIGKILL)
        _, err = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL, err
    assert lines and lines[-1].startswith("inside"), (lines, err)
    return lines


def _seed_article(s: Store, claim_count: int, title: str = "Seed") -> list[int]:
    sentences = [f"{title} claim {i} says {i * 3} schools reopened." for i in range(claim_count)]
    drafts, start = [], 0
    for sentence in sentences:
        drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.8, True))
        start += len(sentence) + 1
    article_id, _ = s.add_article(ArticleDraft(title=title, text=" ".join(sentences)), drafts)
    return [c.id for c in s.claims_for_article(article_id)]


# -- the tests --------------------------------------------------------------------


@pytest.mark.timeout(120)
@pytest.mark.parametrize("pause", [True, False], ids=["paused", "writing"])
def test_kill_during_a_large_reference_import(tmp_path: Path, pause: bool) -> None:
    db = tmp_path / "import.db"
    Store(db).close()
    lines = _run_until_inside("import", db, pause)
    assert lines.count("committed") == EARLY_COMMITS
    s = Store(db)
    try:
        _check_consistent(s)
        stored = s.count("reference_claims")
        # Every earlier commit is there; the big batch is all there or not at all.
        assert stored in (EARLY_COMMITS, EARLY_COMMITS + IMPORT_SIZE)
        if pause:
            assert stored == EARLY_COMMITS
        texts = {r["text"] for r in s.query("SELECT text FROM reference_claims WHERE source = 'early'")}
        assert texts == {f"Early reference {i} on port fees." for i in range(EARLY_COMMITS)}
        # The store still takes writes, and finds what it holds.
        s.add_reference_claims([ReferenceDraft(text="After the crash, tolls rose.", source="late")])
        assert [c.text for c in s.search_candidates('"tolls"', kinds=("reference",))] == [
            "After the crash, tolls rose."
        ]
    finally:
        s.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("pause", [True, False], ids=["paused", "writing"])
def test_kill_while_storing_an_article_with_many_claims(tmp_path: Path, pause: bool) -> None:
    db = tmp_path / "article.db"
    Store(db).close()
    _run_until_inside("article", db, pause)
    s = Store(db)
    try:
        _check_consistent(s)
        titles = [r["title"] for r in s.query("SELECT title FROM articles ORDER BY id")]
        early = [f"Early {i}" for i in range(EARLY_COMMITS)]
        assert titles in (early, [*early, "Big"])
        claims = s.count("claims")
        assert claims == EARLY_COMMITS * 2 + (ARTICLE_CLAIMS if titles[-1] == "Big" else 0)
    finally:
        s.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("pause", [True, False], ids=["paused", "writing"])
def test_kill_during_a_bulk_verdict(tmp_path: Path, pause: bool) -> None:
    db = tmp_path / "verdicts.db"
    s = Store(db)
    claim_ids = _seed_article(s, BULK_CLAIMS)
    s.close()
    _run_until_inside("verdicts", db, pause)
    s = Store(db)
    try:
        _check_consistent(s)
        # The single verdicts committed before the bulk one are all there.
        early = s.query(
            "SELECT claim_id, note FROM verdict_history WHERE batch LIKE 'early-%' ORDER BY id"
        )
        assert [(r["claim_id"], r["note"]) for r in early] == [
            (claim_ids[i], f"early {i}") for i in range(EARLY_COMMITS)
        ]
        bulk = s.count("verdict_history") - EARLY_COMMITS
        assert bulk in (0, BULK_CLAIMS)
        if pause:
            assert bulk == 0
        contested = s.query("SELECT count(*) AS n FROM verdicts WHERE verdict = 'contested'")[0]["n"]
        if bulk:
            assert contested == BULK_CLAIMS
        else:
            assert contested == 0
            assert s.get_claim(claim_ids[0]).verdict == "corroborated"
            assert s.get_claim(claim_ids[-1]).verdict is None
    finally:
        s.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kill_after", [1, 40, 150, 400, 4000])
def test_kill_during_an_upgrade_leaves_an_openable_store(tmp_path: Path, kill_after: int) -> None:
    db = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "store-v1.db", db)
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store.test_crash", "upgrade", str(db), str(kill_after)],
        cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    out = writer.stdout.readline()  # type: ignore[union-attr]
    writer.kill()
    _, err = writer.communicate(timeout=30)
    assert out.strip() in {"inside", "opened"}, err
    backup = tmp_path / "old.db.v1.bak"
    _check_backup(backup)  # a backup left by the killed upgrade is complete, or absent
    s = Store(db)
    try:
        assert s.schema_version == SCHEMA_VERSION
        _check_consistent(s)
        assert s.get_claim(1).verdict == "corroborated"
        assert s.count("verdict_history") == 3
        assert s.get_article(1).canonical_url == ""
    finally:
        s.close()
    assert backup.exists()
    _check_backup(backup)


def _check_backup(backup: Path) -> None:
    if not backup.exists():
        return
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM verdict_history").fetchone()[0] == 3
    finally:
        conn.close()


def _fill_the_disk(s: Store, spare_pages: int = 4) -> None:
    """Make the store "full" a few pages from now, as a full disk would."""
    pages = s.query("PRAGMA page_count")[0]["page_count"]
    s.db.conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_full_disk_during_an_import_is_a_sentence_and_changes_nothing(store: Store) -> None:
    store.add_reference_claims([ReferenceDraft(text="Before the disk filled up.", source="a")])
    _fill_the_disk(store)
    drafts = (ReferenceDraft(text=f"Reference {i} about grain exports and tariffs", source="b") for i in range(5000))
    with pytest.raises(StoreError) as raised:
        store.add_reference_claims(drafts)
    message = str(raised.value)
    assert str(store.path) in message and "full" in message and "\n" not in message
    assert store.count("reference_claims") == 1
    assert not store.db.conn.in_transaction
    # Small writes still fit, and the store is sound.
    store.add_reference_claims([ReferenceDraft(text="After the disk filled up.", source="a")])
    assert store.count("reference_claims") == 2
    _check_consistent(store)


def test_full_disk_during_a_bulk_verdict_changes_no_verdict(store: Store) -> None:
    claim_ids = _seed_article(store, 3000)
    store.record_verdict(claim_ids[0], "corroborated", checker="ana")
    _fill_the_disk(store, spare_pages=2)
    with pytest.raises(StoreError, match="full"):
        store.record_verdict(claim_ids, "contested", note="n" * 200, checker="ana")
    assert store.count("verdict_history") == 1
    assert store.get_claim(claim_ids[0]).verdict == "corroborated"
    assert store.get_claim(claim_ids[1]).verdict is None


def test_errors_that_are_bugs_still_surface_as_themselves(store: Store) -> None:
    # Only faults of the file, disk or other writers become StoreError sentences; a wrong
    # statement stays a sqlite3 error so that tests catch it.
    with pytest.raises(sqlite3.OperationalError):
        store.query("SELECT * FROM no_such_table")
    with pytest.raises(sqlite3.IntegrityError):
        with store.write() as conn:
            conn.execute("INSERT INTO verdicts (claim_id, verdict, updated_at) VALUES (1, 'maybe', 'x')")


# -- the writer process ---------------------------------------------------------------


def _arm(s: Store, pause: bool, after_calls: int = 50) -> None:
    """Report "inside" from within the next statements, then stop there if asked."""
    calls = 0

    def progress() -> int:
        nonlocal calls
        calls += 1
        if calls == after_calls:
            print("inside", flush=True)
            if pause:
                sys.stdin.readline()  # the parent never writes: wait here for the kill
        return 0

    s.db.conn.set_progress_handler(progress, 1000)


def _writer(mode: str, db: str, pause: bool) -> None:
    s = Store(db)
    if mode == "import":
        for i in range(EARLY_COMMITS):
            s.add_reference_claims([ReferenceDraft(text=f"Early reference {i} on port fees.", source="early")])
            print("committed", flush=True)
        _arm(s, pause)
        s.add_reference_claims(
            ReferenceDraft(text=f"Imported reference {i} says fares rose {i % 97} percent.", source="big")
            for i in range(IMPORT_SIZE)
        )
    elif mode == "article":
        for i in range(EARLY_COMMITS):
            _seed_article(s, 2, title=f"Early {i}")
            print("committed", flush=True)
        sentences = [f"Big claim {i} says {i} bridges closed." for i in range(ARTICLE_CLAIMS)]
        drafts, start = [], 0
        for sentence in sentences:
            drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.7, True, ("quantity",)))
            start += len(sentence) + 1
        _arm(s, pause)
        s.add_article(ArticleDraft(title="Big", text=" ".join(sentences)), drafts)
    elif mode == "verdicts":
        claim_ids = [c.id for c in s.claims_for_article(1)]
        for i in range(EARLY_COMMITS):
            s.record_verdict(claim_ids[i], "corroborated", note=f"early {i}", checker="ana", batch=f"early-{i}")
            print("committed", flush=True)
        _arm(s, pause)
        s.record_verdict(claim_ids, "contested", checker="ana", batch="bulk")
    print("finished", flush=True)
    s.close()


def _upgrader(db: str, kill_after: int) -> None:
    """Open (and so upgrade) an old store, stopping after `kill_after` progress calls."""
    calls = 0
    original_connect = sqlite3.connect

    def progress() -> int:
        nonlocal calls
        calls += 1
        if calls == kill_after:
            print("inside", flush=True)
            sys.stdin.readline()
        return 0

    def connect(*args, **kwargs):
        conn = original_connect(*args, **kwargs)
        conn.set_progress_handler(progress, 10)
        return conn

    sqlite3.connect = connect  # every connection the store opens, backup included
    Store(db).close()
    print("opened", flush=True)
    sys.stdin.readline()


if __name__ == "__main__":
    mode_arg, db_arg, flag = sys.argv[1:4]
    if mode_arg == "upgrade":
        _upgrader(db_arg, int(flag))
    else:
        _writer(mode_arg, db_arg, flag == "1")
