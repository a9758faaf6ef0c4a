"""Feed parsing (RSS, Atom, broken and hostile XML) and feed persistence in the store."""

from __future__ import annotations

import httpx
import pytest

from ingest.errors import FetchError
from ingest.feeds import (
    MAX_ENTRIES,
    FeedEntry,
    ParsedFeed,
    entry_article,
    follow_feed,
    parse_feed,
    unfollow_feed,
)
from ingest.fetch import make_http_client
from store import feeds as feed_store
from store.errors import UnknownIdError
from store.models import ArticleDraft
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"
URL = "http://news.example/feed.xml"


def test_rss_entries_with_resolved_links_keys_and_dates() -> None:
    parsed = parse_feed((FEEDS / "rss.xml").read_bytes(), URL, "application/rss+xml")
    assert parsed.title == "Coastal Ledger: News"
    assert parsed.warning == ""
    assert [(e.key, e.link, e.published) for e in parsed.entries] == [
        ("ledger-1001", "http://news.example/articles/harbour", "2024-04-18"),
        ("ledger-1002", "http://news.example/articles/ferry", "2024-04-17"),
        ("ledger-1003", "http://news.example/articles/missing-page", "2024-04-16"),
    ]


def test_atom_entry_keeps_its_full_content_and_author() -> None:
    parsed = parse_feed((FEEDS / "atom.xml").read_bytes(), URL, "application/atom+xml")
    first, second = parsed.entries
    assert first.author == "Ana Ruiz"
    assert "wettest March since 1998" in first.content_html
    assert second.link == "" and "drought plan" in second.summary_html


def test_malformed_feed_keeps_the_readable_entries_with_a_warning() -> None:
    parsed = parse_feed((FEEDS / "malformed.xml").read_bytes(), URL)
    assert "is not well-formed" in parsed.warning and URL in parsed.warning
    assert parsed.entries[0].title == "The bridge toll rises to 4 euros in July"
    assert parsed.entries[0].published == ""  # the bad date is dropped, not guessed
    assert parsed.entries[1].title == ""


def test_entity_bombs_and_external_entities_are_never_expanded() -> None:
    parsed = parse_feed((FEEDS / "laughs.xml").read_bytes(), URL)
    [entry] = parsed.entries
    assert "lol" not in entry.title and "lol" not in parsed.title
    hostname = open("/etc/hostname").read().strip() if __import__("os").path.exists("/etc/hostname") else ""
    for text in (entry.title, entry.summary_html, parsed.title):
        assert len(text) < 500
        if hostname:
            assert hostname not in text


@pytest.mark.parametrize("count", [MAX_ENTRIES + 1, 100_000])
def test_entries_are_capped(count: int) -> None:
    items = "".join(f"<item><title>t{i}</title><guid>g{i}</guid></item>" for i in range(count))
    parsed = parse_feed(f"<rss version='2.0'><channel><title>Big</title>{items}</channel></rss>".encode(), URL)
    assert [e.title for e in parsed.entries] == [f"t{i}" for i in range(MAX_ENTRIES)]
    assert parsed.warning == f"{URL} has more than {MAX_ENTRIES} entries; only the first {MAX_ENTRIES} were read."


def test_atom_entries_are_capped_too() -> None:
    entries = "".join(f"<entry><title>t{i}</title><id>urn:x:{i}</id></entry>" for i in range(MAX_ENTRIES + 5))
    atom = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title>{entries}</feed>".encode()
    assert len(parse_feed(atom, URL).entries) == MAX_ENTRIES


@pytest.mark.parametrize("content", [b"", b"<html><body><p>Not a feed</p></body></html>", b"\x89PNG\r\n\x1a\n", b"{\"a\": 1}"])
def test_content_that_is_no_feed_is_refused(content: bytes) -> None:
    with pytest.raises(FetchError, match="is not an RSS or Atom feed"):
        parse_feed(content, URL)


