"""The desk closes when its terminal goes away, even when the hangup signal does not
reach it (started through a launcher, or with SIGHUP ignored), instead of running on with
no one to see it."""

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

PAINT_SECONDS = 60
EXIT_SECONDS = 30


def _become_terminal_session_without_hangup_signal() -> None:
    # The pseudo-terminal (already stdin) becomes this session's controlling terminal, so
    # closing its other end hangs it up; SIGHUP is ignored, as when a launcher in between
    # takes it, so only the desk's own check can notice.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def test_the_desk_closes_when_its_terminal_hangs_up(tmp_path: Path) -> None:
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color",
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    desk = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "--db", str(tmp_path / "desk.db")],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=_become_terminal_session_without_hangup_signal,
    )
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + PAINT_SECONDS
        while b"claimdesk" not in seen and time.monotonic() < deadline and desk.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 65536)
        assert b"claimdesk" in seen, f"the desk never painted: {seen[-300:]!r}"
        assert desk.poll() is None
        os.close(master)  # the terminal window closes
        master = -1
        desk.wait(timeout=EXIT_SECONDS)
        assert desk.returncode is not None
        assert Path(tmp_path / "desk.db").exists()  # the store it opened is left whole
    finally:
        if master != -1:
            os.close(master)
        if desk.poll() is None:
            desk.kill()
            desk.wait()
