"""Fetching web pages safely: one shared httpx client, capped bodies, clear failures.

- `make_http_client()` builds the one `httpx.Client` a run shares: explicit connect and
  read timeouts, an honest User-Agent, no automatic redirects (they are followed here, on
  purpose, at most `MAX_REDIRECTS` times and only to http/https).
- `fetch_document(url, client)` returns a `FetchedDocument`: the body is streamed and
  decompressed here, in small pieces, and stopped once `MAX_BYTES` of *decoded* bytes
  arrive (a 1 MB gzip bomb never becomes 1 GB in memory); the whole fetch has an overall
  deadline, because a server trickling one byte every few seconds never trips a per-read
  timeout; only allow-listed content types are read.
- `fetch_source(url)` fetches an article page and returns `(ArticleDraft, claims)`, with
  the final URL and the canonical URL (`<link rel=canonical>`) set.
- `check_not_inward(origin, target)` refuses a hop from a public address to this machine
  or its private network (a redirect, or a link in a public feed): what a user typed may
  point inward, what a remote server hands us may not. A public name that resolves inward
  is caught by the address each response actually came from (`_check_connected`).

Every failure raises `ingest.errors.FetchError` with one sentence naming the URL and the
cause (timeout, too large, not an article, HTTP status N…).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from lxml import etree
from lxml import html as lxml_html

from ingest.errors import FetchError, IngestError
from ingest.text import neutralise_controls
from store.models import ArticleDraft, ClaimDraft
from store.values import http_url_problem

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
DEADLINE_SECONDS = 30.0
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 15.0
# Small pieces: each is decompressed with a bounded output, so memory stays near the cap.
CHUNK_SIZE = 16 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/x-rss+xml", "application/x-atom+xml", "application/feed+xml",
})
DATA_TYPES = frozenset({
    "application/json", "application/ld+json", "text/csv", "application/csv",
    "text/tab-separated-values", "application/x-ndjson", "application/jsonl",
    "application/jsonlines", "application/x-jsonlines",
})
# What each kind of fetch accepts. Feeds are often served as text/html or text/plain by
# misconfigured servers, so a feed fetch takes those too; feedparser decides.
ACCEPTED: dict[str, frozenset[str]] = {
    "article": ARTICLE_TYPES | FEED_TYPES,
    "feed": FEED_TYPES | ARTICLE_TYPES,
    "data": DATA_TYPES | ARTICLE_TYPES,
}
_ACCEPT_HEADERS = {
    "article": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
            "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1",
    "data": "application/ld+json,application/json,text/csv,text/html;q=0.8",
}
_NAMED_TYPES = {
    "application/pdf": "a PDF document",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "binary data",
    "application/msword": "a Word document",
}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("claimdesk")
    except Exception:  # not installed (running from a source tree)
        return "0"


USER_AGENT = f"claimdesk/{_version()} (fact-check triage desk; httpx)"


def make_http_client(
    *, transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout | None = None
) -> httpx.Client:
    """The shared client for a run: timeouts, User-Agent, pooled connections, no auto-redirects.

    `transport` lets tests use `httpx.MockTransport`.
    """
    return httpx.Client(
        timeout=timeout
        or httpx.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT, write=READ_TIMEOUT, pool=READ_TIMEOUT),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        transport=transport,
    )


@dataclass(frozen=True)
class FetchedDocument:
    """What a fetch brought back. `status` is 200-299, or 304 for an unchanged resource."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    content: bytes
    text: str = ""
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Cancelled(Exception):
    """The overall deadline passed while this fetch was still reading."""


def check_url(url: str, *, refusal: str = "it was not fetched") -> str:
    """`url` stripped, if it is an absolute http(s) URL; FetchError ending in `refusal` otherwise."""
    cleaned = url.strip()
    shown = neutralise_controls(cleaned[:200])
    problem = http_url_problem(cleaned)
    if problem == "spaces":
        raise FetchError(f"{shown} holds spaces or control characters, which no URL can, so {refusal}.")
    if problem == "invalid":
        raise FetchError(f"{shown} is not a valid URL, so {refusal}.")
    if problem == "scheme":
        raise FetchError(f"{shown} is not an http(s) URL, so {refusal}.")
    if problem == "host":
        raise FetchError(f"{shown} has no host name, so {refusal}.")
    return cleaned


