"""Shared fixtures: temporary stores and the paths of shared sample data."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SAMPLE_ARTICLE = SHARED / "seeds" / "sample-article.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh on-disk store (WAL needs a file) in a temporary folder."""
    s = Store(tmp_path / "claimdesk.db")
    yield s
    s.close()


@pytest.fixture
def memory_store() -> Store:
    s = Store(None, memory=True)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real store, settings or checker name."""
    monkeypatch.setenv("CLAIMDESK_DB", str(tmp_path / "default-store" / "claimdesk.db"))
    monkeypatch.setenv("CLAIMDESK_CONFIG", str(tmp_path / "config" / "settings.toml"))
    monkeypatch.setenv("CLAIMDESK_CHECKER", "test-checker")
