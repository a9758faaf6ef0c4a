"""The hostile corpus in the desk, end to end: files ingested and imported by the command
line show literally in the TUI (markup not obeyed, escapes never on screen), and the desk
keeps working while a command-line import writes to the same store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable

import store.connection as store_connection
from store import Store
from tests.conftest import PROJECT_ROOT
from tests.hostile.conftest import run_cli
from tests.hostile.corpus import write_articles, write_reference_files
from tests.tui.helpers import settle, static_text, table_text
from tui.app import make_app
from tui.screens.article import ArticleScreen
from tui.widgets.claim_context import ClaimContext
from tui.widgets.claim_list import ClaimList
from tui.widgets.match_panel import MatchPanel

SCREEN_FORBIDDEN = ("\x1b", "\x9b", "\x00", "\x07", "\u202e")


@pytest.fixture
def hostile_db(tmp_path: Path, capsys) -> Path:
    """A store filled through the command line from the hostile corpus."""
    db = tmp_path / "desk.db"
    articles = write_articles(tmp_path / "articles")
    for case in ("Rich/Textual markup", "terminal escapes", "bidi and zero-width", "emoji and CJK"):
        code, _, err = run_cli(capsys, "ingest", str(articles[case]), "--db", str(db))
        assert code == 0, err
    references = write_reference_files(tmp_path / "references")
    code, _, err = run_cli(capsys, "import", str(references["JSONL with hostile text"]), "--db", str(db))
    assert code == 0, err
    return db


def _screen_text(app) -> str:
    parts = []
    for table in app.screen.query(DataTable):
        parts.append(table_text(table))
    for widget in app.screen.query("Static"):
        parts.append(static_text(widget))
    return "\n".join(parts)


@pytest.mark.timeout(120)
async def test_hostile_articles_show_literally_and_obey_nothing(hostile_db: Path) -> None:
    s = Store(hostile_db)
    try:
        app = make_app(s)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            inbox = _screen_text(app)
            for bad in SCREEN_FORBIDDEN:
                assert bad not in inbox
            articles = s.count("articles")
            seen = ""
            for index in range(articles):
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, ArticleScreen), (index, type(app.screen).__name__)
                claims = table_text(app.screen.query_one(ClaimList))
                seen += claims + static_text(app.screen.query_one(ClaimContext))
                # Clicking the text must not run an embedded action such as app.quit.
                await pilot.click(ClaimContext)
                await pilot.click(MatchPanel)
                await pilot.press("x")
                await settle(pilot)
                if not isinstance(app.screen, ArticleScreen):  # an offer to judge near-duplicates too
                    await pilot.press("escape")
                    await settle(pilot)
                assert app.is_running
                assert isinstance(app.screen, ArticleScreen), (index, type(app.screen).__name__)
                screen = _screen_text(app)
                for bad in SCREEN_FORBIDDEN:
                    assert bad not in screen, (index, bad)
                await pilot.press("escape")
                await settle(pilot)
                await pilot.press("j")
            screenshot = app.export_screenshot()
            assert app.is_running
        # Every check-worthy claim that looks like markup is shown exactly as stored.
        markup_claims = [r["text"] for r in s.query("SELECT text FROM claims WHERE checkworthy AND text LIKE '%[%'")]
        assert len(markup_claims) >= 5
        for text in markup_claims:
            assert text in seen, text
        assert "[link=file:///etc/passwd]x[/link]" in seen
        assert "\x1b" not in screenshot and "\x9b" not in screenshot
        # Each article's current claim got the verdict pressed for it.
        judged = s.query("SELECT article_id, count(*) AS n FROM verdicts JOIN claims ON claims.id = claim_id "
                         "WHERE verdict = 'contested' GROUP BY article_id")
        assert len(judged) == articles, judged
    finally:
        s.close()


def _hold_lock(db: Path, held: threading.Event, release: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE articles SET status = status")
    held.set()
    release.wait(30)
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.timeout(120)
async def test_verdict_made_while_another_writer_holds_the_store_stays_pending_then_saves(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 300)
    s = Store(hostile_db)
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(hostile_db, held, release))
    try:
        app = make_app(s)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            holder.start()
            held.wait(10)
            await pilot.press("u")
            await settle(pilot)
            assert app.is_running
            assert s.query("SELECT count(*) AS n FROM verdict_history")[0]["n"] == 0
            assert app.pending_writes == 1  # kept, visibly pending, not dropped
            release.set()
            holder.join()
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert app.pending_writes == 0
        assert s.query("SELECT verdict FROM verdicts")[0]["verdict"] == "unverified"
    finally:
        release.set()
        if holder.is_alive():
            holder.join()
        s.close()


# A 30,000-claim import in another process while the desk writes: `make test-slow` runs it.
@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_desk_and_command_line_import_write_at_the_same_time(hostile_db: Path, tmp_path: Path) -> None:
    rows = 30_000
    refs = tmp_path / "bulk.jsonl"
    refs.write_text("\n".join(json.dumps({"text": f"Bulk reference {i} says {i * 7} ships docked.",
                                          "source": "Bulk", "url": f"https://r.example/{i}"})
                              for i in range(rows)) + "\n", encoding="utf-8")
    s = Store(hostile_db)
    before = s.count("reference_claims")
    try:
        app = make_app(s)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            importer = subprocess.Popen(
                [sys.executable, "-m", "tui.cli", "import", str(refs), "--db", str(hostile_db)],
                cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            presses = 0
            while importer.poll() is None or presses < 3:
                await pilot.press("c" if presses % 2 else "x")
                await pilot.press("j")
                presses += 1
                await pilot.pause(0.05)
                if presses > 400:
                    break
            out, err = importer.communicate(timeout=60)
            await settle(pilot)
            assert app.is_running
            assert app.pending_writes == 0
        assert importer.returncode == 0, err
        assert out.startswith(f"{rows} added")
        assert s.count("reference_claims") == before + rows
        # Every verdict key press is in the history, in order.
        assert s.count("verdict_history") == presses
        assert s.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    finally:
        s.close()


# 10,000 claims on one article, all judged at once: `make test-slow` runs it.
@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_article_with_ten_thousand_claims_stays_usable(tmp_path: Path) -> None:
    from store.models import ArticleDraft, ClaimDraft

    s = Store(tmp_path / "big.db")
    sentences = [f"Item {i} says {i * 3} schools in district {i % 97} reopened in {1990 + i % 30}."
                 for i in range(10_000)]
    drafts, start = [], 0
    for sentence in sentences:
        drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.9, True))
        start += len(sentence) + 1
    s.add_article(ArticleDraft(title="Ten thousand claims", text=" ".join(sentences)), drafts)
    try:
        app = make_app(s)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ArticleScreen)
            for _ in range(5):
                await pilot.press("j")
            await pilot.press("x")
            await settle(pilot)
            await pilot.press("asterisk", "u")  # select every claim, judge them all at once
            await settle(pilot)
            assert app.is_running and app.pending_writes == 0
        assert s.get_claim(6).verdict == "unverified"
        assert s.count("verdict_history") == 1 + 10_000
        assert s.query("SELECT count(*) AS n FROM verdicts WHERE verdict = 'unverified'")[0]["n"] == 10_000
    finally:
        s.close()
