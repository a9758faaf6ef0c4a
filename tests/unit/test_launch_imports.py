"""What the desk's launch imports: `claimdesk` with no command reads the command line and
builds the desk, and neither should pull in the ingest pipeline (splitter, models,
extractor), the operations layer, the network stack or sqlite_utils (with numpy behind it),
which the first paint never uses.
Checked in a fresh interpreter, so other tests' imports do not hide a regression."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("operations", "ingest.claims", "ingest.extract", "ingest.checkworthy", "matchers",
         "reports", "trafilatura", "lxml", "httpx", "feedparser", "charset_normalizer",
         # sqlite_utils and what it imports: the store builds its wrapper only to migrate.
         "sqlite_utils", "sqlite_fts4", "click", "pluggy", "dateutil", "numpy",
         # The note editor's text area and the browser opener: only their keys need them.
         "textual.widgets._text_area", "webbrowser")


def test_launching_the_desk_imports_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "import tui.cli\n"
        "from tui.app import make_app\n"
        f"heavy = {HEAVY!r}\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not loaded & set(HEAVY), sorted(loaded)


def test_opening_a_current_store_imports_no_sqlite_utils(tmp_path) -> None:
    """The desk opens an existing store (already at the current schema): reading it needs
    no sqlite_utils, and the connection still fires the full-text indexes' delete
    triggers on REPLACE, as sqlite_utils' wrapper had it."""
    path = tmp_path / "claims.db"
    probe = (
        "import sys\n"
        "from store import Store\n"
        f"store = Store({str(path)!r})\n"
        "print(store.db.conn.execute('PRAGMA recursive_triggers').fetchone()[0])\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["1", "True"]  # a new store is built by the migrations
    again = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert again.stdout.split() == ["1", "False"]


def test_an_import_stores_its_claims_before_loading_the_matchers(tmp_path) -> None:
    """`claimdesk import` is searchable once its claims are stored: the matchers, numpy and
    the network stack (for embedding and re-matching afterwards) load only after that."""
    claims = tmp_path / "claims.jsonl"
    claims.write_text('{"text": "The ferry to Skye was free in 1995."}\n', encoding="utf-8")
    db = tmp_path / "claims.db"
    from store import Store

    Store(db).close()  # an existing store, as for any import after the first
    probe = (
        "import sys\n"
        "import operations\n"
        "importing = operations.import_references\n"
        "def stored(*args, **kwargs):\n"
        "    counts = importing(*args, **kwargs)\n"
        f"    heavy = {HEAVY!r}\n"
        "    print('loaded:', *sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
        "    return counts\n"
        "operations.import_references = stored\n"
        "from tui.cli import main\n"
        f"sys.exit(main(['import', {str(claims)!r}, '--db', {str(db)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("loaded:") and lines[1] == "1 added, 0 skipped as duplicates"
    loaded = set(lines[0].split()[1:])
    assert not loaded & {"matchers", "numpy", "httpx", "trafilatura", "sqlite_utils"}, sorted(loaded)
