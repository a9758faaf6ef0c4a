"""The feeds screen: follow a feed, fetch all in a worker, see new articles in the inbox,
see a failing feed's error; add one page by URL. No outside network: a MockTransport
serves the fixtures."""

from __future__ import annotations

from pathlib import Path

import httpx

from store import Store
from store import feeds as feed_store
from store import inbox
from tests.tui.helpers import settle, store_held_by_another_writer, table_text
from tui.app import make_app
from tui.screens.feeds import FeedsScreen
from tui.screens.inbox import InboxScreen

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
ARTICLE = (FEEDS / "article.html").read_bytes()


def _serve(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.url.host == "ledger.example" and path == "/rss":
        return httpx.Response(200, content=(FEEDS / "rss.xml").read_bytes(),
                              headers={"content-type": "application/rss+xml"})
    if request.url.host == "ledger.example" and path.startswith("/articles/") and path != "/articles/missing-page":
        return httpx.Response(200, content=ARTICLE, headers={"content-type": "text/html; charset=utf-8"})
    if request.url.host == "down.example":
        return httpx.Response(503, text="busy")
    return httpx.Response(404, text="not found")


def _client() -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(_serve), follow_redirects=False)


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_follow_fetch_all_and_see_articles_and_errors(store: Store) -> None:
    app = make_app(store, http_client=_client())
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedsScreen())
        await settle(pilot)
        for url in ("https://ledger.example/rss", "https://down.example/rss"):
            await pilot.press("a")
            await _type(pilot, url)
            await pilot.press("enter")
            await settle(pilot)
        assert [f.url for f in feed_store.list_feeds(store)] == [
            "https://ledger.example/rss", "https://down.example/rss"]

        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one("#feeds-table")
        shown = table_text(table)
        assert "Coastal Ledger: News" in shown
        assert "503" in shown  # the failing feed keeps its error on screen
        assert store.count("articles") >= 2
        notices = [n.message for n in app._notifications]
        assert any("down.example" in m for m in notices)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        inbox = table_text(app.screen.query_one("#inbox-table"))
        assert "Harbour authority reports record cargo volumes" in inbox
        assert "Fishing quota talks stall" in inbox  # a summary-only entry whose page is gone


async def test_add_page_by_url_and_refuse_a_bad_one(store: Store) -> None:
    app = make_app(store, http_client=_client())
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedsScreen())
        await settle(pilot)
        await pilot.press("i")
        await _type(pilot, "https://ledger.example/articles/ferry")
        await pilot.press("enter")
        await settle(pilot)
        [article] = inbox.inbox_page(store)
        assert article.title == "Harbour authority reports record cargo volumes"
        assert store.claims_for_article(article.id)

        await pilot.press("i")
        await _type(pilot, "https://ledger.example/articles/missing-page")
        await pilot.press("enter")
        await settle(pilot)
        assert store.count("articles") == 1
        assert any("404" in n.message for n in app._notifications)


async def test_inbox_keys_open_feeds_and_add_a_page(store: Store) -> None:
    app = make_app(store, http_client=_client())
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        # A scheme in capitals is a URL as well (not a file of that name).
        await _type(pilot, "HTTPS://ledger.example/articles/harbour")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert "Harbour authority reports record cargo volumes" in table_text(app.screen.query_one("#inbox-table"))
        assert any("Added Harbour authority" in n.message for n in app._notifications)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)


async def test_follow_and_unfollow_wait_for_a_busy_store_on_the_writer(store: Store) -> None:
    """Following goes through the desk's writer like a verdict: while another process
    holds the store it stays pending (the screen keeps working), and ctrl+r saves it."""
    app = make_app(store, http_client=_client())
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedsScreen())
        await settle(pilot)
        # The desk's presence heartbeat keeps running meanwhile: it fails quietly and
        # holds up nothing.
        with store_held_by_another_writer(store):
            await pilot.press("a")
            await _type(pilot, "https://ledger.example/rss")
            await pilot.press("enter")
            await settle(pilot)
            assert app.is_running and app.pending_writes == 1
            assert any("Following https://ledger.example/rss is not stored yet" in n.message
                       for n in app._notifications), [n.message for n in app._notifications]
        assert not any("Presence" in n.message for n in app._notifications)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.pending_writes == 0
        assert [f.url for f in feed_store.list_feeds(store)] == ["https://ledger.example/rss"]
        assert "ledger.example/rss" in table_text(app.screen.query_one("#feeds-table"))

        await pilot.press("D")
        await settle(pilot)
        assert feed_store.list_feeds(store) == []
        assert any("No longer following https://ledger.example/rss" in n.message for n in app._notifications)
