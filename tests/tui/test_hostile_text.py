"""Text that looks like markup or carries terminal controls shows literally and does
nothing: titles, claims, sources, ratings and URLs, in every widget that shows them."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from store import Store
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft
from tests.tui.helpers import settle, static_text, table_text
from tui.app import make_app
from tui.screens.article import ArticleScreen
from tui.widgets.claim_context import ClaimContext
from tui.widgets.claim_list import ClaimList
from tui.widgets.inbox_table import InboxTable
from tui.widgets.literal import literal, safe_display
from tui.widgets.match_panel import MatchPanel

SAMPLES = [
    "[/b] evil",
    "[@click=app.quit]Read more[/]",
    "[link=file:///etc/passwd]x[/link]",
    "[bold]loud[/bold]",
    "[TODO] plan",
    "[$accent]",
    "[/",
    "[b",
]


def hostile_store(store: Store, title: str, claim: str) -> int:
    text = f"{title}\n\n{claim} It happened on 3 May."
    start = text.index(claim)
    article_id, _ = store.add_article(
        ArticleDraft(title=title, text=text, source=claim, url="https://example.org/x",
                     published="2020-05-03"),
        [ClaimDraft(claim, start, start + len(claim), 0.9, True, (claim,))],
    )
    store.add_reference_claims([ReferenceDraft(claim, source=title, url="https://example.org/r",
                                               rating=claim, date="2020-05-04")])
    return article_id


@pytest.mark.parametrize("sample", SAMPLES)
async def test_markup_like_text_shows_literally(store: Store, sample: str) -> None:
    hostile_store(store, f"Title {sample}", sample)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert f"Title {sample}" in table_text(app.screen.query_one(InboxTable))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert sample in table_text(app.screen.query_one(ClaimList))
        context = static_text(app.screen.query_one(ClaimContext))
        assert sample in context
        # Clicking the text must not run an embedded action (app.quit, say).
        await pilot.click(ClaimContext)
        await pilot.click(MatchPanel)
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ArticleScreen)
        assert sample in static_text(app.screen.query_one("#article-title"))


def test_control_and_bidi_characters_are_replaced_one_for_one() -> None:
    hostile = "a\x1b]52;c;SGVsbG8=\x07b\x9b31m\x00c\u202eetad\u202cd\u2066x\u2069"
    shown = safe_display(hostile)
    assert len(shown) == len(hostile)
    for bad in ("\x1b", "\x9b", "\x00", "\x07", "\u202e", "\u2066"):
        assert bad not in shown
    assert literal("[bold]x").plain == "[bold]x"


async def test_escape_sequences_in_titles_never_reach_the_screen(store: Store) -> None:
    hostile_store(store, "Clear \x1b[2J\x1b[H title \x1b]0;PWNED\x07", "Vote \u202eetad\u202c now")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = table_text(app.screen.query_one(DataTable))
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "title" in shown
        await pilot.press("enter")
        await settle(pilot)
        context = static_text(app.screen.query_one(ClaimContext))
        assert "\u202e" not in context and "Vote" in context


async def test_search_results_show_markup_literally(store: Store) -> None:
    from tests.tui.test_bindings import type_search
    from textual.widgets import Input

    hostile_store(store, "[@click=app.quit]Read more[/] report", "[bold]Ships[/bold] docked in 1990.")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await type_search(pilot, "ships")
        shown = table_text(app.screen.query_one("#search-results"))
        assert "[bold]Ships[/bold] docked" in shown
        assert "[@click=app.quit]Read more[/] report" in shown
        await pilot.click("#search-results")
        await settle(pilot)
        assert app.is_running
        app.screen.query_one(Input).value = ""
        app.screen.query_one(Input).focus()
        await type_search(pilot, "read more")
        assert app.screen.hits and app.screen.hits[0].kind == "article"
        assert "[@click=app.quit]Read more[/] report" in table_text(
            app.screen.query_one("#search-results"))
