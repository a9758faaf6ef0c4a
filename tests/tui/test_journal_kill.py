"""A desk process killed (SIGKILL: no shutdown at all) while its store refuses writes:
the verdict given before the kill is in the journal, and the next desk on that store
writes it under the name of the checker who gave it."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from store import Store
from tests.tui.helpers import DESK_SIZE, eventually, settle
from tui.app import make_app
from tui.journal import journal_folder
from tui.settings import Settings

PAINT_SECONDS = 60
# The desk gives up on a held store after its busy timeout (10 s), then journals.
JOURNAL_SECONDS = 60


def _own_terminal() -> None:
    # The pseudo-terminal becomes the desk's controlling terminal, as in a terminal window.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _read_until(master: int, wanted: bytes, seconds: float, desk: subprocess.Popen) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline and desk.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            seen += os.read(master, 65536)
    return seen


@pytest.mark.slow
async def test_a_killed_desk_loses_no_verdict_the_store_refused(seeded) -> None:
    store, ids = seeded
    path = Path(store.path)
    first = store.claims_for_article(ids["first"])[0]
    store.close()
    master, slave = os.openpty()
    os.set_blocking(master, True)
    env = {**os.environ, "TERM": "xterm-256color", "CLAIMDESK_CHECKER": "ana",
           "COLUMNS": str(DESK_SIZE[0]), "LINES": str(DESK_SIZE[1])}
    locker = Store(path)
    locker.db.conn.execute("BEGIN IMMEDIATE")  # another writer holds the store
    desk = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "--db", str(path)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=_own_terminal)
    os.close(slave)
    try:
        seen = _read_until(master, b"claimdesk", PAINT_SECONDS, desk)
        assert b"claimdesk" in seen, f"the desk never painted: {seen[-300:]!r}"
        time.sleep(1.0)
        for key in (b"j", b"\r"):  # the older article: the first one seeded
            os.write(master, key)
            time.sleep(1.0)
        os.write(master, b"x")  # its first claim contested
        deadline = time.monotonic() + JOURNAL_SECONDS
        journals: list[Path] = []
        while time.monotonic() < deadline and desk.poll() is None:
            _read_until(master, b"\x00never", 0.5, desk)  # keep the terminal drained
            journals = [p for p in journal_folder().glob("*.jsonl") if '"op":"verdict"' in p.read_text()]
            if journals:
                break
        assert journals, "the refused verdict was never journalled"
        desk.send_signal(signal.SIGKILL)
        desk.wait(timeout=10)
    finally:
        os.close(master)
        if desk.poll() is None:
            desk.kill()
            desk.wait()
        locker.db.conn.execute("ROLLBACK")
        locker.close()

    reopened = Store(path)
    app = make_app(reopened, Settings().with_checker("ben"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, 10.0)
    finally:
        reopened.close()
    after = Store(path)
    assert [(h.verdict, h.checker) for h in after.verdict_history(first.id)] == [("contested", "ana")]
    after.close()
    assert list(journal_folder().glob("*.jsonl")) == []