def _is_inward_host(host: str) -> bool:
    """True for loopback, private, link-local and other non-public addresses, and "localhost".

    Only literal addresses and the names that always mean this machine are recognised;
    a public name that resolves inward is not caught here (that needs DNS pinning).
    """
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = _legacy_ipv4(host)
        if address is None:
            return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address the C resolver reads in "127.1", "2130706433" or "0x7f.1"; None for a name."""
    if not host or not all(part for part in host.split(".")):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def check_not_inward(origin: str, target: str) -> None:
    """FetchError if `target` is on this machine or a private network and `origin` is not.

    A page or feed from the public web must not steer claimdesk at 127.0.0.1, the router or
    a cloud metadata address; an inward origin (an intranet feed) may point inward.
    """
    try:
        origin_host = urlsplit(origin).hostname or ""
        target_host = urlsplit(target).hostname or ""
    except ValueError:
        return  # unparsable URLs are refused with their own message elsewhere
    if _is_inward_host(target_host) and not _is_inward_host(origin_host):
        raise FetchError(
            f"{neutralise_controls(origin[:120])} points to {neutralise_controls(target[:120])}, "
            "an address on this machine or a private network, so it was not followed."
        )


def fetch_document(
    url: str,
    client: httpx.Client | None = None,
    *,
    kind: str = "article",
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE_SECONDS,
    decode: bool = True,
    allow_data: bool = False,
    origin: str = "",
) -> FetchedDocument:
    """Fetch `url` with redirects, size cap, content-type check and overall deadline.

    `kind` is "article", "feed" or "data" (JSON/CSV/HTML for reference-claim imports;
    `allow_data=True` is a shorthand for it). `headers` are sent with the request (for
    `If-None-Match` / `If-Modified-Since`); a 304 answer comes back with `status == 304`
    and no content. With `decode`, `text` holds the body decoded by declared charset,
    BOM or `<meta charset>`. `origin` is the page or feed that linked here, if any: when it is
    public, no response may come from this machine or a private network (nor may one after a
    redirect from a public address, whatever the name resolved to).
    """
    if allow_data:
        kind = "data"
    url = check_url(url)
    own_client = client is None
    http = client if client is not None else make_http_client()
    cancel = threading.Event()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["document"] = _fetch(url, http, kind, headers, max_bytes, decode, cancel, origin)
        except FetchError as exc:
            outcome["error"] = exc
        except _Cancelled:
            pass
        except Exception as exc:  # anything unexpected still ends as one clear sentence
            outcome["error"] = FetchError(f"Fetching {url} failed: {_describe(exc)}.")
        finally:
            if own_client:
                http.close()

    # The fetch runs in its own thread so the deadline holds even while a read blocks;
    # a late thread notices `cancel` at its next chunk and ends within READ_TIMEOUT.
    worker = threading.Thread(target=run, name="claimdesk-fetch", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        cancel.set()
        raise FetchError(
            f"Fetching {url} took longer than {deadline:g} seconds, so it was stopped (timeout)."
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["document"]  # type: ignore[return-value]


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200].rstrip(".")


def _fetch(
    url: str,
    client: httpx.Client,
    kind: str,
    headers: Mapping[str, str] | None,
    max_bytes: int,
    decode: bool,
    cancel: threading.Event,
    origin: str = "",
) -> FetchedDocument:
    current = url
    hops: list[str] = []
    # Whether this fetch may reach inward addresses: yes when what linked here is inward; for a
    # typed URL, the first connection decides (an intranet name the user chose on purpose).
    inward_allowed = _is_inward_host(urlsplit(origin).hostname or "") if origin else None
    request_headers = {"Accept": _ACCEPT_HEADERS.get(kind, "*/*"), **(headers or {})}
    while True:
        try:
            httpx.URL(current)
        except httpx.InvalidURL as exc:
            raise FetchError(f"{current[:200]} is not a valid URL: {_describe(exc)}.") from exc
        try:
            with client.stream(
                "GET", current, headers=request_headers, follow_redirects=False
            ) as response:
                inward_allowed = _check_connected(current, response, inward_allowed)
                if response.status_code in _REDIRECT_STATUSES:
                    location = response.headers.get("location", "")
                    current = _next_hop(url, current, location, hops, inward_allowed is True)
                    continue
                return _read_response(url, current, response, kind, max_bytes, decode, cancel, hops)
        except httpx.TimeoutException as exc:
            phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for data"
            raise FetchError(f"Fetching {current} timed out while {phase} (timeout).") from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"Could not connect to {current}: {_describe(exc)}.") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"{current} is not an http(s) URL, so it was not fetched.") from exc
        except httpx.InvalidURL as exc:
            # `current` parsed above, so httpx choked on the Location it was redirected to.
            raise FetchError(
                f"{current} redirects to an invalid URL that is not an http(s) URL "
                f"({_describe(exc)}), so it was not followed."
            ) from exc
        except httpx.LocalProtocolError as exc:
            raise FetchError(f"Fetching {current} failed: {_describe(exc)}.") from exc
        except httpx.RemoteProtocolError as exc:
            raise FetchError(f"{current} broke the HTTP protocol: {_describe(exc)}.") from exc
        except httpx.RequestError as exc:
            raise FetchError(f"Fetching {current} failed: {_describe(exc)}.") from exc


# Behind one of these proxies the connected address is the proxy's, which says nothing of the host.
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def _connected_address(response: httpx.Response) -> str | None:
    """The IP address `response` came from, when the connection tells (not through a proxy)."""
    if any(os.environ.get(name) for name in _PROXY_VARIABLES):
        return None
    stream = response.extensions.get("network_stream")
    try:
        peer = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # a transport without socket details
        return None
    if not isinstance(peer, tuple) or not peer:
        return None
    return str(peer[0]).split("%", 1)[0]  # an IPv6 scope ("fe80::1%eth0") is not part of the address


def _check_connected(url: str, response: httpx.Response, inward_allowed: bool | None) -> bool | None:
    """FetchError when `response` came from this machine or a private network and this fetch
    may not reach them; returns whether it may (decided here, by the first connection, when None).

    This catches what a check of the URL cannot: a public name that resolves inward, checked on
    the address actually connected to, so a name that changes its answer gains nothing.
    """
    address = _connected_address(response)
    if address is None:
        return inward_allowed
    inward = _is_inward_host(address)
    if inward_allowed is None:
        return inward
    if inward and not inward_allowed:
        raise FetchError(
            f"{neutralise_controls(url[:120])} is served from {address}, an address on this machine or a "
            "private network, so it was not read."
        )
    return inward_allowed


def _next_hop(url: str, current: str, location: str, hops: list[str], inward_allowed: bool = False) -> str:
    if not location:
        raise FetchError(f"{current} answered with a redirect but no Location, so {url} was not fetched.")
    try:
        target = urljoin(current, location.strip())
    except ValueError as exc:
        raise FetchError(f"{current} redirects to an invalid URL {location[:120]!r}.") from exc
    scheme = urlsplit(target).scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError(
            f"{current} redirects to {target[:120]}, which is not an http(s) URL, so it was not followed."
        )
    if not inward_allowed:  # an intranet page (by its address) may send us elsewhere inside
        check_not_inward(current, target)
    hops.append(current)
    if target in hops or target == url:
        raise FetchError(f"{url} redirects in a loop (back to {target[:120]}).")
    if len(hops) > MAX_REDIRECTS:
        raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times, so it was not followed.")
    return target


def _media_type(response: httpx.Response) -> tuple[str, str]:
    raw = response.headers.get("content-type", "")
    media, _, params = raw.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def _read_response(
    url: str,
    final_url: str,
    response: httpx.Response,
    kind: str,
    max_bytes: int,
    decode: bool,
    cancel: threading.Event,
    hops: list[str],
) -> FetchedDocument:
    etag = response.headers.get("etag", "")
    last_modified = response.headers.get("last-modified", "")
    media, charset = _media_type(response)
    if response.status_code == 304:
        return FetchedDocument(url, final_url, 304, media, charset, b"", "", etag, last_modified, tuple(hops))
    if response.status_code >= 400:
        reason = f" ({response.reason_phrase})" if response.reason_phrase else ""
        raise FetchError(f"{final_url} answered with HTTP status {response.status_code}{reason}.")
    if not 200 <= response.status_code < 300:
        raise FetchError(f"{final_url} answered with HTTP status {response.status_code}, not a page.")
    accepted = ACCEPTED.get(kind, ARTICLE_TYPES)
    if media and media not in accepted and not media.endswith(("+xml", "+json")):
        what = _NAMED_TYPES.get(media) or f"of type {media[:80]}"
        noun = {"article": "an article", "feed": "a feed", "data": "a file of claims"}.get(kind, "a page")
        raise FetchError(f"{final_url} is {what}, not {noun}, so it was not read.")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes and not response.headers.get("content-encoding"):
        raise FetchError(f"{final_url} is too large ({int(declared):,} bytes; the limit is {max_bytes:,}).")
    content = _read_capped(final_url, response, max_bytes, cancel)
    text = ""
    if decode:
        from ingest.text import decode_bytes

        try:
            text = decode_bytes(content, final_url, charset or None)
        except IngestError as exc:
            raise FetchError(f"{final_url} is not an article: {str(exc).rstrip('.')}.") from exc
    return FetchedDocument(
        url, final_url, response.status_code, media, charset, content, text, etag, last_modified,
        tuple(hops),
    )


class _BoundedDecoder:
    """Content-Encoding decoding whose output per call never exceeds what the cap allows."""

    def __init__(self, encoding: str, url: str) -> None:
        self.url = url
        self.encodings = [e.strip().lower() for e in encoding.split(",") if e.strip()]
        self.encodings = [e for e in self.encodings if e != "identity"]
        if len(self.encodings) > 1:
            raise FetchError(f"{url} uses stacked content encodings ({encoding[:60]}), which claimdesk does not read.")
        self.kind = self.encodings[0] if self.encodings else ""
        if self.kind in {"gzip", "x-gzip"}:
            self.inflater: zlib._Decompress | None = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.kind == "deflate":
            self.inflater = zlib.decompressobj()
            self._raw_deflate_tried = False
        elif self.kind:
            raise FetchError(f"{url} uses the content encoding {self.kind[:40]}, which claimdesk does not read.")
        else:
            self.inflater = None

    def decode(self, data: bytes, room: int) -> bytes:
        """At most `room` bytes of decoded output for `data` (more means: over the cap)."""
        if self.inflater is None:
            return data
        try:
            return self.inflater.decompress(data, room)
        except zlib.error as exc:
            if self.kind == "deflate" and not self._raw_deflate_tried:
                # Some servers send raw deflate without the zlib header.
                self._raw_deflate_tried = True
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data, room)
            raise FetchError(f"{self.url} sent a corrupt compressed body ({exc}).") from exc


def _read_capped(url: str, response: httpx.Response, max_bytes: int, cancel: threading.Event) -> bytes:
    too_large = FetchError(f"{url} is too large (more than {max_bytes:,} bytes), so it was not read.")
    if response.is_stream_consumed:
        # A response built in memory (httpx.MockTransport with bytes content) arrives
        # already read and decoded; there is nothing left to stream.
        if len(response.content) > max_bytes:
            raise too_large
        return response.content
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), url)
    parts: list[bytes] = []
    total = 0
    for chunk in response.iter_raw(chunk_size=CHUNK_SIZE):
        if cancel.is_set():
            raise _Cancelled()
        piece = decoder.decode(chunk, max_bytes - total + 1)
        total += len(piece)
        if total > max_bytes:
            raise too_large
        parts.append(piece)
        # Output left inside the decompressor (max_length reached) also counts.
        if decoder.inflater is not None and decoder.inflater.unconsumed_tail:
            raise too_large
    if decoder.inflater is not None:
        rest = decoder.inflater.flush()
        if total + len(rest) > max_bytes:
            raise too_large
        parts.append(rest)
    return b"".join(parts)


# -- articles ------------------------------------------------------------------


_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)


def canonical_link(html_text: str, base_url: str) -> str:
    """The absolute http(s) URL of the page's `<link rel=canonical>`, or ""."""
    end = _HEAD_END.search(html_text, 0, 500_000)
    head = html_text[: end.start() if end else 500_000]
    if not head.strip():
        return ""
    # As UTF-8 bytes with the encoding given: a str with an XML encoding declaration (an
    # XHTML page) would be refused. A parser per call: lxml parsers are not shared by threads.
    parser = lxml_html.HTMLParser(encoding="utf-8")
    try:
        links = lxml_html.fromstring(head.encode("utf-8", "replace"), parser=parser).iter("link")
    except etree.ParserError:  # nothing parseable
        return ""
    href = next((link.get("href") for link in links
                 if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), "")
    if not href:
        return ""
    try:
        absolute = urljoin(base_url, href.strip())
    except ValueError:
        return ""
    return normalise_url(absolute)


