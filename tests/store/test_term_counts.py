"""Term document counts, which choose the terms a search reads, stay exact through every
write of reference claims, on both engines: a bulk import, a small add, an edit, a
delete, and a write that is rolled back.

Words are made-up tokens ("w3x") that neither engine's stemmer changes, so the expected
counts come from the rows the test wrote, counted here."""

from __future__ import annotations

import pytest

from store import Store, search
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft

WORDS = [f"w{n}x" for n in range(30)]


def _draft(i: int) -> ReferenceDraft:
    # Row i holds a few words in its text, and sometimes one (maybe the same) in its title.
    text = f"Claim {i}: {WORDS[i % 7]} and {WORDS[7 + i % 11]} said {WORDS[7 + i % 11]}"
    title = WORDS[(i * 3) % 30] if i % 4 == 0 else ""
    return ReferenceDraft(text=text, title=title, source="test", url=f"test:{i}")


def _expected(rows: dict[int, tuple[str, str]]) -> dict[str, int]:
    counts = dict.fromkeys(WORDS, 0)
    for text, title in rows.values():
        for word in set(f"{text} {title}".replace(":", " ").split()) & set(WORDS):
            counts[word] += 1
    return counts


def _stored(store: Store) -> dict[int, tuple[str, str]]:
    return {row["id"]: (row["text"], row["title"])
            for row in store.query("SELECT id, text, title FROM reference_claims")}


def _counts(store: Store) -> dict[str, int]:
    return search.term_document_counts(store, WORDS, cap=1_000_000)


def test_counts_stay_exact_through_import_add_edit_delete_and_rollback(store: Store) -> None:
    assert _counts(store) == dict.fromkeys(WORDS, 0)
    assert store.add_reference_claims(_draft(i) for i in range(600)) == (600, 0)  # the bulk path
    rows = _stored(store)
    assert _counts(store) == _expected(rows)
    assert store.add_reference_claims([_draft(i) for i in range(595, 610)]) == (10, 5)
    rows = _stored(store)
    assert len(rows) == 610 and _counts(store) == _expected(rows)

    with store.write() as conn:
        conn.execute("UPDATE reference_claims SET text = ?, title = ? WHERE id = 3",
                     [f"Edited: {WORDS[29]} only", WORDS[29]])
        conn.execute("DELETE FROM reference_claims WHERE id % 5 = 0")
    rows = _stored(store)
    assert len(rows) == 610 - 122 and rows[3] == (f"Edited: {WORDS[29]} only", WORDS[29])
    expected = _expected(rows)
    assert _counts(store) == expected

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned):
        with store.write() as conn:
            conn.execute("DELETE FROM reference_claims WHERE id < 100")
            conn.execute(
                "INSERT INTO reference_claims (text, content_key, added_at) VALUES (?, ?, ?)",
                [f"{WORDS[0]} {WORDS[1]}", b"k" * 16, "2026-01-01T00:00:00+00:00"],
            )
            raise Abandoned
    assert _counts(store) == expected

    with store.write() as conn:
        conn.execute("DELETE FROM reference_claims")
    assert _counts(store) == dict.fromkeys(WORDS, 0)


def test_counts_answer_a_term_as_the_index_stems_it(store: Store) -> None:
    store.add_reference_claims([
        ReferenceDraft("Ferries run late in al-Duhur"),
        ReferenceDraft("The ferry ran late", title="Running ferries"),
        ReferenceDraft("Buses are on time"),
    ])
    counts = search.term_document_counts(store, ["ferries", "al-Duhur", "late", "absent", "..."])
    assert counts == {"ferries": 2, "al-Duhur": 1, "late": 2, "absent": 0, "...": 0}
    assert search.term_document_counts(store, ["late", "ferries"], cap=1) == {"late": 1, "ferries": 1}


def test_a_phrase_count_follows_adds_and_deletes_of_rows_holding_its_words(store: Store) -> None:
    # "obama's" is a phrase to both engines (obama, then s): counted from the index, and
    # on PostgreSQL kept until a row holding both words comes or goes.
    store.add_reference_claims([
        ReferenceDraft("Obama's plan for ferries", url="t:1"),
        ReferenceDraft("Obama said his plan is the ferry's", url="t:2"),  # both words, apart
    ])
    assert search.term_document_counts(store, ["obama's", "plan"]) == {"obama's": 1, "plan": 2}
    store.add_reference_claims([ReferenceDraft("Obama's budget", url="t:3")])
    assert search.term_document_counts(store, ["obama's"]) == {"obama's": 2}
    assert search.term_document_counts(store, ["obama's"]) == {"obama's": 2}
    with store.write() as conn:  # not the newest row: the highest id stays
        conn.execute("DELETE FROM reference_claims WHERE url = 't:1'")
    assert search.term_document_counts(store, ["obama's"]) == {"obama's": 1}
    with store.write() as conn:
        conn.execute("DELETE FROM reference_claims WHERE url = 't:2'")
    assert search.term_document_counts(store, ["obama's", "buses'"]) == {"obama's": 1, "buses'": 0}
    with store.write() as conn:
        conn.execute("DELETE FROM reference_claims WHERE url = 't:3'")
    assert search.term_document_counts(store, ["obama's"]) == {"obama's": 0}


def test_claims_counts_of_several_terms_come_together_and_capped(store: Store) -> None:
    for n in range(3):
        store.add_article(
            ArticleDraft(title=f"Ferries {n}", text=f"The ferry fares rose in al-Duhur {n}.",
                         url=f"https://news.example/{n}"),
            [ClaimDraft(text=f"The ferry fares rose in al-Duhur {n}.", start=0, end=35, score=1.0,
                        checkworthy=True)])
    terms = ["ferry", "al-Duhur", "fares", "absent", "..."]
    assert search.term_document_counts(store, terms, kind="claim") == {
        "ferry": 3, "al-Duhur": 3, "fares": 3, "absent": 0, "...": 0}
    assert search.term_document_counts(store, ["fares", "al-Duhur"], kind="claim", cap=2) == {
        "fares": 2, "al-Duhur": 2}


def test_article_claims_counts_follow_their_index_from_empty_to_filled_and_back(store: Store) -> None:
    # A store of reference claims alone: the article claims' index is empty, and its
    # counts are zero without being asked term by term.
    store.add_reference_claims(_draft(i) for i in range(20))
    assert search.term_document_counts(store, WORDS[:3], kind="claim") == dict.fromkeys(WORDS[:3], 0)
    text = f"{WORDS[0]} rose. {WORDS[0]} and {WORDS[1]} fell."
    article_id, _ = store.add_article(
        ArticleDraft(title="Markets", text=text, source="test", url="test:article"),
        [ClaimDraft(f"{WORDS[0]} rose.", 0, 10, 0.9, True),
         ClaimDraft(f"{WORDS[0]} and {WORDS[1]} fell.", 11, len(text), 0.9, True)],
    )
    assert search.term_document_counts(store, WORDS[:3], kind="claim") == {
        WORDS[0]: 2, WORDS[1]: 1, WORDS[2]: 0}
    with store.write() as conn:
        conn.execute("DELETE FROM claims WHERE article_id = ?", [article_id])
    assert search.term_document_counts(store, WORDS[:3], kind="claim") == dict.fromkeys(WORDS[:3], 0)
