"""Several desks on one store: the change watch, presence, assignments, verdict clashes
and the review queue, on real SQLite files opened through separate connections."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from store import ExportFilter, Store, queue, team
from store.changes import watch_changes
from store.errors import UnknownIdError, VerdictConflict
from store.models import Match, Candidate
from tests.tui.conftest import seed_store


@pytest.fixture
def two(tmp_path: Path):
    """The same store through two connections, as two desks hold it."""
    path = tmp_path / "team.db"
    first, second = Store(path), Store(path)
    ids = seed_store(first)
    yield first, second, ids
    first.close()
    second.close()


def test_watch_sees_nothing_until_another_connection_commits(two) -> None:
    writer, reader, ids = two
    watch = watch_changes(reader)
    assert watch.poll() is None
    claim = writer.claims_for_article(ids["first"])[0]
    writer.record_verdict(claim.id, "contested", checker="ana")
    batch = watch.poll()
    assert batch is not None
    assert [(c.kind, c.claim_id, c.checker) for c in batch.changes] == [("verdict", claim.id, "ana")]
    assert watch.poll() is None  # each change is reported once


def test_watch_reports_new_articles_status_and_evidence(two) -> None:
    writer, reader, ids = two
    watch = watch_changes(reader)
    writer.set_article_status(ids["second"], "done")
    claim = writer.claims_for_article(ids["first"])[0]
    writer.add_evidence(claim.id, "https://example.org/e", checker="ana")
    batch = watch.poll()
    assert [c.kind for c in batch.changes] == ["status", "evidence"]
    assert batch.article_ids == {ids["second"]} and batch.claim_ids == {claim.id}


def test_a_verdict_changed_meanwhile_by_a_colleague_is_refused_and_named(two) -> None:
    ana, bo, ids = two
    claim = ana.claims_for_article(ids["first"])[0]
    ana.record_verdict(claim.id, "contested", checker="ana", note="no source", seen={claim.id: None})
    with pytest.raises(VerdictConflict) as caught:
        bo.record_verdict(claim.id, "corroborated", checker="bo", seen={claim.id: None})
    clash = caught.value.clashes[0]
    assert (clash.stored, clash.stored_by, clash.stored_note, clash.seen, clash.wanted) == (
        "contested", "ana", "no source", None, "corroborated")
    assert "ana marked claim" in str(caught.value)
    assert bo.get_claim(claim.id).verdict == "contested"  # nothing written
    # Having seen it, bo may decide: the history keeps both.
    bo.record_verdict(claim.id, "corroborated", checker="bo", seen={claim.id: "contested"})
    history = bo.verdict_history(claim.id)
    assert [(h.checker, h.verdict, h.previous_verdict) for h in history] == [
        ("ana", "contested", None), ("bo", "corroborated", "contested")]


def test_agreeing_or_own_changes_are_no_clash(two) -> None:
    ana, bo, ids = two
    claim = ana.claims_for_article(ids["first"])[0]
    ana.record_verdict(claim.id, "contested", checker="ana")
    bo.record_verdict(claim.id, "contested", checker="bo", seen={claim.id: None})  # agrees
    bo.record_verdict(claim.id, "unverified", checker="bo", seen={claim.id: None})  # bo's own
    assert bo.get_claim(claim.id).verdict == "unverified"


def test_presence_counts_until_its_heartbeat_expires(two, monkeypatch) -> None:
    ana, bo, ids = two
    team.touch_presence(ana, "desk-a", "ana", ids["first"])
    team.touch_presence(bo, "desk-b", "bo", None)
    assert team.checkers_on_articles(bo, except_desk="desk-b") == {ids["first"]: ["ana"]}
    assert team.checkers_on_articles(ana, except_desk="desk-a") == {}
    later = time.time() + team.PRESENCE_TTL + 1
    monkeypatch.setattr(team.time, "time", lambda: later)
    assert team.checkers_on_articles(bo, except_desk="desk-b") == {}
    assert team.describe_presence(["ana"]) == "ana is on this article"
    assert team.describe_presence(["ana", "bo"]) == "ana and bo are on this article"


def test_mine_first_walks_my_articles_then_the_rest(two) -> None:
    store, _, ids = two
    assert queue.next_unjudged(store, None).article_id == ids["second"]  # newest first
    team.assign_article(store, ids["first"], "ana", by="ed")
    item = queue.next_unjudged(store, None, mine="ana")
    assert item.article_id == ids["first"]
    for claim in store.claims_for_article(ids["first"]):
        store.record_verdict(claim.id, "unverified", checker="ana")
    assert queue.next_unjudged(store, item.claim_id, mine="ana").article_id == ids["second"]
    assert queue.my_open_count(store, "ana") == 0
    with pytest.raises(UnknownIdError):
        team.assign_article(store, 999, "ana")


def _save_duplicate(store: Store, claim_id: int, other_id: int) -> None:
    other = store.get_candidate("claim", other_id)
    store.save_matches(claim_id, [Match(Candidate(**{**other.__dict__}), 95.0, {})])


def test_review_queue_lists_marked_checker_and_duplicate_disagreements(two) -> None:
    store, _, ids = two
    first = store.claims_for_article(ids["first"])
    second = store.claims_for_article(ids["second"])[0]
    # Two checkers on one claim.
    store.record_verdict(first[0].id, "contested", checker="ana")
    store.record_verdict(first[0].id, "corroborated", checker="bo")
    # A near-duplicate pair in two articles with different verdicts.
    _save_duplicate(store, first[1].id, second.id)
    store.record_verdict(first[1].id, "contested", checker="ana")
    store.record_verdict(second.id, "corroborated", checker="ana")
    # A claim marked for review with a verdict proposed.
    store.record_verdict(first[2].id, "unverified", checker="ana")
    team.request_review(store, [first[2].id], "bo", proposed="contested")

    items = team.review_queue(store)
    summary = [(i.kind, i.side.claim_id, i.side.verdict, i.side.checker,
                i.other.claim_id, i.other.verdict, i.other.checker) for i in items]
    assert summary == [
        ("marked", first[2].id, "unverified", "ana", first[2].id, "contested", "bo"),
        ("checkers", first[0].id, "corroborated", "bo", first[0].id, "contested", "ana"),
        ("duplicates", first[1].id, "contested", "ana", second.id, "corroborated", "ana"),
    ]

    team.settle_review(store, [(first[0].id, "contested")], "ed")
    team.settle_review(store, [(first[1].id, "corroborated"), (second.id, "corroborated")], "ed")
    team.settle_review(store, [(first[2].id, "contested")], "ed")
    assert team.review_queue(store) == []
    assert store.get_claim(first[0].id).verdict == "contested"
    assert store.verdict_history(first[0].id)[-1].checker == "ed"

    reviewed = store.verdict_records(ExportFilter(reviewed_only=True))
    assert sorted(r.claim_id for r in reviewed) == sorted([first[0].id, first[1].id, second.id, first[2].id])
    # Changed after review: no longer reviewed, and two checkers differ again.
    store.record_verdict(first[0].id, "corroborated", checker="bo")
    assert first[0].id not in {r.claim_id for r in store.verdict_records(ExportFilter(reviewed_only=True))}
    assert [i.kind for i in team.review_queue(store)] == ["checkers"]


def test_near_duplicates_kept_apart_leave_the_queue(two) -> None:
    store, _, ids = two
    claim = store.claims_for_article(ids["first"])[1]
    second = store.claims_for_article(ids["second"])[0]
    _save_duplicate(store, claim.id, second.id)
    store.record_verdict(claim.id, "contested", checker="ana")
    store.record_verdict(second.id, "corroborated", checker="bo")
    assert [i.kind for i in team.review_queue(store)] == ["duplicates"]
    team.settle_review(store, [(claim.id, "contested"), (second.id, "corroborated")], "ed")
    assert team.review_queue(store) == []
