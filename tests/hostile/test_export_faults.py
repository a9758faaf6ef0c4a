"""An export killed with SIGKILL while it writes leaves the previous report byte for byte
(RELIABILITY B5), and the store untouched."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import Store
from store.models import ArticleDraft, ClaimDraft
from tests.conftest import PROJECT_ROOT
from tests.hostile.conftest import store_fingerprint

CLAIMS = 20_000


def _judged_store(path: Path) -> Path:
    s = Store(path)
    try:
        sentences = [f"Claim {i} says {i * 11} <b>tonnes</b> of grain were shipped." for i in range(CLAIMS)]
        drafts, start = [], 0
        for sentence in sentences:
            drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.9, True))
            start += len(sentence) + 1
        article_id, _ = s.add_article(ArticleDraft(title="Grain", text=" ".join(sentences)), drafts)
        ids = [c.id for c in s.claims_for_article(article_id)]
        s.record_verdict(ids, "contested", note="checked against port records", checker="ana")
    finally:
        s.close()
    return path


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
@pytest.mark.timeout(120)
# 20,000 judged claims exported and killed midway (HTML takes twice as long as CSV):
# `make test-slow` runs both.
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "csv"])
def test_export_killed_midway_leaves_the_old_report(fmt: str, tmp_path: Path) -> None:
    db = _judged_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / f"report.{fmt}"
    target.write_text("the report from yesterday\n", encoding="utf-8")
    old = hashlib.sha256(target.read_bytes()).hexdigest()
    export = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "export", "--format", fmt, "--out", str(target), "--db", str(db)],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    killed = False
    deadline = time.monotonic() + 60
    while export.poll() is None and time.monotonic() < deadline:
        # The temporary file appears only while the report is being written.
        if any(p.name != target.name for p in reports.iterdir()):
            os.kill(export.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.0005)
    export.wait(30)
    if not killed:
        pytest.skip("the export finished before it could be interrupted")
    assert export.returncode == -signal.SIGKILL
    assert hashlib.sha256(target.read_bytes()).hexdigest() == old
    assert store_fingerprint(db) == before
    # Only the temporary file can be left behind, never a half-written report.
    leftovers = [p.name for p in reports.iterdir() if p.name != target.name]
    assert all(name.startswith(f".{target.name}.") and name.endswith(".tmp") for name in leftovers)
