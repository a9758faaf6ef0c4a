"""The journal's files: a running desk's journal is its own, an ended desk's is taken
over in order, written changes leave it, and no password reaches it."""

from __future__ import annotations

from pathlib import Path

from store.engine import redact
from tui.journal import Journal


def any_change(op: str, args: dict) -> bool:
    return op == "verdict"


def verdict(claim_id: int) -> tuple[str, dict, str]:
    return ("verdict", {"claim_ids": [claim_id], "verdict": "contested"}, f"Verdict for claim {claim_id}")


def test_a_running_desks_journal_is_not_taken_over_until_it_ends(tmp_path: Path) -> None:
    running = Journal("/stores/a.db", any_change, folder=tmp_path)
    assert running.append([verdict(1), verdict(2)]) == [1, 2]
    assert running.path.stat().st_mode & 0o077 == 0  # the checker's notes: owner only
    running.done(1)
    other = Journal("/stores/a.db", any_change, folder=tmp_path)
    assert other.take_over().entries == []  # held by the running desk
    assert Journal("/stores/b.db", any_change, folder=tmp_path).take_over().entries == []  # another store's

    running.close()  # the desk ends with claim 2 not stored
    restored = other.take_over()
    assert [(e.op, e.args["claim_ids"]) for e in restored.entries] == [("verdict", [2])]
    assert restored.problems == []
    assert list(tmp_path.glob("*.jsonl")) == [other.path]  # moved into the taker's own file
    other.done(restored.entries[0].id)
    assert list(tmp_path.iterdir()) == []  # nothing left to write: no file


def test_journals_of_several_ended_desks_are_taken_over_oldest_first(tmp_path: Path) -> None:
    import os

    for number, claim in enumerate((5, 3)):
        desk = Journal("/stores/a.db", any_change, folder=tmp_path)
        desk.append([verdict(claim)])
        desk.close()
        os.utime(desk.path, (1000 + number, 1000 + number))
    restored = Journal("/stores/a.db", any_change, folder=tmp_path).take_over()
    assert [e.args["claim_ids"] for e in restored.entries] == [[5], [3]]


def test_a_postgresql_address_is_kept_without_any_password() -> None:
    assert redact("postgresql://ana:pw@db.example.org:5433/news?sslmode=require&password=pw2", mask="") \
        == "postgresql://ana@db.example.org:5433/news?sslmode=require"
    assert redact("postgresql:///news?host=%2Ftmp%2Fsock", mask="") == "postgresql:///news?host=%2Ftmp%2Fsock"
    assert redact("postgresql://ana@/news", mask="") == "postgresql://ana@/news"
