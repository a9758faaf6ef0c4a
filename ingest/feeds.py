"""Following RSS and Atom feeds: new entries become articles.

- `follow_feed(store, url)` / `unfollow_feed(store, url)` add and remove a feed (the URL
  must be http(s): feedparser is never handed a path or URL to open itself).
- `parse_feed(content, url)` parses feed bytes with feedparser (DOCTYPEs removed first,
  so no entity expansion or external entity is ever attempted) into `FeedEntry`s, at most
  `MAX_ENTRIES` of them; a feed that is broken but still yields entries comes with a warning.
- `fetch_feeds(store, feeds)` fetches several feeds concurrently (at most `MAX_WORKERS` at a
  time) through the capped client of `ingest.fetch`, with conditional requests (ETag,
  Last-Modified), so an unchanged feed costs one 304. Each new entry becomes an article:
  the entry's own full content when it carries one, else the page it links to, else its
  summary. Articles already stored under the same canonical URL or text are skipped. Each
  feed's outcome (and last error) is recorded in the store; one failing feed never stops
  the others.

Network work happens outside store transactions; each article is stored in its own.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

import httpx

from ingest.errors import FetchError, IngestError
from ingest.fetch import (
    FEED_TYPES,
    article_from_document,
    check_not_inward,
    check_url,
    fetch_document,
    make_http_client,
    normalise_url,
)
from ingest.text import neutralise_controls
from store import feeds as feed_store
from store.db import Store
from store.errors import ClaimdeskError
from store.feeds import Feed
from store.models import ArticleDraft, ClaimDraft
from store.writes import WriteRunner, writes_to

MAX_ENTRIES = 200
MAX_WORKERS = 4
# An entry whose own content has this much text is taken as the full article.
FULL_CONTENT_CHARS = 1200
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]{0,1000}(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
_ENTRY_START = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s/>]", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as the feed describes it."""

    key: str
    title: str
    link: str
    published: str
    author: str
    summary_html: str
    content_html: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]
    warning: str = ""


@dataclass
class FeedResult:
    """What fetching one feed did. `error` is "" when the fetch worked."""

    url: str
    feed_id: int
    title: str = ""
    new_article_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    not_modified: bool = False
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def new_articles(self) -> int:
        return len(self.new_article_ids)


ProgressCallback = Callable[[int, int, FeedResult], None]


# -- following -----------------------------------------------------------------


def follow_feed(store: Store, url: str) -> tuple[Feed, bool]:
    """Follow the feed at the http(s) `url`; returns (feed, created). Nothing is fetched yet."""
    cleaned = normalise_url(check_url(url, refusal="it cannot be followed as a feed"))
    return feed_store.add_feed(store, cleaned)


def unfollow_feed(store: Store, url_or_id: str | int) -> Feed:
    """Stop following a feed given by URL or id (UnknownIdError when it is not followed)."""
    if isinstance(url_or_id, str) and not url_or_id.isdigit():
        normalised = normalise_url(url_or_id)
        for feed in feed_store.list_feeds(store):
            if feed.url in {url_or_id, normalised}:
                return feed_store.remove_feed(store, feed.id)
    return feed_store.remove_feed(store, url_or_id)


# -- parsing -------------------------------------------------------------------


def _clean(value: object, limit: int = 2000) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(neutralise_controls(value).split())[:limit]


def _date(entry: dict) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: FeedParserDict.get maps the missing key to another, with a warning.
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return time.strftime("%Y-%m-%d", parsed)
            except (TypeError, ValueError):
                continue
    return ""


def _entry_key(entry: dict, link: str, title: str, summary: str) -> str:
    for candidate in (entry.get("id"), link):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:500]
    digest = hashlib.sha256(f"{title}\x1f{summary}".encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest}"