def normalise_url(url: str) -> str:
    """`url` without its fragment, with a lower-case scheme and host; "" if not http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def article_from_document(document: FetchedDocument) -> tuple[ArticleDraft, list[ClaimDraft]]:
    """Extract and split a fetched page into an article draft and its claims."""
    from ingest.claims import with_claims

    return with_claims(fetched_article(document))


def fetched_article(document: FetchedDocument) -> ArticleDraft:
    """The article draft of a fetched page (its text extracted, its final and canonical URL
    set), not yet split into claims."""
    from ingest.extract import extract_article

    media = document.content_type
    if media in FEED_TYPES or (media.endswith("+xml") and media != "application/xhtml+xml"):
        raise FetchError(
            f"{document.final_url} is a feed, not an article; follow it with `claimdesk feed add` instead."
        )
    kind = "text" if document.content_type == "text/plain" else "html"
    try:
        draft = extract_article(document.text, name=document.final_url, kind=kind, url=document.final_url)
    except IngestError as exc:
        raise FetchError(f"{document.final_url} is not an article: {str(exc).rstrip('.')}.") from exc
    except RecursionError as exc:
        raise FetchError(f"{document.final_url} is not an article: its HTML nests too deeply to read.") from exc
    canonical = ""
    if kind == "html":
        canonical = canonical_link(document.text, document.final_url)
    canonical = canonical or normalise_url(draft.canonical_url) or normalise_url(document.final_url)
    return replace(draft, url=document.final_url, canonical_url=canonical)


def fetch_source(url: str, *, client: httpx.Client | None = None) -> tuple[ArticleDraft, list[ClaimDraft]]:
    """Fetch the page at `url` and return its article draft and claims (FetchError on failure)."""
    document = fetch_document(url, client, kind="article")
    return article_from_document(document)
