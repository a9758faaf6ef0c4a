"""Fetching followed feeds from a real HTTP server on 127.0.0.1: RSS and Atom entries become
articles, an unchanged feed costs one 304, failures stay with their feed."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from ingest.feeds import fetch_feeds, follow_feed
from store import feeds as feed_store
from store.errors import UnknownIdError
from tests.conftest import FIXTURES
from tests.localserver import LocalServer, send

FEEDS = FIXTURES / "feeds"
ARTICLE = (FEEDS / "article.html").read_bytes()
FERRY = ARTICLE.replace(b"harbour-record", b"ferry-timetable").replace(
    b"4.2 million containers", b"1.1 million passengers"
).replace(b"Harbour authority reports record cargo volumes", b"Council approves new ferry timetable")


def conditional(body: bytes, content_type: str, etag: str, last_modified: str):
    """A feed route that answers 304 when the client's validators match."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == etag or handler.headers.get("If-Modified-Since") == last_modified:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        send(body, content_type, ETag=etag, Last_Modified=last_modified)(handler)

    return route


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        local.routes.update({
            "/rss": conditional((FEEDS / "rss.xml").read_bytes(), "application/rss+xml", '"rss-v1"',
                                "Thu, 18 Apr 2024 09:00:00 GMT"),
            "/atom": send((FEEDS / "atom.xml").read_bytes(), "application/atom+xml; charset=utf-8"),
            "/malformed": send((FEEDS / "malformed.xml").read_bytes(), "text/xml"),
            "/articles/harbour": send(ARTICLE),
            "/articles/ferry": send(FERRY),
            "/broken": send(b"oops", "text/plain", status=500),
            "/not-a-feed": send(b"%PDF-1.4 binary", "application/pdf"),
        })
        yield local


def test_new_rss_entries_become_articles_and_a_second_fetch_costs_one_304(store, server) -> None:
    feed, _ = follow_feed(store, server.url("/rss"))
    progress = []
    [result] = fetch_feeds(store, "all", on_progress=lambda done, total, r: progress.append((done, total, r.url)))
    assert result.error == ""
    assert result.title == "Coastal Ledger: News"
    assert len(result.new_article_ids) == 3
    assert progress == [(1, 1, feed.url)]
    articles = [store.get_article(i) for i in result.new_article_ids]
    assert [a.title for a in articles] == [
        "Harbour authority reports record cargo volumes",
        "Council approves new ferry timetable",
        "Fishing quota talks stall",
    ]
    harbour, ferry, quota = articles
    assert "4.2 million containers in 2023, a rise of 12 percent" in harbour.text  # the full page
    assert harbour.canonical_url == server.url("/news/2024/harbour-record")
    # The page's own site name, not the feed's title; the summary-only entry keeps the feed's.
    assert harbour.source == "Coastal Ledger" and harbour.published == "2024-04-18"
    assert quota.source == "Coastal Ledger: News"
    assert "1.1 million passengers" in ferry.text
    assert "Negotiators will meet again in May" in quota.text  # page 404: the summary stands in
    assert any("HTTP status 404" in w for w in result.warnings)
    assert all(a.feed_id == feed.id for a in articles)
    assert store.claims_for_article(harbour.id)

    state = feed_store.get_feed(store, feed.id)
    assert (state.etag, state.new_articles, state.last_error) == ('"rss-v1"', 3, "")

    before = len(server.requests)
    [again] = fetch_feeds(store, [feed.url])
    assert again.not_modified and again.new_article_ids == []
    assert len(server.requests) == before + 1
    assert server.requests[-1][1]["if-none-match"] == '"rss-v1"'
    assert store.count("articles") == 3


