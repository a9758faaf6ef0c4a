"""The JSON and JSON Lines reports: every field of every record, nothing rendered.

`json` is one array of objects; `jsonl` one object per line. Non-ASCII text is kept
as is. U+2028, U+2029 and U+0085 are escaped because line-splitting readers
(`str.splitlines`, JavaScript) would otherwise cut a JSON Lines record in two.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, TextIO

from reports.common import encodable_text
from reports.options import ReportOptions
from store.models import VerdictRecord

_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def record_object(record: VerdictRecord) -> dict[str, Any]:
    """All fields of `record` as a JSON-ready dict (evidence as a list)."""
    obj = dataclasses.asdict(record)
    obj["evidence"] = [encodable_text(url) for url in record.evidence]
    return {key: encodable_text(value) if isinstance(value, str) else value for key, value in obj.items()}


def dumps_safely(value: Any, indent: int | None = None) -> str:
    """JSON text of `value`, UTF-8 kept, line-breaking characters escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    for raw, escaped in _LINE_BREAKERS.items():
        # These characters can only occur inside JSON strings, where the escape is equal.
        text = text.replace(raw, escaped)
    return text


def write_json(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write one JSON array of record objects; returns how many claims it holds."""
    stream.write(dumps_safely([record_object(r) for r in records], indent=2) + "\n")
    return len(records)


def write_jsonl(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write one JSON object per line; returns how many claims it holds."""
    for record in records:
        stream.write(dumps_safely(record_object(record)) + "\n")
    return len(records)
