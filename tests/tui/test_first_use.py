"""What a checker meets on first use of the desk, driven with real keys: exporting
ClaimReview from the desk, the footer at 80 columns, the reasons behind a score."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from store import Store
from tests.tui.helpers import running_desk, settle, static_text


async def test_desk_exports_claimreview_after_asking_for_the_review_page(seeded, tmp_path: Path) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[0]
    store.record_verdict(claim.id, "contested")
    target = tmp_path / "reviews.jsonld"
    async with running_desk(store) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "page that will publish these reviews" in static_text(app.screen.query_one(".dialog-title"))
        await pilot.press(*"desk.example", "enter")  # not a URL: refused, the dialog stays
        await settle(pilot)
        assert "not an absolute http(s) URL" in static_text(app.screen.query_one("#prompt-error"))
        app.screen.query_one(Input).value = ""
        await pilot.press(*"https://desk.example/reviews", "enter")
        await settle(pilot)
        assert any("Wrote 1 claim" in n.message for n in app._notifications)
    document = json.loads(target.read_text(encoding="utf-8"))
    [review] = document["@graph"]
    assert review["url"] == f"https://desk.example/reviews#claim-{claim.id}"
    assert review["reviewRating"]["alternateName"] == "Contested"


async def test_the_footer_keeps_help_and_quit_in_view_at_80_columns(seeded) -> None:
    from tests.tui.helpers import screen_text
    from tui.app import make_app
    from tui.screens.article import ArticleScreen
    from tui.settings import Settings

    store, _ = seeded
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footers = [screen_text(app).rstrip().splitlines()[-1]]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        footers.append(screen_text(app).rstrip().splitlines()[-1])
        inbox, article = (" ".join(footer.split()) for footer in footers)
        assert inbox == "tab Next open f Filter S Sort d Done a Archive A Show archived ? Help", inbox
        assert article == "tab Next open f Filter c Corroborated x Contested u Unverified ? Help", article
        # The key it names opens the help.
        await pilot.press("question_mark")
        await settle(pilot)
        assert "Keys (esc closes" in screen_text(app)


async def test_the_claim_view_tells_reasons_that_lower_the_score_from_those_that_raise_it(
        store: Store, tmp_path: Path) -> None:
    import operations
    from tests.tui.helpers import screen_text
    from tui.app import make_app
    from tui.settings import Settings

    source = tmp_path / "opinion.txt"
    source.write_text("Council taxes\n\nI think the council raised property taxes by 12 percent in 2023, "
                      "which is a disgrace.\n", encoding="utf-8")
    result = operations.ingest_source(store, str(source), match=False)
    [claim] = store.claims_for_article(result.article_id)
    assert "opinion" in claim.reasons and "quantity" in claim.reasons  # what the scorer finds
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
    raising = "; ".join(r for r in claim.reasons if r != "opinion")
    assert f"Check-worthy: {raising} Lowered by: opinion" in shown, shown


async def test_the_help_scrolls_with_j_and_k_as_the_lists_do(seeded) -> None:
    from textual.containers import VerticalScroll

    from tests.tui.helpers import screen_text
    from tui.app import make_app
    from tui.screens.help import HelpScreen
    from tui.settings import Settings

    store, _ = seeded
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0  # more keys than lines at 80x24
        last_row = app.screen.rows[-1][1]
        assert last_row not in screen_text(app)
        await pilot.press(*"j" * 40)
        await settle(pilot)
        assert scroll.scroll_y == scroll.max_scroll_y
        assert last_row in screen_text(app)
        await pilot.press("k")
        await settle(pilot)
        assert scroll.scroll_y == scroll.max_scroll_y - 1


async def test_an_export_names_the_folder_it_wrote_to(seeded, tmp_path: Path, monkeypatch) -> None:
    store, ids = seeded
    store.record_verdict(store.claims_for_article(ids["first"])[0].id, "corroborated")
    monkeypatch.chdir(tmp_path)
    async with running_desk(store) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        await pilot.press(*"report.md", "enter")
        await settle(pilot)
        assert [n.message for n in app._notifications] == [f"Wrote 1 claim to {tmp_path / 'report.md'}."]
    assert "Rebels announce offensive" in (tmp_path / "report.md").read_text(encoding="utf-8")


async def test_o_without_a_browser_says_so_and_gives_the_address(seeded, monkeypatch) -> None:
    import webbrowser

    from store.models import Match

    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    store.save_matches(first.id, [Match(store.get_candidate("reference", 1), 90.0, {})])
    # A terminal on a server: webbrowser knows of no browser to start.
    monkeypatch.setattr(webbrowser, "_tryorder", [])
    async with running_desk(store) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert messages == ["No browser could be started here; the address is https://example.org/check/1"]


async def test_an_undated_article_shows_no_publication_date_in_the_inbox(seeded) -> None:
    from store.models import ArticleDraft
    from tests.tui.helpers import table_text
    from tui.widgets.inbox_table import InboxTable

    store, _ = seeded
    store.add_article(ArticleDraft(title="Undated memo", text="Undated memo\n\nThe budget fell by 9%.",
                                   source="Tip line"), [])
    store.db.conn.execute("UPDATE articles SET added_at = '2018-01-25T00:00:00+00:00' WHERE title = 'Undated memo'")
    async with running_desk(store) as (app, pilot):
        dates = {cells[0]: cells[2] for cells in
                 (row.split(" | ") for row in table_text(app.screen.query_one(InboxTable)).splitlines())}
    assert dates["Undated memo"] == "-"  # not 2018-01-25, the day it was added
    assert dates["Rebels announce offensive"] == "2018-01-11"


async def test_the_first_desk_asks_the_checker_name_and_says_which_keys_answer(seeded, monkeypatch) -> None:
    from tests.tui.helpers import screen_text
    from tui.app import make_app
    from tui.settings import Settings, load_settings

    store, _ = seeded
    monkeypatch.delenv("CLAIMDESK_CHECKER")  # a first desk: no name anywhere yet
    app = make_app(store, Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Your name, saved with every verdict:" in shown
        assert "enter to confirm, escape to cancel" in shown
        await pilot.press(*"Ana Ruiz", "enter")
        await settle(pilot)
        assert app.checker == "Ana Ruiz"
    assert load_settings().checker == "Ana Ruiz"
