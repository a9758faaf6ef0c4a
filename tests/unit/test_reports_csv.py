"""The CSV report: header, RFC 4180 round trip, formula-safe text cells, numbers untouched."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reports import write_report, write_report_file
from reports.common import encodable_text
from reports.tabular import COLUMNS, FORMULA_TRIGGERS, NUMERIC_COLUMNS
from tests.unit.test_reports_samples import hostile_records, make_record, sample_records


def csv_text(records) -> tuple[str, int]:
    stream = io.StringIO()
    count = write_report(records, "csv", stream)
    return stream.getvalue(), count


def read_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "the CSV starts with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_header_and_one_row_per_record_with_all_fields() -> None:
    records = sample_records()
    text, count = csv_text(records)
    rows = read_rows(text)
    assert count == 4
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + len(records)
    first = dict(zip(COLUMNS, rows[1]))
    assert first["claim_id"] == "11"
    assert first["claim_text"] == "The army announced a counter-offensive on 3 May."
    assert first["verdict"] == "contested"
    assert first["best_match_score"] == "87.5"
    assert first["evidence"] == "https://evidence.example/a https://evidence.example/b?x=1&y=2"
    assert first["corroborating_sources"] == "2"
    second = dict(zip(COLUMNS, rows[2]))
    assert second["best_match_score"] == ""
    assert second["evidence"] == ""
    # RFC 4180: CRLF row ends.
    assert text.count("\r\n") == 1 + len(records)


def test_new_columns_come_after_the_earlier_ones() -> None:
    rows = read_rows(csv_text([make_record(claim_speaker="CLINTON", disputing_sources=2), make_record()])[0])
    assert rows[0][:2] == ["claim_id", "claim_text"]
    assert rows[0][-3:] == ["earliest_seen", "claim_speaker", "disputing_sources"]
    assert [row[-2:] for row in rows[1:]] == [["CLINTON", "2"], ["", "0"]]


def test_no_text_cell_starts_with_a_formula_trigger_and_the_text_survives() -> None:
    records = hostile_records()
    text, _ = csv_text(records)
    rows = read_rows(text)
    assert len(rows) == 1 + len(records)
    for row, record in zip(rows[1:], records):
        assert len(row) == len(COLUMNS)
        for column, cell in zip(COLUMNS, row):
            if column in NUMERIC_COLUMNS:
                continue
            assert not cell.startswith(FORMULA_TRIGGERS), (column, cell)
            original = " ".join(record.evidence) if column == "evidence" else getattr(record, column)
            original = encodable_text(original)
            if original.startswith(FORMULA_TRIGGERS):
                assert cell == "'" + original
            else:
                assert cell == original


def test_numeric_columns_are_not_prefixed_even_when_negative() -> None:
    text, _ = csv_text([make_record(best_match_score=-3.5, claim_text="-3.5")])
    row = dict(zip(COLUMNS, read_rows(text)[1]))
    assert row["best_match_score"] == "-3.5"
    assert row["claim_text"] == "'-3.5"


def test_empty_report_is_just_the_header() -> None:
    text, count = csv_text([])
    assert count == 0
    assert read_rows(text) == [list(COLUMNS)]


def test_file_opens_as_utf8_sig_with_non_ascii_and_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    records = [make_record(claim_text="中文句子。\n第二句！ Zoë 👨‍👩‍👧", note='He said "no", twice')]
    assert write_report_file(records, "csv", path) == 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][1] == "中文句子。\n第二句！ Zoë 👨‍👩‍👧"
    assert rows[1][3] == 'He said "no", twice'
    assert path.read_bytes().startswith(b"\xef\xbb\xbfclaim_id,")
