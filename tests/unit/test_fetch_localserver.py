"""Fetching from a real HTTP server on 127.0.0.1: trickling, endless and gzip-bomb bodies,
redirects, charsets, binary files, and reference claims imported from a page.

The server itself is `tests/localserver.py`, shared with the feed and hostile tests.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from ingest.errors import FetchError, ImportFormatError
from ingest.fetch import fetch_document, fetch_source, make_http_client
from ingest.references import read_references
from ingest.sources import load_lines, load_source
from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.localserver import LocalServer, Route, redirect, send

def trickle(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.5 s, for a minute: never idle long enough for a read timeout."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(120):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.5)


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A body with no Content-Length that never ends (the connection closes it)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    piece = b"<p>" + b"endless " * 8192 + b"</p>"
    for _ in range(100_000):
        handler.wfile.write(piece)


def gzip_bomb_bytes(decoded_size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = b"\0" * (1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(decoded_size // len(zeros))]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    article = (FIXTURES / "feeds" / "article.html").read_bytes()
    with LocalServer() as local:
        local.routes.update({
            "/article": send(article),
            "/claimreview": send((FIXTURES / "references" / "claimreview-page.html").read_bytes()),
            "/r1": redirect("/r2"),
            "/r2": redirect("/r3", 301),
            "/r3": redirect("/article", 307),
            "/to-file": redirect("file:///etc/passwd"),
            "/slow": trickle,
            "/endless": endless,
            "/gzip": send(gzip.compress(article), "text/html", Content_Encoding="gzip"),
            "/bomb": send(gzip_bomb_bytes(256 * 1024 * 1024), "text/html", Content_Encoding="gzip"),
            "/cp1252": send(
                b'<html><head><meta charset="windows-1252"><title>t</title></head>'
                b"<body><p>\x93The council approved 12 new schools in 2023,\x94 the mayor said.</p></body></html>",
                "text/html",
            ),
            "/binary": send(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "application/octet-stream"),
        })
        yield local


def test_article_through_a_redirect_chain(server: LocalServer) -> None:
    draft, claims = fetch_source(server.url("/r1"))
    assert draft.url == server.url("/article")
    assert draft.canonical_url == server.url("/news/2024/harbour-record")
    assert any(c.checkworthy for c in claims)
    agents = {headers.get("user-agent") for _, headers in server.requests}
    assert all(agent and agent.startswith("claimdesk/") for agent in agents)


def test_redirect_to_a_file_url_is_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="file:///etc/passwd, which is not an http"):
        fetch_document(server.url("/to-file"))


def test_trickling_server_hits_the_overall_deadline(server: LocalServer) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_document(server.url("/slow"), deadline=2)
    assert str(caught.value) == (
        f"Fetching {server.url('/slow')} took longer than 2 seconds, so it was stopped (timeout)."
    )


def test_endless_body_is_stopped_at_the_cap(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="is too large"):
        fetch_document(server.url("/endless"))


def test_gzip_body_is_decoded(server: LocalServer) -> None:
    draft, _ = fetch_source(server.url("/gzip"))
    assert "4.2 million containers" in draft.text


_BOMB_PROBE = """
import re, sys
from ingest.errors import FetchError
from ingest.fetch import fetch_document
try:
    fetch_document(sys.argv[1])
    print("fetched")
except FetchError as exc:
    print(exc)
status = open("/proc/self/status").read()
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_gzip_bomb_is_rejected_without_inflating_it(server: LocalServer) -> None:
    # A fresh process, so its peak memory (VmHWM: per process image, unlike ru_maxrss,
    # which execve inherits from the forking parent) is the fetch's alone.
    result = subprocess.run(
        [sys.executable, "-c", _BOMB_PROBE, server.url("/bomb")],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
    )
    message, peak_mib = result.stdout.strip().splitlines()
    assert "is too large" in message
    assert int(peak_mib) < 200


def test_meta_charset_is_used_without_a_header_charset(server: LocalServer) -> None:
    document = fetch_document(server.url("/cp1252"))
    assert "\u201cThe council approved" in document.text


def test_binary_file_is_not_an_article(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="is binary data, not an article"):
        fetch_source(server.url("/binary"))


def test_http_status_is_named(server: LocalServer) -> None:
    with pytest.raises(FetchError, match=r"answered with HTTP status 404 \(Not Found\)\.$"):
        fetch_source(server.url("/missing"))


def test_closed_port_is_a_connection_error() -> None:
    with LocalServer() as closed:
        url = closed.url("/x")
    with pytest.raises(FetchError, match=f"^Could not connect to {url}"):
        fetch_document(url)


def test_a_scheme_in_capitals_is_fetched_like_any_url(server: LocalServer) -> None:
    """"HTTP://..." is a URL wherever a path or a URL is taken, never a file of that name."""
    shouted = server.url("/article").replace("http://", "HTTP://", 1)
    assert shouted.startswith("HTTP://")
    draft, claims = load_source(shouted)
    assert "4.2 million containers" in draft.text and claims
    assert any("4.2 million containers" in claim.text for claim in load_lines(shouted))
    [reference] = read_references(server.url("/claimreview").replace("http://", "HTTP://", 1))
    assert reference.text == "The northern dam burst and flooded three villages on Monday."


def test_reference_claims_imported_from_a_page_url(server: LocalServer) -> None:
    [draft] = read_references(server.url("/claimreview"))
    assert draft.text == "The northern dam burst and flooded three villages on Monday."
    with pytest.raises(ImportFormatError, match="HTTP status 404"):
        read_references(server.url("/missing"))
