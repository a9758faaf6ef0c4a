"""Helpers for the hostile suite: running the command line, checking its one-line
errors, seeding a store, and fingerprinting a store's contents."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft
from tui.cli import main

# Characters that must never reach the store or a terminal: ESC, C1 CSI, NUL, BEL.
FORBIDDEN = ("\x1b", "\x9b", "\x00", "\x07")

# Runs the command line in a child that reports its own peak resident memory as it
# exits. VmHWM, not ru_maxrss: on Linux ru_maxrss keeps the forking parent's peak (a
# test process that has loaded large libraries), while VmHWM starts again at exec.
MEASURED_CLI = (
    "import resource, sys\n"
    "from tui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
    "    peak = int(status.split()[0])\n"
    "except (OSError, IndexError, ValueError):\n"
    "    pass\n"
    "sys.stderr.write(f'PEAK_RSS_KB={peak}\\n')\n"
    "sys.exit(code)\n"
)


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error_line(err: str, *names: str) -> None:
    """Exactly one line on stderr, naming each of `names`, and no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], (name, lines[0])


def assert_no_controls(text: str, where: str = "") -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} in {where or 'output'}: {text[:200]!r}"


def store_fingerprint(path: Path) -> str:
    """A digest of every row of every table: equal digests mean nothing was stored or
    changed (unlike the file's bytes, which a WAL checkpoint may rewrite)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def store_text(path: Path) -> str:
    """Every text value in the store, joined: for checking what reached it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        values = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                values.extend(v for v in row if isinstance(v, str))
        return "\n".join(values)
    finally:
        conn.close()


SEED_TEXT = "The port handled 4.1 million containers in 2023. Officials praised the staff."
SEED_CLAIM = "The port handled 4.1 million containers in 2023."


def seed_store(path: Path) -> Path:
    """A store with one article, one judged claim and one reference claim."""
    s = Store(path)
    try:
        article_id, _ = s.add_article(
            ArticleDraft(title="Port figures", text=SEED_TEXT, source="Harbour Wire"),
            [ClaimDraft(SEED_CLAIM, 0, len(SEED_CLAIM), 0.9, True, ("quantity",))],
        )
        [claim] = s.claims_for_article(article_id)
        s.record_verdict(claim.id, "corroborated", note="Annual report, p. 4.", checker="ana")
        s.add_reference_claims([ReferenceDraft(text="The port handled 4 million containers last year.",
                                               source="Checker A", rating="Mostly true")])
    finally:
        s.close()
    return path


@pytest.fixture
def seeded_db(tmp_path: Path) -> Path:
    return seed_store(tmp_path / "seeded.db")
