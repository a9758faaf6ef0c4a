"""What the desk's launch imports: `claimdesk` with no command reads the command line and
builds the desk, and neither should pull in the ingest pipeline (splitter, models,
extractor), the operations layer or the network stack, which the first paint never uses.
Checked in a fresh interpreter, so other tests' imports do not hide a regression."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("operations", "ingest.claims", "ingest.extract", "ingest.checkworthy", "matchers",
         "reports", "trafilatura", "lxml", "httpx", "feedparser", "charset_normalizer")


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
