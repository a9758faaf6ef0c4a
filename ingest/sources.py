"""Reading a source named on the command line: a file path, "-" for standard input, or a URL.

`load_source(source)` reads and decodes the bytes, picks the kind (text, Markdown, HTML) from
the extension or by sniffing, extracts the article and splits its claims. URLs are handed to
`ingest.fetch.fetch_source`, which returns the same pair.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import httpx

from ingest.claims import line_claims, speaker_lines, speech_claims, with_claims
from ingest.errors import IngestError, source_path, unreadable
from ingest.extract import extract_article
from ingest.text import DecodedText, decode_text
from store.models import ArticleDraft, ClaimDraft
from store.values import names_http_url

# Larger files are refused rather than split for minutes: articles are kilobytes.
MAX_SOURCE_BYTES = 20 * 1024 * 1024
_EXTENSION_KINDS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".mdown": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html",
}
# How a source read as it is, without extraction, is split into claims, by its form.
LINE_FORMS = {"lines": line_claims, "transcript": speech_claims}
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<article|<div|<p[\s>]|<!--)", re.IGNORECASE)

# An RSS 0.9x/1.0/2.0 or Atom document: its root element, after any XML declaration,
# processing instructions, comments and DOCTYPE.
_FEED_SNIFF = re.compile(r"^\s*(?:(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<(?:rss|feed|rdf:RDF)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff_kind(text: str) -> str:
    """ "html" when the text starts like an HTML document, else "markdown" (a superset of text)."""
    return "html" if _HTML_SNIFF.match(text[:1000]) else "markdown"


def article_from_bytes(data: bytes, *, name: str, kind: str | None = None, url: str = "",
                       declared_charset: str | None = None) -> tuple[ArticleDraft, list[ClaimDraft]]:
    """Decode, extract and split bytes read from `name` (kind sniffed when None)."""
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    if len(data) > MAX_SOURCE_BYTES:
        raise IngestError(f"{name} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB, too large for one article.")
    return _article_from_text(decode_text(data, name, declared_charset), name=name, kind=kind, url=url)


def _article_from_text(decoded: DecodedText, *, name: str, kind: str | None,
                       url: str = "") -> tuple[ArticleDraft, list[ClaimDraft]]:
    text = decoded.text
    if kind is None and _FEED_SNIFF.match(text[:4000]):
        raise IngestError(f"{name} is an RSS or Atom feed, not an article; follow the feed's web "
                          "address (`claimdesk feed add URL`, or F then a on the desk) and its entries become articles.")
    draft, claims = with_claims(extract_article(text, name=name, kind=kind or sniff_kind(text), url=url))
    return _with_encoding_warning(draft, decoded, name), claims


def _with_encoding_warning(draft: ArticleDraft, decoded: DecodedText, name: str) -> ArticleDraft:
    warning = decoded.warning(name)
    return replace(draft, warnings=(*draft.warnings, warning)) if warning else draft


def load_source(
    source: str, *, stdin: BinaryIO | None = None, client: httpx.Client | None = None, form: str = "article"
) -> tuple[ArticleDraft, list[ClaimDraft]]:
    """The article and claims of `source`: a .txt/.md/.html path, "-" for stdin bytes, or
    an http(s) URL (fetched with `client`, or a client made for the call).

    `form` is "article"; "lines", a list or a transcript with one claim per line
    (`line_claims`); or "transcript", each speaker's words split into sentences
    (`speech_claims`). For these two, repeats are merged and a file is taken as it is (titled
    with its name), without the extraction whose title, byline and boilerplate rules would be
    wrong there. "auto" reads a file whose lines name their speakers as a transcript, and
    anything else as an article."""
    if form in LINE_FORMS:
        return with_claims(_lines_draft(source, stdin=stdin, client=client), split=LINE_FORMS[form])
    if form not in ("article", "auto"):
        raise ValueError(f"Unknown source form {form!r}.")
    if names_http_url(source):  # web pages are articles
        from ingest.fetch import fetch_source  # fetching lives apart: httpx, limits, redirects

        return fetch_source(source, client=client)
    data, name, kind = read_source_bytes(source, stdin=stdin)
    if form == "auto" and source != "-" and kind != "html" and data.strip():
        decoded = decode_text(data, name)  # decoded once, whichever way the file is read
        if speaker_lines(decoded.text) is not None:
            draft = ArticleDraft(title=Path(source).name, text=decoded.text)
            return with_claims(_with_encoding_warning(draft, decoded, name), split=speech_claims)
        return _article_from_text(decoded, name=name, kind=kind)
    return article_from_bytes(data, name=name, kind=kind)


def load_lines(source: str, *, stdin: BinaryIO | None = None) -> list[ClaimDraft]:
    """Each line of `source` as one claim, in order and unmerged (`claimdesk claims --lines`)."""
    return line_claims(_lines_draft(source, stdin=stdin).text)


def _lines_draft(source: str, *, stdin: BinaryIO | None, client: httpx.Client | None = None) -> ArticleDraft:
    """`source` read for its lines: a page's extracted text, or a file's text as it is."""
    if names_http_url(source):
        from ingest.fetch import fetch_document, fetched_article

        return fetched_article(fetch_document(source, client, kind="article"))
    data, name, _kind = read_source_bytes(source, stdin=stdin)
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    decoded = decode_text(data, name)
    draft = ArticleDraft(title=name if source == "-" else Path(source).name, text=decoded.text)
    return _with_encoding_warning(draft, decoded, name)


def read_source_bytes(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_SOURCE_BYTES,
    too_large: str = "too large for one article",
    error: type[IngestError] = IngestError,
) -> tuple[bytes, str, str | None]:
    """(bytes, display name, kind from the extension or None) of a path or "-" (stdin).

    Every failure is `error` (IngestError or a subclass) with one sentence naming the
    source; more than `max_bytes` is refused as `too_large`."""
    limit = f"larger than {max_bytes // (1024 * 1024)} MB, {too_large}"
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise error(f"Standard input could not be read ({getattr(exc, 'strerror', None) or exc}).") from exc
        if len(data) > max_bytes:
            raise error(f"Standard input is {limit}.")
        return data, "standard input", None
    path = source_path(source, error)
    try:
        if path.stat().st_size > max_bytes:
            raise error(f"{source} is {limit}.")
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(source, exc, error) from exc
    return data, source, _EXTENSION_KINDS.get(path.suffix.lower())
