"""The Markdown report: structure, and hostile text rendered as plain text by CommonMark."""

from __future__ import annotations

import io

import pytest

from reports import ReportOptions, write_report
from reports.common import attributed_claim, one_line
from reports.markdown import COLUMNS, escape_markdown
from tests.unit.test_reports_samples import HOSTILE_STRINGS, hostile_records, make_record, sample_records

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (a Rich dependency) renders CommonMark")

FORBIDDEN_TOKENS = {"link_open", "image", "html_inline", "html_block", "code_inline", "code_block", "fence"}


def render_tokens(text: str) -> list:
    """CommonMark with GFM tables and strikethrough, as GitHub would parse it."""
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return parser.parse(text)


def all_tokens(tokens: list) -> list:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def inline_text(token) -> str:
    return "".join(child.content for child in token.children if child.type in ("text", "text_special"))


def table_rows(tokens: list) -> list[list[str]]:
    """The text of each table row's cells, header row first."""
    rows: list[list[str]] = []
    in_cell = False
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            in_cell = True
            rows[-1].append("")
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            rows[-1][-1] = inline_text(token)
    return rows


def markdown_of(records, options=None) -> tuple[str, int]:
    stream = io.StringIO()
    count = write_report(records, "md", stream, options)
    return stream.getvalue(), count


def test_sample_report_has_summary_one_section_per_article_and_a_row_per_claim() -> None:
    text, count = markdown_of(sample_records(), ReportOptions(title="Desk report"))
    assert count == 4
    tokens = render_tokens(text)
    headings = [inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Desk report", "Counter-offensive announced", "Astana : l’accord", "First day of fighting"]
    assert "4 judged claims: 2 corroborated, 1 contested, 1 unverified." in text
    rows = table_rows(tokens)
    header_rows = [row for row in rows if row == list(COLUMNS)]
    assert len(header_rows) == 3
    data_rows = [row for row in rows if row != list(COLUMNS)]
    assert [row[0] for row in data_rows] == ["11", "12", "21", "31"]
    first = data_rows[0]
    assert first[1:6] == [
        "The army announced a counter-offensive on 3 May.",
        "Contested",
        "Two outlets report a different date.",
        "alice",
        "2024-05-06T09:30:00+00:00",
    ]
    assert first[6] == (
        "“Army says counter-offensive began on 1 May.” "
        "(Checkers United; rated False; score 88; https://checkers.example/fc/42)"
    )
    assert first[7] == "2 sources, earliest 2024-05-04"
    assert first[8] == "https://evidence.example/a ; https://evidence.example/b?x=1&y=2"


def test_hostile_text_renders_literally_without_links_html_or_extra_columns() -> None:
    records = hostile_records()
    text, count = markdown_of(records)
    assert count == len(records)
    tokens = render_tokens(text)
    found = {token.type for token in all_tokens(tokens)}
    assert not found & FORBIDDEN_TOKENS
    assert not {"bullet_list_open", "ordered_list_open", "blockquote_open", "hr"} & found
    # Only our own headings: the title and one per article.
    assert sum(token.type == "heading_open" for token in tokens) == 1 + len(records)
    rows = table_rows(tokens)
    assert all(len(row) == len(COLUMNS) for row in rows)
    data_rows = [row for row in rows if row != list(COLUMNS)]
    assert len(data_rows) == len(records)
    for row, record in zip(data_rows, records):
        assert row[1] == one_line(attributed_claim(record))  # "SPEAKER: text" for a transcript's line
        assert row[3] == one_line(record.note)
        assert row[4] == one_line(record.checker)


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_escaped_text_is_one_paragraph_of_the_same_text(hostile: str) -> None:
    tokens = render_tokens(escape_markdown(hostile) + "\n")
    expected = one_line(hostile)
    if not expected:
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {child.type for child in tokens[1].children} <= {"text", "text_special"}
    assert inline_text(tokens[1]) == expected


def test_display_text_drops_controls_and_bidi_overrides() -> None:
    text, _ = markdown_of([make_record(claim_text="Vote \u202eetad\u202c \x1b[2J now", note="bad\udcff")])
    assert "\u202e" not in text and "\x1b" not in text
    assert "Vote etad \ufffd\\[2J now" in text
    assert "bad\ufffd" in text
    text.encode("utf-8")


def test_empty_report_says_so() -> None:
    text, count = markdown_of([])
    assert count == 0
    assert text == "# Verdict report\n\nNo judged claims match this report.\n"


def test_non_ascii_is_kept() -> None:
    text, _ = markdown_of([make_record(claim_text="中文句子。第二句！ 👨‍👩‍👧 Zoë")])
    rows = table_rows(render_tokens(text))
    assert rows[1][1] == "中文句子。第二句！ 👨‍👩‍👧 Zoë"
