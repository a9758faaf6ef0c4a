"""Following and fetching RSS/Atom feeds; each new article's claims are matched."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ingest import feeds
from ingest.feeds import FeedResult
from operations.matching import match_article
from store import Store
from store.feeds import Feed

follow_feed = feeds.follow_feed
unfollow_feed = feeds.unfollow_feed


def fetch_feeds(
    store: Store,
    chosen: Sequence[str | int] | str | None = None,
    *,
    client=None,
    match: bool = True,
    semantic: bool = True,
    on_progress: Callable[[int, int, FeedResult], None] | None = None,
    on_article: Callable[[int], None] | None = None,
) -> list[FeedResult]:
    """Fetch followed feeds (URLs or ids; None or "all" for every one) and, with `match`,
    match the claims of every new article; `on_article(article_id)` is called after."""

    def arrived(article_id: int) -> None:
        if match:
            match_article(store, article_id, semantic=semantic)
        if on_article:
            on_article(article_id)

    return feeds.fetch_feeds(store, chosen, client=client, on_progress=on_progress, on_article=arrived)


__all__ = ["Feed", "FeedResult", "fetch_feeds", "follow_feed", "unfollow_feed"]
