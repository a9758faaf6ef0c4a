"""Extraction of articles in several real site styles: markup reduced, boilerplate dropped and recorded."""

from __future__ import annotations

import pytest

import ingest
from ingest import IngestError, boilerplate, extract_article
from tests.conftest import FIXTURES

INGEST_FIXTURES = FIXTURES / "ingest"


def test_wire_story_dateline_byline_and_credits_are_removed():
    article, claims = ingest.load_source(str(INGEST_FIXTURES / "wire-story.txt"))
    assert article.title == "Senate passes $1.2 trillion infrastructure bill"
    assert article.source == "Reuters"
    assert article.author == "Jane Doe and John Roe"
    assert article.published == "2021-03-04"
    assert article.text.startswith("The U.S. Senate on Tuesday passed")
    for gone in ("WASHINGTON (Reuters)", "Reporting by", "Editing by", "Trust Principles", "By Jane"):
        assert gone not in article.text
    assert "Reporting by" in article.dropped_preview
    assert any("69 to 30" in c.text and c.checkworthy for c in claims)


def test_blog_post_html_keeps_the_story_and_drops_prompts():
    article, claims = ingest.load_source(str(INGEST_FIXTURES / "blog-post.html"))
    assert article.title == "City water rates rose 12% last year"
    assert article.source == "The Civic Ledger"
    assert article.author == "Maria Lopez"
    assert article.published == "2023-06-02"
    assert "largest increase since 2009" in article.text
    for gone in ("Share this", "Subscribe", "Related articles", "Council approves budget",
                 "Copyright", "Photo:", "Home", "About"):
        assert gone not in article.text
    worthy = [c.text for c in claims if c.checkworthy]
    assert any("$64 a month" in t for t in worthy)
    assert not any(t.startswith("Is this fair") for t in worthy)


def test_partisan_markdown_footer_is_removed():
    article, claims = ingest.load_source(str(INGEST_FIXTURES / "partisan-footer.md"))
    assert article.title == "Officials confirm 300 new checkpoints on the border"
    assert article.author == "Patriot Desk"
    assert article.published == "2022-02-14"
    for gone in ("Tags:", "Facebook", "original source", "Copyright", "Disclaimer",
                 "will not be responsible", "media inquiries", "Become a Member", "![", "**", "](", "---"):
        assert gone not in article.text
    # Markdown links keep their words; hard-wrapped lines become one paragraph.
    assert "funded by the European Union." in article.text
    assert "along the northern border in 2021" in article.text
    assert article.dropped_count >= 8
    assert all(article.text[c.start:c.end] == c.text for c in claims)


def test_markdown_inline_syntax_is_reduced_to_words():
    raw = ("# A *title*\n\nThe [South Front](#) report, **bold** and _emphasis_ and `code`, "
           "![img](x.png) cited [the data][1] about snake_case_names.\n\n[1]: https://example.org\n")
    article = extract_article(raw, name="x.md", kind="markdown")
    assert article.title == "A title"
    assert article.text == ("The South Front report, bold and emphasis and code, "
                            "cited the data about snake_case_names.")


def test_list_items_stay_separate_lines():
    raw = "Findings\n\nThe survey found three things:\n\n- Prices rose 4% in 2022\n- Wages fell\n* Rents doubled since 2010\n"
    article = extract_article(raw, name="x.md", kind="markdown")
    assert "- Prices rose 4% in 2022\n- Wages fell\n- Rents doubled since 2010" in article.text
    texts = [c.text for c in ingest.split_claims(article.text)]
    assert "Prices rose 4% in 2022" in texts and "Rents doubled since 2010" in texts


def test_hostile_controls_are_neutralised_in_every_kind():
    raw = "Title\x1b]0;PWNED\x07\n\nThe army \x1b[2Jkilled 15 people\x9b31m on Monday.\x00"
    for kind in ("text", "markdown", "html"):
        article = extract_article(raw if kind != "html" else f"<p>{raw}</p>", name="x", kind=kind)
        for ch in article.title + article.text:
            assert ch == "\n" or ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F


@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_nothing_extracted_is_an_error_naming_the_source(kind):
    raw = {"text": "  \n\n ", "markdown": "![x](y.png)\n\n---\n", "html": "<html><body><script>x()</script></body></html>"}[kind]
    with pytest.raises(IngestError, match="No text could be extracted from empty-source"):
        extract_article(raw, name="empty-source", kind=kind)


def test_deeply_nested_html_finishes():
    raw = "<div>" * 100000 + "The council voted 5 to 2 on Monday." + "</div>" * 100000
    try:
        article = extract_article(raw, name="deep.html", kind="html")
    except IngestError as exc:
        assert "deep.html" in str(exc)
    else:
        assert "voted 5 to 2" in article.text


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Sign up for our free newsletter \u2013 it\u2019s the best way to follow the story", "subscribe prompt"),
        ("Get our daily newsletter", "subscribe prompt"),
        ("Readers who subscribe to the paper were asked whether prices rose.", None),
        ("Copyright \u00a9 2024 Example News. All rights reserved.", "copyright"),
        ("The author said the copyright had lapsed \u201cyears ago\u201d.", None),
        ("This material is fair use under copyright law.", "fair-use notice"),
        # Case-insensitive matching reads these non-ASCII letters as "i", "s" and "k".
        ("COPYR\u0130GHT 2024 EXAMPLE NEWS", "copyright"),
        ("\u017fubscribe to our newsletter", "subscribe prompt"),
        ("The \u212aing\u2019s Press. All r\u0131ghts reserved.", "copyright"),
    ],
)
def test_boilerplate_found_anywhere_in_a_line_whatever_its_letters(line: str, kind: str | None):
    assert boilerplate.boilerplate_kind(line) == kind