def test_control_characters_in_feed_fields_are_neutralised() -> None:
    rss = (
        "<rss version='2.0'><channel><title>Feed \x1b]0;PWNED\x07</title>"
        "<item><title>Title \u009b31m red</title><guid>x</guid><description>d</description></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed(rss, URL)
    for text in (parsed.title, parsed.entries[0].title):
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text


@pytest.mark.parametrize("path", ["/etc/hostname", "file:///etc/hostname", "ftp://x.example/feed", "javascript:alert(1)"])
def test_following_a_path_or_non_http_url_is_refused(store, path: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        follow_feed(store, path)
    assert feed_store.list_feeds(store) == []


def test_follow_list_and_unfollow(store) -> None:
    feed, created = follow_feed(store, "HTTPS://News.Example/feed.xml#top")
    assert created and feed.url == "https://news.example/feed.xml"
    again, created_again = follow_feed(store, "https://news.example/feed.xml")
    assert not created_again and again.id == feed.id
    follow_feed(store, "https://other.example/atom")
    assert [f.url for f in feed_store.list_feeds(store)] == [
        "https://news.example/feed.xml", "https://other.example/atom",
    ]
    removed = unfollow_feed(store, "https://news.example/feed.xml")
    assert removed.id == feed.id
    assert [f.url for f in feed_store.list_feeds(store)] == ["https://other.example/atom"]
    with pytest.raises(UnknownIdError, match="No feed https://gone.example/ is followed"):
        unfollow_feed(store, "https://gone.example/")


def test_fetch_state_seen_entries_and_articles_by_canonical_url(store) -> None:
    feed, _ = feed_store.add_feed(store, "https://news.example/feed.xml")
    feed_store.record_fetch(store, feed.id, title="News", etag='"abc"', last_modified="Mon, 01 Apr 2024 00:00:00 GMT", new_articles=2)
    feed_store.record_fetch(store, feed.id, error="https://news.example/feed.xml answered with HTTP status 500.")
    state = feed_store.get_feed(store, feed.id)
    assert (state.title, state.etag, state.new_articles) == ("News", '"abc"', 0)
    assert state.last_error.endswith("HTTP status 500.") and state.last_fetched

    draft = ArticleDraft(title="T", text="The port handled 4.2 million containers in 2023.",
                         url="https://news.example/a?x=1", canonical_url="https://news.example/a")
    article_id, created = feed_store.add_fetched_article(store, draft, [], feed_id=feed.id)
    assert created and store.get_article(article_id).feed_id == feed.id
    other_text = ArticleDraft(title="T2", text="A different text.", canonical_url="https://news.example/a")
    assert feed_store.add_fetched_article(store, other_text, []) == (article_id, False)
    assert feed_store.article_for_url(store, "https://news.example/a") == article_id

    feed_store.mark_entries_seen(store, feed.id, [("k1", article_id), ("k2", None)])
    feed_store.mark_entries_seen(store, feed.id, [("k2", None)])
    assert feed_store.seen_entries(store, feed.id, ["k1", "k2", "k3"]) == {"k1", "k2"}
    assert feed_store.get_feed(store, feed.id).articles == 1

    feed_store.remove_feed(store, feed.id)
    assert store.get_article(article_id).feed_id is None
    assert store.query("SELECT count(*) AS n FROM feed_entries")[0]["n"] == 0


def test_a_public_feed_linking_inward_keeps_its_summary_and_fetches_nothing() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, text="<p>The router's admin page.</p>", headers={"content-type": "text/html"})

    entry = FeedEntry(
        key="x", title="Harbour record", link="http://169.254.169.254/latest/meta-data/",
        published="2024-04-18", author="", content_html="",
        summary_html="<p>The harbour handled 4.2 million containers in 2023.</p>",
    )
    feed = ParsedFeed(title="Coastal Ledger", entries=[entry])
    with make_http_client(transport=httpx.MockTransport(handler)) as client:
        draft, claims, warning = entry_article(entry, feed, URL, client)
    assert requests == []
    assert "4.2 million containers" in draft.text
    assert "private network" in warning and "summary was stored instead" in warning


def test_a_public_feed_linking_to_a_name_served_from_inside_keeps_its_summary(monkeypatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)

    class Connection:  # what httpx exposes of a real connection: the peer's address
        def get_extra_info(self, info: str):
            return ("10.0.0.8", 80) if info == "server_addr" else None

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<p>The intranet wiki, 12 secret projects.</p>",
                              headers={"content-type": "text/html"}, extensions={"network_stream": Connection()})

    entry = FeedEntry(
        key="x", title="Harbour record", link="https://wiki.rebind.example/home",
        published="2024-04-18", author="", content_html="",
        summary_html="<p>The harbour handled 4.2 million containers in 2023.</p>",
    )
    with make_http_client(transport=httpx.MockTransport(handler)) as client:
        draft, _claims, warning = entry_article(entry, ParsedFeed(title="Coastal Ledger", entries=[entry]), URL, client)
    assert "4.2 million containers" in draft.text and "secret" not in draft.text
    assert "10.0.0.8" in warning and "summary was stored instead" in warning
