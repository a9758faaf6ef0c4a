"""Properties of reading an article from untrusted bytes, for any bytes: the result is an
article whose text and title carry no control character and whose claims point at their
own text, or an `IngestError`; nothing else is raised."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import decode_bytes
from ingest.errors import IngestError
from ingest.sources import article_from_bytes

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = [b"<html>", b"<p>", b"</p>", b"<script>alert(1)</script>", b"<meta charset=\"bogus\">",
          b"<meta charset=\"utf-16\">", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x1b[31m", b"\xc2\x9b",
          b"\x9b", b"\x00", b"\r\n", b"\n\n", b"# ", b"- ", b"The mayor said 300 trees were planted. ",
          b"caf\xe9 ", b"\xe4\xb8\xad\xe6\x96\x87\xe3\x80\x82", b"&amp;", b"&#27;", b"&#x9b;", b"[bold]"]
sources = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=6)), max_size=40).map(b"".join),
)
kinds = st.sampled_from([None, "text", "markdown", "html"])


@PROPERTY
@given(sources, kinds)
@example(b"<html><title>\x1b]0;PWNED\x07</title><body><p>The mayor said 3 trees fell.</p>", "html")
@example(b"&#27;[2J &#x9b;31m &#0; The council said 45 homes were built.", "html")
@example(b"\xff\xfe" + "Die Stadt sagte 12 B\u00e4ume.".encode("utf-16-le"), None)
def test_any_bytes_give_a_clean_article_or_an_ingest_error(data: bytes, kind: str | None) -> None:
    try:
        draft, claims = article_from_bytes(data, name="input.x", kind=kind)
    except IngestError as exc:
        assert "input.x" in str(exc) or "input" in str(exc)
        assert "\n" not in str(exc)
        return
    for field in (draft.title, draft.text, draft.source, draft.author, draft.dropped_preview):
        assert not FORBIDDEN.search(field), repr(field)
    for claim in claims:
        assert draft.text[claim.start : claim.end] == claim.text


@PROPERTY
@given(st.binary(max_size=400), st.one_of(st.none(), st.sampled_from(["utf-8", "bogus", "utf-16", "latin-1", "cp1252"])))
def test_decoding_gives_clean_text_or_an_ingest_error(data: bytes, charset: str | None) -> None:
    try:
        text = decode_bytes(data, "input.x", charset)
    except IngestError:
        return
    assert not FORBIDDEN.search(text), repr(text)
