"""Candidate retrieval from the store: titles, bulk imports, document counts, the
bounded-work search and the fusion of the two kinds of stored claims."""

from __future__ import annotations

import pytest

from matchers import find_matches
from matchers.query import query_terms
from store import search as store_search
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft
from store.search import search_by_terms, term_document_counts


def _fts_is_consistent(store) -> None:
    # FTS5 raises "database disk image is malformed" when the index and table differ.
    store.query(
        "INSERT INTO reference_claims_fts (reference_claims_fts, rank) VALUES ('integrity-check', 1)"
    )


def test_a_title_is_stored_searched_and_returned(memory_store) -> None:
    memory_store.add_reference_claims(
        [ReferenceDraft(text="A photograph shows a giant fossil.", title="Is This Ammonite Real?")]
    )
    found = search_by_terms(memory_store, ["ammonite"], 10)
    assert [c.title for c in found] == ["Is This Ammonite Real?"]
    assert memory_store.get_candidate("reference", found[0].id).title == "Is This Ammonite Real?"


def test_a_bulk_import_indexes_every_row_and_skips_duplicates(store) -> None:
    count = store_search.BULK_INDEX_ROWS + 10
    drafts = [ReferenceDraft(text=f"Claim number {i} about tollbooth{i}", url=f"u{i}") for i in range(count)]
    assert store.add_reference_claims(drafts + drafts[:3]) == (count, 3)
    assert store.add_reference_claims(drafts[:2]) == (0, 2)  # a small batch, row by row
    _fts_is_consistent(store)
    assert [c.url for c in search_by_terms(store, ["tollbooth7"], 5)] == ["u7"]
    # the trigger works again after the bulk insert
    store.add_reference_claims([ReferenceDraft(text="Late claim about a lighthouse")])
    _fts_is_consistent(store)
    assert [c.text for c in search_by_terms(store, ["lighthouse"], 5)] == ["Late claim about a lighthouse"]
    assert store.query("SELECT count(*) AS n FROM fts_deferred")[0]["n"] == 0


def test_a_bulk_import_leaves_the_index_options_as_they_were(store) -> None:
    def stored_options() -> dict:
        rows = store.query("SELECT k, v FROM reference_claims_fts_config WHERE k != 'version'")
        return {row["k"]: row["v"] for row in rows}

    drafts = [ReferenceDraft(text=f"Claim {i} about harbour{i}") for i in range(store_search.BULK_INDEX_ROWS)]
    store.add_reference_claims(drafts)
    assert stored_options() == {}
    store.db.conn.execute(
        "INSERT INTO reference_claims_fts (reference_claims_fts, rank) VALUES ('hashsize', 2097152)"
    )
    store.add_reference_claims([ReferenceDraft(text=f"Other {i} near quay{i}") for i in range(store_search.BULK_INDEX_ROWS)])
    assert stored_options() == {"hashsize": 2097152}
    _fts_is_consistent(store)
    assert [c.text for c in search_by_terms(store, ["quay9"], 5)] == ["Other 9 near quay9"]


def test_a_failed_bulk_import_leaves_nothing(store) -> None:
    drafts = [ReferenceDraft(text=f"Claim {i}") for i in range(store_search.BULK_INDEX_ROWS)]
    drafts.append(ReferenceDraft(text="bad \udcff text"))
    with pytest.raises(Exception):
        store.add_reference_claims(drafts)
    assert store.count("reference_claims") == 0
    assert store.query("SELECT count(*) AS n FROM fts_deferred")[0]["n"] == 0


def test_document_counts_are_capped_and_follow_new_claims(memory_store) -> None:
    memory_store.add_reference_claims([ReferenceDraft(text=f"vaccines story {i}") for i in range(5)])
    assert term_document_counts(memory_store, ["vaccines", "story", "absent"], cap=3) == {
        "vaccines": 3, "story": 3, "absent": 0,
    }
    # the index stems: "vaccinated" and "vaccines" share "vaccin"
    assert term_document_counts(memory_store, ["vaccinated"])["vaccinated"] == 5
    memory_store.add_reference_claims([ReferenceDraft(text="an absent word")])
    assert term_document_counts(memory_store, ["absent"]) == {"absent": 1}


def test_each_kinds_counts_are_kept_until_its_own_table_grows(memory_store) -> None:
    memory_store.add_reference_claims([ReferenceDraft(text=f"ferry fares rose {i}") for i in range(4)])
    assert term_document_counts(memory_store, ["ferry"]) == {"ferry": 4}
    assert term_document_counts(memory_store, ["ferry"], kind="claim") == {"ferry": 0}
    # An article's claims arrive: the claims' counts are counted again, the reference
    # claims' are kept (no count query runs over their index).
    memory_store.add_article(ArticleDraft(title="Ferries", text="The ferry fares rose."),
                             [ClaimDraft(text="The ferry fares rose.", start=0, end=21, score=1.0,
                                         checkworthy=True)])
    counted: list[str] = []
    memory_store.db.conn.set_trace_callback(lambda sql: counted.append(sql) if "count(*)" in sql else None)
    try:
        assert term_document_counts(memory_store, ["ferry"]) == {"ferry": 4}
        assert counted == []
        assert term_document_counts(memory_store, ["ferry"], kind="claim") == {"ferry": 1}
        assert len(counted) == 1 and "FROM claims_fts" in counted[0]
    finally:
        memory_store.db.conn.set_trace_callback(None)
    # New reference claims: their counts follow.
    memory_store.add_reference_claims([ReferenceDraft(text="a ferry sank")])
    assert term_document_counts(memory_store, ["ferry"]) == {"ferry": 5}