def _content_html(entry: dict) -> str:
    parts = entry.get("content") or []
    best = ""
    for part in parts if isinstance(parts, list) else []:
        value = part.get("value") if isinstance(part, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    return neutralise_controls(best)


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse feed bytes fetched from `url`; FetchError when they hold no feed at all."""
    import feedparser

    # Entities are never expanded: the internal subset goes before any XML parser sees it.
    head, rest = content[:65536], content[65536:]
    safe = _DOCTYPE.sub(b"", head, count=1) + rest
    # feedparser needs ~0.2 ms per entry: cut a huge feed before the entry past the cap
    # rather than parse 100,000 entries to keep 200.
    truncated = False
    for count, match in enumerate(_ENTRY_START.finditer(safe), start=1):
        if count > MAX_ENTRIES:
            safe, truncated = safe[:match.start()], True
            break
    # Servers often label feeds text/html or text/plain; feedparser then flags a harmless
    # "non-XML content type", which is not worth a warning.
    xml_type = content_type if content_type in FEED_TYPES or content_type.endswith("+xml") else "application/xml"
    headers = {"content-location": url, "content-type": xml_type}
    try:
        parsed = feedparser.parse(io.BytesIO(safe), response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser is lenient, but the input is hostile
        raise FetchError(f"{url} could not be parsed as a feed: {exc}.") from exc
    entries_raw = parsed.get("entries") or []
    version = parsed.get("version") or ""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not version and not entries_raw:
        cause = f" ({' '.join(str(problem).split())[:160]})" if problem else ""
        raise FetchError(f"{url} is not an RSS or Atom feed{cause}.")
    warning = ""
    if truncated or len(entries_raw) > MAX_ENTRIES:
        warning = f"{url} has more than {MAX_ENTRIES} entries; only the first {MAX_ENTRIES} were read."
    elif problem is not None:
        warning = f"{url} is not well-formed ({' '.join(str(problem).split())[:160]}); the readable entries were kept."
    entries = []
    for raw in entries_raw[:MAX_ENTRIES]:
        title = _clean(raw.get("title"), 300)
        link = normalise_url(raw.get("link") or "") if isinstance(raw.get("link"), str) else ""
        summary = neutralise_controls(raw.get("summary") or "") if isinstance(raw.get("summary"), str) else ""
        entries.append(
            FeedEntry(
                key=_entry_key(raw, link, title, summary),
                title=title,
                link=link,
                published=_date(raw),
                author=_clean(raw.get("author"), 200),
                summary_html=summary,
                content_html=_content_html(raw),
            )
        )
    feed_title = _clean((parsed.get("feed") or {}).get("title"), 300)
    return ParsedFeed(feed_title, entries, warning)


# -- entries to articles ---------------------------------------------------------


def _text_length(fragment: str) -> int:
    return len(" ".join(_TAG.sub(" ", fragment).split()))


def _article_from_fragment(fragment: str, entry: FeedEntry, name: str) -> tuple[ArticleDraft, list[ClaimDraft]]:
    from ingest.claims import with_claims
    from ingest.extract import extract_article

    page = f"<html><head><title></title></head><body><article>{fragment}</article></body></html>"
    draft = extract_article(page, name=name, kind="html", url=entry.link)
    return with_claims(draft)


def entry_article(
    entry: FeedEntry, feed: ParsedFeed, feed_url: str, client: httpx.Client
) -> tuple[ArticleDraft, list[ClaimDraft], str]:
    """The article for a feed entry, and a warning ("" if none).

    Full content in the entry wins; otherwise the linked page is fetched; if that fails,
    the summary stands in, with a warning. A fetched page keeps its own title and site
    name; the entry's title and the feed's name stand in where the page has none, and
    for text taken from the feed itself.
    """
    name = entry.link or f"entry {entry.title or entry.key} of {feed_url}"
    warning = ""
    draft: ArticleDraft | None = None
    claims: list[ClaimDraft] = []
    from_page = False
    if entry.content_html and _text_length(entry.content_html) >= FULL_CONTENT_CHARS:
        draft, claims = _article_from_fragment(entry.content_html, entry, name)
    elif entry.link:
        try:
            check_not_inward(feed_url, entry.link)
            document = fetch_document(entry.link, client, kind="article", origin=feed_url)
            draft, claims = article_from_document(document)
            from_page = True
        except FetchError as exc:
            warning = str(exc)
    if draft is None:
        fallback = entry.content_html or entry.summary_html
        if not _text_length(fallback):
            raise FetchError(warning or f"The entry {entry.title or entry.key!r} of {feed_url} has no text and no link.")
        draft, claims = _article_from_fragment(fallback, entry, name)
        if warning:
            warning = f"{warning.rstrip('.')}; the entry's summary was stored instead."
    canonical = draft.canonical_url or entry.link
    if from_page:
        title, source = draft.title or entry.title, draft.source or feed.title
    else:
        title, source = entry.title or draft.title, feed.title or draft.source
    draft = replace(
        draft,
        title=title,
        source=source,
        url=draft.url or entry.link,
        canonical_url=canonical,
        published=entry.published or draft.published,
        author=draft.author or entry.author,
    )
    return draft, claims, warning


def _fetch_one(store: Store, feed: Feed, client: httpx.Client, write: WriteRunner) -> FeedResult:
    result = FeedResult(url=feed.url, feed_id=feed.id, title=feed.title)
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        document = fetch_document(feed.url, client, kind="feed", headers=headers, decode=False)
    except FetchError as exc:
        result.error = str(exc)
        write(lambda s: feed_store.record_fetch(s, feed.id, error=result.error))
        return result
    if document.not_modified:
        result.not_modified = True
        write(lambda s: feed_store.record_fetch(s, feed.id, etag=document.etag or None,
                                                last_modified=document.last_modified or None))
        return result
    try:
        parsed = parse_feed(document.content, document.final_url, document.content_type)
    except FetchError as exc:
        result.error = str(exc)
        write(lambda s: feed_store.record_fetch(s, feed.id, error=result.error))
        return result
    result.title = parsed.title or feed.title
    if parsed.warning:
        result.warnings.append(parsed.warning)
    seen = feed_store.seen_entries(store, feed.id, [e.key for e in parsed.entries])
    for entry in parsed.entries:
        if entry.key in seen:
            continue
        seen.add(entry.key)  # a feed repeating an item within one document
        stored = feed_store.article_for_url(store, entry.link)
        if stored is not None:
            result.duplicates += 1
            write(lambda s: feed_store.mark_entries_seen(s, feed.id, [(entry.key, stored)]))
            continue
        try:
            draft, claims, warning = entry_article(entry, parsed, feed.url, client)
        except (IngestError, RecursionError) as exc:
            message = str(exc) if isinstance(exc, ClaimdeskError) else f"An entry of {feed.url} nests too deeply to read."
            result.warnings.append(message)
            continue  # not marked seen: the next fetch tries it again
        if warning:
            result.warnings.append(warning)
        article_id, created = write(lambda s: _store_entry(s, feed.id, entry.key, draft, claims))
        if created:
            result.new_article_ids.append(article_id)
        else:
            result.duplicates += 1
    write(lambda s: feed_store.record_fetch(
        s, feed.id, title=result.title, etag=document.etag, last_modified=document.last_modified,
        new_articles=result.new_articles,
    ))
    return result


def _store_entry(store: Store, feed_id: int, key: str, draft: ArticleDraft,
                 claims: list[ClaimDraft]) -> tuple[int, bool]:
    article_id, created = feed_store.add_fetched_article(store, draft, claims, feed_id=feed_id)
    feed_store.mark_entries_seen(store, feed_id, [(key, article_id)])
    return article_id, created


def _feeds_to_fetch(store: Store, feeds: Sequence[str | int] | str | None) -> list[Feed]:
    if feeds is None or feeds == "all":
        return feed_store.list_feeds(store)
    if isinstance(feeds, (str, int)):
        feeds = [feeds]
    chosen = []
    for item in feeds:
        try:
            chosen.append(feed_store.get_feed(store, item))
        except ClaimdeskError:
            chosen.append(feed_store.get_feed(store, normalise_url(str(item)) or str(item)))
    return chosen


def fetch_feeds(
    store: Store,
    feeds: Sequence[str | int] | str | None = None,
    *,
    client: httpx.Client | None = None,
    on_progress: ProgressCallback | None = None,
    on_article: Callable[[int], None] | None = None,
    max_workers: int = MAX_WORKERS,
    write: WriteRunner | None = None,
) -> list[FeedResult]:
    """Fetch the given followed feeds (URLs or ids; None or "all" for every one).

    Returns one `FeedResult` per feed, in the order given. `on_progress(done, total, result)`
    is called in the calling thread as each feed finishes; `on_article(article_id)` for
    each new article (to match its claims, say). Raises only for a feed that is not followed
    (UnknownIdError, before anything is fetched); every other failure is in the results.
    Reads go to `store`; writes go through `write` when given (see `store.writes`).
    """
    write = writes_to(store, write)
    chosen = _feeds_to_fetch(store, feeds)
    if not chosen:
        return []
    own_client = client is None
    http = client if client is not None else make_http_client()
    results: dict[int, FeedResult] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix="claimdesk-feed") as pool:
            futures = {pool.submit(_fetch_one, store, feed, http, write): feed for feed in chosen}
            for done, future in enumerate(as_completed(futures), start=1):
                feed = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a store or parser failure stays this feed's failure
                    message = str(exc) if isinstance(exc, ClaimdeskError) else f"Fetching {feed.url} failed: {exc}."
                    result = FeedResult(url=feed.url, feed_id=feed.id, title=feed.title, error=message)
                    try:
                        write(lambda s: feed_store.record_fetch(s, feed.id, error=message))
                    except ClaimdeskError:
                        pass
                results[feed.id] = result
                if on_article:
                    for article_id in result.new_article_ids:
                        on_article(article_id)
                if on_progress:
                    on_progress(done, len(chosen), result)
    finally:
        if own_client:
            http.close()
    return [results[feed.id] for feed in chosen]
