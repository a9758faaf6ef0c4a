"""Large imports through the command line: interrupted imports keep whole batches and a
store that opens and checks clean; a gigabyte from standard input streams in bounded memory."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from tests.conftest import PROJECT_ROOT
from tests.hostile.conftest import MEASURED_CLI
from tests.store.test_crash import _check_consistent
from tui.cli import main

ROWS = 30_000
TRANSACTION = 2_000
# The command line with small transactions, saying "committed" after each.
SMALL_TRANSACTIONS = (
    "import sys\n"
    "import operations.references as references\n"
    f"references.TRANSACTION_ROWS = {TRANSACTION}\n"
    "references.CHUNK_ROWS = 500\n"
    "from store import Store\n"
    "store_batch = Store.add_reference_claims\n"
    "def add(self, drafts):\n"
    "    counts = store_batch(self, drafts)\n"
    "    print('committed', flush=True)\n"
    "    return counts\n"
    "Store.add_reference_claims = add\n"
    "from tui.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _claims_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            handle.write(json.dumps({"text": f"Claim {i}: the port moved {i * 7} tonnes", "rating": "False"}) + "\n")
    return path


# 30,000 claims imported twice around a kill: `make test-slow` runs it.
@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_interrupted_import_keeps_whole_batches_and_the_next_one_adds_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture, stop: signal.Signals
) -> None:
    claims = _claims_file(tmp_path / "claims.jsonl")
    db = tmp_path / "store.db"
    Store(db).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", SMALL_TRANSACTIONS, "import", str(claims), "--db", str(db)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        commits = 0
        for line in writer.stdout:  # type: ignore[union-attr]
            commits += line.strip() == "committed"
            if commits == 3:
                break
        writer.send_signal(stop)
        _, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    s = Store(db)
    try:
        _check_consistent(s)
        stored = s.count("reference_claims")
    finally:
        s.close()
    if stop == signal.SIGINT and writer.returncode == 130:
        assert err.count("\n") == 1 and str(claims) in err, err
        assert err.startswith(f"claimdesk: Interrupted: the {stored:,} reference claims stored before then are kept")
    assert stored % TRANSACTION == 0 and 3 * TRANSACTION <= stored <= ROWS
    code = main(["import", str(claims), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0 and out.strip() == f"{ROWS - stored} added, {stored} skipped as duplicates"
    s = Store(db)
    try:
        assert s.count("reference_claims") == ROWS
        _check_consistent(s)
    finally:
        s.close()


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_a_gigabyte_from_standard_input_imports_in_bounded_memory(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    # Rows of about 2 KB (a long claimant), so that a gigabyte is half a million claims.
    claimant = "A speaker whose name and titles run on " * 48
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED_CLI, "import", "-", "--db", str(db)],
        cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    written = rows = 0
    assert process.stdin is not None
    with process.stdin:
        while written < 1024**3:
            block = "".join(
                json.dumps({"text": f"Claim {rows + i} says {i % 97} ferries sailed", "claimant": claimant,
                            "rating": "Mostly False"}) + "\n"
                for i in range(1_000)
            ).encode("utf-8")
            process.stdin.write(block)
            written += len(block)
            rows += 1_000
    process.wait(timeout=1500)
    out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    lines = err.decode().splitlines()
    assert lines and lines[-1].startswith("PEAK_RSS_KB="), err
    peak = int(lines.pop().split("=")[1]) * 1024
    assert process.returncode == 0, lines
    assert out.decode().strip() == f"{rows} added, 0 skipped as duplicates"
    assert peak <= 300 * 1024**2, f"peak memory {peak / 2**20:.0f} MB for {written / 2**30:.2f} GB"
    s = Store(db)
    try:
        assert s.count("reference_claims") == rows
    finally:
        s.close()


# The command line embedding 500 claims per transaction, saying "embedded" after each.
SMALL_EMBEDDING_BATCHES = (
    "import sys\n"
    "import operations.matching as matching\n"
    "matching.EMBED_ROWS_PER_WRITE = 500\n"
    "from store import Store\n"
    "save = Store.save_reference_embeddings\n"
    "def saved(self, model, vectors):\n"
    "    count = save(self, model, vectors)\n"
    "    print('embedded', flush=True)\n"
    "    return count\n"
    "Store.save_reference_embeddings = saved\n"
    "from tui.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


# An import interrupted in another process, then a desk embedding 5,000 claims.
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_ctrl_c_while_embedding_keeps_the_import_searchable_and_the_desk_embeds_the_rest(
    tmp_path: Path,
) -> None:
    import operations
    from store.search import search_fts

    claims = tmp_path / "claims.jsonl"
    with claims.open("w", encoding="utf-8") as handle:
        for i in range(5_000):
            handle.write(json.dumps({"text": f"Claim {i}: the harbour moved {i * 7} tonnes"}) + "\n")
    db = tmp_path / "store.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", SMALL_EMBEDDING_BATCHES, "import", str(claims), "--db", str(db)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        for line in writer.stdout:  # type: ignore[union-attr]
            lines.append(line.strip())
            if line.strip() == "embedded":
                break
        writer.send_signal(signal.SIGINT)
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    # The import line came first: the claims were searchable before embedding began.
    assert lines[0] == "5000 added, 0 skipped as duplicates"
    assert writer.returncode == 130 and "re-matched" not in out
    assert err.count("\n") == 1, err
    s = Store(db)
    try:
        embedded, total = operations.embedding_progress(s)
        assert total == 5_000 and 500 <= embedded < 5_000
        assert err.startswith("claimdesk: Interrupted while embedding: the imported claims are stored "
                              f"and searchable; the {total - embedded:,} not embedded yet"), err
        found = search_fts(s, '"harbour" AND "4999"', 10)
        assert [c.text for c in found] == ["Claim 4999: the harbour moved 34993 tonnes"]
        # What the desk's worker runs: it picks up where the command stopped.
        assert operations.embed_references(s) == total - embedded
        assert operations.embedding_progress(s) == (5_000, 5_000)
    finally:
        s.close()