def test_operators_and_quotes_in_terms_are_never_interpreted(memory_store) -> None:
    memory_store.add_reference_claims([ReferenceDraft(text="NEAR the border AND more")])
    for terms in (['"'], ["NEAR"], ["AND", "OR"], ["*"], ["a:b"], ["("], [""]):
        search_by_terms(memory_store, terms, 5)  # never raises


def test_beyond_the_postings_budget_the_source_is_still_found(memory_store, monkeypatch) -> None:
    texts = [f"the senate passed budget bill number {i} on tuesday" for i in range(60)]
    texts.append("the senate passed the budget bill after a filibuster on tuesday")
    memory_store.add_reference_claims([ReferenceDraft(text=t) for t in texts])
    monkeypatch.setattr(store_search, "POSTINGS_BUDGET", 10)
    monkeypatch.setattr(store_search, "COUNT_CAP", 20)
    terms = query_terms("Senate passed budget bill despite filibuster")
    found = search_by_terms(memory_store, terms, 5)
    assert found[0].text == texts[-1]
    assert all(-1.0 <= c.bm25 < 0 for c in found)
    # only common words: the rows holding three of them together are gathered
    found = search_by_terms(memory_store, ["senate", "budget", "tuesday"], 5)
    assert len(found) == 5 and all("senate" in c.text for c in found)


def test_both_kinds_lead_with_their_best_candidate(memory_store) -> None:
    memory_store.add_reference_claims(
        [
            ReferenceDraft(text="wind turbines cause cancer in cows"),
            ReferenceDraft(text="wind farms are built near towns"),
            ReferenceDraft(text="turbines are loud"),
        ]
    )
    article_id, _ = memory_store.add_article(
        ArticleDraft(title="t", text="Wind turbines kill birds."),
        [ClaimDraft(text="Wind turbines kill birds.", start=0, end=25, score=1.0, checkworthy=True)],
    )
    found = search_by_terms(memory_store, ["turbines", "wind", "cancer", "cows"], 2)
    assert {c.kind for c in found} == {"reference", "claim"}
    assert search_by_terms(memory_store, ["turbines"], 5, exclude_article_id=article_id, kinds=("claim",)) == []


def test_find_matches_through_search_terms(memory_store) -> None:
    memory_store.add_reference_claims(
        [
            ReferenceDraft(text="5G towers spread the coronavirus", title="Do 5G Towers Spread COVID?"),
            ReferenceDraft(text="Paris is the capital of France"),
        ]
    )
    seen = []

    def search_terms(terms, pool):
        seen.append(list(terms))
        return search_by_terms(memory_store, terms, pool)

    matches = find_matches("Do 5G towers spread coronavirus?", search_terms=search_terms)
    assert "towers" in seen[0]
    assert matches[0].candidate.title == "Do 5G Towers Spread COVID?"
    assert all("Paris" not in m.candidate.text for m in matches)
    with pytest.raises(TypeError):
        find_matches("anything")


def test_a_phrase_term_counts_alone_but_does_not_lead_the_ands(memory_store, monkeypatch) -> None:
    # "7.7" is the phrase "7 7" to the tokenizer: every AND led by it would re-read the
    # postings of "7", so it is matched once, on its own.
    texts = [f"the senate passed budget bill number {i} on tuesday" for i in range(60)]
    texts.append("the senate passed a 7.7 percent budget rise after a filibuster on tuesday")
    texts.append("unemployment fell to 7.7 percent")
    memory_store.add_reference_claims([ReferenceDraft(text=t) for t in texts])
    monkeypatch.setattr(store_search, "POSTINGS_BUDGET", 10)
    monkeypatch.setattr(store_search, "COUNT_CAP", 20)
    statements: list[tuple[str, list]] = []
    query = memory_store.query
    monkeypatch.setattr(
        memory_store, "query", lambda sql, params=(): statements.append((sql, list(params))) or query(sql, params)
    )
    found = search_by_terms(memory_store, ["filibuster", "7.7", "senate", "budget", "tuesday"], 5)
    assert found[0].text == texts[-2]
    assert texts[-1] in {c.text for c in found}
    led_by_phrase = [p for _, params in statements for p in params if isinstance(p, str) and '"7.7"' in p and " AND " in p]
    assert not led_by_phrase
    assert any(p == '"7.7"' for _, params in statements for p in params)


def _insert_trigger(store) -> list:
    return store.query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'reference_claims_ai'")


def test_a_bulk_import_puts_the_insert_trigger_back_even_when_it_fails(store) -> None:
    before = _insert_trigger(store)
    assert len(before) == 1
    store.add_reference_claims([ReferenceDraft(text=f"Claim {i} about a pier") for i in range(store_search.BULK_INDEX_ROWS)])
    assert _insert_trigger(store) == before
    drafts = [ReferenceDraft(text=f"Claim {i} about a jetty") for i in range(store_search.BULK_INDEX_ROWS)]
    with store.write():
        with pytest.raises(Exception):
            store.add_reference_claims([*drafts, ReferenceDraft(text="bad \udcff text")])
        assert _insert_trigger(store) == before  # inside a transaction that goes on
    store.add_reference_claims([ReferenceDraft(text="A lone claim about a wharf")])
    _fts_is_consistent(store)
    assert [c.text for c in search_by_terms(store, ["wharf"], 5)] == ["A lone claim about a wharf"]
