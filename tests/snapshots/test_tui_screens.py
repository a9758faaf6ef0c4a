"""Snapshots of the desk's screens at a fixed size, on a seeded store with fixed dates
and saved matches (so they do not change when the matcher is tuned).

Update after a deliberate change with: pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from store import Store
from store.models import Candidate, Match
from store.inbox import ClaimFilter
from tests.tui.conftest import seed_store
from tests.tui.helpers import settle
from tui.app import make_app
from tui.settings import Settings

SIZE = (130, 36)


@pytest.fixture
def desk_store(store: Store) -> Store:
    ids = seed_store(store)
    claims = store.claims_for_article(ids["first"])
    other = store.claims_for_article(ids["second"])[0]
    reference = store.get_candidate("reference", 1)
    astana = store.get_candidate("reference", 2)
    store.save_matches(claims[0].id, [])
    store.save_matches(claims[1].id, [
        Match(reference, 81.0, {
            "shared": ["militants", "killed", "least", "bmp", "vehicle"],
            "only_query": ["soldiers"], "only_match": ["syrian", "arab", "army", "troops"],
            "conflicts": [{"kind": "number", "query": "15", "match": "50"}]}),
        Match(Candidate(other.id, "claim", other.text, "Wire", "https://example.org/a2", "",
                        "2018-01-12"), 55.0, {
            "shared": ["militants", "killed", "least", "soldiers"],
            "only_query": ["destroyed", "bmp", "vehicle"], "only_match": ["near", "airbase"],
            "conflicts": [{"kind": "number", "query": "15", "match": "50"}]}),
    ])
    store.save_matches(claims[2].id, [
        Match(astana, 88.0, {"shared": ["zone", "agreed", "astana", "talks", "turkey", "iran",
                                        "russia"], "only_query": [], "only_match": ["idlib"],
                             "conflicts": []}),
    ])
    store.save_matches(other.id, [])
    return store


def desk(store: Store):
    return make_app(store, Settings(checker="snapshot-checker"))


async def _settled(pilot: Pilot) -> None:
    await settle(pilot)


def test_inbox(snap_compare, desk_store: Store) -> None:
    assert snap_compare(desk(desk_store), terminal_size=SIZE, run_before=_settled)


def test_article_claim_with_conflict(snap_compare, desk_store: Store) -> None:
    async def open_conflict(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(desk(desk_store), terminal_size=SIZE, run_before=open_conflict)


def test_filter_bar(snap_compare, desk_store: Store) -> None:
    async def filtered(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.set_filter(ClaimFilter(verdicts=("none",), source="Front News",
                                         conflicts_only=True))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(desk(desk_store), terminal_size=SIZE, run_before=filtered)


def test_help(snap_compare, desk_store: Store) -> None:
    async def help_on_article(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(desk(desk_store), terminal_size=SIZE, run_before=help_on_article)


TRANSCRIPT = """HOLT: (00:01:05)
Good evening from Hofstra University. Why are you running for president?
TRUMP: (00:01:40)
Our jobs are fleeing the country. We lost 70,000 factories since China entered the World Trade Organization.
CLINTON: (00:02:30)
My plan creates 10 million jobs by 2020. It is paid for by taxing the wealthy.
HOLT: (00:03:10)
Secretary Clinton, what do you say to that?
TRUMP: (00:03:20)
This is the worst trade deal ever signed. We lost 70,000 factories since China entered the World Trade Organization.
"""


def test_transcript_most_check_worthy_first(snap_compare, store: Store, tmp_path) -> None:
    """A transcript on the desk: each sentence with its speaker, sorted by check-worthiness (S)."""
    import operations

    path = tmp_path / "first-debate.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    article_id = operations.ingest_source(store, str(path), match=False, form="transcript").article_id
    for claim in store.claims_for_article(article_id, checkworthy_only=False):
        store.save_matches(claim.id, [])

    async def sorted_transcript(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_article(article_id)
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(desk(store), terminal_size=SIZE, run_before=sorted_transcript)


# The four screens a checker spends the day in, at the smallest common terminal and at a
# large one.
SIZES = {"80x24": (80, 24), "160x50": (160, 50)}


def _with_history(store: Store, monkeypatch: pytest.MonkeyPatch) -> int:
    """The conflicting claim, judged, annotated, its note removed and judged again, with
    evidence; each change a minute after the last (the history is append-only, so the
    clock is fixed instead of the rows)."""
    import store.verdicts as store_verdicts

    minutes = iter(range(60))
    monkeypatch.setattr(store_verdicts, "now_iso", lambda: f"2018-01-21T10:{next(minutes):02d}:00+00:00")
    claim = store.claims_for_article(store.list_articles()[-1].id)[1]
    store.record_verdict([claim.id], "unverified", checker="ana")
    store.set_note(claim.id, "Two sources say 50, not 15", checker="ana")
    store.set_note(claim.id, "", checker="ben")
    store.record_verdict([claim.id], "contested", checker="ben")
    store.add_evidence(claim.id, "https://example.org/evidence/abu-al-duhur", checker="ana")
    return claim.id


async def _on_claim(pilot: Pilot, store: Store, claim_id: int, *keys: str) -> None:
    """The claim's article opened at the claim, then `keys` pressed."""
    await settle(pilot)
    pilot.app.open_article(store.get_claim(claim_id).article_id, claim_id)
    await settle(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_inbox_sized(snap_compare, desk_store: Store, size: str) -> None:
    assert snap_compare(desk(desk_store), terminal_size=SIZES[size], run_before=_settled)


@pytest.mark.parametrize("size", SIZES)
def test_article_sized(snap_compare, desk_store: Store, size: str, monkeypatch) -> None:
    claim_id = _with_history(desk_store, monkeypatch)

    async def open_claim(pilot: Pilot) -> None:
        await _on_claim(pilot, desk_store, claim_id)

    assert snap_compare(desk(desk_store), terminal_size=SIZES[size], run_before=open_claim)


@pytest.mark.parametrize("size", SIZES)
def test_filter_form_sized(snap_compare, desk_store: Store, size: str) -> None:
    async def open_form(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)  # the form is up before its keys are pressed
        await pilot.press("space", "tab", "tab", "tab")  # corroborated ticked, "no verdict" focused
        await settle(pilot)

    assert snap_compare(desk(desk_store), terminal_size=SIZES[size], run_before=open_form)


@pytest.mark.parametrize("size", SIZES)
def test_history_sized(snap_compare, desk_store: Store, size: str, monkeypatch) -> None:
    claim_id = _with_history(desk_store, monkeypatch)

    async def open_history(pilot: Pilot) -> None:
        await _on_claim(pilot, desk_store, claim_id, "h")

    assert snap_compare(desk(desk_store), terminal_size=SIZES[size], run_before=open_history)


@pytest.mark.parametrize("size", SIZES)
def test_evidence_sized(snap_compare, desk_store: Store, size: str, monkeypatch) -> None:
    claim_id = _with_history(desk_store, monkeypatch)
    desk_store.add_evidence(claim_id, "https://example.org/evidence/second-source", checker="ana")

    async def open_evidence(pilot: Pilot) -> None:
        await _on_claim(pilot, desk_store, claim_id, "e")
        await pilot.press("shift+tab", "down")  # the list, its second link selected
        await settle(pilot)

    assert snap_compare(desk(desk_store), terminal_size=SIZES[size], run_before=open_evidence)
