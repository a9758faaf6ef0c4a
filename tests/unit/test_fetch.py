"""Fetching pages through httpx.MockTransport: redirects, schemes, statuses, types, charsets, caps."""

from __future__ import annotations

import gzip

import httpx
import pytest

from ingest.errors import FetchError
from ingest.fetch import (
    MAX_REDIRECTS,
    USER_AGENT,
    canonical_link,
    fetch_document,
    fetch_source,
    make_http_client,
)
from tests.conftest import FIXTURES

ARTICLE = (FIXTURES / "feeds" / "article.html").read_bytes()


def client_for(routes: dict[str, httpx.Response | callable]) -> httpx.Client:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        route = routes.get(request.url.path)
        if route is None:
            return httpx.Response(404)
        return route(request) if callable(route) else route

    client = make_http_client(transport=httpx.MockTransport(handler))
    client.seen = seen  # type: ignore[attr-defined]
    return client


def html(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str):
    """A route answering 200 with `body`, streamed (as from a network) on every request."""

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([body]), headers={"content-type": content_type, **headers})

    return respond


def test_fetch_source_extracts_the_article_with_final_and_canonical_url() -> None:
    client = client_for({
        "/short": httpx.Response(301, headers={"location": "/news/2024/harbour-record?utm=x"}),
        "/news/2024/harbour-record": html(ARTICLE),
    })
    draft, claims = fetch_source("https://ledger.example/short", client=client)
    assert draft.url == "https://ledger.example/news/2024/harbour-record?utm=x"
    assert draft.canonical_url == "https://ledger.example/news/2024/harbour-record"
    assert "4.2 million containers" in draft.text
    assert "Harbour authority" in draft.title
    assert any("4.2 million containers" in c.text for c in claims if c.checkworthy)
    assert all(draft.text[c.start:c.end] == c.text for c in claims)
    assert client.seen[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("claimdesk/")


def test_redirect_chain_longer_than_the_limit_is_refused() -> None:
    routes = {f"/hop{i}": httpx.Response(302, headers={"location": f"/hop{i + 1}"}) for i in range(25)}
    client = client_for(routes)
    with pytest.raises(FetchError) as caught:
        fetch_document("https://a.example/hop0", client)
    assert f"redirects more than {MAX_REDIRECTS} times" in str(caught.value)
    assert len(client.seen) == MAX_REDIRECTS + 1


def test_redirect_loop_is_refused() -> None:
    client = client_for({
        "/a": httpx.Response(302, headers={"location": "/b"}),
        "/b": httpx.Response(302, headers={"location": "/a"}),
    })
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch_document("https://a.example/a", client)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://files.example/x", "javascript:alert(1)"])
def test_redirect_to_another_scheme_is_refused(target: str) -> None:
    client = client_for({"/go": httpx.Response(302, headers={"location": target})})
    with pytest.raises(FetchError) as caught:
        fetch_document("https://a.example/go", client)
    assert "not an http(s) URL" in str(caught.value)
    assert len(client.seen) == 1


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:8080/admin", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.7/", "http://192.168.1.1/", "http://[::1]/", "http://2130706433/", "http://127.1/",
])
def test_a_public_page_redirecting_inward_is_refused(target: str) -> None:
    client = client_for({"/go": httpx.Response(302, headers={"location": target})})
    with pytest.raises(FetchError) as caught:
        fetch_document("https://a.example/go", client)
    message = str(caught.value)
    assert "private network" in message and "https://a.example/go" in message
    assert "\n" not in message
    assert len(client.seen) == 1


def test_an_inward_page_may_redirect_inward_and_a_typed_inward_url_is_fetched() -> None:
    client = client_for({
        "/go": httpx.Response(302, headers={"location": "http://127.0.0.1/article"}),
        "/article": html(ARTICLE),
    })
    assert fetch_document("http://localhost/go", client).final_url == "http://127.0.0.1/article"
    assert fetch_document("http://10.0.0.7/article", client).status == 200


@pytest.mark.parametrize("host", ["news.example", "8.8.8.8", "1e100.net", "[2001:4860::8888]"])
def test_a_redirect_to_a_public_host_is_followed(host: str) -> None:
    client = client_for({
        "/go": httpx.Response(302, headers={"location": f"http://{host}/article"}),
        "/article": html(ARTICLE),
    })
    assert fetch_document("http://127.0.0.1/go", client).final_url == f"http://{host}/article"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/hostname", "/etc/hostname", "ftp://x.example/", "http://"])
