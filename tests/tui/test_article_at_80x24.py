"""The article screen in an 80x24 terminal: for the selected claim, without a key press,
the claim, the suggestion line (or "No suggestion" with its reason) and the best match's
header with its rating are on screen; `d` scrolls the rest of the claim's detail."""

from __future__ import annotations

import operations
from store import Store
from store.models import Match
from tests.tui.helpers import screen_text, settle, static_text
from tui.app import make_app
from tui.screens.article import ArticleScreen, ClaimDetail
from tui.settings import Settings
from tui.widgets.claim_context import ClaimContext
from tui.widgets.claim_list import ClaimList
from tui.widgets.match_panel import MatchPanel

SMALL = (80, 24)


def folded(text: str) -> str:
    """Screen text with its line wrapping undone (the detail pane is the full width)."""
    return " ".join(text.split())


def assert_claim_suggestion_and_best_match_shown(app, store: Store) -> None:
    screen = app.screen
    assert isinstance(screen, ArticleScreen)
    claim = screen.claim_list.current_claim
    panel = screen.query_one(MatchPanel)
    shown = folded(screen_text(app))
    # The claim's first words, in the claim view below the list (the list clips them).
    detail_top = shown[shown.index("Check-worthy") - 400:] if "Check-worthy" in shown else shown
    assert " ".join(claim.text.split()[:6]) in detail_top, (claim.text, shown)
    if panel.suggestion:
        assert f"Suggested: {panel.suggestion} (s accepts)" in shown, shown
    else:
        assert "No suggestion" in shown, shown
    assert folded(panel.suggestion_reason)[:40] in shown, shown
    best = panel.matches[0].candidate
    header = f"{panel.matches[0].score:.0f} {best.kind} {best.id} {folded(best.source)}"
    assert header in shown, (header, shown)
    if best.rating:
        assert f"{header} {best.date} rating: {best.rating}" in shown, shown


async def test_demo_article_at_80x24_shows_every_claims_suggestion_and_best_match(store: Store) -> None:
    """The demo store `make run` opens on a first run, every claim of its article."""
    result, _ = operations.seed_demo(store)
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        claim_list = app.screen.query_one(ClaimList)
        assert claim_list.row_count == len(store.claims_for_article(result.article_id))
        suggestions = 0
        for row in range(claim_list.row_count):
            assert claim_list.cursor_row == row
            panel = app.screen.query_one(MatchPanel)
            if panel.matches:
                assert_claim_suggestion_and_best_match_shown(app, store)
                suggestions += panel.suggestion is not None
            await pilot.press("j")
            await settle(pilot)
        assert suggestions >= 3  # the demo is made to show suggestions


async def test_seeded_claim_without_suggestion_shows_why_and_its_best_match(seeded) -> None:
    store, ids = seeded
    claims = store.claims_for_article(ids["first"])
    reference = store.get_candidate("reference", 1)
    store.save_matches(claims[1].id, [Match(reference, 81.0, {
        "shared": ["militants", "killed", "least", "bmp", "vehicle"], "only_query": ["soldiers"],
        "only_match": ["syrian", "arab", "army", "troops"],
        "conflicts": [{"kind": "number", "query": "15", "match": "50"}]})])
    store.add_evidence(claims[1].id, "https://example.org/evidence/one", checker="ana")
    store.set_note(claims[1].id, "Asked the ministry.\nNo answer yet.", checker="ana")
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_article(ids["first"], claims[1].id)
        await settle(pilot)
        assert_claim_suggestion_and_best_match_shown(app, store)
        shown = folded(screen_text(app))
        assert "No suggestion closest claim differs (number 15 ≠ 50)" in shown
        assert "81 reference 1 Demo checks 2018-01-13 rating: Unproven" in shown
        assert "Note: Asked the ministry. No answer yet." in shown  # one line when stacked
        assert "https://example.org/evidence/one" in shown


async def test_d_scrolls_the_claims_detail_and_says_so(seeded) -> None:
    store, ids = seeded
    claims = store.claims_for_article(ids["first"])
    reference = store.get_candidate("reference", 1)
    long_text = {"shared": ["militants"], "only_query": [], "only_match": [], "conflicts": []}
    store.save_matches(claims[1].id, [Match(reference, 90.0 - n, long_text) for n in range(4)])
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_article(ids["first"], claims[1].id)
        await settle(pilot)
        detail = app.screen.query_one(ClaimDetail)
        assert detail.max_scroll_y > 0
        assert "d: more below" in screen_text(app)
        while detail.scroll_y < detail.max_scroll_y:
            before = detail.scroll_y
            await pilot.press("d")
            await settle(pilot)
            assert detail.scroll_y > before
        assert "d: back to the top" in screen_text(app)
        assert "87 reference 1" in folded(screen_text(app))  # the last of the four matches
        await pilot.press("d")
        await settle(pilot)
        assert detail.scroll_y == 0
        assert app.screen.claim_list.has_focus  # j and k still move between claims


async def test_wide_terminal_keeps_the_whole_paragraph(seeded) -> None:
    store, ids = seeded
    second = store.claims_for_article(ids["first"])[1]
    app = make_app(store, Settings(checker="ana"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.open_article(ids["first"], second.id)
        await settle(pilot)
        context = app.screen.query_one(ClaimContext)
        assert folded(static_text(context)).startswith("On January 11, rebel groups announced")
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert folded(static_text(context)).startswith(
            "…counter-offensive near Abu al-Duhur. Militants killed")
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        assert folded(static_text(context)).startswith("On January 11, rebel groups announced")
