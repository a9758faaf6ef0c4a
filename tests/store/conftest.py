"""The store's tests run on both engines: `store` is an SQLite file, then a database on
a throwaway PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_location(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Where a fresh store of the test's engine opens."""
    if engine == "sqlite":
        return tmp_path / "claimdesk.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_location: str | Path) -> Iterator[Store]:
    s = Store(store_location)
    yield s
    s.close()