def test_an_entry_whose_page_is_fetched_keeps_the_pages_title_and_source(store, server) -> None:
    server.routes["/teasers"] = send(b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Ledger teasers</title><link>/</link>
<item><title>You won't believe these harbour numbers</title><link>/articles/harbour</link>
<guid>teaser-1</guid><description>Click to read.</description></item>
</channel></rss>""", "application/rss+xml")
    follow_feed(store, server.url("/teasers"))
    [result] = fetch_feeds(store, "all")
    [article] = [store.get_article(i) for i in result.new_article_ids]
    assert article.title == "Harbour authority reports record cargo volumes"
    assert article.source == "Coastal Ledger"


def test_seen_entries_are_not_fetched_again_when_the_feed_changes(store, server) -> None:
    follow_feed(store, server.url("/rss"))
    fetch_feeds(store)
    # The server forgets its validators: the whole feed comes back, but every entry is known.
    server.routes["/rss"] = send((FEEDS / "rss.xml").read_bytes(), "application/rss+xml")
    before = len(server.requests)
    [result] = fetch_feeds(store)
    assert result.new_article_ids == [] and result.error == ""
    assert len(server.requests) == before + 1  # the feed only, no pages


def test_atom_full_content_is_used_without_fetching_the_page(store, server) -> None:
    follow_feed(store, server.url("/atom"))
    [result] = fetch_feeds(store)
    assert len(result.new_article_ids) == 2
    reservoirs = store.get_article(result.new_article_ids[0])
    assert "wettest March since 1998" in reservoirs.text
    assert reservoirs.url == "https://water.example/2024/reservoirs"
    assert reservoirs.author == "Ana Ruiz"
    assert not any(path.startswith("/2024") for path, _ in server.requests)


def test_malformed_feed_imports_its_good_entries_with_a_warning(store, server) -> None:
    follow_feed(store, server.url("/malformed"))
    [result] = fetch_feeds(store)
    assert result.error == ""
    assert len(result.new_article_ids) == 2
    assert any("is not well-formed" in w for w in result.warnings)
    assert any("has no text and no link" in w for w in result.warnings)


def test_one_failing_feed_never_stops_the_others(store, server) -> None:
    for path in ("/broken", "/rss", "/not-a-feed", "/atom"):
        follow_feed(store, server.url(path))
    failures = []
    results = fetch_feeds(store, on_progress=lambda d, t, r: r.error and failures.append(r.url))
    by_path = {r.url.rsplit("/", 1)[-1]: r for r in results}
    assert by_path["broken"].error == f"{server.url('/broken')} answered with HTTP status 500 (Internal Server Error)."
    assert "is a PDF document, not a feed" in by_path["not-a-feed"].error
    assert len(by_path["rss"].new_article_ids) == 3
    assert len(by_path["atom"].new_article_ids) == 2
    assert sorted(failures) == sorted([server.url("/broken"), server.url("/not-a-feed")])
    stored = {f.url: f.last_error for f in feed_store.list_feeds(store)}
    assert stored[server.url("/broken")].endswith("HTTP status 500 (Internal Server Error).")
    assert stored[server.url("/rss")] == ""


def test_a_later_success_clears_the_last_error(store, server) -> None:
    feed, _ = follow_feed(store, server.url("/broken"))
    fetch_feeds(store)
    assert feed_store.get_feed(store, feed.id).last_error
    server.routes["/broken"] = send((FEEDS / "atom.xml").read_bytes(), "application/atom+xml")
    fetch_feeds(store)
    assert feed_store.get_feed(store, feed.id).last_error == ""


def test_articles_already_stored_are_skipped(store, server) -> None:
    from ingest.fetch import fetch_source

    draft, claims = fetch_source(server.url("/articles/harbour"))
    existing, _ = store.add_article(draft, claims)
    follow_feed(store, server.url("/rss"))
    [result] = fetch_feeds(store)
    assert len(result.new_article_ids) == 2
    assert result.duplicates == 1
    assert store.count("articles") == 3


def test_unknown_feed_is_refused_before_fetching(store, server) -> None:
    follow_feed(store, server.url("/rss"))
    with pytest.raises(UnknownIdError):
        fetch_feeds(store, [server.url("/rss"), "https://never-followed.example/feed"])
    assert server.requests == []


def test_new_articles_are_reported_for_matching(store, server) -> None:
    follow_feed(store, server.url("/atom"))
    seen = []
    [result] = fetch_feeds(store, on_article=seen.append)
    assert seen == result.new_article_ids
