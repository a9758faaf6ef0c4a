"""Several desks on one store: the change watch, presence, assignments, verdict clashes
and the review queue, on a real SQLite file and a real PostgreSQL database, each opened
through separate connections."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import store.engine as engine_module
from store import ExportFilter, Store, inbox, team
from store.inbox import ClaimFilter
from store.changes import ChangeBatch, watch_changes
from store.errors import StoreUnreachable, UnknownIdError, VerdictConflict
from store.models import Match, Candidate
from tests.tui.conftest import seed_store


@pytest.fixture
def two(store_location):
    """The same store through two connections, as two desks hold it."""
    first, second = Store(store_location), Store(store_location)
    ids = seed_store(first)
    yield first, second, ids
    first.close()
    second.close()


# How long a test waits for a notification to travel from one connection to another
# (a bound on waiting, not a measured time: it returns as soon as the change is seen).
ARRIVAL_WAIT = 10.0


def next_batch(watch, *, changes: int = 1) -> ChangeBatch:
    """What the watch reports once the last write's `changes` have reached it: on
    SQLite at once, on PostgreSQL when the notification has arrived."""
    deadline = time.monotonic() + ARRIVAL_WAIT
    found: list = []
    while True:
        batch = watch.poll()
        if batch is not None:
            found.extend(batch.changes)
            if len(found) >= changes:
                return ChangeBatch(found)
        assert time.monotonic() < deadline, f"only {len(found)} of {changes} changes arrived"
        time.sleep(0.01)


def test_watch_sees_nothing_until_another_connection_commits(two) -> None:
    writer, reader, ids = two
    watch = watch_changes(reader)
    assert watch.poll() is None
    claim = writer.claims_for_article(ids["first"])[0]
    writer.record_verdict(claim.id, "contested", checker="ana")
    batch = next_batch(watch)
    assert [(c.kind, c.claim_id, c.checker) for c in batch.changes] == [("verdict", claim.id, "ana")]
    assert watch.poll() is None  # each change is reported once
    watch.close()


def test_watch_reports_new_articles_status_and_evidence(two) -> None:
    writer, reader, ids = two
    watch = watch_changes(reader)
    writer.set_article_status(ids["second"], "done")
    claim = writer.claims_for_article(ids["first"])[0]
    writer.add_evidence(claim.id, "https://example.org/e", checker="ana")
    batch = next_batch(watch, changes=2)
    assert [c.kind for c in batch.changes] == ["status", "evidence"]
    assert batch.article_ids == {ids["second"]} and batch.claim_ids == {claim.id}


def test_evidence_taken_off_by_one_desk_is_reported_to_the_others(two) -> None:
    writer, reader, ids = two
    claim = writer.claims_for_article(ids["first"])[0]
    writer.add_evidence(claim.id, "https://example.org/wrong", checker="ana")
    writer.add_evidence(claim.id, "https://example.org/right", checker="ana")
    watch = watch_changes(reader)
    assert writer.remove_evidence(claim.id, "https://example.org/wrong", checker="ana")
    batch = next_batch(watch)
    assert [(c.kind, c.claim_id) for c in batch.changes] == [("evidence", claim.id)]
    assert [e.url for e in reader.evidence_for(claim.id)] == ["https://example.org/right"]
    assert not writer.remove_evidence(claim.id, "https://example.org/wrong", checker="ana")
    assert watch.poll() is None  # nothing removed, nothing reported
    with pytest.raises(UnknownIdError):
        writer.remove_evidence(999_999, "https://example.org/right")
    watch.close()


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


def test_a_note_changed_meanwhile_by_a_colleague_is_refused_and_keeps_the_verdict(two) -> None:
    ana, bo, ids = two
    claim = ana.claims_for_article(ids["first"])[0]
    ana.set_note(claim.id, "wire says 12", checker="ana", seen="")
    with pytest.raises(VerdictConflict) as caught:
        bo.set_note(claim.id, "ministry says 15", checker="bo", seen="")
    clash = caught.value.clashes[0]
    assert (clash.of_notes, clash.stored_note, clash.stored_by, clash.seen_note, clash.wanted_note) == (
        True, "wire says 12", "ana", "", "ministry says 15")
    assert "ana changed the note of claim" in str(caught.value)
    assert bo.get_claim(claim.id).note == "wire says 12"
    # A verdict set after bo read the claim is kept by his note (read in its transaction).
    ana.record_verdict(claim.id, "contested", checker="ana")
    bo.set_note(claim.id, "ministry says 15", checker="bo", seen="wire says 12")
    assert (bo.get_claim(claim.id).verdict, bo.get_claim(claim.id).note) == ("contested", "ministry says 15")
    assert [(h.checker, h.verdict, h.note) for h in bo.verdict_history(claim.id)] == [
        ("ana", None, "wire says 12"), ("ana", "contested", "wire says 12"),
        ("bo", "contested", "ministry says 15")]
    # The same note written twice, or one's own, is no clash.
    ana.set_note(claim.id, "ministry says 15", checker="ana", seen="wire says 12")
    bo.set_note(claim.id, "asked both", checker="bo", seen="ministry says 15")


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
    assert inbox.next_unjudged(store, None).article_id == ids["second"]  # newest first
    team.assign_article(store, ids["first"], "ana", by="ed")
    item = inbox.next_unjudged(store, None, mine="ana")
    assert item.article_id == ids["first"]
    for claim in store.claims_for_article(ids["first"]):
        store.record_verdict(claim.id, "unverified", checker="ana")
    assert inbox.next_unjudged(store, item.claim_id, mine="ana").article_id == ids["second"]
    assert inbox.my_open_count(store, "ana") == 0
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
    # The desk's filter reads the same condition.
    assert sorted(inbox.filtered_claim_ids(store, ClaimFilter(reviewed_only=True))) == sorted(
        r.claim_id for r in reviewed)
    # Changed after review: no longer reviewed, and two checkers differ again.
    store.record_verdict(first[0].id, "corroborated", checker="bo")
    assert first[0].id not in {r.claim_id for r in store.verdict_records(ExportFilter(reviewed_only=True))}
    assert first[0].id not in inbox.filtered_claim_ids(store, ClaimFilter(reviewed_only=True))
    assert [i.kind for i in team.review_queue(store)] == ["checkers"]


def test_a_review_request_is_withdrawn_only_by_whoever_made_it(two) -> None:
    first, second, ids = two
    claim_id = first.claims_for_article(ids["first"])[0].id
    team.request_review(first, [claim_id], "ana")
    team.withdraw_review(second, claim_id, "bo")
    assert team.review_requesters(first, [claim_id]) == {claim_id: "ana"}
    team.withdraw_review(second, claim_id, "ana")
    assert team.review_requesters(first, [claim_id]) == {}
    assert team.review_requested(first, [claim_id]) == set()


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


# -- PostgreSQL: LISTEN/NOTIFY, and a server that goes away --------------------------------


@pytest.fixture
def two_on_postgres(postgres_url):
    first, second = Store(postgres_url), Store(postgres_url)
    ids = seed_store(first)
    yield first, second, ids
    first.close()
    second.close()


def test_postgres_watch_reads_the_log_only_when_notified(two_on_postgres) -> None:
    writer, reader, ids = two_on_postgres
    watch = watch_changes(reader)
    claim = writer.claims_for_article(ids["first"])[0]
    # A row put in the log without a notification is not looked for...
    with writer.write() as conn:
        conn.execute("INSERT INTO change_log (kind, article_id, claim_id, checker, at) "
                     "VALUES ('note', ?, ?, 'script', 0)", [ids["first"], claim.id])
    time.sleep(0.2)
    assert watch.poll() is None
    # ...until a write that notifies commits: then the log is read from the last id seen.
    writer.record_verdict(claim.id, "contested", checker="ana")
    batch = next_batch(watch, changes=2)
    assert [(c.kind, c.checker) for c in batch.changes] == [("note", "script"), ("verdict", "ana")]
    # A desk opening an article is logged, so the others read who is where...
    team.touch_presence(writer, "desk-a", "ana", ids["first"])
    batch = next_batch(watch, changes=1)
    assert [(c.kind, c.article_id, c.checker) for c in batch.changes] == [
        ("presence", ids["first"], "ana")]
    # ...while a heartbeat that only renews the row wakes no desk.
    team.touch_presence(writer, "desk-a", "ana", ids["first"], moved=False)
    time.sleep(0.2)
    assert watch.poll() is None
    watch.close()


def test_postgres_watch_and_writes_come_back_after_the_server_restarts(
        private_postgres_server, monkeypatch: pytest.MonkeyPatch) -> None:
    postgres_server = private_postgres_server  # stopped midway: not the run's shared one
    # The connections try again after a failure ten times as often as they would.
    monkeypatch.setattr(engine_module, "RECONNECT_SECONDS", engine_module.RECONNECT_SECONDS / 10)
    url = postgres_server.new_database()
    writer, reader = Store(url), Store(url)
    try:
        ids = seed_store(writer)
        watch = watch_changes(reader)
        claim = writer.claims_for_article(ids["first"])[0]
        postgres_server.shut_down()
        try:
            with pytest.raises(StoreUnreachable, match="cannot be reached.*nothing was changed"):
                writer.record_verdict(claim.id, "contested", checker="ana")
            with pytest.raises(StoreUnreachable, match="cannot be reached"):
                for _ in range(3):  # the first look may only find the server's goodbye
                    watch.poll()
            with pytest.raises(StoreUnreachable):
                reader.get_claim(claim.id)
        finally:
            postgres_server.start()
        # The connections are opened again on their next use (no sooner than
        # RECONNECT_SECONDS after the last failed try).
        deadline = time.monotonic() + ARRIVAL_WAIT
        while True:
            try:
                writer.record_verdict(claim.id, "contested", checker="ana")
                break
            except StoreUnreachable:
                assert time.monotonic() < deadline
                time.sleep(0.01)
        batch = next_batch(watch)
        assert [(c.kind, c.claim_id) for c in batch.changes] == [("verdict", claim.id)]
        assert reader.get_claim(claim.id).verdict == "contested"
        watch.close()
    finally:
        writer.close()
        reader.close()
