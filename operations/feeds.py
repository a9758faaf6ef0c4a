"""Following and fetching RSS/Atom feeds; each new article's claims are matched, and the
stored claims the new ones could match are matched again."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ingest import feeds
from ingest.errors import FetchError
from ingest.feeds import FeedResult
from ingest.sources import sniff_kind
from operations.freshness import rematch_after_article
from operations.matching import match_article
from store import Store
from store.feeds import Feed
from store.writes import WriteRunner

unfollow_feed = feeds.unfollow_feed


def follow_feed(store: Store, url: str, *, client=None, verify: bool = True) -> tuple[Feed, bool]:
    """Follow the feed at `url`; returns (feed, created). With `verify`, the address is
    fetched and parsed first, so a web page or a dead link is refused when it is added
    rather than at every fetch."""
    if verify:
        check_feed(url, client=client)
    return feeds.follow_feed(store, url)


def check_feed(url: str, *, client=None) -> None:
    """Raise FetchError (one sentence naming `url`) unless it serves an RSS or Atom feed."""
    from ingest.fetch import check_url, fetch_document

    checked = check_url(url, refusal="it cannot be followed as a feed")
    document = fetch_document(checked, client, kind="feed", decode=False)
    try:
        feeds.parse_feed(document.content, document.final_url, document.content_type)
    except FetchError as exc:
        if sniff_kind(document.content[:1000].decode("utf-8", errors="replace")) != "html":
            raise
        raise FetchError(
            f"{url} is a web page, not an RSS or Atom feed, so it was not followed; "
            "give the address of the site's feed (often linked as RSS)."
        ) from exc


def fetch_feeds(
    store: Store,
    chosen: Sequence[str | int] | str | None = None,
    *,
    client=None,
    match: bool = True,
    semantic: bool = True,
    on_progress: Callable[[int, int, FeedResult], None] | None = None,
    on_article: Callable[[int], None] | None = None,
    write: WriteRunner | None = None,
) -> list[FeedResult]:
    """Fetch followed feeds (URLs or ids; None or "all" for every one) and, with `match`,
    match the claims of every new article and match again the stored claims they could
    match; `on_article(article_id)` is called after. Reads go to `store`; writes through
    `write` when given."""

    def arrived(article_id: int) -> None:
        if match:
            match_article(store, article_id, semantic=semantic, write=write)
            rematch_after_article(store, article_id, semantic=semantic, write=write)
        if on_article:
            on_article(article_id)

    return feeds.fetch_feeds(store, chosen, client=client, on_progress=on_progress, on_article=arrived,
                             write=write)


__all__ = ["Feed", "FeedResult", "check_feed", "fetch_feeds", "follow_feed", "unfollow_feed"]
