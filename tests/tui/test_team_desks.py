"""Two desks on one SQLite file, in one test: each sees the other's verdicts and notes
without a key press, who else is on an article, a verdict clash, and the editor's
review queue, all driven with real keys."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from store import Store, team
from store.engine import BUSY_TIMEOUT_MS
from tests.tui.conftest import seed_store
from tests.tui.helpers import (DESK_SIZE, eventually, screen_text, settle, static_text,
                               table_text)
from tui.app import REMOTE_COUNT_SECONDS, ClaimdeskApp, make_app
from tui.screens.article import ArticleScreen
from tui.screens.conflict import ConflictScreen
from tui.screens.inbox import InboxScreen
from tui.screens.review import ReviewScreen
from tui.settings import Settings
import tui.team
from tui.team import POLL_SECONDS
from tui.widgets.claim_list import ClaimList
from tui.widgets.inbox_table import InboxTable

# A colleague's change must be on screen within this: four polls at the desk's interval.
LIVE_WAIT = 4 * POLL_SECONDS


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The desks here poll five times as often as a real desk, so a change shows sooner
    than LIVE_WAIT; the tests wait for it to show, not for a fixed time."""
    monkeypatch.setattr(tui.team, "POLL_SECONDS", POLL_SECONDS / 5)


@pytest.fixture
def shared(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "newsroom.db"
    store = Store(path)
    ids = seed_store(store)
    store.close()
    return path, ids


@asynccontextmanager
async def desk(path: Path, checker: str) -> AsyncIterator[tuple[ClaimdeskApp, Pilot, Store]]:
    """A desk of its own (own store connections, own settings) on the shared file."""
    store = Store(path)
    app = make_app(store, Settings().with_checker(checker))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            yield app, pilot, store
    finally:
        store.close()


def claim_rows(app: ClaimdeskApp) -> list[str]:
    return table_text(app.screen.query_one(ClaimList)).splitlines()


def article_title(app: ClaimdeskApp) -> str:
    return static_text(app.screen.query_one("#article-title", Static))


async def open_first_article(pilot: Pilot) -> None:
    """From the inbox: the seeded first article is the second row (newest first)."""
    await pilot.press("j", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ArticleScreen)


async def test_a_verdict_and_a_note_appear_on_the_other_desk_without_a_key(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        await open_first_article(ana_pilot)
        await open_first_article(bo_pilot)
        await bo_pilot.press("j")  # bo's cursor is on the second claim
        await settle(bo_pilot)
        cursor_before = bo.screen.query_one(ClaimList).cursor_row

        await ana_pilot.press("x")  # ana: first claim contested
        await settle(ana_pilot)
        await eventually(bo_pilot, lambda: "contested" in claim_rows(bo)[0]
                         and "Remaining: 3" in static_text(bo.screen.query_one("#filter-bar", Static)),
                         LIVE_WAIT)
        assert "contested" in claim_rows(bo)[0]
        assert bo.screen.query_one(ClaimList).cursor_row == cursor_before
        assert "Remaining: 3" in static_text(bo.screen.query_one("#filter-bar", Static))

        # A note on the claim bo has under his cursor shows in his paragraph view.
        second = store.claims_for_article(ids["first"])[1]
        await ana_pilot.press("j", "n")
        await ana_pilot.press(*"see wire", "ctrl+s")
        await settle(ana_pilot)
        assert store.get_claim(second.id).note == "see wire"
        await eventually(bo_pilot, lambda: "see wire" in static_text(bo.screen.query_one("#claim-context")),
                         LIVE_WAIT)
        assert "see wire" in static_text(bo.screen.query_one("#claim-context"))


async def test_the_inbox_shows_new_articles_and_who_is_on_them(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        await open_first_article(ana_pilot)
        await eventually(bo_pilot, lambda: "[ana on it] Rebels announce offensive"
                         in table_text(bo.screen.query_one(InboxTable)), LIVE_WAIT)
        assert "[ana on it] Rebels announce offensive" in table_text(bo.screen.query_one(InboxTable))

        from store.models import ArticleDraft
        from tests.tui.conftest import claim_drafts

        text = "Late report\n\nThe bridge at Raqqa was destroyed on 3 May."
        store.add_article(ArticleDraft(title="Late report", text=text, source="Wire"),
                          claim_drafts(text, ["The bridge at Raqqa was destroyed on 3 May."]))
        await eventually(bo_pilot, lambda: "Late report"
                         in table_text(bo.screen.query_one(InboxTable)).splitlines()[0], LIVE_WAIT)
        assert "Late report" in table_text(bo.screen.query_one(InboxTable)).splitlines()[0]

        # Opening it anyway is allowed, and says so; each desk names the other.
        await bo_pilot.press("j", "j", "enter")
        await settle(bo_pilot)
        assert isinstance(bo.screen, ArticleScreen) and bo.screen.article_id == ids["first"]
        assert any("ana is on this article; you are opening it too" in n.message
                   for n in bo._notifications)
        assert "ana is on this article" in article_title(bo)
        await eventually(ana_pilot, lambda: "bo is on this article" in article_title(ana), LIVE_WAIT)
        assert "bo is on this article" in article_title(ana)

        # Leaving the article clears it on the other desk.
        await bo_pilot.press("escape")
        await settle(bo_pilot)
        await eventually(ana_pilot, lambda: "bo is on this article" not in article_title(ana),
                         LIVE_WAIT + POLL_SECONDS)
        assert "bo is on this article" not in article_title(ana)


async def test_a_clash_shows_both_verdicts_and_the_checker_decides(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        await open_first_article(ana_pilot)
        await open_first_article(bo_pilot)
        claim = store.claims_for_article(ids["first"])[0]
        # bo presses before his desk has heard of ana's verdict (his poll held back).
        bo.team.timer.pause()
        await ana_pilot.press("c")
        await settle(ana_pilot)
        await bo_pilot.press("x")
        await settle(bo_pilot)
        assert isinstance(bo.screen, ConflictScreen)
        dialog = static_text(bo.screen.query_one("#conflict-claims", Static))
        assert "ana set it to ✓ corroborated" in dialog and "You pressed ✗ contested" in dialog
        assert store.get_claim(claim.id).verdict == "corroborated"  # nothing overwritten
        assert "corroborated" in claim_rows_of(bo)[0]  # his list shows what is stored

        await bo_pilot.press("m")  # use mine
        await settle(bo_pilot)
        bo.team.timer.resume()
        assert store.get_claim(claim.id).verdict == "contested"
        assert [(h.checker, h.verdict) for h in store.verdict_history(claim.id)] == [
            ("ana", "corroborated"), ("bo", "contested")]
        await eventually(ana_pilot, lambda: "contested" in claim_rows(ana)[0], LIVE_WAIT)
        assert "contested" in claim_rows(ana)[0]


def review_rows(app: ClaimdeskApp) -> list[str]:
    return table_text(app.screen.query_one("#review-table", DataTable)).splitlines()


def claim_rows_of(app: ClaimdeskApp) -> list[str]:
    """The claim list beneath a dialog."""
    screen = next(s for s in app.screen_stack if isinstance(s, ArticleScreen))
    return table_text(screen.query_one(ClaimList)).splitlines()


async def test_the_review_queue_lists_disagreements_and_one_key_settles(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "ed") as (ed, ed_pilot, _):
        first = store.claims_for_article(ids["first"])
        store.record_verdict(first[0].id, "contested", checker="bo")
        await ed_pilot.press("R")
        await settle(ed_pilot)
        assert isinstance(ed.screen, ReviewScreen)
        assert "nothing to decide" in static_text(ed.screen.query_one("#review-title", Static))

        # ana judges the claim differently (having seen bo's verdict) and marks another.
        await open_first_article(ana_pilot)
        await ana_pilot.press("c")
        await ana_pilot.press("j", "j", "r")
        await settle(ana_pilot)
        assert "⚑" in claim_rows(ana)[2]
        await eventually(ed_pilot, lambda: len(review_rows(ed)) == 2, LIVE_WAIT)
        rows = review_rows(ed)
        assert len(rows) == 2
        assert rows[0].startswith("marked") and "(ana)" not in rows[0]
        # The marked claim has no verdict yet, so no checker: not an "unnamed" one.
        assert "open (no verdict yet)" in rows[0] and "unnamed" not in rows[0]
        assert rows[1].startswith("checkers differ")
        assert "✓ corroborated (ana)" in rows[1] and "✗ contested (bo)" in rows[1]

        # The editor takes side b (bo's verdict) on the disagreement: one key.
        await ed_pilot.press("j", "b")
        await settle(ed_pilot)
        assert store.get_claim(first[0].id).verdict == "contested"
        assert store.verdict_history(first[0].id)[-1].checker == "ed"
        # ... and corroborates the marked claim with c.
        await ed_pilot.press("k", "c")
        await settle(ed_pilot)
        assert store.get_claim(first[2].id).verdict == "corroborated"
        assert "nothing to decide" in static_text(ed.screen.query_one("#review-title", Static))
        assert team.review_requested(store, [first[2].id]) == set()
        await eventually(ana_pilot, lambda: "⚑" not in claim_rows(ana)[2]
                         and "corroborated" in claim_rows(ana)[2], LIVE_WAIT)
        assert "⚑" not in claim_rows(ana)[2] and "corroborated" in claim_rows(ana)[2]


async def test_assign_key_and_tab_through_my_claims_first(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "ed") as (ed, ed_pilot, _):
        assert isinstance(ed.screen, InboxScreen)
        await ed_pilot.press("j", "at")
        await settle(ed_pilot)
        await ed_pilot.press(*"ana", "enter")
        await settle(ed_pilot)
        assert team.assignees(store, [ids["first"]]) == {ids["first"]: "ana"}
        assert "[→ ana] Rebels" in table_text(ed.screen.query_one(InboxTable))
        await eventually(ana_pilot, lambda: "Mine: 3 open"
                         in static_text(ana.screen.query_one("#filter-bar", Static)), LIVE_WAIT)
        await settle(ana_pilot)
        assert "Mine: 3 open" in static_text(ana.screen.query_one("#filter-bar", Static))
        # Tab goes to ana's article first, though the other article is newer.
        await ana_pilot.press("tab")
        await settle(ana_pilot)
        assert isinstance(ana.screen, ArticleScreen) and ana.screen.article_id == ids["first"]
        assert "assigned to ana" in article_title(ana)


# -- on PostgreSQL --------------------------------------------------------------------------


@pytest.fixture
def shared_postgres(postgres_url: str) -> tuple[str, dict[str, int]]:
    store = Store(postgres_url)
    ids = seed_store(store)
    store.close()
    return postgres_url, ids


async def test_two_desks_on_postgresql_see_each_others_verdicts(shared_postgres) -> None:
    url, ids = shared_postgres
    async with desk(url, "ana") as (ana, ana_pilot, store), desk(url, "bo") as (bo, bo_pilot, _):
        await open_first_article(ana_pilot)
        await open_first_article(bo_pilot)
        await ana_pilot.press("x")  # ana: first claim contested
        await settle(ana_pilot)
        await eventually(bo_pilot, lambda: "contested" in claim_rows(bo)[0]
                         and "ana is on this article" in article_title(bo), LIVE_WAIT)
        assert "contested" in claim_rows(bo)[0]
        assert "ana is on this article" in article_title(bo)

        await bo_pilot.press("j", "c")  # bo: second claim corroborated
        await settle(bo_pilot)
        await eventually(ana_pilot, lambda: "corroborated" in claim_rows(ana)[1], LIVE_WAIT)
        assert "corroborated" in claim_rows(ana)[1]
        first, second = store.claims_for_article(ids["first"])[:2]
        assert [(h.verdict, h.checker) for h in store.verdict_history(first.id)] == [("contested", "ana")]
        assert [(h.verdict, h.checker) for h in store.verdict_history(second.id)] == [("corroborated", "bo")]


async def test_two_checkers_editing_one_note_do_not_overwrite_each_other(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        await open_first_article(ana_pilot)
        await open_first_article(bo_pilot)
        claim = store.claims_for_article(ids["first"])[0]
        # Both open the note editor on the same claim, while it has no note yet.
        await bo_pilot.press("n")
        await settle(bo_pilot)
        await ana_pilot.press("n")
        await ana_pilot.press(*"wire says 12", "ctrl+s")
        await settle(ana_pilot)
        assert store.get_claim(claim.id).note == "wire says 12"

        await bo_pilot.press(*"ministry says 15", "ctrl+s")
        await settle(bo_pilot)
        assert isinstance(bo.screen, ConflictScreen)
        dialog = static_text(bo.screen.query_one("#conflict-claims", Static))
        assert "ana changed the note" in dialog and "to: wire says 12" in dialog
        assert "Your note: ministry says 15" in dialog
        assert store.get_claim(claim.id).note == "wire says 12"  # nothing overwritten

        await bo_pilot.press("m")  # use mine
        await settle(bo_pilot)
        assert store.get_claim(claim.id).note == "ministry says 15"
        assert [(h.checker, h.note, h.previous_note) for h in store.verdict_history(claim.id)] == [
            ("ana", "wire says 12", ""), ("bo", "ministry says 15", "wire says 12")]
        await ana_pilot.pause(LIVE_WAIT)
        assert "ministry says 15" in static_text(ana.screen.query_one("#claim-context"))

        # Keeping theirs writes nothing: ana edits from the note she last saw, bo meanwhile
        # writes another, and ana keeps his.
        await ana_pilot.press("n")
        await settle(ana_pilot)
        await bo_pilot.press("n", *"asked both; ", "ctrl+s")
        await settle(bo_pilot)
        await ana_pilot.press(*"mine: ", "ctrl+s")
        await settle(ana_pilot)
        assert isinstance(ana.screen, ConflictScreen)
        await ana_pilot.press("t")
        await settle(ana_pilot)
        assert store.get_claim(claim.id).note == "asked both; ministry says 15"
        assert len(store.verdict_history(claim.id)) == 3


async def test_a_failed_heartbeat_neither_warns_nor_holds_up_a_verdict(
        shared, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another connection holds the store's write lock while the desk's presence heartbeat
    runs; the checker gives a verdict meanwhile. The heartbeat fails (the store is busy)
    and is dropped without a word; the verdict, queued behind it, is written as soon as
    the lock is released, with no key press and no error on screen."""
    path, ids = shared
    heartbeat_started, verdict_queued = threading.Event(), threading.Event()
    heartbeat_failures: list[Exception] = []
    touch_presence = team.touch_presence
    held = {"intercept": False}

    def heartbeat_while_locked(store: Store, *args, **kwargs) -> None:
        if not held["intercept"]:
            return touch_presence(store, *args, **kwargs)
        held["intercept"] = False
        heartbeat_started.set()
        verdict_queued.wait(timeout=30)
        # The heartbeat gives up on the lock at once; the verdict after it waits the
        # store's usual busy timeout, far longer than the test takes to release the lock.
        store.db.conn.execute("PRAGMA busy_timeout = 50")
        try:
            return touch_presence(store, *args, **kwargs)
        except Exception as exc:
            heartbeat_failures.append(exc)
            raise
        finally:
            store.db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    monkeypatch.setattr(team, "touch_presence", heartbeat_while_locked)
    async with desk(path, "ana") as (ana, pilot, store):
        await open_first_article(pilot)
        first = store.claims_for_article(ids["first"])[0]

        locker = Store(path)  # another connection, holding a write transaction
        locker.db.conn.execute("BEGIN IMMEDIATE")
        try:
            held["intercept"] = True
            heartbeat_every = team.HEARTBEAT_SECONDS
            monkeypatch.setattr(team, "HEARTBEAT_SECONDS", 0.0)  # the next poll sends one
            await eventually(pilot, heartbeat_started.is_set, 10 * LIVE_WAIT)
            assert heartbeat_started.is_set()
            monkeypatch.setattr(team, "HEARTBEAT_SECONDS", heartbeat_every)

            await pilot.press("x")  # first claim contested, while the heartbeat runs
            await eventually(pilot, lambda: ana.pending_writes == 1, 10 * LIVE_WAIT)
            assert ana.pending_writes == 1
            verdict_queued.set()
            await eventually(pilot, lambda: bool(heartbeat_failures), 10 * LIVE_WAIT)
            assert heartbeat_failures and "busy" in str(heartbeat_failures[0])
        finally:
            verdict_queued.set()
            locker.db.conn.execute("ROLLBACK")
            locker.close()

        await eventually(pilot, lambda: ana.pending_writes == 0, 10 * LIVE_WAIT)
        await settle(pilot)
        assert ana.pending_writes == 0
        assert "contested" in claim_rows(ana)[0]
        assert "pending" not in static_text(ana.screen.query_one("#filter-bar", Static))
        said = [(n.title, n.message) for n in ana._notifications]
        assert not any("Presence" in message or title == "Not saved" for title, message in said), said
        assert not any(n.severity == "error" for n in ana._notifications), said

    after = Store(path)
    assert [(h.verdict, h.checker) for h in after.verdict_history(first.id)] == [("contested", "ana")]
    after.close()


async def test_a_move_whose_presence_write_failed_is_logged_with_the_next_heartbeat(
        shared, monkeypatch: pytest.MonkeyPatch) -> None:
    """ana opens an article while the store is locked: her presence write fails quietly.
    The next heartbeat logs the move again, so bo's desk, which reads presence only when
    a desk logs that it moved, still shows that ana is on the article."""
    path, ids = shared
    monkeypatch.setattr(tui.team, "PRESENCE_REFRESH_SECONDS", 3600.0)  # only logged moves count
    monkeypatch.setattr(team, "HEARTBEAT_SECONDS", POLL_SECONDS)
    attempts: list[tuple[bool, bool]] = []  # (logged a move, stored)
    touch_presence = team.touch_presence

    def recorded(store: Store, *args, moved: bool = True, **kwargs) -> None:
        try:
            touch_presence(store, *args, moved=moved, **kwargs)
        except Exception:
            attempts.append((moved, False))
            raise
        attempts.append((moved, True))

    monkeypatch.setattr(team, "touch_presence", recorded)
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        locker = Store(path)  # another connection, holding a write transaction
        store.db.conn.execute("PRAGMA busy_timeout = 50")
        locker.db.conn.execute("BEGIN IMMEDIATE")
        try:
            await open_first_article(ana_pilot)
            await eventually(ana_pilot, lambda: (True, False) in attempts, 10 * LIVE_WAIT)
            assert (True, False) in attempts
        finally:
            locker.db.conn.execute("ROLLBACK")
            store.db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            locker.close()
        assert not any("Presence" in n.message or n.severity == "error" for n in ana._notifications)

        await eventually(ana_pilot, lambda: (True, True) in attempts, 10 * LIVE_WAIT)
        assert (True, True) in attempts
        await eventually(bo_pilot, lambda: "[ana on it] Rebels announce offensive"
                         in table_text(bo.screen.query_one(InboxTable)), LIVE_WAIT)
        assert "[ana on it] Rebels announce offensive" in table_text(bo.screen.query_one(InboxTable))


async def test_verdicts_in_a_row_reach_the_count_and_the_inbox_beneath_on_return(shared) -> None:
    """A colleague's verdicts in quick succession: each shows on the claim list, the review
    queue's count (recounted at most every REMOTE_COUNT_SECONDS) ends right, and the inbox
    beneath the article, which reads nothing while hidden, shows them once back on top."""
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, _), desk(path, "bo") as (bo, bo_pilot, _):
        await open_first_article(bo_pilot)
        inbox_screen = next(s for s in bo.screen_stack if isinstance(s, InboxScreen))
        assert not inbox_screen.in_view and bo.screen.in_view

        def judged_in_inbox() -> str:
            table = inbox_screen.query_one(InboxTable)
            return table_text(table).splitlines()[table.get_row_index(str(ids["first"]))]

        hidden_row = judged_in_inbox()
        assert "0/3" in hidden_row
        await open_first_article(ana_pilot)
        await ana_pilot.press("x", "j", "c", "j", "u")  # three verdicts, no pause between
        await settle(ana_pilot)

        def bo_sees_all() -> bool:
            rows = claim_rows(bo)
            return ("contested" in rows[0] and "corroborated" in rows[1] and "unverified" in rows[2]
                    and "Remaining: 1" in static_text(bo.screen.query_one("#filter-bar", Static)))

        await eventually(bo_pilot, bo_sees_all, LIVE_WAIT + REMOTE_COUNT_SECONDS)
        assert bo_sees_all()
        assert judged_in_inbox() == hidden_row  # not read while the article covers it

        await bo_pilot.press("escape")
        await settle(bo_pilot)
        assert bo.screen is inbox_screen and inbox_screen.in_view
        assert "3/3" in judged_in_inbox()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
async def test_both_sides_of_a_disagreement_fit_the_review_row(shared, size) -> None:
    path, ids = shared
    store = Store(path)
    try:
        first = store.claims_for_article(ids["first"])
        store.record_verdict(first[0].id, "contested", checker="bo")
        store.record_verdict(first[0].id, "corroborated", checker="ana")
        app = make_app(store, Settings().with_checker("ed"))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            row = next(line for line in screen_text(app).splitlines()
                       if line.lstrip().startswith("checkers differ"))
            assert "✓ corroborated (ana)" in row and "✗ contested (bo)" in row, row
    finally:
        store.close()


async def test_r_on_a_colleagues_review_mark_keeps_it(shared) -> None:
    path, ids = shared
    async with desk(path, "ana") as (ana, ana_pilot, store), desk(path, "bo") as (bo, bo_pilot, _):
        claim_id = store.claims_for_article(ids["first"])[0].id
        await open_first_article(ana_pilot)
        await ana_pilot.press("r")
        await settle(ana_pilot)
        await eventually(ana_pilot, lambda: team.review_requested(store, [claim_id]) == {claim_id},
                         LIVE_WAIT)

        await open_first_article(bo_pilot)
        await eventually(bo_pilot, lambda: "⚑" in claim_rows(bo)[0], LIVE_WAIT)
        await bo_pilot.press("r")
        await settle(bo_pilot)
        # bo's r does not take away the mark ana put there, and says whose it is.
        assert "⚑" in claim_rows(bo)[0]
        assert any(n.message.startswith(f"ana asked the editor to review claim {claim_id}")
                   for n in bo._notifications)
        assert team.review_requested(store, [claim_id]) == {claim_id}

        # ana's own r still takes her mark away.
        await ana_pilot.press("r")
        await settle(ana_pilot)
        await eventually(ana_pilot, lambda: team.review_requested(store, [claim_id]) == set(),
                         LIVE_WAIT)
        assert team.review_requested(store, [claim_id]) == set()
