"""The desk and the command line agree: new evidence is counted in the status bar and
filtered with the filter form, and the desk's `E` export writes what `claimdesk export`
writes. The store is built through the command line, as a checker would."""

from __future__ import annotations

import json
from pathlib import Path

from store import Store
from tests.cli.test_loop import ASTANA_FALSE, REFERENCES, astana_claim_id, write_jsonl
from tests.conftest import SAMPLE_ARTICLE
from tests.tui.helpers import running_desk, settle, static_text
from tui.cli import main
from tui.widgets.filter_bar import FilterBar


def judged_store(tmp_path: Path, verdict: str = "corroborated") -> tuple[str, int]:
    db = str(tmp_path / "desk.db")
    assert main(["--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", REFERENCES))]) == 0
    assert main(["--db", db, "ingest", str(SAMPLE_ARTICLE)]) == 0
    claim_id = astana_claim_id(db)
    assert main(["--db", db, "verdict", str(claim_id), verdict]) == 0
    return db, claim_id


async def tick_in_filter(app, pilot, box: str) -> None:
    """Open the filter form with f, tick one box with space and apply it with ctrl+s."""
    await pilot.press("f")
    await settle(pilot)
    app.screen.query_one(box).focus()
    await pilot.press("space", "ctrl+s")
    await settle(pilot)


async def export_with_E(pilot, path: Path) -> None:
    """Export what the desk shows with E, typing the file's path at the prompt."""
    await pilot.press("E")
    await pilot.pause()
    await pilot.press(*str(path), "enter")
    await settle(pilot)


async def test_new_evidence_is_counted_filtered_and_cleared_by_a_verdict(tmp_path) -> None:
    db, claim_id = judged_store(tmp_path)
    assert main(["--db", db, "import", str(write_jsonl(tmp_path / "more.jsonl", [ASTANA_FALSE]))]) == 0
    store = Store(db)
    async with running_desk(store) as (app, pilot):
        assert "New evidence: 1" in static_text(app.screen.query_one(FilterBar))

        await tick_in_filter(app, pilot, "#filter-new-evidence")
        assert app.filters.new_evidence_only
        assert "new evidence" in static_text(app.screen.query_one(FilterBar))

        await pilot.press("enter")  # the article, showing only the flagged claim
        await settle(pilot)
        assert list(app.screen.claim_list.claims) == [claim_id]

        await pilot.press("x")  # judged again: contested
        await settle(pilot)
        assert store.get_claim(claim_id).verdict == "contested"
        assert "New evidence" not in static_text(app.screen.query_one(FilterBar))
    assert main(["--db", db, "stale", "--json"]) == 0
    store.close()


async def test_the_desk_export_writes_what_the_command_line_exports(tmp_path, capsys) -> None:
    db, _ = judged_store(tmp_path)
    capsys.readouterr()
    assert main(["--db", db, "export", "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert expected[0]["corroborating_sources"] == 1  # the corroboration is in both

    path = tmp_path / "desk-report.json"
    store = Store(db)
    async with running_desk(store) as (app, pilot):
        await export_with_E(pilot, path)
    store.close()
    assert json.loads(path.read_text(encoding="utf-8")) == expected


async def test_the_reviewed_filter_keeps_what_an_editor_settled_and_export_follows_it(tmp_path, capsys) -> None:
    from store import team

    db, _ = judged_store(tmp_path)
    store = Store(db)
    claims = store.claims_for_article(store.list_articles()[0].id)
    store.record_verdict(claims[0].id, "contested", checker="ana")
    store.record_verdict(claims[1].id, "corroborated", checker="ana")
    team.settle_review(store, [(claims[1].id, "corroborated")], "ed")
    capsys.readouterr()
    assert main(["--db", db, "export", "--format", "json", "--reviewed"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert [r["claim_id"] for r in expected] == [claims[1].id]

    path = tmp_path / "reviewed.json"
    async with running_desk(store) as (app, pilot):
        await tick_in_filter(app, pilot, "#filter-reviewed")
        assert app.filters.reviewed_only
        assert "reviewed" in static_text(app.screen.query_one(FilterBar))

        await pilot.press("enter")  # the article, showing only the settled verdict
        await settle(pilot)
        assert list(app.screen.claim_list.claims) == [claims[1].id]

        await export_with_E(pilot, path)
    store.close()
    assert json.loads(path.read_text(encoding="utf-8")) == expected
