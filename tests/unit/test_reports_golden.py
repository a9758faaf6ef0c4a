"""Golden-file tests: every format rendered from a small fixed store.

The expected files live in `test_reports_golden/`. After an intended change of output,
regenerate them with `UPDATE_REPORT_GOLDEN=1 python -m pytest tests/unit/test_reports_golden.py`
and review the diff.
"""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pytest

from reports import FORMATS, ReportOptions, write_report
from store import Store
from store.models import ArticleDraft, ClaimDraft, Match, ReferenceDraft

GOLDEN = Path(__file__).resolve().parent / "test_reports_golden"
FIXED_TIME = "2024-05-06T09:30:00+00:00"
OPTIONS = ReportOptions(
    base_url="https://desk.example/reviews/2024-05-06",
    organisation_name="Example Desk",
    organisation_url="https://desk.example/",
    title="Desk report, 6 May 2024",
)
EXTENSIONS = {"md": "md", "csv": "csv", "json": "json", "jsonl": "jsonl", "claimreview": "jsonld", "html": "html"}

ARTICLES = (
    (
        ArticleDraft(
            title="Counter-offensive announced | day 1",
            text="The army announced a counter-offensive on 3 May. Six groups joined the operation.",
            source="News Example",
            url="https://news.example/articles/1",
            published="2024-05-05",
        ),
        "contested",
        "Two outlets give 1 May; see <b>both</b>.",
    ),
    (
        ArticleDraft(
            title="Astana : l’accord",
            text="Le cessez-le-feu d’Astana a été signé en 2017. =SUM(A1) était la formule.",
            source="Presse Exemple",
            url="javascript:alert(1)",
            published="2024-05-04",
        ),
        "corroborated",
        "",
    ),
)


def _claims(text: str) -> list[ClaimDraft]:
    claims, start = [], 0
    for sentence in text.split(". "):
        sentence = sentence if sentence.endswith(".") else sentence + "."
        begin = text.index(sentence, start)
        claims.append(ClaimDraft(sentence, begin, begin + len(sentence), 0.9, True))
        start = begin + len(sentence)
    return claims


def fixed_records(store: Store) -> list:
    """Two articles, four claims, every verdict, a saved match, evidence and notes."""
    store.add_reference_claims(
        [
            ReferenceDraft(
                text="Army says counter-offensive began on 1 May.",
                source="Checkers United",
                url="https://checkers.example/fc/42",
                rating="False",
                date="2024-05-04",
            )
        ]
    )
    reference_id = store.query("SELECT id FROM reference_claims")[0]["id"]
    reference = store.get_candidate("reference", reference_id)
    verdicts = ("unverified",)
    for article, verdict, note in ARTICLES:
        article_id, _ = store.add_article(article, _claims(article.text))
        claims = store.claims_for_article(article_id)
        store.record_verdict(claims[0].id, verdict, note=note, checker="alice")
        store.record_verdict(claims[1].id, verdicts[0], note="Waiting\nfor a second source.", checker="bob")
        store.add_evidence(claims[0].id, "https://evidence.example/a?x=1&y=2", checker="alice")
        store.add_evidence(claims[0].id, "javascript:alert(2)", checker="alice")
    first_claim = store.claims_for_article(1)[0]
    store.save_matches(first_claim.id, [Match(reference, 87.5)])
    return [dataclasses.replace(record, at=FIXED_TIME) for record in store.verdict_records()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_matches_golden_file(store: Store, fmt: str) -> None:
    records = fixed_records(store)
    assert len(records) == 4
    stream = io.StringIO(newline="")
    write_report(records, fmt, stream, dataclasses.replace(OPTIONS, include_unverified=True))
    golden = GOLDEN / f"report.{EXTENSIONS[fmt]}"
    if os.environ.get("UPDATE_REPORT_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(stream.getvalue().encode("utf-8"))
    assert golden.exists(), f"{golden.name} is missing; run with UPDATE_REPORT_GOLDEN=1 to create it"
    assert stream.getvalue() == golden.read_bytes().decode("utf-8")
