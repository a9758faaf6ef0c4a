"""Properties of the reference-claim importers, for any input: they return clean
`ReferenceDraft`s or raise `ImportFormatError`, nothing else, in strict and lenient mode."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.errors import ImportFormatError
from ingest.references import parse_references
from store.models import ReferenceDraft

FIELDS = ["text", "source", "url", "rating", "date", "id", "language", "claimant", "claims",
          "@type", "@context", "@graph", "claimReviewed", "reviewRating", "itemReviewed", "author",
          "datePublished", "name", "alternateName", "ratingValue", "bestRating", "claimReview",
          "publisher", "textualRating", "reviewDate", "site"]
EXTENSIONS = ["", "json", "jsonl", "ndjson", "csv", "tsv", "html", "txt"]
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False), st.text(max_size=40),
    st.sampled_from(["ClaimReview", "Claim", "https://schema.org", "https://ok.example/a",
                     "javascript:alert(1)", "False", "Mostly true", "2021-02-03", "\x1b]52;c;SGk=\x07",
                     "[@click=app.quit]x[/]", "</script><script>alert(1)</script>"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=25,
)
claim_reviews = st.fixed_dictionaries(
    {"@context": st.just("https://schema.org"), "@type": st.just("ClaimReview")},
    optional={name: json_values for name in
              ["claimReviewed", "url", "reviewRating", "itemReviewed", "author", "datePublished"]},
)
objects = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)


def _documents():
    return st.one_of(
        json_values.map(json.dumps),
        st.lists(claim_reviews, max_size=4).map(json.dumps),
        st.lists(st.one_of(objects, claim_reviews, json_values), max_size=6).map(
            lambda rows: "\n".join(json.dumps(r) for r in rows)),
        st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=6), max_size=6).map(_csv_text),
        claim_reviews.map(lambda r: f'<html><script type="application/ld+json">{json.dumps(r)}</script></html>'),
        st.text(max_size=300),
    )


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "source", "url", "rating", "date", "id"][: max(1, len(rows[0]) if rows else 1)])
    writer.writerows(rows)
    return out.getvalue()


def _check(drafts: list[ReferenceDraft]) -> None:
    for draft in drafts:
        assert isinstance(draft, ReferenceDraft)
        for value in vars(draft).values():
            assert isinstance(value, str)
            assert not FORBIDDEN.search(value), repr(value)
        assert draft.text.strip()
        assert draft.url == "" or draft.url.startswith(("http://", "https://"))


def _parse_both_ways(data: bytes | str, extension: str) -> None:
    try:
        _check(parse_references(data, name="input.x", extension=extension))
    except ImportFormatError as exc:
        assert "input.x" in str(exc)
    errors: list[ImportFormatError] = []
    try:
        drafts = parse_references(data, name="input.x", extension=extension, errors=errors)
    except ImportFormatError:
        return
    _check(drafts)
    assert all(isinstance(e, ImportFormatError) and "input.x" in str(e) for e in errors)


@PROPERTY
@given(_documents(), st.sampled_from(EXTENSIONS))
@example('{"text": 5, "url": ["x"]}\n[1]\n"s"\n{"claims": [{"text": null, "claimReview": 3}]}', "")
@example('[{"@type": "ClaimReview", "claimReviewed": {"a": 1}, "reviewRating": "x"}]', "json")
def test_structured_input_gives_drafts_or_import_format_error(document: str, extension: str) -> None:
    _parse_both_ways(document, extension)
    _parse_both_ways(document.encode("utf-8"), extension)


@PROPERTY
@given(st.binary(max_size=600), st.sampled_from(EXTENSIONS))
@example(b"\xff\xfe" + "text\nA claim".encode("utf-16-le"), "csv")
@example(b"[" * 5000, "json")
def test_any_bytes_give_drafts_or_import_format_error(data: bytes, extension: str) -> None:
    _parse_both_ways(data, extension)
