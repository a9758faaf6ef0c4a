"""The desk's journal on a real SQLite file: changes the store refuses (another writer
holds it) outlive the desk that was given them and are written by the next desk on that
store, clashes with a colleague's verdict go to the checker, and a journal that cannot
be read is kept aside and named, never dropped."""

from __future__ import annotations

import hashlib
import json
from contextlib import asynccontextmanager
from pathlib import Path

from ingest.text import neutralise_controls
from store import Store
from tests.tui.helpers import DESK_SIZE, eventually, settle, static_text, store_held_by_another_writer
from tui.app import make_app
from tui.journal import Journal, journal_folder, store_key
from tui.screens.article import ArticleScreen
from tui.screens.conflict import ConflictScreen
from tui.settings import Settings
from tui.widgets.filter_bar import FilterBar

WAIT = 10.0  # a bound on waiting for the writer thread, not a measured time


def journal_files(suffix: str = ".jsonl") -> list[Path]:
    folder = journal_folder()
    return sorted(folder.glob(f"*{suffix}")) if folder.is_dir() else []


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


@asynccontextmanager
async def desk_on_article(store: Store, article_id: int, checker: str):
    """A desk of `checker` on `store`, showing the article."""
    app = make_app(store, Settings().with_checker(checker))
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        app.open_article(article_id)
        await settle(pilot)
        yield app, pilot


@asynccontextmanager
async def next_desk(path):
    """Another checker's desk opened on the store at `path` once it is free, after it has
    written what the journal held."""
    reopened = Store(path)
    app = make_app(reopened, Settings().with_checker("ben"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, WAIT)
            yield app
    finally:
        reopened.close()


async def give_verdicts_while_held(store: Store, first_article: int, checker: str) -> None:
    """A desk whose store another writer holds: x on the first claim, c on the second,
    then q twice; the desk closes with both verdicts unstored."""
    app = make_app(store, Settings().with_checker(checker))
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        app.open_article(first_article)
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        with store_held_by_another_writer(store):
            await pilot.press("x")
            await settle(pilot)
            await pilot.press("j", "c")
            await settle(pilot)
            await eventually(pilot, lambda: app.pending_writes == 2 and app.writes_settled, WAIT)
            assert app.pending_writes == 2
            # Journalled as soon as the store refused them: a crash now would lose nothing.
            [journal] = journal_files()
            assert journal.read_text(encoding="utf-8").count('"op":"verdict"') == 2
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
            said = [m for m in messages(app) if "not stored yet" in m]
            assert said and "kept in the journal" in said[-1] and "lost" not in said[-1]
            await pilot.press("q")
            await pilot.pause()
    assert not app.is_running


async def test_verdicts_the_store_refused_are_written_by_the_next_desk(seeded) -> None:
    store, ids = seeded
    path = store.path
    await give_verdicts_while_held(store, ids["first"], "ana")
    first, second = store.claims_for_article(ids["first"])[:2]
    assert first.verdict is None and second.verdict is None  # nothing reached the store
    [journal] = journal_files()
    header = json.loads(journal.read_text(encoding="utf-8").splitlines()[0])
    assert header["store"] == str(Path(path).resolve())

    # The store is free again; a new desk opens on it.
    async with next_desk(path) as app:
        assert "2 journalled changes restored" in static_text(app.screen.query_one(FilterBar))
        assert any("2 journalled changes from an earlier desk on this store restored" in m
                   for m in messages(app))
        assert journal_files() == []  # every change written: the journal is gone

    after = Store(path)
    first, second = after.claims_for_article(ids["first"])[:2]
    # The checker who gave them, not the one whose desk wrote them.
    assert [(h.verdict, h.checker) for h in after.verdict_history(first.id)] == [("contested", "ana")]
    assert [(h.verdict, h.checker) for h in after.verdict_history(second.id)] == [("corroborated", "ana")]
    after.close()


async def test_a_journalled_verdict_on_a_claim_a_colleague_judged_meanwhile_is_asked_about(seeded) -> None:
    store, ids = seeded
    path = store.path
    await give_verdicts_while_held(store, ids["first"], "ana")
    first, second = store.claims_for_article(ids["first"])[:2]
    # Meanwhile a colleague judges the first claim on another desk.
    store.record_verdict(first.id, "unverified", checker="ben")

    reopened = Store(path)
    app = make_app(reopened, Settings().with_checker("ana"))
    try:
        async with app.run_test(size=DESK_SIZE) as pilot:
            await settle(pilot)
            await eventually(pilot, lambda: isinstance(app.screen, ConflictScreen), WAIT)
            assert isinstance(app.screen, ConflictScreen)
            # Not overwritten: ben's verdict stands until ana decides.
            assert reopened.get_claim(first.id).verdict == "unverified"
            assert reopened.get_claim(second.id).verdict == "corroborated"
            await pilot.press("m")  # use mine
            await settle(pilot)
            await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, WAIT)
            assert journal_files() == []
    finally:
        reopened.close()

    after = Store(path)
    assert [(h.verdict, h.checker) for h in after.verdict_history(first.id)] == [
        ("unverified", "ben"), ("contested", "ana")]
    after.close()


