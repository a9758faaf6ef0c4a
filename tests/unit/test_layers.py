"""The layers point one way: the core packages never import the TUI or Textual,
matchers never touch the database, and only store/ knows which database engine it is."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRIVERS = {"sqlite3", "sqlite_utils", "psycopg"}
FORBIDDEN = {
    "store": {"textual", "tui", "ingest", "matchers", "reports", "rich", "operations"},
    "ingest": {"textual", "tui", "matchers", "reports", "rich", "operations", *DRIVERS},
    "matchers": {"textual", "tui", "ingest", "reports", "rich", "operations", "httpx", *DRIVERS},
    "reports": {"textual", "tui", "ingest", "matchers", "rich", "operations", "httpx", *DRIVERS},
    "operations": {"textual", "tui", "rich", *DRIVERS},
    "tui": DRIVERS,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_package_imports_stay_in_their_layer(package: str) -> None:
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path) & FORBIDDEN[package]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_matchers_use_only_store_models() -> None:
    """The data model and the value parsers, never the database."""
    for path in (ROOT / "matchers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("store"):
                assert node.module in ("store.models", "store.values"), f"{path.name} imports {node.module}"
