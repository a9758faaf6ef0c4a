"""The desk on an 80x24 terminal and the small things a checker reads at a glance:
columns that keep the counts, claims readable at 80 columns, the filter form's keys and
boxes, the history view, evidence, help, undo, counts in words, feed errors."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from store import Store
from store import feeds as feed_store
from store.models import ArticleDraft
from tests.localserver import LocalServer, send
from tests.tui.conftest import claim_drafts, seed_store
from tests.tui.helpers import screen_text, settle, static_text
from tui.app import make_app
from tui.screens.feeds import FeedsScreen
from tui.screens.filter import FilterScreen
from tui.screens.history import HistoryScreen
from tui.screens.inbox import InboxScreen
from tui.settings import Settings
from tui.widgets.claim_context import ClaimContext
from tui.widgets.claim_list import ClaimList

SMALL = (80, 24)
LONG_TITLE = ("Regional council publishes its long-awaited review of harbour dredging, "
              "ferry subsidies and the coastal flood defences")


def desk(store: Store, **kwargs):
    return make_app(store, Settings(checker="ana"), **kwargs)


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def test_inbox_at_80_columns_keeps_title_source_and_counts(store: Store) -> None:
    text = LONG_TITLE + "\n\nThe council said 40 ferries ran in 2023. Dredging cost 12 million euros."
    store.add_article(
        ArticleDraft(title=LONG_TITLE, text=text, source="The Coastal Ledger and Harbour Gazette",
                     published="2024-05-01"),
        claim_drafts(text, ["The council said 40 ferries ran in 2023.", "Dredging cost 12 million euros."]),
    )
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        lines = screen_text(pilot.app).splitlines()
        header = next(line for line in lines if "Title" in line)
        for column in ("Source", "Date", "Claims", "Judged", "Status"):
            assert column in header
        row = next(line for line in lines if "Regional council" in line)
        assert "…" in row  # the long title is clipped, not the columns after it
        assert "The Coast" in row and "2024-05-01" in row
        assert "0/2" in row and "inbox" in row


async def test_article_at_80_columns_shows_claims_readably(seeded) -> None:
    store, ids = seeded
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"])
        await settle(pilot)
        shown = screen_text(pilot.app)
        # Each claim's first 40 characters are on screen in the list.
        for claim in store.claims_for_article(ids["first"]):
            assert claim.text[:40] in shown
        claim_list = pilot.app.screen.query_one(ClaimList)
        assert claim_list.size.width >= 70
        assert pilot.app.screen.query_one(ClaimContext).size.width >= 70


async def test_enter_on_a_ticked_box_applies_the_filter(seeded) -> None:
    store, _ = seeded
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FilterScreen)
        assert pilot.app.screen.focused.id == "verdict-corroborated"
        await pilot.press("space", "tab", "tab", "tab", "space", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        assert pilot.app.filters.verdicts == ("corroborated", "none")
        assert "corroborated" in screen_text(pilot.app).splitlines()[1]


async def test_every_verdict_box_is_on_an_80_column_screen_and_unchecked_ones_show(seeded) -> None:
    store, _ = seeded
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        for label in ("corroborated", "contested", "unverified", "no verdict", "has conflicts"):
            assert label in screen_text(pilot.app)
        for box in pilot.app.screen.query(Checkbox):
            assert not box.value
            inside = box.get_visual_style("toggle--button").background
            around = box.background_colors[1]
            # The box stands out from the dialog by a fifth of the brightness scale.
            assert abs(inside.brightness - around.brightness) >= 0.2, box.id


async def test_history_lists_each_change_under_its_headers(seeded) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[1]
    store.record_verdict([claim.id], "unverified", checker="ana")
    store.set_note(claim.id, "Two sources say 50", checker="ana")
    store.set_note(claim.id, "", checker="ben")
    store.record_verdict([claim.id], "contested", checker="ben")
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"], claim.id)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HistoryScreen)
        lines = screen_text(pilot.app).splitlines()
        header = next(line for line in lines if "When" in line)
        assert "Who" in header and "From" in header and "To" in header and "Note" in header
        assert "vehicle." not in header  # the claim's last line is its own
        rows = [line for line in lines if "ana" in line or "ben" in line]
        assert len(rows) == 4
        assert "open" in rows[0] and "unverified" in rows[0]
        assert "added" in rows[1] and "Two sources" in rows[1] and "unverified" not in rows[1]
        assert "removed" in rows[2] and "unverified" not in rows[2]
        assert "unverified" in rows[3] and "contested" in rows[3]


async def test_evidence_added_with_e_shows_in_the_claim_panel(seeded) -> None:
    store, ids = seeded
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"])
        await settle(pilot)
        claim = pilot.app.screen.query_one(ClaimList).current_claim
        await pilot.press("e")
        await _type(pilot, "https://example.org/evidence/harbour")
        await pilot.press("enter")
        await settle(pilot)
        assert [e.url for e in store.evidence_for(claim.id)] == ["https://example.org/evidence/harbour"]
        assert "https://example.org/evidence/harbour" in static_text(pilot.app.screen.query_one(ClaimContext))
        await pilot.press("j")
        await settle(pilot)
        assert "evidence/harbour" not in static_text(pilot.app.screen.query_one(ClaimContext))


async def test_evidence_attached_by_mistake_is_taken_off_from_the_list_with_delete(seeded) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[0]
    store.add_evidence(claim.id, "https://example.org/evidence/right", checker="ana")
    store.add_evidence(claim.id, "https://example.org/evidence/wrong", checker="ana")
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"])
        await settle(pilot)
        assert pilot.app.screen.query_one(ClaimList).current_claim.id == claim.id
        await pilot.press("e")
        await settle(pilot)
        assert "2 links attached" in static_text(pilot.app.screen.query_one(".dialog-title"))
        await _type(pilot, "https://example.org/evidence/right")  # attached already: refused
        await pilot.press("enter")
        await settle(pilot)
        assert "attached already" in static_text(pilot.app.screen.query_one("#prompt-error"))
        await pilot.press("shift+tab", "down", "delete")  # the list, its second link, removed
        await settle(pilot)
        assert [e.url for e in store.evidence_for(claim.id)] == ["https://example.org/evidence/right"]
        shown = static_text(pilot.app.screen.query_one(ClaimContext))
        assert "evidence/right" in shown and "evidence/wrong" not in shown


async def test_help_lists_claimdesks_keys_without_the_tables_generic_ones(seeded) -> None:
    store, ids = seeded
    async with desk(store).run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        inbox_help = [d for _, d in pilot.app.screen.rows]
        assert "Open" in inbox_help and "Sort" in inbox_help and "Feeds" in inbox_help
        for generic in ("Copy selected text", "cursor left", "cursor right", "page up", "select cursor"):
            assert generic not in (d.casefold() for d in inbox_help) and generic not in inbox_help
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        article_help = dict((d, k) for k, d in pilot.app.screen.rows)
        assert "Corroborated" in article_help and "History" in article_help
        assert "Copy selected text" not in article_help and "Cursor down" not in article_help
        assert "↓" in article_help["Next claim"] and "j" in article_help["Next claim"]


async def test_undo_names_the_claim_and_moves_the_cursor_to_it(seeded) -> None:
    store, ids = seeded
    first, second, third = store.claims_for_article(ids["first"])
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"], second.id)
        await settle(pilot)
        await pilot.press("c", "j")
        await settle(pilot)
        claim_list = pilot.app.screen.query_one(ClaimList)
        assert claim_list.current_claim.id == third.id
        await pilot.press("z")
        await settle(pilot)
        assert store.get_claim(second.id).verdict is None
        assert claim_list.current_claim.id == second.id
        messages = [n.message for n in pilot.app._notifications]
        assert any(f"claim {second.id}" in m and "Militants killed" in m and "now open" in m
                   for m in messages), messages


async def test_one_claim_is_counted_as_one_claim(seeded, tmp_path: Path) -> None:
    store, ids = seeded
    out = tmp_path / "one.json"
    async with desk(store).run_test(size=SMALL) as pilot:
        await settle(pilot)
        pilot.app.open_article(ids["first"])
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("E")
        await _type(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert out.exists()
        messages = [n.message for n in pilot.app._notifications]
        assert f"Wrote 1 claim to {out}." in messages


async def test_a_feeds_last_error_is_shown_whole(store: Store) -> None:
    with LocalServer() as server:
        server.routes["/a-rather-long-path/to/the/newsroom/feeds/coastal-ledger-daily.xml"] = send(
            b"gone", "text/plain", status=404)
        url = server.url("/a-rather-long-path/to/the/newsroom/feeds/coastal-ledger-daily.xml")
        feed_store.add_feed(store, url)
        async with desk(store).run_test(size=SMALL) as pilot:
            await settle(pilot)
            pilot.app.push_screen(FeedsScreen())
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            [feed] = feed_store.list_feeds(store)
            assert "HTTP status 404" in feed.last_error
            # Wrapped to the screen's width, but every character of it is there.
            shown = "".join(screen_text(pilot.app).split())
            assert "".join(f"Last error: {feed.last_error}".split()) in shown


async def test_feeds_at_80_columns_keep_fetched_new_and_error_in_view(store: Store) -> None:
    with LocalServer() as server:
        path = "/a-rather-long-path/to/the/newsroom/feeds/coastal-ledger-daily.xml"
        server.routes[path] = send(b"gone", "text/plain", status=404)
        feed_store.add_feed(store, server.url(path))
        async with desk(store).run_test(size=SMALL) as pilot:
            await settle(pilot)
            pilot.app.push_screen(FeedsScreen())
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            lines = screen_text(pilot.app).splitlines()
            header = next(line for line in lines if "Title" in line)
            for column in ("URL", "Last fetched", "New", "Last error"):
                assert column in header
            [feed] = feed_store.list_feeds(store)
            row = next(line for line in lines if "http://" in line and "Last error" not in line)
            assert "…" in row  # the long URL is clipped, not the columns after it
            assert feed.last_fetched[:16].replace("T", " ") in row
            assert " 0 " in row and "answered with" in row
