"""load_source: paths, standard input, kinds by extension or sniffing, and every failure naming the source."""

from __future__ import annotations

import io
import os

import pytest

import ingest
from ingest import IngestError, load_source


def test_reads_stdin_bytes_and_sniffs_html():
    page = b"<!doctype html><html><head><title>Vote count</title></head><body><article><p>The council voted 7 to 2 on Monday to close the library, officials said.</p></article></body></html>"
    article, claims = load_source("-", stdin=io.BytesIO(page))
    assert article.title == "Vote count"
    assert claims and claims[0].text.startswith("The council voted 7 to 2")


def test_kind_follows_the_extension(tmp_path):
    path = tmp_path / "note.markdown"
    path.write_text("# Heading\n\nThe [report](http://x) found 40% growth in 2020.\n", encoding="utf-8")
    article, claims = load_source(str(path))
    assert article.title == "Heading"
    assert article.text == "The report found 40% growth in 2020."


def test_windows_1252_file_is_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Headline\r\n\r\nThe mayor said \u201cwe spent \u20ac3 million\u201d in 2019.\r\n".encode("cp1252"))
    article, claims = load_source(str(path))
    assert "\u201cwe spent \u20ac3 million\u201d" in article.text
    assert "\r" not in article.text


def test_ingested_text_holds_no_escape_or_nul(tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_bytes(b"Title\n\nThe \x1b]52;c;SGVsbG8=\x07army \x9b31m killed 3 people in 2020.\x00 bad\xff" + b" More text follows here." * 10)
    article, claims = load_source(str(path))
    for text in [article.title, article.text] + [c.text for c in claims]:
        assert "\x1b" not in text and "\x9b" not in text and "\x00" not in text


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing.txt", "does not exist"),
        (lambda p: p, "is a folder"),
        (lambda p: _write(p / "empty.txt", b""), "is empty"),
        (lambda p: _write(p / "blank.md", b"  \n\n\t\n"), "is empty"),
        (lambda p: _write(p / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), "PNG"),
        (lambda p: _write(p / "nul.txt", b"abc\x00" * 100), "binary"),
        (lambda p: _write(p / "only-footer.txt", b"Copyright \xc2\xa9 2020\n\nDisclaimer: none.\n"), "No text could be extracted"),
    ],
)
def test_failures_are_one_sentence_naming_the_source(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(IngestError) as caught:
        load_source(str(path))
    text = str(caught.value)
    assert message in text and str(path) in text
    assert "\n" not in text and text.endswith(".")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path):
    path = _write(tmp_path / "secret.txt", b"The council voted.")
    path.chmod(0)
    with pytest.raises(IngestError, match="secret.txt cannot be read"):
        load_source(str(path))


def test_urls_are_handed_to_the_fetcher(monkeypatch):
    import sys
    import types

    fake = types.ModuleType("ingest.fetch")
    fake.fetch_source = lambda url, client=None: ("fetched", url, client)
    monkeypatch.setitem(sys.modules, "ingest.fetch", fake)
    assert load_source("https://example.org/a") == ("fetched", "https://example.org/a", None)
    client = object()
    assert load_source("https://example.org/b", client=client) == ("fetched", "https://example.org/b", client)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_public_api_is_importable():
    for name in ("neutralise_controls", "decode_bytes", "extract_article", "split_claims", "load_source"):
        assert callable(getattr(ingest, name))


def test_auto_form_reads_a_file_with_speakers_as_a_transcript_and_the_rest_as_articles(tmp_path) -> None:
    from tests.conftest import SAMPLE_ARTICLE

    transcript = tmp_path / "debate.txt"
    transcript.write_text("HOLT: Why are you running?\nTRUMP: We lost 70,000 factories since 2001.\n",
                          encoding="utf-8")
    draft, claims = load_source(str(transcript), form="auto")
    assert draft.title == "debate.txt" and [c.speaker for c in claims] == ["HOLT", "TRUMP"]
    if SAMPLE_ARTICLE.exists():
        article, article_claims = load_source(str(SAMPLE_ARTICLE), form="auto")
        assert "Idlib" in article.title and {c.speaker for c in article_claims} == {""}
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>HOLT: Why?</p><p>TRUMP: We lost 70,000 factories in 2016.</p></body></html>",
                    encoding="utf-8")
    assert {c.speaker for c in load_source(str(page), form="auto")[1]} == {""}  # HTML is an article
    with pytest.raises(ValueError):
        load_source(str(transcript), form="poem")
