"""The hostile corpus through the command line: `claims`, `ingest`, `import` and every
export either work, with no terminal control character reaching the store or the output,
or fail with one line naming the input and leave the store as it was. Never a traceback
or a hang."""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import reports
from store import Store
from tests.conftest import PROJECT_ROOT
from tests.hostile.corpus import ARTICLES, REFERENCE_FILES, write_articles, write_reference_files
from tests.hostile.conftest import (
    MEASURED_CLI,
    assert_no_controls,
    assert_one_error_line,
    run_cli,
    seed_store,
    store_fingerprint,
    store_text,
)

HEAVY = {"5 MB article"}
FAST_ARTICLES = [name for name in ARTICLES if name not in HEAVY]
# Ingesting and exporting a 10,000-claim article takes 10 s or more: `make test-slow` runs it.
INGEST_CASES = [pytest.param(name, marks=pytest.mark.slow) if name == "10,000-item bullet list" else name
                for name in FAST_ARTICLES]


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_articles(tmp_path_factory.mktemp("articles"))


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_reference_files(tmp_path_factory.mktemp("references"))


def _check_failure_or_clean(code: int, out: str, err: str, path: Path) -> None:
    assert "Traceback" not in err, err
    if code == 0:
        assert_no_controls(out, "stdout")
        assert_no_controls(err, "stderr")
    else:
        assert code == 1
        assert_one_error_line(err, str(path))
        assert_no_controls(err, "the error line")


# -- claims --------------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", FAST_ARTICLES)
def test_claims(case: str, articles: dict[str, Path], capsys) -> None:
    path = articles[case]
    code, out, err = run_cli(capsys, "claims", str(path), "--json", "--all")
    _check_failure_or_clean(code, out, err, path)
    if code == 0:
        for line in out.splitlines():
            claim = json.loads(line)
            assert claim["text"].strip()
            assert 0 <= claim["start"] < claim["end"]
            assert len(claim["text"]) <= 1200  # long runs are wrapped, never one giant claim
    code, out, err = run_cli(capsys, "claims", str(path))
    _check_failure_or_clean(code, out, err, path)


_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_plain_output_shows_no_bidi_override(articles: dict[str, Path], seeded_db: Path, capsys) -> None:
    path = articles["bidi and zero-width"]
    code, out, err = run_cli(capsys, "claims", str(path))
    assert code == 0, err
    code, ingested, err = run_cli(capsys, "ingest", str(path), "--db", str(seeded_db))
    assert code == 0, err
    code, matched, err = run_cli(capsys, "match", "Harbour officials said 51 cargo ships docked in 1990",
                                 "--min-score", "0", "--db", str(seeded_db))
    assert code == 0, err
    for shown in (out, ingested, matched):
        assert not any(ch in shown for ch in _BIDI_CONTROLS), shown


# -- ingest, then every export -----------------------------------------------------------


def _judge_everything(db: Path, note: str) -> int:
    s = Store(db)
    try:
        ids = [row["id"] for row in s.query("SELECT id FROM claims")]
        s.record_verdict(ids, "contested", note=note, checker="hostile")
        return len(ids)
    finally:
        s.close()


