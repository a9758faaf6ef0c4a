"""Reading reference claims: JSON Lines, CSV, ClaimReview JSON-LD, HTML pages, Google Fact Check."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import ImportFormatError
from ingest.references import parse_references, read_references
from store.models import ReferenceDraft
from tests.conftest import FIXTURES

REFS = FIXTURES / "references"


def test_json_lines_rows_keep_every_field() -> None:
    drafts = read_references(str(REFS / "plain.jsonl"))
    assert [d.text for d in drafts] == [
        "The city council cut the library budget by 40 percent in 2023.",
        "Unemployment fell to 3.5 percent last month.",
        "The new bridge cost twice its original estimate.",
    ]
    first = drafts[0]
    assert first == ReferenceDraft(
        text="The city council cut the library budget by 40 percent in 2023.",
        source="Local Facts",
        url="https://facts.example/library-budget",
        rating="Mostly False",
        date="2023-05-02",
        external_id="lf-101",
        normalised_rating="contested",
    )
    assert drafts[1].external_id == "102"  # a numeric id is kept as text
    assert drafts[2].claimant == "Mayor Jane Doe"
    assert drafts[2].normalised_rating == "unverified"


def test_csv_rows_with_quoted_multiline_text() -> None:
    drafts = read_references(str(REFS / "plain.csv"))
    assert len(drafts) == 3
    assert drafts[1].rating == "Pants on Fire"
    assert drafts[1].normalised_rating == "contested"
    assert drafts[2].text == 'A claim with a "quoted" word and a line break inside.'
    assert drafts[2].url == ""


def test_source_name_overrides_each_rows_source() -> None:
    drafts = read_references(str(REFS / "plain.csv"), source_name="Imported batch")
    assert {d.source for d in drafts} == {"Imported batch"}


def test_one_bad_row_fails_the_whole_file_by_default() -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_references(str(REFS / "bad-rows.jsonl"))
    message = str(caught.value)
    assert "bad-rows.jsonl has 4 bad rows, so nothing was imported" in message
    assert "line 2 has an empty" in message and "line 3 is not valid JSON" in message
    assert "\n" not in message
    assert [str(e).split(" of ")[0] for e in caught.value.row_errors] == [
        "Line 2", "Line 3", "Line 5", "Line 6",
    ]


def test_lenient_import_reports_each_bad_row_and_keeps_the_good_ones() -> None:
    errors: list[ImportFormatError] = []
    drafts = read_references(str(REFS / "bad-rows.jsonl"), errors=errors)
    assert [d.rating for d in drafts] == ["Correct", "Pants on Fire"]
    messages = [str(e) for e in errors]
    assert messages[0].startswith("Line 2 of ") and "empty \"text\"" in messages[0]
    assert messages[1].startswith("Line 3 of ") and "not valid JSON" in messages[1]
    assert messages[2].startswith("Line 5 of ") and "JSON list" in messages[2]
    assert messages[3].startswith("Line 6 of ") and "not an http(s) URL" in messages[3]
    assert all(str(REFS / "bad-rows.jsonl") in m for m in messages)


def test_csv_bad_rows_are_named_by_line() -> None:
    errors: list[ImportFormatError] = []
    drafts = read_references(str(REFS / "bad-rows.csv"), errors=errors)
    assert [d.text for d in drafts] == ["Schools got 5 new buses.", "Taxes fell."]
    assert [str(e).split(" of ")[0] for e in errors] == ["Line 3", "Line 4"]


def test_csv_without_a_text_column_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no \"text\" column"):
        read_references(str(REFS / "no-text-column.csv"))


def test_single_claim_review() -> None:
    [draft] = read_references(str(REFS / "claimreview-single.json"))
    assert draft == ReferenceDraft(
        text="Drinking hot water cures the flu.",
        source="Example Fact Check",
        url="https://factcheck.example/reviews/42",
        rating="False",
        date="2024-02-11",
        external_id="https://factcheck.example/reviews/42#claimreview",
        language="en",
        normalised_rating="contested",
        claimant="A viral post",
    )


def test_claim_review_graph_with_type_variants() -> None:
    drafts = read_references(str(REFS / "claimreview-graph.jsonld"))
    assert [(d.text, d.rating, d.normalised_rating, d.source) for d in drafts] == [
        ("The moon landing was filmed in a studio.", "Pants on Fire", "contested", "Checks Weekly"),
        ("The bridge opened in 1998.", "5/5", "corroborated", "Checks Weekly"),
        ("Half of all voters stayed home.", "Mixture", "unverified", "Checks Weekly"),
    ]


def test_claim_review_list() -> None:
    drafts = read_references(str(REFS / "claimreview-list.json"))
    assert [d.normalised_rating for d in drafts] == ["contested", "corroborated"]
    assert {d.source for d in drafts} == {"Verify Desk"}


def test_claim_review_embedded_in_an_html_page() -> None:
    [draft] = read_references(str(REFS / "claimreview-page.html"))
    assert draft.text == "The northern dam burst and flooded three villages on Monday."
    assert draft.source == "News Example"
    assert draft.claimant == "An anonymous forum post"
    assert draft.normalised_rating == "contested"


def test_html_page_without_claim_review_is_refused() -> None:
    page = b"<html><script type='application/ld+json'>{\"@type\": \"NewsArticle\"}</script></html>"
    with pytest.raises(ImportFormatError, match="no ClaimReview"):
        parse_references(page, name="page.html", extension="html")
    with pytest.raises(ImportFormatError, match="without any JSON-LD"):
        parse_references(b"<html><p>hello</p></html>", name="plain.html")


def test_json_ld_script_breakout_text_stays_text() -> None:
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "<img src=x onerror=alert(1)> \u001b]0;PWNED\u0007",
        "reviewRating": {"alternateName": "False"},
    }
    page = (
        "<html><script type=\"application/ld+json\">"
        + json.dumps(review).replace("<", "\\u003c")
        + "</script></html>"
    )
    [draft] = parse_references(page, name="page.html")
    assert draft.text.startswith("<img src=x onerror=alert(1)>")
    assert "\x1b" not in draft.text and "\x07" not in draft.text


def test_google_fact_check_response_gives_one_reference_per_review() -> None:
    drafts = read_references(str(REFS / "google-factcheck.json"))
    assert [(d.source, d.rating, d.normalised_rating, d.language) for d in drafts] == [
        ("Science Checks", "Mostly False", "contested", "en"),
        ("other.example", "Exaggerated", "contested", "en"),
        ("Verificado Ejemplo", "Falso", "contested", "es"),
    ]
    assert drafts[0].claimant == "Wartime poster"
    assert drafts[0].date == "2021-06-01T00:00:00Z"


def test_format_detected_from_content_on_stdin() -> None:
    body = (REFS / "plain.jsonl").read_bytes()
    drafts = read_references("-", stdin=io.BytesIO(body))
    assert len(drafts) == 3
    csv_body = (REFS / "plain.csv").read_bytes()
    assert len(read_references("-", stdin=io.BytesIO(csv_body))) == 3
    google = (REFS / "google-factcheck.json").read_text()
    assert len(read_references("-", stdin=io.StringIO(google))) == 3


def test_json_lines_in_a_json_file_are_read_as_lines() -> None:
    body = (REFS / "plain.jsonl").read_bytes()
    assert len(parse_references(body, name="refs.json", extension="json")) == 3


def test_control_characters_are_neutralised_in_every_field() -> None:
    row = {
        "text": "Claim \x1b[2J\x1b[H with \x9b31m escapes and a NUL\x00 byte",
        "source": "Outlet\x1b]52;c;SGVsbG8=\x07",
        "rating": "False\r\n",
    }
    [draft] = parse_references(json.dumps(row), name="x.jsonl", extension="jsonl")
    for value in (draft.text, draft.source, draft.rating):
        assert not any(ch in value for ch in "\x1b\x9b\x00\x07\r")
    assert draft.normalised_rating == "contested"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "PNG image"),
        (b'{"@context": "https://schema.org", "name": "x"', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
        (b"{}", "Item 1"),
    ],
)
def test_unreadable_content_raises_one_import_error(content: bytes, fragment: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_references(content, name="refs.json", extension="json")
    assert fragment in str(caught.value)


def test_missing_file_and_folder_are_named(tmp_path) -> None:
    with pytest.raises(ImportFormatError, match="does not exist"):
        read_references(str(tmp_path / "nope.jsonl"))
    with pytest.raises(ImportFormatError, match="is a folder"):
        read_references(str(tmp_path))


def test_reimporting_the_same_file_adds_nothing(store) -> None:
    drafts = read_references(str(REFS / "claimreview-graph.jsonld"))
    first = store.add_reference_claims(drafts)
    second = store.add_reference_claims(read_references(str(REFS / "claimreview-graph.jsonld")))
    assert first == (3, 0)
    assert second == (0, 3)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
_fields = ["text", "source", "url", "rating", "date", "id", "language", "claimant", "normalised_rating"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_fields), _json_values))
def test_wrong_types_in_plain_rows_raise_only_import_errors(row: dict) -> None:
    try:
        drafts = parse_references(json.dumps(row), name="x.jsonl", extension="jsonl")
    except ImportFormatError:
        return
    assert all(isinstance(d.text, str) and d.text for d in drafts)


_review_fields = ["claimReviewed", "author", "publisher", "url", "datePublished", "reviewRating",
                  "itemReviewed", "inLanguage", "@id", "identifier"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_review_fields), _json_values))
def test_wrong_types_in_claim_reviews_raise_only_import_errors(review: dict) -> None:
    review["@type"] = "ClaimReview"
    for document in (review, [review], {"@graph": [review]}):
        try:
            drafts = parse_references(json.dumps(document), name="x.json", extension="json")
        except ImportFormatError:
            continue
        assert all(isinstance(d.text, str) and d.text for d in drafts)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_json_values, _json_values)
def test_wrong_types_in_google_responses_raise_only_import_errors(claim, review) -> None:
    documents = [
        {"claims": claim},
        {"claims": [claim]},
        {"claims": [{"text": "A claim.", "claimReview": [review]}]},
        {"claims": [{"text": "A claim.", "claimReview": review}]},
    ]
    for document in documents:
        try:
            parse_references(json.dumps(document), name="x.json", extension="json")
        except ImportFormatError:
            continue


@settings(max_examples=200)
@given(st.binary(max_size=300), st.sampled_from(["", "json", "jsonl", "csv", "html"]))
def test_arbitrary_bytes_raise_only_import_errors(content: bytes, extension: str) -> None:
    try:
        parse_references(content, name="x", extension=extension)
    except ImportFormatError:
        pass


def test_oversized_csv_field_is_one_bad_row() -> None:
    data = "text,rating\n" + '"' + "x" * 200_000 + '",True\n"The ferry runs every 20 minutes.",False\n'
    errors: list[ImportFormatError] = []
    drafts = parse_references(data, name="big.csv", extension="csv", errors=errors)
    assert [d.text for d in drafts] == ["The ferry runs every 20 minutes."]
    # The row is named whether the csv module's field limit or the claim length refuses it
    # (the process-wide limit is another module's to set).
    assert [str(e).startswith("Line 2 of big.csv ") for e in errors] == [True]
    too_long = json.dumps({"text": "word " * 5000})
    with pytest.raises(ImportFormatError, match="more than the 10,000 a reference claim may have"):
        parse_references(too_long, name="long.jsonl")


def test_titles_are_read_from_every_format(tmp_path):
    from ingest.references import read_references

    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"text": "Bridge tolls doubled in 2023.", "title": "Did tolls double?"}\n', encoding="utf-8")
    [plain] = read_references(str(jsonl))
    assert plain.title == "Did tolls double?"
    review = tmp_path / "r.json"
    review.write_text(
        '{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://c.example/1",'
        ' "headline": "Fact check: tolls", "claimReviewed": "Bridge tolls doubled in 2023.",'
        ' "reviewRating": {"@type": "Rating", "alternateName": "False"}}', encoding="utf-8")
    [claim_review] = read_references(str(review))
    assert claim_review.title == "Fact check: tolls"
    google = tmp_path / "g.json"
    google.write_text(
        '{"claims": [{"text": "Bridge tolls doubled in 2023.", "claimReview": [{"url": "https://c.example/2",'
        ' "title": "Tolls did not double", "textualRating": "False", "publisher": {"name": "C"}}]}]}',
        encoding="utf-8")
    [from_google] = read_references(str(google))
    assert from_google.title == "Tolls did not double"


def test_unterminated_quote_is_one_bad_row_and_the_rows_after_it_are_read() -> None:
    data = (
        "text,rating\n"
        '"Ferry fares doubled in 2023,False\n'
        "Bus fares rose 5 percent.,True\n"
        "The bridge reopened in May.,Mostly False\n"
    )
    errors: list[ImportFormatError] = []
    drafts = parse_references(data, name="refs.csv", extension="csv", errors=errors)
    assert [(d.text, d.rating) for d in drafts] == [
        ("Bus fares rose 5 percent.", "True"),
        ("The bridge reopened in May.", "Mostly False"),
    ]
    [error] = errors
    assert str(error).startswith("Line 2 of refs.csv ") and "quoted field" in str(error)
    with pytest.raises(ImportFormatError, match="Line 2 of refs.csv .*so nothing was imported"):
        parse_references(data, name="refs.csv", extension="csv")


def test_a_quote_closed_in_a_later_row_does_not_merge_the_rows_between() -> None:
    # The stray quote on line 2 pairs with the opening quote of line 4.
    data = (
        "text,rating\n"
        '"Ferry fares doubled in 2023,False\n'
        "Bus fares rose 5 percent.,True\n"
        '"The bridge reopened in May.",Mostly False\n'
        '"A claim with a ""quoted"" word and a\nline break inside.",True\n'
    )
    errors: list[ImportFormatError] = []
    drafts = parse_references(data, name="refs.csv", extension="csv", errors=errors)
    assert [d.text for d in drafts] == [
        "Bus fares rose 5 percent.",
        "The bridge reopened in May.",
        'A claim with a "quoted" word and a line break inside.',
    ]
    assert [str(e).split(" of ")[0] for e in errors] == ["Line 2"]


def test_every_line_opening_a_quote_is_one_bad_row() -> None:
    lines = 500
    data = "text\n" + "".join(f'"Claim {i} about tolls\n' for i in range(lines))
    errors: list[ImportFormatError] = []
    drafts = parse_references(data, name="quotes.csv", extension="csv", errors=errors)
    assert drafts == []
    assert len(errors) == lines
    assert str(errors[0]).startswith("Line 2 of quotes.csv")
