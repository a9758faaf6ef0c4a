"""The JSON and JSON Lines reports: every field, exact strings, one record per line."""

from __future__ import annotations

import dataclasses
import io
import json

from reports import write_report
from reports.common import encodable_text
from tests.unit.test_reports_samples import hostile_records, sample_records


def written(records, fmt: str) -> tuple[str, int]:
    stream = io.StringIO()
    count = write_report(records, fmt, stream)
    return stream.getvalue(), count


def expected_object(record) -> dict:
    obj = dataclasses.asdict(record)
    obj["evidence"] = [encodable_text(url) for url in record.evidence]
    return {k: encodable_text(v) if isinstance(v, str) else v for k, v in obj.items()}


def test_json_is_an_array_of_objects_with_every_field() -> None:
    records = sample_records()
    text, count = written(records, "json")
    assert count == 4
    assert json.loads(text) == [expected_object(r) for r in records]
    assert "Le cessez-le-feu d’Astana" in text, "non-ASCII is written as is"


def test_hostile_strings_survive_json_exactly() -> None:
    records = hostile_records()
    text, count = written(records, "json")
    assert count == len(records)
    assert json.loads(text) == [expected_object(r) for r in records]
    text.encode("utf-8")


def test_jsonl_has_one_object_per_line_even_with_unicode_line_separators() -> None:
    records = hostile_records()
    text, count = written(records, "jsonl")
    assert count == len(records)
    lines = text.splitlines()
    assert len(lines) == len(records)
    assert [json.loads(line) for line in lines] == [expected_object(r) for r in records]


def test_empty_reports() -> None:
    assert written([], "json") == ("[]\n", 0)
    assert written([], "jsonl") == ("", 0)
