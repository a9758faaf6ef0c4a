"""The store: schema, WAL, transactions, verdict history."""

import sqlite3

import pytest

from store import Store, StoreError, UnknownIdError
from store.engine import SQLITE, database_errors
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft
from store.schema import SCHEMA_VERSION


def _article(store: Store, text: str = "Troops killed 15 soldiers. It rained.") -> int:
    claims = [ClaimDraft("Troops killed 15 soldiers.", 0, 26, 0.9, True, ("quantity",))]
    article_id, _ = store.add_article(ArticleDraft(title="T", text=text), claims)
    return article_id


def test_new_store_is_wal_and_current_version(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    if store.engine == SQLITE:
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_article_with_same_text_is_not_stored_twice(store: Store) -> None:
    first = _article(store)
    second, created = store.add_article(ArticleDraft(title="Other", text="Troops killed 15 soldiers.  It rained."), [])
    assert (second, created) == (first, False)
    assert store.count("articles") == 1


def test_claim_offsets_and_reasons_round_trip(store: Store) -> None:
    article_id = _article(store)
    [claim] = store.claims_for_article(article_id)
    article = store.get_article(article_id)
    assert article.text[claim.start : claim.end] == claim.text
    assert claim.reasons == ("quantity",)


def test_verdict_changes_are_kept_in_history(store: Store) -> None:
    claim_id = store.claims_for_article(_article(store))[0].id
    store.record_verdict(claim_id, "contested", note="15 is not confirmed", checker="ana")
    store.record_verdict(claim_id, "corroborated", checker="ben")
    history = store.verdict_history(claim_id)
    assert [(h.verdict, h.previous_verdict, h.checker) for h in history] == [
        ("contested", None, "ana"),
        ("corroborated", "contested", "ben"),
    ]
    assert store.get_claim(claim_id).verdict == "corroborated"
    assert store.get_claim(claim_id).note == "15 is not confirmed"


def test_a_counted_verdict_says_how_the_review_queue_moved(store: Store) -> None:
    from store import inbox

    text = "Troops killed 15 soldiers. It rained. 300 boats came."
    claims = [ClaimDraft("Troops killed 15 soldiers.", 0, 26, 0.9, True, ("quantity",)),
              ClaimDraft("It rained.", 27, 37, 0.1, False, ()),
              ClaimDraft("300 boats came.", 38, 53, 0.9, True, ("quantity",))]
    article_id, _ = store.add_article(ArticleDraft(title="T", text=text), claims)
    worthy, unworthy, other = (c.id for c in store.claims_for_article(article_id, checkworthy_only=False))

    def moved(ids: list[int], verdict: str | None) -> int:
        before = inbox.remaining_count(store)
        change = store.record_verdict_counted(ids, verdict, checker="ana").queue_change
        assert inbox.remaining_count(store) - before == change
        return change

    assert moved([worthy, unworthy], "contested") == -1  # a claim not check-worthy never counts
    assert moved([worthy], "corroborated") == 0  # judged again: still out of the queue
    assert moved([worthy, other], None) == 1  # one back in, one that never left
    assert moved([worthy], None) == 0  # already open
    assert moved([worthy, other], "contested") == -2
    store.set_article_status(article_id, "done")  # an article out of the inbox counts nothing
    assert moved([worthy, other], "unverified") == 0


def test_history_is_append_only(store: Store) -> None:
    claim_id = store.claims_for_article(_article(store))[0].id
    store.record_verdict(claim_id, "contested")
    with pytest.raises(database_errors(), match="append-only"):
        store.db.conn.execute("DELETE FROM verdict_history")
    with pytest.raises(database_errors(), match="append-only"):
        store.db.conn.execute("UPDATE verdict_history SET note = 'x'")
    assert len(store.verdict_history(claim_id)) == 1


def test_unknown_verdict_and_claim_are_refused_without_change(store: Store) -> None:
    claim_id = store.claims_for_article(_article(store))[0].id
    with pytest.raises(StoreError, match="Unknown verdict 'maybe'"):
        store.record_verdict(claim_id, "maybe")
    with pytest.raises(UnknownIdError, match="No claim with id 999"):
        store.record_verdict([claim_id, 999], "contested")
    # the batch is all or nothing: the first claim did not get the verdict either
    assert store.get_claim(claim_id).verdict is None
    assert store.verdict_history(claim_id) == []


def test_reference_claims_deduplicate_on_reimport(store: Store) -> None:
    rows = [ReferenceDraft("A claim.", source="S"), ReferenceDraft("Another claim.", source="S")]
    assert store.add_reference_claims(rows) == (2, 0)
    assert store.add_reference_claims(rows) == (0, 2)


def test_a_bulk_import_keeps_file_order_skips_duplicates_and_is_searchable(store: Store) -> None:
    # Enough rows for the bulk path of both engines (COPY on PostgreSQL; FTS5 indexed after
    # the insert on SQLite), with repeats inside the batch and of a row stored before.
    store.add_reference_claims([ReferenceDraft("Claim number 7 about the harbour.", source="S",
                                               url="https://example.org/7")])
    drafts = [ReferenceDraft(f"Claim number {n % 15_000} about the harbour.", source="S",
                             url=f"https://example.org/{n % 15_000}" if n % 15_000 else "",
                             title="Bridge" if n == 12_345 else "")
              for n in range(1, 16_001)]
    assert store.add_reference_claims(drafts) == (14_999, 1_001)
    texts = [row["text"] for row in store.query("SELECT text FROM reference_claims ORDER BY id")]
    assert texts[:3] == ["Claim number 7 about the harbour.", "Claim number 1 about the harbour.",
                         "Claim number 2 about the harbour."]
    assert len(texts) == 15_000 and texts[-1] == "Claim number 0 about the harbour."
    found = store.search_candidates('"bridge"')
    assert [store.get_candidate("reference", c.id).text for c in found] == [
        "Claim number 12345 about the harbour."]


def test_fts_candidates_exclude_own_article(store: Store) -> None:
    article_id = _article(store)
    store.add_reference_claims([ReferenceDraft("Fifteen soldiers were killed", source="S")])
    found = store.search_candidates('"soldiers"', exclude_article_id=article_id)
    assert [c.kind for c in found] == ["reference"]


def test_the_conflicts_filter_holds_a_transcript_lines_match_to_its_threshold(store: Store) -> None:
    """A conflict counts on a match close enough to be the same claim: for a match found
    for a transcript's line (marked so by the ranking, saved with it), the transcript
    threshold; for any other, the plain one. Saved and read back, the mark stays."""
    from matchers import SAME_CLAIM_SCORE, TRANSCRIPT_SAME_CLAIM_SCORE, is_same_claim
    from matchers.verdict import QUERY_KIND, TRANSCRIPT_LINE
    from store.inbox import claims_with_conflicts
    from store.models import Match

    text = "Troops killed 15 soldiers. Troops killed 15 soldiers."
    claims = [ClaimDraft("Troops killed 15 soldiers.", 0, 26, 0.9, True, ("quantity",)),
              ClaimDraft("Troops killed 15 soldiers.", 27, 53, 0.9, True, ("quantity",), speaker="MR. SMITH")]
    article_id, _ = store.add_article(ArticleDraft(title="T", text=text), claims)
    sentence, line = store.claims_for_article(article_id)
    store.add_reference_claims([ReferenceDraft("Troops killed 50 soldiers", source="S")])
    reference = store.search_candidates('"soldiers"', exclude_article_id=article_id)[0]
    between = (SAME_CLAIM_SCORE + TRANSCRIPT_SAME_CLAIM_SCORE) / 2
    flags = {"conflicts": [{"kind": "number", "query": "15", "match": "50"}]}
    store.save_many_matches([(sentence.id, [Match(reference, between, dict(flags))]),
                             (line.id, [Match(reference, between, {**flags, QUERY_KIND: TRANSCRIPT_LINE})])])
    assert claims_with_conflicts(store, [sentence.id, line.id]) == {sentence.id}
    [saved] = store.saved_matches(line.id)
    assert saved.explanation[QUERY_KIND] == TRANSCRIPT_LINE
    store.save_matches(line.id, [Match(reference, TRANSCRIPT_SAME_CLAIM_SCORE, {**flags, QUERY_KIND: TRANSCRIPT_LINE})])
    assert claims_with_conflicts(store, [sentence.id, line.id]) == {sentence.id, line.id}
    store.save_matches(line.id, [Match(reference, between, {QUERY_KIND: TRANSCRIPT_LINE, "conflicts": []})])
    assert not is_same_claim(store.saved_matches(line.id)[0])


def test_saved_matches_are_read_with_their_candidates_in_rank_order(store: Store) -> None:
    from store.models import Match

    store.add_reference_claims([
        ReferenceDraft(text="15 soldiers were killed by troops.", title="Troops", source="Checker A",
                       url="https://a.example/1", rating="False", date="2024-01-02", claimant="Ana"),
        ReferenceDraft(text="Soldiers killed: fifteen.", source="Checker B"),
    ])
    first = store.claims_for_article(_article(store))[0]
    other_id, _ = store.add_article(
        ArticleDraft(title="U", text="Fifteen soldiers died. Sun.", source="Wire", url="https://w.example",
                     published="2024-02-03"),
        [ClaimDraft("Fifteen soldiers died.", 0, 22, 0.9, True, (), speaker="MAYOR")])
    second = store.claims_for_article(other_id)[0]
    references = [store.get_candidate("reference", i) for i in (1, 2)]
    as_claim = store.get_candidate("claim", second.id)
    store.save_many_matches([
        (first.id, [Match(references[1], 80.5, {"shared": ["soldiers"]}), Match(as_claim, 71.0),
                    Match(references[0], 64.25, {"conflicts": []})]),
        (second.id, [Match(references[0], 90.0)]),
    ])
    expected_first = [(references[1], 80.5, {"shared": ["soldiers"]}), (as_claim, 71.0, {}),
                      (references[0], 64.25, {"conflicts": []})]
    found = store.saved_matches_of([second.id, first.id, 999, first.id])
    assert list(found) == [second.id, first.id, 999]
    assert [(m.candidate, m.score, m.explanation) for m in found[first.id]] == expected_first
    assert [(m.candidate, m.score) for m in found[second.id]] == [(references[0], 90.0)]
    assert found[999] == [] and store.saved_matches_of([]) == {}
    assert store.saved_matches(first.id) == found[first.id]
    # A match whose claim is gone is left out; the others keep their order.
    with store.write() as conn:
        conn.execute("DELETE FROM reference_claims WHERE id = 2")
    assert [m.candidate for m in store.saved_matches(first.id)] == [as_claim, references[0]]


def test_store_from_newer_version_is_refused(tmp_path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer than this claimdesk knows"):
        Store(path)
    assert path.read_bytes() == before


def test_file_that_is_not_a_database_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=str(path)):
        Store(path)
    assert path.read_bytes() == before


def test_article_titles_and_text_are_full_text_searchable(store: Store) -> None:
    _article(store, text="The bridge over the Danube reopened in May. Traffic resumed.")
    from store import search

    assert [hit.article_id for hit in search.search_articles(store, "danube")] == [1]
    assert [hit.article_id for hit in search.search_articles(store, "reopen")] == [1]  # stemmed
    assert search.search_articles(store, "rhine") == []


def test_each_checker_undoes_and_redoes_only_their_own_changes(store) -> None:
    from store import verdicts

    article, _ = store.add_article(ArticleDraft(title="t", text="One. Two."), [
        ClaimDraft(text="One.", start=0, end=4, checkworthy=True, score=0.9),
        ClaimDraft(text="Two.", start=5, end=9, checkworthy=True, score=0.9),
    ])
    first, second = (c.id for c in store.claims_for_article(article))
    store.record_verdict(first, "corroborated", checker="ana")
    store.record_verdict(second, "contested", checker="ben")
    outcome = verdicts.undo_last(store, "ana")
    assert (outcome.changed, outcome.kept) == ([first], [])
    assert store.get_claim(first).verdict is None
    assert store.get_claim(second).verdict == "contested"
    assert verdicts.redo_last(store, "ben").changed == []  # ben undid nothing
    # ben changes ana's claim after her undo: her redo leaves ben's verdict alone.
    store.record_verdict(first, "unverified", checker="ben")
    outcome = verdicts.redo_last(store, "ana")
    assert (outcome.changed, outcome.kept) == ([], [first])
    assert store.get_claim(first).verdict == "unverified"
    assert verdicts.redo_last(store, "ana").changed == [] and verdicts.undo_state(store, "ana").redo == []
