"""A desk on PostgreSQL whose server goes away: one clear line, the checker's verdicts
kept pending on the desk, and written, none lost, once the server is back. The real
throwaway server is stopped and started again in the middle of the test."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Static

import store.engine as engine_module
import tui.app
from store import Store
from tests.tui.conftest import seed_store
from tests.tui.helpers import DESK_SIZE, eventually, settle, static_text, table_text
from tui.app import make_app
from tui.journal import journal_folder
from tui.screens.article import ArticleScreen
from tui.settings import Settings
from tui.widgets.claim_list import ClaimList
from tui.widgets.filter_bar import FilterBar

# A bound on waiting for the desk to find the server back, not a measured time.
RECOVERY_WAIT = 20.0


def seeded(postgres_url: str) -> dict[str, int]:
    """The desk tests' articles stored in that database; their ids."""
    seeding = Store(postgres_url)
    try:
        return seed_store(seeding)
    finally:
        seeding.close()


def assert_ana_judged_both(postgres_url: str, article_id: int) -> None:
    """The article's first claim contested and its second corroborated, each once, by ana."""
    after = Store(postgres_url)
    try:
        first, second = after.claims_for_article(article_id)[:2]
        assert [(h.verdict, h.checker) for h in after.verdict_history(first.id)] == [("contested", "ana")]
        assert [(h.verdict, h.checker) for h in after.verdict_history(second.id)] == [("corroborated", "ana")]
    finally:
        after.close()


async def test_verdicts_given_while_the_server_is_down_are_written_when_it_returns(
        private_postgres_server, monkeypatch: pytest.MonkeyPatch) -> None:
    postgres_server = private_postgres_server  # stopped midway: not the run's shared one
    postgres_url = postgres_server.new_database()
    # The desk retries, and the store reconnects, ten times as often as they would, so
    # the test sees a retry fail (and the one that succeeds) sooner.
    monkeypatch.setattr(tui.app, "UNREACHABLE_RETRY_SECONDS", tui.app.UNREACHABLE_RETRY_SECONDS / 10)
    monkeypatch.setattr(engine_module, "RECONNECT_SECONDS", engine_module.RECONNECT_SECONDS / 10)
    ids = seeded(postgres_url)
    store = Store(postgres_url)
    app = make_app(store, Settings().with_checker("ana"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            await pilot.press("j", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == ids["first"]

            retries = []
            retry = app.writer.retry
            app.writer.retry = lambda: (retries.append(time.monotonic()), retry())
            postgres_server.shut_down()
            try:
                await pilot.press("x")  # first claim contested
                await settle(pilot)
                await pilot.press("j", "c")  # second claim corroborated
                await settle(pilot)
                # Through at least one retry that fails while the server is down.
                await eventually(pilot, lambda: bool(retries), RECOVERY_WAIT)
                await settle(pilot)
                assert retries

                bar = static_text(app.screen.query_one(FilterBar))
                assert "Store unreachable" in bar and "2 changes pending" in bar
                assert app.pending_writes == 2
                said = [n for n in app._notifications if n.title == "Store unreachable"]
                assert len(said) == 1  # once per outage, not once per retry
                assert "cannot be reached" in said[0].message
                assert "written when the store is back" in said[0].message
                assert "\n" not in said[0].message
                # The screen shows what the checker decided meanwhile.
                rows = table_text(app.screen.query_one(ClaimList)).splitlines()
                assert "contested" in rows[0] and "corroborated" in rows[1]
                # Quitting now leaves them to the journal: the desk says so first.
                await pilot.press("q")
                await pilot.pause()
                assert app.is_running
                assert any("2 changes not stored yet, kept in the journal" in n.message
                           for n in app._notifications)
            finally:
                postgres_server.start()

            await eventually(pilot, lambda: not (app.pending_writes or app.store_unreachable),
                             RECOVERY_WAIT)
            assert not (app.pending_writes or app.store_unreachable), \
                "the desk did not write its pending changes"
            await settle(pilot)
            assert any("The store is back" in n.message for n in app._notifications)
            bar = static_text(app.screen.query_one(FilterBar))
            assert "Store unreachable" not in bar and "pending" not in bar
    finally:
        store.close()

    assert_ana_judged_both(postgres_url, ids["first"])


async def test_verdicts_given_while_the_server_is_down_outlive_the_desk(
        private_postgres_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The desk is closed before the server returns: the next desk on that database
    writes the verdicts, under the name of the checker who gave them."""
    postgres_server = private_postgres_server
    monkeypatch.setattr(engine_module, "RECONNECT_SECONDS", engine_module.RECONNECT_SECONDS / 10)
    password = "s3cret-Journal-pw"
    # The server trusts its socket, so the password is never asked for: it only has to
    # stay out of the journal.
    postgres_url = postgres_server.new_database().replace("@/", f":{password}@/", 1)
    assert password in postgres_url
    ids = seeded(postgres_url)

    store = Store(postgres_url)
    app = make_app(store, Settings().with_checker("ana"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            app.open_article(ids["first"])
            await settle(pilot)
            postgres_server.shut_down()
            try:
                await pilot.press("x")
                await settle(pilot)
                await pilot.press("j", "c")
                await eventually(pilot, lambda: app.pending_writes == 2 and app.writes_settled,
                                 RECOVERY_WAIT)
                assert app.store_unreachable and app.pending_writes == 2
                await pilot.press("q")
                await pilot.pause()
                assert any("kept in the journal and written when a desk next opens on this store"
                           in n.message for n in app._notifications)
                await pilot.press("q")
                await pilot.pause()
            except BaseException:
                postgres_server.start()
                raise
    finally:
        store.close()
    assert not app.is_running

    [journal] = sorted(journal_folder().glob("*.jsonl"))
    kept = journal.read_text(encoding="utf-8")
    assert kept.count('"op":"verdict"') == 2
    assert password not in kept and "***" not in kept  # no credential, not even masked

    postgres_server.start()
    store = Store(postgres_url)
    app = make_app(store, Settings().with_checker("ben"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled,
                             RECOVERY_WAIT)
            assert "2 journalled changes restored" in static_text(app.screen.query_one(FilterBar))
    finally:
        store.close()
    assert sorted(journal_folder().glob("*.jsonl")) == []

    assert_ana_judged_both(postgres_url, ids["first"])
