"""Installing claimdesk the way a new user does: a fresh virtual environment and the pip
that comes with the interpreter (ensurepip's, not upgraded), then an HTML page ingested
by the installed command. Needs the package index, so it is a slow test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PROJECT_ROOT

# What the installed package is built from; tests, benchmarks and the venv stay behind.
_LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "tests", "bench", "build", "dist",
                                   "*.egg-info", "__pycache__", "*.db")


@pytest.mark.slow
def test_installs_with_the_interpreters_own_pip_and_ingests_html(tmp_path: Path) -> None:
    checkout = tmp_path / "claimdesk"
    shutil.copytree(PROJECT_ROOT, checkout, ignore=_LEFT_OUT)
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = env / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(checkout)],
        capture_output=True, text=True, timeout=600,
    )
    assert installed.returncode == 0, installed.stderr

    imported = subprocess.run([str(python), "-c", "import trafilatura, lxml.html.clean"],
                              capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr

    ingested = subprocess.run(
        [str(env / "bin" / "claimdesk"), "--db", str(tmp_path / "store.db"), "ingest",
         str(FIXTURES / "ingest" / "blog-post.html"), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert ingested.returncode == 0, ingested.stderr
    [article] = [json.loads(line) for line in ingested.stdout.splitlines()]
    assert article["claims"] >= 1 and "Traceback" not in ingested.stderr
