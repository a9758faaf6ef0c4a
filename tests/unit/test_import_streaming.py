"""Large files of reference claims are read as they stream: the same drafts and the same
bad rows as the file read whole, in pieces small enough to cut lines, line breaks and
quoted fields anywhere."""

from __future__ import annotations

import json

import pytest

from ingest.errors import ImportFormatError
from ingest.references import open_references, parse_references, read_references, stream


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files over 64 KB stream, read 1,000 bytes at a time.
    monkeypatch.setattr(stream, "WHOLE_BYTES", 64 * 1024)
    monkeypatch.setattr(stream, "CHUNK_BYTES", 1_000)


def _read_both(path, data: bytes) -> tuple[list, list[str], list, list[str]]:
    streamed_errors: list[ImportFormatError] = []
    whole_errors: list[ImportFormatError] = []
    streamed = read_references(str(path), errors=streamed_errors)
    whole = parse_references(data, name=str(path), extension=path.suffix.lstrip("."), errors=whole_errors)
    return streamed, [str(e) for e in streamed_errors], whole, [str(e) for e in whole_errors]


def test_json_lines_streamed_read_as_when_read_whole(small_pieces, tmp_path) -> None:
    rows = []
    for i in range(1_500):
        if i % 250 == 7:
            rows.append("{broken json")
        elif i % 250 == 9:
            rows.append(json.dumps({"text": ""}))
        else:
            rows.append(json.dumps({"text": f"Claim {i}: café fares rose {i} percent \u2014 \x1b[2J", "rating": "False",
                                    "source": f"Desk {i % 7}"}, ensure_ascii=i % 2 == 0))
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8")
    path = tmp_path / "refs.jsonl"
    path.write_bytes(data)
    streamed, streamed_errors, whole, whole_errors = _read_both(path, data)
    assert len(streamed) == 1_500 - 12 and streamed == whole
    assert streamed_errors == whole_errors and len(streamed_errors) == 12
    assert streamed_errors[0].startswith(f"Line 8 of {path} is not valid JSON")
    assert all("\x1b" not in d.text and "\r" not in d.rating for d in streamed)


def test_csv_streamed_read_as_when_read_whole(small_pieces, tmp_path) -> None:
    lines = ["text,rating,source"]
    for i in range(1_500):
        if i % 300 == 5:
            lines.append(f'"A claim {i} with a line break\ninside its quotes",True,Desk')
        elif i % 300 == 11:
            lines.append(f"Claim {i},True,Desk,extra")
        else:
            lines.append(f"Claim {i} about tolls,Mostly False,Desk {i % 5}")
    lines.append('"An unterminated claim,False,Desk')
    lines.extend(f"Late claim {i},True,Desk" for i in range(200))
    data = "\r\n".join(lines).encode("cp1252")
    path = tmp_path / "refs.csv"
    path.write_bytes(data)
    streamed, streamed_errors, whole, whole_errors = _read_both(path, data)
    assert streamed == whole and len(streamed) == 1_500 - 5 + 200
    assert "A claim 5 with a line break inside its quotes" in {d.text for d in streamed}
    assert streamed_errors == whole_errors and len(streamed_errors) == 6
    physical = len(lines) - 200 + 5  # five rows above it hold a line break
    assert streamed_errors[-1].startswith(f"Line {physical} of {path} starts a quoted field")


def test_an_overlong_line_is_one_bad_row_and_is_not_kept(monkeypatch, small_pieces, tmp_path) -> None:
    monkeypatch.setattr(stream, "MAX_LINE_CHARS", 5_000)
    path = tmp_path / "refs.jsonl"
    path.write_text(
        json.dumps({"text": "First claim."}) + "\n" + json.dumps({"text": "x" * 200_000}) + "\n"
        + json.dumps({"text": "Third claim."}) + "\n" + "\n".join(json.dumps({"text": f"Claim {i}."}) for i in range(3_000)),
        encoding="utf-8",
    )
    errors: list[ImportFormatError] = []
    drafts = read_references(str(path), errors=errors)
    assert [d.text for d in drafts[:2]] == ["First claim.", "Third claim."] and len(drafts) == 3_002
    assert [str(e) for e in errors] == [f"Line 2 of {path} is longer than the 5,000 characters a line may have."]


def test_batches_are_bounded_by_rows_and_by_bytes(small_pieces, tmp_path) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text("".join(json.dumps({"text": f"Claim {i} " + "word " * 40}) + "\n" for i in range(2_000)),
                    encoding="utf-8")
    with open_references(str(path)) as reader:
        sizes = [len(batch) for batch in reader.batches(500)]
    assert sum(sizes) == 2_000 and max(sizes) == 500
    with open_references(str(path)) as reader:
        sizes = [len(batch) for batch in reader.batches(500, max_bytes=20_000)]
        assert reader.bytes_read == path.stat().st_size
    # The first batch also holds what was read to detect the format.
    assert sum(sizes) == 2_000 and max(sizes[1:]) < 120


def test_a_large_json_document_is_refused_with_the_way_out(monkeypatch, small_pieces, tmp_path) -> None:
    monkeypatch.setattr(stream, "MAX_DOCUMENT_BYTES", 100_000)
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([{"text": f"Claim {i}"} for i in range(10_000)]), encoding="utf-8")
    with pytest.raises(ImportFormatError, match="reviews.json is a document of more than .* JSON Lines"):
        read_references(str(path))
