"""The HTML report: parsed back with html.parser, no script, handler or unsafe link."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from reports import ReportOptions, write_report
from reports.common import display_text, one_line
from tests.unit.test_reports_samples import hostile_records, make_record, sample_records

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "img", "base", "form", "link", "frame", "svg:script"}
VOID_TAGS = {"meta", "br", "img", "input", "link", "hr", "rect"}


class ReportParser(HTMLParser):
    """Collects tags, attributes, links and the text of elements by class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.hrefs: list[str] = []
        self.open: list[tuple[str, str]] = []
        self.texts: dict[str, list[str]] = {}
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value))
            if name == "href":
                self.hrefs.append(value or "")
        css_class = dict(attrs).get("class") or ""
        if tag not in VOID_TAGS:
            self.open.append((tag, css_class))
        for name in css_class.split():
            self.texts.setdefault(name, []).append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}: nesting broken"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for _, css_class in self.open:
            for name in css_class.split():
                self.texts[name][-1] += data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(text: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(text)
    parser.close()
    assert parser.open == [], "every element is closed"
    return parser


def html_of(records, options: ReportOptions | None = None) -> tuple[str, int]:
    stream = io.StringIO()
    count = write_report(records, "html", stream, options)
    return stream.getvalue(), count


def test_sample_report_has_summary_chart_and_each_claim() -> None:
    text, count = html_of(sample_records(), ReportOptions(title="Desk report 6 May"))
    assert count == 4
    page = parse(text)
    assert page.tags.count("h1") == 1 and page.tags.count("h2") == 3
    assert page.tags.count("svg") == 1 and page.tags.count("rect") == 3
    assert "4 judged claims: 2 corroborated, 1 contested, 1 unverified." in page.texts["lead"][0]
    assert page.texts["claim-text"] == [r.claim_text for r in sample_records()]
    assert page.texts["badge"] == ["Contested", "Corroborated", "Corroborated", "Unverified"]
    claim_ids = [value for tag, name, value in page.attributes if tag == "article" and name == "id"]
    assert claim_ids == ["claim-11", "claim-12", "claim-21", "claim-31"]
    # Summary tables: per verdict, per source (blank source counted apart), per checker.
    assert page.texts["count"] == ["2", "1", "1", "2", "1", "1", "2", "1", "1"]
    assert "https://evidence.example/b?x=1&y=2" in page.hrefs
    assert "https://checkers.example/fc/42" in page.hrefs
    assert "rated False" in page.texts["match-details"][0]
    assert "2 sources, earliest 2024-05-04" in page.texts["corroboration"][0]
    assert 'href="https://evidence.example/b?x=1&amp;y=2"' in text


def test_hostile_text_is_escaped_and_links_are_only_http() -> None:
    records = hostile_records()
    text, count = html_of(records, ReportOptions(title="</title><script>alert(1)</script>"))
    assert count == len(records)
    page = parse(text)
    assert not DANGEROUS_TAGS & set(page.tags)
    assert page.tags.count("style") == 1 and page.tags.count("title") == 2, "the page's and the chart's"
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert not [a for a in page.attributes if a[1] == "style"]
    assert page.comments == []
    assert page.hrefs and all(re.match(r"https?://[^\s]+$", href) for href in page.hrefs)
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert page.texts["claim-text"] == [display_text(r.claim_text) for r in records]
    assert page.texts["speaker"] == [one_line(r.claim_speaker) for r in records if r.claim_speaker.strip()]
    assert page.texts["checker"] == [one_line(r.checker) for r in records]
    notes = [t.removeprefix("Note: ") for t in page.texts["note"]]
    assert notes == [display_text(r.note) for r in records if r.note.strip()]
    text.encode("utf-8")


def test_unsafe_urls_are_shown_as_text_not_links() -> None:
    record = make_record(
        article_url="javascript:alert(1)",
        best_match_url="data:text/html,<script>alert(1)</script>",
        evidence=("JAVASCRIPT:alert(1)", "//evil.example/x", "file:///etc/passwd", "https://ok.example/e"),
    )
    page = parse(html_of([record])[0])
    assert page.hrefs == ["https://ok.example/e"]
    assert "javascript:alert(1)" in page.texts["url"]
    assert "file:///etc/passwd" in page.texts["url"]


def test_empty_report() -> None:
    text, count = html_of([])
    assert count == 0
    page = parse(text)
    assert "No judged claims match this report." in page.texts["empty"]
    assert "svg" not in page.tags


def test_non_ascii_is_kept_and_declared_utf8() -> None:
    text, _ = html_of([make_record(claim_text="中文句子。第二句！ 👨‍👩‍👧 Zoë")])
    assert '<meta charset="utf-8">' in text
    assert parse(text).texts["claim-text"] == ["中文句子。第二句！ 👨‍👩‍👧 Zoë"]


def test_times_read_as_dates_and_keep_the_exact_value() -> None:
    text, _ = html_of([
        make_record(claim_id=1, at="2024-05-06T11:30:00+02:00"),
        make_record(claim_id=2, at="<b>yesterday</b>"),
    ])
    assert '<time class="time" datetime="2024-05-06T11:30:00+02:00">6 May 2024, 09:30 UTC</time>' in text
    # A time that is no ISO date is shown as it is, escaped.
    assert '<span class="time">&lt;b&gt;yesterday&lt;/b&gt;</span>' in text
    parse(text)
