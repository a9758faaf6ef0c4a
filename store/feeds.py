"""Followed feeds in the store: the feeds themselves, their fetch state, their seen entries.

Functions over a `Store` (tables `feeds` and `feed_entries`, and `articles.feed_id` /
`articles.canonical_url`, from schema version 2): follow, list, find and unfollow feeds;
record the outcome of each fetch (validators for conditional requests, last error, how
many new articles); remember which entries were seen so a feed's old items are never
fetched twice; and store a fetched article unless its canonical URL is already stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from store.connection import now_iso
from store.db import Store
from store.errors import UnknownIdError
from store.models import ArticleDraft, ClaimDraft


@dataclass(frozen=True)
class Feed:
    """A followed feed and the state of its last fetch."""

    id: int
    url: str
    title: str
    etag: str
    last_modified: str
    last_fetched: str
    last_error: str
    new_articles: int
    added_at: str
    articles: int = 0


_FEED_SELECT = """SELECT f.id, f.url, f.title, f.etag, f.last_modified, f.last_fetched,
                         f.last_error, f.new_articles, f.added_at,
                         (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles
                  FROM feeds f"""


def add_feed(store: Store, url: str, title: str = "") -> tuple[Feed, bool]:
    """Follow the feed at `url`; returns (feed, created). Following it again changes nothing."""
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [url, title, now_iso()],
        )
        created = bool(cursor.rowcount)
    return get_feed(store, url), created


def list_feeds(store: Store) -> list[Feed]:
    return [Feed(**row) for row in store.query(f"{_FEED_SELECT} ORDER BY f.id")]


def get_feed(store: Store, feed: str | int) -> Feed:
    """The feed with this id or URL; UnknownIdError when it is not followed."""
    if isinstance(feed, int) or (isinstance(feed, str) and feed.isdigit()):
        rows = store.query(f"{_FEED_SELECT} WHERE f.id = ?", [int(feed)])
    else:
        rows = store.query(f"{_FEED_SELECT} WHERE f.url = ?", [feed])
    if not rows:
        raise UnknownIdError(f"No feed {feed} is followed in the store.")
    return Feed(**rows[0])


def remove_feed(store: Store, feed: str | int) -> Feed:
    """Unfollow a feed (its articles stay, no longer linked to it); returns what was removed."""
    found = get_feed(store, feed)
    with store.write() as conn:
        conn.execute("UPDATE articles SET feed_id = NULL WHERE feed_id = ?", [found.id])
        conn.execute("DELETE FROM feed_entries WHERE feed_id = ?", [found.id])
        conn.execute("DELETE FROM feeds WHERE id = ?", [found.id])
    return found


def record_fetch(
    store: Store,
    feed_id: int,
    *,
    error: str = "",
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    new_articles: int = 0,
) -> None:
    """Record one fetch of a feed: when, its error ("" when it worked), and what changed.

    Validators and title are kept as they were when given as None; a failed fetch keeps
    them too, so the next attempt is still conditional.
    """
    assignments = ["last_fetched = ?", "last_error = ?", "new_articles = ?"]
    params: list[object] = [now_iso(), error, new_articles]
    for column, value in (("title", title), ("etag", etag), ("last_modified", last_modified)):
        if value is not None:
            assignments.append(f"{column} = ?")
            params.append(value)
    params.append(feed_id)
    with store.write() as conn:
        conn.execute(f"UPDATE feeds SET {', '.join(assignments)} WHERE id = ?", params)


def seen_entries(store: Store, feed_id: int, keys: Sequence[str]) -> set[str]:
    """Which of `keys` this feed has already delivered."""
    seen: set[str] = set()
    for start in range(0, len(keys), 500):  # stay under SQLite's parameter limit
        batch = list(keys[start:start + 500])
        marks = ", ".join("?" * len(batch))
        rows = store.query(
            f"SELECT entry_key FROM feed_entries WHERE feed_id = ? AND entry_key IN ({marks})",
            [feed_id, *batch],
        )
        seen.update(row["entry_key"] for row in rows)
    return seen


def mark_entries_seen(store: Store, feed_id: int, entries: Iterable[tuple[str, int | None]]) -> None:
    """Remember (entry key, article id or None) pairs as delivered by this feed."""
    at = now_iso()
    with store.write() as conn:
        conn.executemany(
            """INSERT INTO feed_entries (feed_id, entry_key, article_id, seen_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (feed_id, entry_key) DO UPDATE SET
                   article_id = coalesce(excluded.article_id, feed_entries.article_id)""",
            [(feed_id, key, article_id, at) for key, article_id in entries],
        )


def article_for_url(store: Store, url: str) -> int | None:
    """The id of a stored article whose canonical (or final) URL is `url`, if any."""
    if not url:
        return None
    rows = store.query(
        "SELECT id FROM articles WHERE canonical_url = ? OR url = ? ORDER BY id LIMIT 1", [url, url]
    )
    return rows[0]["id"] if rows else None


def add_fetched_article(
    store: Store, draft: ArticleDraft, claims: Sequence[ClaimDraft], *, feed_id: int | None = None
) -> tuple[int, bool]:
    """Store a fetched article unless its canonical URL or its text is already stored.

    Returns (article id, created), like `Store.add_article`; all in one transaction.
    """
    with store.write() as conn:
        existing = article_for_url(store, draft.canonical_url)
        if existing is not None:
            return existing, False
        article_id, created = store.add_article(draft, claims)
        if created and feed_id is not None:
            conn.execute("UPDATE articles SET feed_id = ? WHERE id = ?", [feed_id, article_id])
        return article_id, created