async def test_an_unreadable_journal_is_named_kept_aside_and_its_readable_changes_restored(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    folder = journal_folder()
    folder.mkdir(parents=True)
    key = store_key(store)
    prefix = hashlib.sha256(key.encode()).hexdigest()[:16]
    torn = folder / f"{prefix}-0badf00d.jsonl"
    entry = {"id": 1, "op": "verdict", "description": f"Verdict contested for claim {first.id}",
             "args": {"claim_ids": [first.id], "verdict": "contested", "checker": "ana",
                      "seen": {str(first.id): None}, "offer_duplicates": False}}
    # A whole entry, then a line cut off by a crash mid-write.
    torn.write_text(json.dumps({"journal": 1, "store": key}) + "\n" + json.dumps(entry) + "\n"
                    + '{"id": 2, "op": "verd', encoding="utf-8")
    garbage = folder / f"{prefix}-00000000.jsonl"
    garbage.write_bytes(b"\x00\xff\x1b[31mnot a journal\n")

    app = make_app(store, Settings().with_checker("ben"))
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, WAIT)
        said = [n for n in app._notifications if n.title == "Journal"]
        problems = [n.message for n in said if n.severity == "error"]
        assert len(problems) == 2
        for problem in problems:
            assert "\n" not in problem and "\x1b" not in problem
            assert "could not be read" in problem and "then delete it" in problem
        assert any(torn.name in p and "line 3 is not a journal entry" in p and "1 of its changes" in p
                   for p in problems)
        assert any(garbage.name in p and "0 of its changes" in p for p in problems)
    # Kept, renamed aside, not deleted; and not taken for live journals again.
    assert (folder / (torn.name + ".unreadable")).exists()
    assert (folder / (garbage.name + ".unreadable")).read_bytes().startswith(b"\x00\xff")
    assert journal_files() == []
    assert [(h.verdict, h.checker) for h in store.verdict_history(first.id)] == [("contested", "ana")]


async def test_a_journalled_note_keeps_its_text_with_no_raw_control_in_the_file(seeded) -> None:
    store, ids = seeded
    path = store.path
    claim = store.claims_for_article(ids["first"])[0]
    hostile = "see [b]this[/b]\x1b]52;c;aGk=\x07 and \x1b[2J"
    app = make_app(store, Settings().with_checker("ana"))
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        with store_held_by_another_writer(store):
            app.save_note(claim.id, hostile, seen=claim.note)
            await eventually(pilot, lambda: app.pending_writes == 1 and app.writes_settled, WAIT)
            [journal] = journal_files()
            raw = journal.read_bytes()
            assert b"\x1b" not in raw and b"\x07" not in raw  # escaped in the file
            await pilot.press("q", "q")
            await pilot.pause()

    async with next_desk(path):
        pass
    after = Store(path)
    stored = after.get_claim(claim.id).note
    after.close()
    # Stored as a live write stores it: controls neutralised, markup left as text.
    assert stored == neutralise_controls(hostile)
    assert stored.startswith("see [b]this[/b]") and "\x1b" not in stored and "\x07" not in stored
    assert journal_files() == []


async def test_ctrl_r_writes_a_journal_an_ended_desk_left_while_this_one_runs(seeded) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[0]
    app = make_app(store, Settings().with_checker("ben"))
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        # Another desk on this store ends with a verdict it could not store.
        ended = Journal(store_key(store), app._replayable)
        ended.append([("verdict", {"claim_ids": [claim.id], "verdict": "corroborated", "checker": "ana",
                                   "seen": {str(claim.id): None}, "offer_duplicates": False},
                       f"Verdict corroborated for claim {claim.id}")])
        ended.close()
        await pilot.press("ctrl+r")
        await settle(pilot)
        await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, WAIT)
        assert "1 journalled change restored" in static_text(app.screen.query_one(FilterBar))
        assert journal_files() == []
    assert [(h.verdict, h.checker) for h in store.verdict_history(claim.id)] == [("corroborated", "ana")]


async def test_quitting_says_the_changes_are_lost_when_the_journal_cannot_be_written(seeded) -> None:
    store, ids = seeded
    journal_folder().parent.mkdir(parents=True)
    journal_folder().write_text("a file where the journal folder should be\n", encoding="utf-8")
    async with desk_on_article(store, ids["first"], "ana") as (app, pilot):
        with store_held_by_another_writer(store):
            await pilot.press("x")
            await eventually(pilot, lambda: app.pending_writes == 1 and app.writes_settled, WAIT)
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
            said = [m for m in messages(app) if "not stored yet" in m]
            assert said and "1 change not stored yet, lost if the desk closes now (journal: " in said[-1]
            assert str(journal_folder()) in said[-1]
        await pilot.press("ctrl+r")  # the store is free again: written after all
        await eventually(pilot, lambda: app.pending_writes == 0 and app.writes_settled, WAIT)
    assert store.claims_for_article(ids["first"])[0].verdict == "contested"


async def test_evidence_taken_off_while_the_store_was_held_is_taken_off_by_the_next_desk(seeded) -> None:
    store, ids = seeded
    path = store.path
    claim = store.claims_for_article(ids["first"])[0]
    store.add_evidence(claim.id, "https://example.org/evidence/wrong", checker="ana")
    async with desk_on_article(store, ids["first"], "ana") as (app, pilot):
        with store_held_by_another_writer(store):
            await pilot.press("e")
            await settle(pilot)
            await pilot.press("shift+tab", "delete")
            await eventually(pilot, lambda: app.pending_writes == 1 and app.writes_settled, WAIT)
            [journal] = journal_files()
            assert '"op":"evidence-remove"' in journal.read_text(encoding="utf-8")
            await pilot.press("q")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
    assert [e.url for e in store.evidence_for(claim.id)] == ["https://example.org/evidence/wrong"]

    async with next_desk(path) as app:
        assert journal_files() == []
        assert app.reader.evidence_for(claim.id) == []
