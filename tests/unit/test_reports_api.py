"""The reports API: formats, extension inference, unknown formats and atomic file writes."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest

import reports
from reports import FORMATS, ReportError, ReportOptions, format_for_path, write_report, write_report_file
from tests.unit.test_reports_samples import sample_records

# ClaimReview needs the page the reviews are published on; the other formats ignore it.
OPTIONS = ReportOptions(base_url="https://desk.example/reviews", organisation_name="Desk")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unknown_format_names_it() -> None:
    with pytest.raises(ReportError, match="'pdf'"):
        write_report(sample_records(), "pdf", io.StringIO())
    with pytest.raises(ReportError, match="'xlsx'"):
        write_report_file(sample_records(), "xlsx", "out.xlsx")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_an_empty_report_and_counts_claims(fmt: str) -> None:
    assert write_report([], fmt, io.StringIO(), OPTIONS) == 0


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("r.md", "md"),
        ("R.MD", "md"),
        ("x/r.csv", "csv"),
        ("r.json", "json"),
        ("r.jsonl", "jsonl"),
        ("r.ndjson", "jsonl"),
        ("reviews.jsonld", "claimreview"),
        ("r.html", "html"),
        ("r.HTM", "html"),
    ],
)
def test_format_for_path(name: str, fmt: str) -> None:
    assert format_for_path(name) == fmt


@pytest.mark.parametrize("name", ["report.txt", "report", "archive.tar.gz"])
def test_format_for_path_rejects_unknown_extensions_naming_the_path(name: str) -> None:
    with pytest.raises(ReportError, match=f"'{name}'"):
        format_for_path(name)


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_write_equals_stream_write(tmp_path: Path, fmt: str) -> None:
    stream = io.StringIO(newline="")
    expected = write_report(sample_records(), fmt, stream, OPTIONS)
    path = tmp_path / f"report.{fmt}"
    assert write_report_file(sample_records(), fmt, path, OPTIONS) == expected
    assert path.read_bytes() == stream.getvalue().encode("utf-8")


def test_failed_fsync_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"old report\n")
    before = digest(path)

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(reports.files.os, "fsync", full_disk)
    with pytest.raises(ReportError, match="report.csv") as caught:
        write_report_file(sample_records(), "csv", path)
    assert "No space left on device" in str(caught.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_writer_failing_midway_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "report.md"
    path.write_text("# old\n", encoding="utf-8")
    before = digest(path)

    def half_then_full_disk(records, stream, options) -> int:
        stream.write("# partial" * 10000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(reports.WRITERS, "md", half_then_full_disk)
    with pytest.raises(ReportError, match="No space left on device"):
        write_report_file(sample_records(), "md", path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_replacing_keeps_the_old_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("[]", encoding="utf-8")
    path.chmod(0o640)
    write_report_file(sample_records(), "json", path)
    assert path.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.json"
    write_report_file(sample_records(), "json", fresh)
    assert fresh.stat().st_mode & 0o777 == 0o644


def test_missing_folder_and_folder_target_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        write_report_file(sample_records(), "md", tmp_path / "nowhere" / "r.md")
    with pytest.raises(ReportError, match="is a folder"):
        write_report_file(sample_records(), "md", tmp_path)


def test_reports_import_neither_the_ui_nor_the_database() -> None:
    import ast

    forbidden = ("textual", "tui", "store.db", "sqlite3", "sqlite_utils")
    folder = Path(reports.__file__).parent
    for module in folder.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(forbidden), f"{module.name} imports {name}"