def test_typed_urls_other_than_http_are_refused_before_any_request(url: str) -> None:
    client = client_for({})
    with pytest.raises(FetchError):
        fetch_document(url, client)
    assert client.seen == []


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error"), (403, "Forbidden")])
def test_http_error_status_is_named(status: int, reason: str) -> None:
    client = client_for({"/x": httpx.Response(status)})
    with pytest.raises(FetchError) as caught:
        fetch_document("https://a.example/x", client)
    assert str(caught.value) == f"https://a.example/x answered with HTTP status {status} ({reason})."


def test_pdf_is_rejected_by_its_content_type_and_by_its_bytes() -> None:
    client = client_for({
        "/doc.pdf": html(b"%PDF-1.7 ...", "application/pdf"),
        "/disguised": html(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "text/html"),
        "/image": html(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
    })
    with pytest.raises(FetchError, match="is a PDF document, not an article"):
        fetch_source("https://a.example/doc.pdf", client=client)
    with pytest.raises(FetchError, match="not an article.*PDF"):
        fetch_source("https://a.example/disguised", client=client)
    with pytest.raises(FetchError, match="of type image/png, not an article"):
        fetch_source("https://a.example/image", client=client)


def test_feed_given_to_ingest_points_to_feed_add() -> None:
    client = client_for({"/rss": html(b"<rss><channel></channel></rss>", "application/rss+xml")})
    with pytest.raises(FetchError, match="is a feed, not an article"):
        fetch_source("https://a.example/rss", client=client)


def test_charset_from_meta_when_the_header_has_none() -> None:
    page = b'<html><head><meta charset="windows-1252"></head><body><p>\x93Quoted\x94</p></body></html>'
    client = client_for({"/p": html(page, "text/html")})
    document = fetch_document("https://a.example/p", client)
    assert "\u201cQuoted\u201d" in document.text


def test_bogus_header_charset_falls_back_to_detection() -> None:
    client = client_for({"/p": html("<p>caf\u00e9 cr\u00e8me</p>".encode(), "text/html; charset=bogus")})
    assert "caf\u00e9 cr\u00e8me" in fetch_document("https://a.example/p", client).text


def test_utf16_bom_is_honoured() -> None:
    body = "\ufeff<p>\u00a1Hola, se\u00f1or!</p>".encode("utf-16-le")
    client = client_for({"/p": html(body, "text/html")})
    assert "\u00a1Hola, se\u00f1or!" in fetch_document("https://a.example/p", client).text


def test_gzip_body_is_decoded() -> None:
    client = client_for({"/p": html(gzip.compress(ARTICLE), "text/html", **{"content-encoding": "gzip"})})
    draft, _ = fetch_source("https://a.example/p", client=client)
    assert "4.2 million containers" in draft.text


def test_gzip_bomb_is_stopped_at_the_decoded_cap() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    client = client_for({"/bomb": html(bomb, "text/html", **{"content-encoding": "gzip"})})
    with pytest.raises(FetchError, match="too large"):
        fetch_document("https://a.example/bomb", client, max_bytes=1024 * 1024)


def test_oversized_body_without_length_is_stopped() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        def chunks():
            for _ in range(1000):
                yield b"<p>" + b"x" * 65_536 + b"</p>"
        return httpx.Response(200, content=chunks(), headers={"content-type": "text/html"})

    client = client_for({"/big": endless})
    with pytest.raises(FetchError) as caught:
        fetch_document("https://a.example/big", client, max_bytes=512 * 1024)
    assert "too large" in str(caught.value) and "https://a.example/big" in str(caught.value)


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    response = html(b"x" * 10, "text/html", **{"content-length": str(50 * 1024 * 1024)})
    client = client_for({"/big": response})
    with pytest.raises(FetchError, match="too large"):
        fetch_document("https://a.example/big", client)


def test_in_memory_responses_are_read_too() -> None:
    client = client_for({"/p": httpx.Response(200, content=ARTICLE, headers={"content-type": "text/html"})})
    draft, _ = fetch_source("https://a.example/p", client=client)
    assert "4.2 million containers" in draft.text


def test_transport_errors_become_one_sentence() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = make_http_client(transport=httpx.MockTransport(refuse))
    with pytest.raises(FetchError, match=r"^Could not connect to https://a.example/x: connection refused\.$"):
        fetch_document("https://a.example/x", client)
    client = make_http_client(transport=httpx.MockTransport(slow))
    with pytest.raises(FetchError, match=r"timed out while waiting for data \(timeout\)\.$"):
        fetch_document("https://a.example/x", client)


def test_page_without_text_is_not_an_article() -> None:
    client = client_for({"/empty": html(b"<html><head><title>x</title></head><body></body></html>")})
    with pytest.raises(FetchError, match="is not an article"):
        fetch_source("https://a.example/empty", client=client)


def test_control_characters_never_reach_the_article() -> None:
    page = ARTICLE.replace(b"record cargo volumes</h1>", b"record \x1b]0;PWNED\x07 cargo\x9b volumes</h1>")
    client = client_for({"/p": html(page)})
    draft, claims = fetch_source("https://a.example/p", client=client)
    for text in [draft.title, draft.text, *(c.text for c in claims)]:
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text


def test_canonical_link_is_resolved_and_limited_to_http() -> None:
    base = "https://site.example/a/b?x=1"
    assert canonical_link('<link rel="canonical" href="/c#top">', base) == "https://site.example/c"
    assert canonical_link('<link href="https://Other.Example/d" rel="Canonical">', base) == "https://other.example/d"
    assert canonical_link('<link rel="canonical" href="javascript:alert(1)">', base) == ""
    assert canonical_link("<html><body><link rel=canonical href=/late></body>", base) == ""


def test_conditional_request_gets_not_modified() -> None:
    def conditional(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return html(b"<rss></rss>", "application/rss+xml", etag='"v1"')(request)

    client = client_for({"/feed": conditional})
    first = fetch_document("https://a.example/feed", client, kind="feed", decode=False)
    assert first.etag == '"v1"' and first.content == b"<rss></rss>"
    second = fetch_document("https://a.example/feed", client, kind="feed", headers={"If-None-Match": first.etag})
    assert second.not_modified and second.content == b""


class _Connection:
    """What httpx exposes of a real connection (`network_stream`): here, only the peer address."""

    def __init__(self, address: str) -> None:
        self.address = address

    def get_extra_info(self, info: str):
        return (self.address, 443) if info == "server_addr" else None


def served_from(address: str, response: httpx.Response | callable):
    """A route whose answers say they came over a connection to `address`."""

    def respond(request: httpx.Request) -> httpx.Response:
        answer = response(request) if callable(response) else response
        answer.extensions["network_stream"] = _Connection(address)
        return answer

    return respond


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fe80::1%eth0"])
def test_a_public_name_that_resolves_inward_after_a_redirect_is_not_read(no_proxy, address: str) -> None:
    client = client_for({
        "/go": served_from("93.184.216.34", httpx.Response(302, headers={"location": "https://rebind.example/in"})),
        "/in": served_from(address, html(ARTICLE)),
    })
    with pytest.raises(FetchError) as caught:
        fetch_document("https://news.example/go", client)
    message = str(caught.value)
    assert "https://rebind.example/in" in message and "private network" in message
    assert address.split("%")[0] in message and "\n" not in message


def test_a_page_linked_from_a_public_feed_may_not_be_served_from_inside(no_proxy) -> None:
    client = client_for({"/in": served_from("192.168.0.10", html(ARTICLE))})
    with pytest.raises(FetchError) as caught:
        fetch_document("https://rebind.example/in", client, origin="https://feeds.example/rss")
    assert "192.168.0.10" in str(caught.value)
    # From an intranet feed, or typed by the user, the same page is read.
    assert fetch_document("https://rebind.example/in", client, origin="http://10.0.0.2/rss").status == 200
    assert fetch_document("https://rebind.example/in", client).status == 200


def test_a_typed_intranet_name_may_redirect_to_an_inward_address(no_proxy) -> None:
    client = client_for({
        "/go": served_from("10.0.0.5", httpx.Response(302, headers={"location": "http://10.0.0.6/article"})),
        "/article": served_from("10.0.0.6", html(ARTICLE)),
    })
    assert fetch_document("https://wiki.corp.example/go", client).final_url == "http://10.0.0.6/article"


def test_behind_a_proxy_the_connected_address_is_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    client = client_for({"/in": served_from("127.0.0.1", html(ARTICLE))})
    assert fetch_document("https://news.example/in", client, origin="https://feeds.example/rss").status == 200


def test_a_real_connection_to_this_machine_is_refused_for_a_public_feed(no_proxy) -> None:
    """The address comes from the socket httpx really connected (a local HTTP server)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(ARTICLE)))
            self.end_headers()
            self.wfile.write(ARTICLE)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://localhost:{server.server_port}/article"
    try:
        with make_http_client() as client:
            with pytest.raises(FetchError) as caught:
                fetch_document(url, client, origin="https://feeds.example/rss")
            assert "127.0.0.1" in str(caught.value) and url in str(caught.value)
            assert fetch_document(url, client).status == 200  # typed by the user: read
    finally:
        server.shutdown()
        server.server_close()