class _HtmlAudit(HTMLParser):
    """Collects what would run or link in an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.bad_links: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in {"href", "src"} and value and not value.startswith(("http://", "https://", "#", "data:image/")):
                self.bad_links.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def _check_export(fmt: str, out: str) -> None:
    assert_no_controls(out, f"the {fmt} export")
    if fmt == "json":
        json.loads(out)
    elif fmt == "jsonl":
        for line in out.splitlines():
            json.loads(line)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
        header, body = rows[0], rows[1:]
        assert all(len(row) == len(header) for row in body)
        for row in body:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    elif fmt == "html":
        audit = _HtmlAudit()
        audit.feed(out)
        assert audit.handlers == []
        assert audit.bad_links == []
        assert not any("alert" in s or "PWNED" in s for s in audit.scripts)
    elif fmt == "claimreview":
        json.loads(out)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", INGEST_CASES)
def test_ingest_and_export(case: str, articles: dict[str, Path], tmp_path: Path, capsys) -> None:
    path = articles[case]
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    code, out, err = run_cli(capsys, "ingest", str(path), "--db", str(db))
    _check_failure_or_clean(code, out, err, path)
    if code != 0:
        assert store_fingerprint(db) == before, "a failed ingest changed the store"
        return
    assert_no_controls(store_text(db), "the store")
    # Judge every claim, with the article's hostile text in the note too, then export.
    s = Store(db)
    sample = s.query("SELECT text FROM claims ORDER BY id DESC LIMIT 1")[0]["text"]
    s.close()
    assert _judge_everything(db, note=sample[:500]) >= 2
    for fmt in reports.FORMATS:
        options = {
            "claimreview": ["--base-url", "https://desk.example/reviews", "--include-unverified"],
            "md": ["--title", "[x](javascript:alert(1)) | a | b |"],
            "html": ["--title", "</title><script>alert(1)</script>"],
        }.get(fmt, [])
        code, out, err = run_cli(capsys, "export", "--format", fmt, *options, "--db", str(db))
        assert code == 0, (fmt, err)
        _check_export(fmt, out)


# -- match --batch -------------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", ["200,000 characters without punctuation", "terminal escapes",
                                  "Rich/Textual markup", "invalid UTF-8", "PNG image", "random binary",
                                  "UTF-16 with BOM", "empty", "bidi and zero-width"])
def test_match_batch(case: str, articles: dict[str, Path], seeded_db: Path, capsys) -> None:
    path = articles[case]
    before = store_fingerprint(seeded_db)
    code, out, err = run_cli(capsys, "match", "--batch", str(path), "--json", "--db", str(seeded_db))
    _check_failure_or_clean(code, out, err, path)
    for line in out.splitlines():
        json.loads(line)
    assert store_fingerprint(seeded_db) == before  # matching reads, never writes


# -- stdin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["terminal escapes", "invalid UTF-8", "PNG image", "empty"])
def test_ingest_from_stdin(case: str, articles: dict[str, Path], tmp_path: Path, capsys,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = articles[case].read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    code, out, err = run_cli(capsys, "ingest", "-", "--db", str(db))
    assert "Traceback" not in err
    if code == 0:
        assert_no_controls(out + store_text(db))
    else:
        assert_one_error_line(err, "standard input")
        assert store_fingerprint(db) == before


# -- import -----------------------------------------------------------------------------------

@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(REFERENCE_FILES))
def test_import(case: str, reference_files: dict[str, Path], tmp_path: Path, capsys) -> None:
    path = reference_files[case]
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    code, out, err = run_cli(capsys, "import", str(path), "--db", str(db))
    assert "Traceback" not in err, err
    assert code in (0, 1)
    assert_no_controls(out + err)
    # Bad rows are reported one line each, every line naming the file.
    for line in err.strip().splitlines():
        assert line.startswith("claimdesk: ") and str(path) in line, line
    if code == 1:
        assert err.strip()
    added = int(out.split()[0]) if out.strip() else 0
    if added == 0:
        assert store_fingerprint(db) == before, "an import that added nothing changed the store"
    assert_no_controls(store_text(db), "the store")


@pytest.mark.parametrize("case", ["PNG image", "terminal escapes", "UTF-16 with BOM", "HTML with scripts and styles"])
def test_articles_given_to_import(case: str, articles: dict[str, Path], tmp_path: Path, capsys) -> None:
    path = articles[case]
    db = seed_store(tmp_path / "store.db")
    before = store_fingerprint(db)
    code, out, err = run_cli(capsys, "import", str(path), "--db", str(db))
    assert "Traceback" not in err, err
    assert_no_controls(out + err + store_text(db))
    if code == 1 and not out.strip():
        assert_one_error_line(err, str(path))
        assert store_fingerprint(db) == before


# -- the heavy cases: a 5 MB article, in a process with a memory cap ------------------------

MEMORY_CAP = 500 * 1024 * 1024




def _run_capped(argv: list[str], timeout: float) -> tuple[int, str, str, int]:
    """Run the command line in a process limited to 2 GB of address space; return its exit
    code, output, errors and peak resident memory in bytes."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED_CLI, *argv], cwd=PROJECT_ROOT, preexec_fn=limit,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"claimdesk {argv[0]} did not finish within {timeout:.0f} s")
    lines = err.splitlines()
    peak = 0
    if lines and lines[-1].startswith("PEAK_RSS_KB="):
        peak = int(lines.pop().split("=")[1]) * 1024
    return process.returncode, out, "\n".join(lines), peak


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_five_megabyte_article_claims_and_stores_within_memory(articles: dict[str, Path], tmp_path: Path) -> None:
    path = articles["5 MB article"]
    code, out, err, peak = _run_capped(["claims", str(path), "--json"], timeout=120)
    assert code == 0, err
    assert_no_controls(out)
    assert peak < MEMORY_CAP, f"peak memory {peak / 2**20:.0f} MB"
    db = seed_store(tmp_path / "store.db")
    code, out, err, peak = _run_capped(["ingest", str(path), "--no-match", "--db", str(db)], timeout=120)
    assert code == 0, err
    assert peak < MEMORY_CAP, f"peak memory {peak / 2**20:.0f} MB"


@pytest.mark.slow
@pytest.mark.timeout(100)
def test_five_megabyte_article_ingest_with_matching_finishes(articles: dict[str, Path], tmp_path: Path) -> None:
    db = seed_store(tmp_path / "store.db")
    code, out, err, _ = _run_capped(["ingest", str(articles["5 MB article"]), "--db", str(db)], timeout=60)
    assert code == 0, err
    assert "only the first 2,000 were kept as claims" in err
