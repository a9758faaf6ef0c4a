"""The match panel: same-claim matches first, the other ranked candidates under "Related"
(dimmed, still selectable), how many sources agree and dispute, the suggestion with its
reason, and why a match is ranked above a better-scored one."""

from __future__ import annotations

from matchers import SAME_CLAIM_SCORE, TRANSCRIPT_SAME_CLAIM_SCORE
from matchers.verdict import QUERY_KIND, TRANSCRIPT_LINE
from store import Store
from store.models import Match, ReferenceDraft
from tests.tui.helpers import running_desk, settle, static_text
from tui.widgets.match_panel import MatchPanel


def add_reference(store: Store, text: str, source: str, rating: str, normalised: str, date: str) -> int:
    store.add_reference_claims([ReferenceDraft(text, source=source, url=f"https://example.org/{source}",
                                               rating=rating, normalised_rating=normalised, date=date)])
    return store.query("SELECT max(id) AS id FROM reference_claims")[0]["id"]


def words(panel: MatchPanel) -> str:
    """The panel's text with its line wrapping undone."""
    return " ".join(static_text(panel).split())


def no_conflicts() -> dict:
    return {"shared": [], "only_query": [], "only_match": [], "conflicts": []}


async def test_same_claim_first_then_related_dimmed_and_selectable(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    same = add_reference(store, first.text, "Checker", "False", "contested", "2018-02-01")
    related = add_reference(store, "Turkey sent tanks to the border in 2017.", "Other desk", "True",
                            "corroborated", "2017-05-05")
    # Saved best first, as the matcher ranks them: the related one scores higher here
    # than it ever would, so the order on screen comes from "same claim", not the score.
    store.save_matches(first.id, [
        Match(store.get_candidate("reference", related), SAME_CLAIM_SCORE - 5, no_conflicts()),
        Match(store.get_candidate("reference", same), 95.0, no_conflicts()),
    ])
    async with running_desk(store) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        panel = app.screen.query_one(MatchPanel)
        shown = words(panel)
        assert "2 matches" in shown
        assert "0 sources agree · 1 disputes · first seen 2018-02-01" in shown
        assert "Suggested: contested" in shown
        assert "same claim as Checker, rated False, 2018-02-01" in shown
        assert shown.index("Checker") < shown.index("Related") < shown.index("Turkey sent tanks")
        assert f"reference {same}" in shown and f"reference {related}" in shown
        assert panel.selected_match.candidate.id == same
        await pilot.press("m")
        await settle(pilot)
        assert panel.selected_match.candidate.id == related
        marked = [line for line in static_text(panel).splitlines() if "▶" in line]
        assert len(marked) == 1 and "Other desk" in marked[0]
        await pilot.press("s")
        await settle(pilot)
    assert store.get_claim(first.id).verdict == "contested"


async def test_a_transcript_lines_match_under_its_threshold_is_listed_as_related(seeded) -> None:
    """Saved as the ranking marks a transcript line's matches: one scoring over the plain
    threshold but under the transcript one is related, gives no suggestion, and `s`
    records nothing."""
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    checked = add_reference(store, first.text, "Checker", "False", "contested", "2018-02-01")
    between = (SAME_CLAIM_SCORE + TRANSCRIPT_SAME_CLAIM_SCORE) / 2
    store.save_matches(first.id, [Match(store.get_candidate("reference", checked), between,
                                        {**no_conflicts(), QUERY_KIND: TRANSCRIPT_LINE})])
    async with running_desk(store) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        panel = app.screen.query_one(MatchPanel)
        shown = words(panel)
        assert "Suggested" not in shown and "No suggestion" in shown
        assert "no match close enough to be the same claim" in shown
        assert "no source agrees or disputes" in shown
        assert shown.index("Related") < shown.index("Checker")
        assert panel.selected_match.candidate.id == checked
        await pilot.press("s")
        await settle(pilot)
    assert store.get_claim(first.id).verdict is None


async def test_sources_that_disagree_give_no_suggestion(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    false = add_reference(store, first.text, "Checker", "False", "contested", "2018-02-01")
    true = add_reference(store, first.text + " Indeed.", "Second checker", "True", "corroborated", "")
    store.save_matches(first.id, [
        Match(store.get_candidate("reference", false), 95.0, no_conflicts()),
        Match(store.get_candidate("reference", true), 90.0, no_conflicts()),
    ])
    async with running_desk(store) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        shown = words(app.screen.query_one(MatchPanel))
        assert "Suggested" not in shown
        assert "No suggestion" in shown and "sources disagree" in shown
        assert "1 source agrees · 1 disputes" in shown
        assert "Related" not in shown
        await pilot.press("s")
        await settle(pilot)
    assert store.get_claim(first.id).verdict is None


async def test_a_match_ranked_up_by_its_speaker_says_so_on_its_header_line(seeded) -> None:
    store, ids = seeded
    first = store.claims_for_article(ids["first"])[0]
    theirs = add_reference(store, "Turkey sent tanks to the border.", "Checker", "False", "contested", "2017-05-05")
    closer = add_reference(store, "Turkey sent tanks to the border in 2017.", "Other desk", "True",
                           "corroborated", "2017-05-05")
    store.save_matches(first.id, [
        Match(store.get_candidate("reference", theirs), 40.0, no_conflicts() | {"prior": ["same speaker"]}),
        Match(store.get_candidate("reference", closer), 45.0, no_conflicts()),
    ])
    async with running_desk(store) as (app, pilot):
        app.open_article(ids["first"])
        await settle(pilot)
        lines = static_text(app.screen.query_one(MatchPanel)).splitlines()
        [tagged] = [line for line in lines if "ranked up" in line]
        assert f"reference {theirs}" in tagged and tagged.rstrip().endswith("ranked up: same speaker")
        assert lines.index(tagged) < next(i for i, line in enumerate(lines) if f"reference {closer}" in line)
