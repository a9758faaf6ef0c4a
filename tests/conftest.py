"""Shared fixtures: temporary stores and the paths of shared sample data."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import textual._wait

from store import Store
from tests.pgserver import HOW_TO_GET, PostgresServer, find_binaries, shared_server, stop_shared_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SAMPLE_ARTICLE = SHARED / "seeds" / "sample-article.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Pilot waits for the desk to go idle after every key and pause, judging idleness by the
# process's CPU time over windows of this length (Textual's default is 20 ms, at least
# two windows a key). Shorter windows see the same idle moments sooner; what the tests
# must wait for (writes, workers) they wait for explicitly (tests/tui/helpers.settle).
textual._wait.SLEEP_GRANULARITY = 1 / 200


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new store created once per test process and closed, to be copied: creating the
    schema costs far more than copying the file."""
    path = tmp_path_factory.mktemp("template") / "claimdesk.db"
    Store(path).close()
    return path


def copy_store(template: Path, path: Path) -> Store:
    """Open a private copy of a closed store file (closing it left no WAL beside it)."""
    shutil.copyfile(template, path)
    return Store(path)


@pytest.fixture
def store(tmp_path: Path, empty_store_file: Path) -> Store:
    """A fresh on-disk store (WAL needs a file) in a temporary folder."""
    s = copy_store(empty_store_file, tmp_path / "claimdesk.db")
    yield s
    s.close()


# A folder the test processes of one run share (pytest-xdist's workers and the process
# that starts them): the shared PostgreSQL server is found there.
RUN_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        config.stash[RUN_FOLDER] = Path(config.workerinput["claimdesk_run_folder"])
    else:
        config.stash[RUN_FOLDER] = Path(tempfile.mkdtemp(prefix="claimdesk-test-run-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """pytest-xdist: each worker is told the run's folder."""
    node.workerinput["claimdesk_run_folder"] = str(node.config.stash[RUN_FOLDER])


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and RUN_FOLDER in config.stash:
        folder = config.stash[RUN_FOLDER]
        stop_shared_server(folder)
        shutil.rmtree(folder, ignore_errors=True)


def postgres_binaries() -> dict[str, str]:
    """The server's programs. Without them the tests that need a server skip, unless
    CLAIMDESK_REQUIRE_POSTGRES is set (as CI sets it), where they fail."""
    binaries = find_binaries()
    if binaries is None:
        if os.environ.get("CLAIMDESK_REQUIRE_POSTGRES"):
            pytest.fail(HOW_TO_GET)
        pytest.skip(HOW_TO_GET)
    return binaries


@pytest.fixture(scope="session")
def postgres_server(pytestconfig: pytest.Config) -> PostgresServer:
    """One throwaway PostgreSQL server (Unix socket only) for the whole run, shared by
    its test processes; the process that started them stops it at the end."""
    return shared_server(postgres_binaries(), pytestconfig.stash[RUN_FOLDER])


@pytest.fixture
def private_postgres_server() -> Iterator[PostgresServer]:
    """A throwaway server of the test's own, for a test that stops and starts it."""
    server = PostgresServer(postgres_binaries())
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the throwaway server, dropped afterwards."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


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
    # The desk's journal goes to the user data folder.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
