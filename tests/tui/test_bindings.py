"""A Pilot test per desk binding: each asserts what the store then holds and what the
screen shows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from store import Store
from store.models import Candidate, Match, ReferenceDraft
from store.inbox import ClaimFilter
from tests.tui.helpers import running_desk, settle, static_text, store_held_by_another_writer, table_text
from tui.app import ClaimdeskApp
from tui.screens.article import ArticleScreen
from tui.screens.duplicates import DuplicatesScreen
from tui.screens.filter import FilterScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.inbox import InboxScreen
from tui.screens.search import TYPING_PAUSE, SearchScreen
from tui.settings import Settings
from tui.widgets.claim_list import ClaimList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.inbox_table import InboxTable
from tui.widgets.match_panel import MatchPanel

def current_claim(app):
    return app.screen.query_one(ClaimList).current_claim


@asynccontextmanager
async def desk_on_first_article(
    seeded: tuple[Store, dict[str, int]], settings: Settings | None = None
) -> AsyncIterator[tuple[ClaimdeskApp, Pilot, Store, dict[str, int]]]:
    """Run the desk on the seeded store, first article open; yield app, pilot, store, ids."""
    store, ids = seeded
    async with running_desk(store, settings) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        yield app, pilot, store, ids


async def test_tab_and_brackets_walk_the_review_queue(seeded) -> None:
    store, ids = seeded
    async with running_desk(store) as (app, pilot):
        assert "Remaining: 4" in static_text(app.screen.query_one(FilterBar))
        await pilot.press("tab")  # from the inbox: newest article first
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article_id == ids["second"]
        await pilot.press("x")
        await settle(pilot)
        assert "Remaining: 3" in static_text(app.screen.query_one(FilterBar))
        await pilot.press("tab")
        await settle(pilot)
        first_claims = store.claims_for_article(ids["first"])
        assert app.screen.article_id == ids["first"]
        assert current_claim(app).id == first_claims[0].id
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current_claim(app).id == first_claims[1].id
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert current_claim(app).id == first_claims[0].id
        await pilot.press("shift+tab")  # wraps back to the last open claim
        await settle(pilot)
        assert current_claim(app).id == first_claims[2].id


async def test_note_is_multiline_and_stored(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, _):
        claim = current_claim(app)
        await pilot.press("n")
        await settle(pilot)
        area = app.screen.query_one(TextArea)
        area.insert("First line [bold]\nsecond q line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.get_claim(claim.id).note == "First line [bold]\nsecond q line"
        assert isinstance(app.screen, ArticleScreen)
        assert "second q line" in static_text(app.screen.query_one("#claim-context"))


async def test_a_pasted_note_is_stored_with_terminal_controls_neutralised(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, _):
        claim = current_claim(app)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one(TextArea).insert("Seen \x1b]52;c;aGk=\x07 in the \x1b[2Jfeed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        stored = store.get_claim(claim.id).note
        assert "\x1b" not in stored and "\x07" not in stored
        assert stored.startswith("Seen ") and stored.endswith("feed")


async def test_evidence_url_is_validated_and_stored(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, _):
        claim = current_claim(app)
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = "javascript:alert(1)"
        await pilot.press("enter")
        await settle(pilot)
        assert "not an http or https URL" in static_text(app.screen.query_one("#prompt-error"))
        field.value = "https://example.org/evidence"
        await pilot.press("enter")
        await settle(pilot)
        assert [e.url for e in store.evidence_for(claim.id)] == ["https://example.org/evidence"]


async def test_o_opens_the_selected_match_url_in_the_browser(seeded, monkeypatch) -> None:
    store, ids = seeded
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url) or True)
    first = store.claims_for_article(ids["first"])[0]
    store.add_reference_claims([ReferenceDraft("A hostile link", url="javascript:alert(1)")])
    hostile = store.query("SELECT id FROM reference_claims WHERE url LIKE 'javascript:%'")[0]["id"]
    store.save_matches(first.id, [
        Match(store.get_candidate("reference", 1), 90.0, {}),
        Match(store.get_candidate("reference", hostile), 80.0, {}),
    ])
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        await pilot.press("o")
        await pilot.press("m", "o")  # the second match: not an http URL, never opened
        await settle(pilot)
    assert opened == ["https://example.org/check/1"]


async def test_undo_and_redo_survive_a_restart(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, _):
        claim = current_claim(app)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict == "contested"
        await pilot.press("z")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict == "corroborated"
        assert "corroborated" in table_text(app.screen.query_one(ClaimList)).splitlines()[0]

    # A new desk on the same store.
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        await pilot.press("z")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict is None
        await pilot.press("Z")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict == "corroborated"
        assert "corroborated" in table_text(app.screen.query_one(ClaimList)).splitlines()[0]
    # Undo and redo are history rows too: nothing is ever rewritten.
    assert [h.verdict for h in store.verdict_history(claim.id)] == [
        "corroborated", "contested", "corroborated", None, "corroborated"]


async def test_history_view_shows_who_changed_what(seeded) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[0]
    store.record_verdict(claim.id, "unverified", checker="ana")
    store.record_verdict(claim.id, "contested", checker="ben")
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = static_text(app.screen.query_one("#history-body"))
        assert "ana" in shown and "ben" in shown and "contested" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)


async def test_bulk_verdict_is_one_transaction(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, ids):
        await pilot.press("space", "space")  # selects the first two claims
        await settle(pilot)
        assert "Selected: 2" in static_text(app.screen.query_one(FilterBar))
        await pilot.press("u")
        await settle(pilot)
        claims = store.claims_for_article(ids["first"])
        assert [c.verdict for c in claims] == ["unverified", "unverified", None]
        batches = store.query(
            "SELECT DISTINCT batch FROM verdict_history WHERE claim_id IN (?, ?)",
            [claims[0].id, claims[1].id])
        assert len(batches) == 1
        await pilot.press("asterisk", "c")
        await settle(pilot)
        assert [c.verdict for c in store.claims_for_article(ids["first"])] == ["corroborated"] * 3
        assert "Selected" not in static_text(app.screen.query_one(FilterBar))
        await pilot.press("z")  # one undo takes back the whole bulk change
        await settle(pilot)
        assert [c.verdict for c in store.claims_for_article(ids["first"])] == [
            "unverified", "unverified", None]


async def test_near_duplicates_are_offered_the_same_verdict(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[1]
    other = store.claims_for_article(ids["second"])[0]
    store.save_matches(first.id, [Match(Candidate(other.id, "claim", other.text), 95.0, {})])
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        await pilot.press("j", "x")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)
        assert other.text in static_text(app.screen.query_one("#duplicates-list"))
        await pilot.press("a")
        await settle(pilot)
    assert store.get_claim(other.id).verdict == "contested"


async def test_suggested_verdict_is_accepted_with_s(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    store.add_reference_claims([ReferenceDraft(first.text, source="Checker",
                                               url="https://example.org/c", rating="False",
                                               normalised_rating="contested")])
    false_rated = store.query("SELECT id FROM reference_claims WHERE rating = 'False'")[0]["id"]
    store.save_matches(first.id, [Match(store.get_candidate("reference", false_rated), 99.0,
                                        {"conflicts": []})])
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        panel = app.screen.query_one(MatchPanel)
        assert panel.suggestion == "contested"
        assert "Suggested" in static_text(panel)
        await pilot.press("s")
        await settle(pilot)
        assert store.get_claim(first.id).verdict == panel.suggestion


async def type_search(pilot, text: str) -> None:
    """Type into the search box and wait for the search the last key started."""
    await pilot.press(*text)
    await pilot.pause(TYPING_PAUSE + 0.05)
    await settle(pilot)


async def test_search_as_you_type_opens_the_claim(seeded) -> None:
    store, ids = seeded
    async with running_desk(store) as (app, pilot):
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await type_search(pilot, "astan")
        assert "Astana" in table_text(app.screen.query_one("#search-results"))
        first_claim = next(i for i, hit in enumerate(app.screen.hits) if hit.kind == "claim")
        app.screen.query_one("#search-results").move_cursor(row=first_claim)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "Astana" in current_claim(app).text


async def test_search_finds_articles_by_title_and_text(seeded) -> None:
    store, ids = seeded
    async with running_desk(store) as (app, pilot):
        await pilot.press("slash")
        await settle(pilot)
        # "happens" is only in a sentence that is not a check-worthy claim: the article
        # index finds it, the claim index cannot.
        await type_search(pilot, "happen")
        hits = app.screen.hits
        assert [(h.kind, h.article_id) for h in hits] == [("article", ids["first"])]
        shown = table_text(app.screen.query_one("#search-results"))
        assert "article" in shown and "Nobody knows what happens next" in shown
        assert "1 article, 0 claims" in static_text(app.screen.query_one("#search-count"))
        # A title word brings the article before any claim.
        app.screen.query_one(Input).value = ""
        await type_search(pilot, "other rep")
        assert app.screen.hits[0].kind == "article"
        assert app.screen.hits[0].article_id == ids["second"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article_id == ids["second"]


async def test_search_text_is_never_fts_syntax(seeded) -> None:
    store, _ = seeded
    async with running_desk(store) as (app, pilot):
        await pilot.press("slash")
        await settle(pilot)
        # Quotes, operators, column filters and stars are typed words, not syntax.
        cases = [('astana" turkey*', "Astana"), ("(astana) -turkey^", "Astana"),
                 ("{astana} AND zone", "Astana"), ("abu al-duh", "Abu al-Duhur"),
                 ("text:astana", None), ('astana "NEARBY(', None)]
        for typed, expected in cases:
            app.screen.query_one(Input).value = ""
            await type_search(pilot, typed)
            assert app.is_running
            if expected is None:  # a typed word that no text holds: nothing, no error
                assert app.screen.hits == [], typed
            else:
                assert any(expected in hit.text for hit in app.screen.hits), typed
        app.screen.query_one(Input).value = ""
        await type_search(pilot, '"*"')  # nothing searchable: no results, no error
        assert app.screen.hits == []


async def test_filter_shows_in_the_bar_and_escape_clears_it(seeded) -> None:
    store, ids = seeded
    store.record_verdict(store.claims_for_article(ids["first"])[0].id, "contested")
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#verdict-contested").focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert app.filters == ClaimFilter(verdicts=("contested",))
        assert "verdict contested" in static_text(app.screen.query_one(FilterBar))
        assert len(app.screen.query_one(ClaimList).claims) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert not app.filters.active
        assert isinstance(app.screen, ArticleScreen)
        assert len(app.screen.query_one(ClaimList).claims) == 3
        assert "Filter: none" in static_text(app.screen.query_one(FilterBar))


async def test_inbox_sort_done_and_archive(seeded) -> None:
    store, ids = seeded
    async with running_desk(store) as (app, pilot):
        table = app.screen.query_one(InboxTable)
        assert table_text(table).splitlines()[0].startswith("Other report")
        await pilot.press("S", "S")  # newest -> date -> source
        await settle(pilot)
        assert app.screen.sort == "source"
        assert table_text(table).splitlines()[0].startswith("Rebels")
        await pilot.press("k", "d")
        await settle(pilot)
        assert store.get_article(ids["first"]).status == "done"
        assert "done" in table_text(table).splitlines()[0]
        await pilot.press("a")
        await settle(pilot)
        assert store.get_article(ids["first"]).status == "archived"
        assert "Rebels" not in table_text(table)
        await pilot.press("A")
        await settle(pilot)
        assert "Rebels" in table_text(table)


async def test_help_lists_every_binding_and_palette_lists_actions(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Contested", "Corroborated", "Unverified", "Note", "Evidence", "Undo",
                      "Search", "Filter", "Export", "History", "Select", "Next open"):
            assert title in commands
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = static_text(app.screen.query_one("#help-table"))
        for text in ("Contested", "Undo", "Search", "Export", "Next open", "Back"):
            assert text in shown


async def test_key_bindings_follow_the_settings_file(seeded) -> None:
    settings = Settings(checker="ana", keys={"verdict.contested": "X"})
    async with desk_on_first_article(seeded, settings) as (app, pilot, store, _):
        claim = current_claim(app)
        await pilot.press("x")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict is None
        await pilot.press("X")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict == "contested"
        assert store.verdict_history(claim.id)[0].checker == "ana"


async def test_checker_name_is_asked_once_and_saved(seeded, monkeypatch, tmp_path) -> None:
    from tui.settings import load_settings

    store, _ = seeded
    monkeypatch.delenv("CLAIMDESK_CHECKER")
    async with running_desk(store) as (app, pilot):
        await pilot.press(*"Ana", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    assert load_settings().checker == "Ana"
    async with running_desk(store) as (app, pilot):
        assert isinstance(app.screen, InboxScreen)  # not asked again


async def test_export_writes_exactly_the_filtered_claims(seeded, tmp_path: Path) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])
    store.record_verdict(first[0].id, "contested")
    store.record_verdict(first[1].id, "corroborated")
    other = store.claims_for_article(ids["second"])[0]
    store.record_verdict(other.id, "contested")
    target = tmp_path / "out.json"
    async with running_desk(store) as (app, pilot):
        app.set_filter(ClaimFilter(verdicts=("contested",)))
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Wrote 2 claims" in n.message for n in app._notifications)
    data = json.loads(target.read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
    assert sorted(r["claim_id"] for r in records) == sorted([first[0].id, other.id])


async def test_write_to_a_busy_store_stays_pending_and_retries(seeded) -> None:
    store, _ = seeded
    async with desk_on_first_article(seeded) as (app, pilot, _, _):
        claim = current_claim(app)
        # Another process holds the write lock longer than the busy timeout allows.
        with store_held_by_another_writer(store):
            await pilot.press("x")
            await settle(pilot)
            assert app.pending_writes == 1
            assert "pending" in static_text(app.screen.query_one(FilterBar))
            # The screen showed the verdict at once; the store does not hold it yet.
            assert "contested" in table_text(app.screen.query_one(ClaimList)).splitlines()[0]
            assert store.get_claim(claim.id).verdict is None
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.pending_writes == 0
        assert store.get_claim(claim.id).verdict == "contested"


async def test_undo_takes_back_only_your_own_change_and_keeps_a_colleagues(seeded) -> None:
    async with desk_on_first_article(seeded) as (app, pilot, store, ids):
        mine = current_claim(app)
        await pilot.press("c")
        await settle(pilot)
        assert store.get_claim(mine.id).verdict == "corroborated"
        # A colleague on the same store marks the same claim, then another one, after us.
        other = next(c for c in store.claims_for_article(ids["first"]) if c.id != mine.id)
        store.record_verdict(mine.id, "contested", note="Two sources say 50", checker="ben")
        store.record_verdict(other.id, "unverified", checker="ben")
        await pilot.press("z")
        await settle(pilot)
        assert store.get_claim(mine.id).verdict == "contested"  # ben's, not rolled back
        assert store.get_claim(other.id).verdict == "unverified"  # ben's change is not ours to undo
        messages = [n.message for n in app._notifications]
        assert any("0 claims" in m and "1 claim changed by someone else" in m for m in messages)
        await pilot.press("z")  # our stack moved past it: nothing older of ours to undo
        await settle(pilot)
        assert store.get_claim(mine.id).verdict == "contested"
        assert any(n.message == "Nothing to undo." for n in app._notifications)
        await pilot.press("h")
        await settle(pilot)
        assert "(kept as it was)" in static_text(app.screen.query_one("#history-body"))
