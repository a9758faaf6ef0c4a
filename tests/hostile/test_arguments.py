"""Hostile command-line arguments: bytes that are not UTF-8 (Python hands them over as lone
surrogates) and terminal escapes in notes, checker names, filters, titles, URLs and match
text. Each command works with nothing unsafe stored or printed, or fails with one line
and changes nothing; never a traceback."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    SEED_CLAIM,
    assert_no_controls,
    assert_one_error_line,
    store_fingerprint,
    store_text,
)
from tui.cli import main

NOT_UTF8 = "bad\udcff\udcfe"  # what `claimdesk ... $'bad\xff\xfe'` puts in sys.argv
ESCAPE = "\x1b]0;PWNED\x07\x1b[2J\x9b31m"
SURROGATE = re.compile("[\ud800-\udfff]")

COMMANDS = {
    "verdict note": ["verdict", "1", "contested", "--note", "{}"],
    "verdict checker": ["verdict", "1", "contested", "--checker", "{}"],
    "match text": ["match", SEED_CLAIM + " {}"],
    "match json": ["match", SEED_CLAIM + " {}", "--json"],
    "export source filter": ["export", "--format", "json", "--source", "{}"],
    "export checker filter": ["export", "--format", "csv", "--checker", "{}"],
    "export title": ["export", "--format", "md", "--title", "{}"],
    "export html title": ["export", "--format", "html", "--title", "{}"],
    "import source name": ["import", "{refs}", "--source", "{}"],
    "feed add": ["feed", "add", "https://feeds.example/{}"],
    "ingest path": ["ingest", "/nonexistent/{}.txt"],
    "claims path": ["claims", "/nonexistent/{}.txt"],
}


def run_with_terminal_streams(*argv: str) -> tuple[int, str, str]:
    """Run the command line with streams like a UTF-8 terminal's: stdout strict (a lone
    surrogate cannot be printed), stderr with backslash escapes (as Python sets it)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    out.flush()
    err.flush()
    return code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode()


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    path = tmp_path / "refs.jsonl"
    path.write_text('{"text": "Harbour fees rose 12 percent in 2022."}\n', encoding="utf-8")
    return path


def _check(name: str, value: str, seeded_db: Path, refs: Path) -> None:
    argv = [part.replace("{refs}", str(refs)).replace("{}", value) for part in COMMANDS[name]]
    before = store_fingerprint(seeded_db)
    code, out, err = run_with_terminal_streams(*argv, "--db", str(seeded_db))
    assert "Traceback" not in err, err
    if code == 0:
        assert_no_controls(out, "stdout")
    else:
        assert_one_error_line(err)
        assert store_fingerprint(seeded_db) == before, "a failed command changed the store"
    stored = store_text(seeded_db)
    assert not SURROGATE.search(stored)
    assert_no_controls(stored, "the store")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_arguments_that_are_not_utf8(name: str, seeded_db: Path, refs: Path) -> None:
    _check(name, NOT_UTF8, seeded_db, refs)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_arguments_with_terminal_escapes(name: str, seeded_db: Path, refs: Path) -> None:
    _check(name, ESCAPE, seeded_db, refs)
