"""Bad store files and store faults through the command line: every command that opens the
store fails with one line naming the path, exits non-zero, and leaves the file's bytes as
they were; a store locked by another writer gives a sentence, not a traceback."""

from __future__ import annotations

import ctypes
import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import store.connection as store_connection
from store.schema import SCHEMA_VERSION
from tests.conftest import PROJECT_ROOT
from tests.hostile.conftest import SEED_CLAIM, assert_one_error_line, run_cli, seed_store, store_fingerprint


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    article = tmp_path / "article.txt"
    article.write_text("The mayor said 300 trees were planted in May. Residents disagreed.\n", encoding="utf-8")
    references = tmp_path / "refs.jsonl"
    references.write_text(json.dumps({"text": "300 trees were planted.", "source": "X"}) + "\n", encoding="utf-8")
    return article, references


def _commands(tmp_path: Path) -> list[list[str]]:
    article, references = _inputs(tmp_path)
    return [
        ["verdict", "1", "contested"],
        ["export", "--format", "json"],
        ["export", "--format", "csv", "--out", str(tmp_path / "report.csv")],
        ["import", str(references)],
        ["ingest", str(article), "--no-match"],
        ["match", SEED_CLAIM],
        ["doctor"],
        ["doctor", "--repair"],
        ["feed", "list"],
        [],  # no command: the desk itself refuses to start on a bad store
    ]


def _bad_stores(tmp_path: Path) -> dict[str, bytes]:
    good = seed_store(tmp_path / "good.db").read_bytes()
    newer = tmp_path / "newer.db"
    seed_store(newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    rng = random.Random(1)
    return {
        "empty": b"",
        "random": bytes(rng.randrange(256) for _ in range(16384)),
        "utf16 text": "not a store".encode("utf-16"),
        "truncated": good[: len(good) // 3],
        "newer": newer.read_bytes(),
        "foreign": foreign.read_bytes(),
    }


@pytest.mark.timeout(120)
def test_every_command_refuses_a_bad_store_file_without_changing_it(tmp_path: Path, capsys) -> None:
    commands = _commands(tmp_path)
    for name, content in _bad_stores(tmp_path).items():
        path = tmp_path / f"bad-{name.replace(' ', '-')}.db"
        path.write_bytes(content)
        for command in commands:
            code, out, err = run_cli(capsys, *command, "--db", str(path))
            assert code != 0, (name, command)
            assert_one_error_line(err, str(path))
            assert path.read_bytes() == content, f"{name}: {command} changed the file"
        assert not (tmp_path / "report.csv").exists()
        assert not list(tmp_path.glob(f"{path.name}.v*"))  # no backup: nothing was upgraded


def test_a_store_path_in_a_missing_place_is_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    target = blocker / "sub" / "store.db"  # a folder would have to be made inside a file
    code, _, err = run_cli(capsys, "export", "--format", "json", "--db", str(target))
    assert code != 0
    assert_one_error_line(err, str(target))


# -- read-only stores -------------------------------------------------------------------

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def _without_root_file_powers() -> None:
    """In the child, before exec: drop the capabilities that let root ignore file modes,
    so chmod 444 stops root as it stops everyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _run_without_write_permission(*argv: str) -> subprocess.CompletedProcess:
    preexec = _without_root_file_powers if os.geteuid() == 0 else None
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv], cwd=PROJECT_ROOT, preexec_fn=preexec,
        capture_output=True, text=True, timeout=60,
    )


def _root_can_be_limited() -> bool:
    if os.geteuid() != 0:
        return True
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_without_root_file_powers)
    return probe.returncode == 0


needs_limitable_root = pytest.mark.skipif(
    sys.platform != "linux" or not _root_can_be_limited(),
    reason="read-only files need Linux and, as root, the right to drop CAP_DAC_OVERRIDE",
)


@needs_limitable_root
@pytest.mark.timeout(60)
def test_read_only_store_file_refuses_writes_in_one_line(tmp_path: Path) -> None:
    db = seed_store(tmp_path / "readonly.db")
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # 444
    before, fingerprint = db.read_bytes(), store_fingerprint(db)
    try:
        result = _run_without_write_permission("--db", str(db), "verdict", "1", "contested")
        assert result.returncode != 0
        assert_one_error_line(result.stderr, str(db))
        assert db.read_bytes() == before
        assert store_fingerprint(db) == fingerprint
        # Reading still works: the verdicts can be exported from a read-only store.
        result = _run_without_write_permission("--db", str(db), "export", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert [r["verdict"] for r in json.loads(result.stdout)] == ["corroborated"]
    finally:
        db.chmod(0o644)


@needs_limitable_root
@pytest.mark.timeout(60)
def test_read_only_folder_and_file_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    db = seed_store(folder / "store.db")
    db.chmod(0o444)
    folder.chmod(0o555)
    before = db.read_bytes()
    try:
        for argv in (["verdict", "1", "contested"], ["export", "--format", "md"]):
            result = _run_without_write_permission("--db", str(db), *argv)
            if result.returncode == 0:
                assert argv[0] == "export"  # reading may still work; writing never does
                continue
            assert_one_error_line(result.stderr, str(db))
        assert db.read_bytes() == before
        new_store = folder / "new.db"
        result = _run_without_write_permission("--db", str(new_store), "export", "--format", "md")
        assert result.returncode != 0
        assert_one_error_line(result.stderr, str(new_store))
        assert not new_store.exists()
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


# -- a store locked by another writer ------------------------------------------------------


def test_verdict_on_a_locked_store_is_a_sentence_and_is_not_lost_on_retry(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seed_store(tmp_path / "locked.db")
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 300)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE articles SET status = 'done'")
        held.set()
        release.wait(30)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        code, _, err = run_cli(capsys, "--db", str(db), "verdict", "1", "contested", "--note", "retry me")
        assert code != 0
        assert_one_error_line(err, str(db), "busy")
    finally:
        release.set()
        holder.join()
    code, out, err = run_cli(capsys, "--db", str(db), "verdict", "1", "contested", "--note", "retry me")
    assert code == 0, err
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT verdict, note FROM verdict_history ORDER BY id").fetchall()
    finally:
        conn.close()
    assert rows == [("corroborated", "Annual report, p. 4."), ("contested", "retry me")]
