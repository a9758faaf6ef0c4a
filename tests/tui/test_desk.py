"""The desk end to end with Pilot: open an article, judge a claim, and check what the
store then holds and what the screen shows."""

from __future__ import annotations

import io

import pytest

from ingest.demo import demo_references_path
from store import Store
from store import inbox
from tests.conftest import SAMPLE_ARTICLE
from tests.tui.helpers import running_desk, settle, static_text, table_text
import operations
from tui.app import make_app
from tui.screens.article import ArticleScreen
from tui.screens.inbox import InboxScreen
from tui.widgets.claim_list import ClaimList
from tui.widgets.inbox_table import InboxTable
from tui.widgets.claim_context import ClaimContext

SIZE = (120, 40)


@pytest.fixture
def sample_store(store: Store) -> Store:
    if not SAMPLE_ARTICLE.exists():
        pytest.skip(f"The shared sample article {SAMPLE_ARTICLE} is absent.")
    operations.ingest_source(store, str(SAMPLE_ARTICLE), match=False)
    operations.import_references(store, str(demo_references_path()))
    return store


async def test_contested_claim_is_stored_with_history_and_exported(sample_store: Store) -> None:
    app = make_app(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert "Idlib" in table_text(app.screen.query_one(InboxTable))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("j")
        await settle(pilot)
        claim = app.screen.query_one(ClaimList).current_claim
        assert claim is not None and claim.position > 0
        await pilot.press("x")
        await settle(pilot)

        stored = sample_store.get_claim(claim.id)
        assert stored.verdict == "contested"
        history = sample_store.verdict_history(claim.id)
        assert [(h.verdict, h.previous_verdict, h.checker) for h in history] == [
            ("contested", None, "test-checker")
        ]
        row = table_text(app.screen.query_one(ClaimList)).splitlines()[1]
        assert "contested" in row
        # The claim is shown inside its paragraph.
        assert claim.text.split()[0] in static_text(app.screen.query_one(ClaimContext))

    report = io.StringIO()
    written = operations.export_report(sample_store, "md", report)
    assert written == 1
    assert "contested" in report.getvalue().lower()
    assert claim.text[:40] in report.getvalue().replace("\\", "")


async def test_verdict_keys_record_each_verdict(seeded) -> None:
    store, ids = seeded
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_article(ids["first"])
        await settle(pilot)
        claims = store.claims_for_article(ids["first"])
        for key, verdict, index in (("c", "corroborated", 0), ("u", "unverified", 1),
                                    ("x", "contested", 2)):
            app.screen.query_one(ClaimList).move_to_claim(claims[index].id)
            await pilot.press(key)
            await settle(pilot)
            assert store.get_claim(claims[index].id).verdict == verdict
            assert verdict in table_text(app.screen.query_one(ClaimList)).splitlines()[index]


async def test_escape_goes_back_and_q_quits(seeded) -> None:
    store, _ = seeded
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def stored_transcript(store: Store, tmp_path, *lines: str) -> int:
    """Store a transcript of these "SPEAKER: words" lines, one claim per line; its article id."""
    transcript = tmp_path / "debate.txt"
    transcript.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return operations.ingest_source(store, str(transcript), match=False, form="lines").article_id


async def test_a_transcript_shows_who_said_each_claim_and_is_judged_by_keys(store: Store, tmp_path) -> None:
    factories = "TRUMP: We lost 70,000 factories since China entered the World Trade Organization."
    article_id = stored_transcript(
        store, tmp_path, "HOLT: Good evening. Why are you running?", factories,
        "CLINTON: My plan creates 10 million jobs by 2020, paid for by taxing the wealthy.",
        "HOLT: Secretary Clinton, what do you say to that?", factories,
    )
    async with running_desk(store) as (app, pilot):
        app.open_article(article_id)
        await settle(pilot)
        rows = table_text(app.screen.query_one(ClaimList)).splitlines()
        assert any("TRUMP: We lost 70,000 factories" in row for row in rows)
        claim = next(c for c in store.claims_for_article(article_id) if "factories" in c.text)
        app.screen.query_one(ClaimList).move_to_claim(claim.id)
        await pilot.press("x")
        await settle(pilot)
        assert store.get_claim(claim.id).verdict == "contested"
        assert "TRUMP: We lost" in static_text(app.screen.query_one(ClaimContext))


async def test_shift_s_puts_the_most_check_worthy_claims_first_and_back(sample_store: Store) -> None:
    from tui.widgets.filter_bar import FilterBar

    app = make_app(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        claim_list = app.screen.query_one(ClaimList)
        in_order = [claim_list.claims[cid] for cid in claim_list.order]
        assert [c.position for c in in_order] == sorted(c.position for c in in_order)
        assert len({c.score for c in in_order}) > 1
        await pilot.press("j", "j")
        chosen = claim_list.current_claim
        await pilot.press("S")
        await settle(pilot)
        scores = [claim_list.claims[cid].score for cid in claim_list.order]
        assert scores == sorted(scores, reverse=True) and len(scores) == len(in_order)
        assert claim_list.current_claim.id == chosen.id  # the cursor stays on its claim
        assert "Sort: most check-worthy" in static_text(app.screen.query_one(FilterBar))
        await pilot.press("S")
        await settle(pilot)
        assert [claim_list.claims[cid].id for cid in claim_list.order] == [c.id for c in in_order]
        assert "Sort:" not in static_text(app.screen.query_one(FilterBar))
        assert claim_list.current_claim.id == chosen.id


async def test_the_filter_form_keeps_one_speakers_lines_of_a_transcript(store: Store, tmp_path) -> None:
    from store.inbox import ClaimFilter, filtered_claim_ids, speakers
    from tui.screens.filter import FilterScreen
    from tui.widgets.filter_bar import FilterBar

    article_id = stored_transcript(
        store, tmp_path, "HOLT: Good evening. Why are you running?",
        "TRUMP: We lost 70,000 factories since China entered the World Trade Organization.",
        "CLINTON: My plan creates 10 million jobs by 2020, paid for by taxing the wealthy.",
        "TRUMP: Our trade deficit with China was 505 billion dollars last year.",
        "CLINTON: Unemployment fell to 4.9 percent in 2016 under President Obama.",
    )
    checkworthy = store.claims_for_article(article_id)
    assert {c.speaker for c in checkworthy} == {"TRUMP", "CLINTON"}
    assert set(speakers(store)) == {"TRUMP", "CLINTON"}
    trump = [c.id for c in checkworthy if c.speaker == "TRUMP"]
    assert filtered_claim_ids(store, ClaimFilter(speaker="TRUMP"), article_id) == trump
    async with running_desk(store) as (app, pilot):
        app.open_article(article_id)
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-speaker").value = "TRUMP"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.filters == ClaimFilter(speaker="TRUMP")
        assert "speaker TRUMP" in static_text(app.screen.query_one(FilterBar))
        assert list(app.screen.query_one(ClaimList).order) == trump


async def test_i_adds_a_transcript_file_read_with_its_speakers(store: Store, tmp_path) -> None:
    from textual.widgets import Input

    from store.inbox import speakers

    path = tmp_path / "town-hall.txt"
    path.write_text("Chris Wallace: (01:20)\nGood evening. What is your record on jobs?\n"
                    "Donald Trump: (02:10)\nWe built the biggest economy in history. "
                    "Unemployment fell to 3.5% in 2019.\n", encoding="utf-8")
    async with running_desk(store) as (app, pilot):
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        await settle(pilot)
        error = " ".join(static_text(app.screen.query_one("#prompt-error")).split())
        assert "missing.txt' is neither an http or https URL nor a file" in error
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert "town-hall.txt" in table_text(app.screen.query_one(InboxTable))
    [article] = inbox.inbox_page(store)
    claims = store.claims_for_article(article.id, checkworthy_only=False)
    assert [(c.speaker, c.text) for c in claims][-2:] == [
        ("Donald Trump", "We built the biggest economy in history."),
        ("Donald Trump", "Unemployment fell to 3.5% in 2019.")]
    assert speakers(store) == ["Donald Trump"]
