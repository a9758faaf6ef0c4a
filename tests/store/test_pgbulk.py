"""Bulk imports of reference claims on PostgreSQL (`store/pgbulk.py`): rows go straight
into their table by COPY, so duplicates are left out before they are sent: claims
already stored (looked up on a second connection once the COPY runs) and claims
repeated within the import. Batches are made tiny here so that every import spans
several of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import store.references as store_references
from store import Store, search
from store.models import ReferenceDraft


@pytest.fixture
def pg_store(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(store_references, "INSERT_ROWS", 7)
    s = Store(postgres_url)
    yield s
    s.close()


def _draft(i: int) -> ReferenceDraft:
    return ReferenceDraft(f"Ferry {i} ran late on route w{i % 9}x", source="test", url=f"test:{i}")


def _texts_in_id_order(store: Store) -> list[str]:
    return [row["text"] for row in store.query("SELECT text FROM reference_claims ORDER BY id")]


def _kept_term_counts(store: Store) -> list[dict]:
    return store.query(
        """SELECT lexeme, documents, ARRAY(SELECT unnest(ids) ORDER BY 1) AS ids
           FROM reference_claims_term_counts ORDER BY lexeme""")


def _recounted_term_counts(store: Store) -> list[dict]:
    return store.query(
        """SELECT lexeme, count(*) AS documents, array_agg(id ORDER BY id) AS ids
           FROM reference_claims, unnest(tsvector_to_array(search)) AS lexeme
           GROUP BY lexeme ORDER BY lexeme""")


def _backends(store: Store) -> int:
    return store.query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()")[0]["n"]


def test_stored_and_repeated_claims_are_skipped_in_every_batch(pg_store: Store) -> None:
    assert pg_store.add_reference_claims(_draft(i) for i in (100, 101, 102)) == (3, 0)
    backends = _backends(pg_store)
    # Stored claims in the first batch and in later ones; claims repeated within a batch
    # and across batches; 41 rows in six batches.
    order = [0, 1, 100, 2, 3, 3, 4, *range(5, 20), 101, 1, 2, *range(20, 34), 102, 19]
    assert len(order) == 41
    assert pg_store.add_reference_claims(_draft(i) for i in order) == (34, 7)
    assert _texts_in_id_order(pg_store) == [_draft(i).text for i in (100, 101, 102, *range(34))]
    assert _kept_term_counts(pg_store) == _recounted_term_counts(pg_store)
    assert search.term_document_counts(pg_store, ["ferry", "w3x"]) == {"ferry": 37, "w3x": 5}
    assert _backends(pg_store) == backends  # the look-up connection is gone
    assert pg_store.add_reference_claims(_draft(i) for i in order) == (0, 41)


def test_imports_sharing_one_transaction_skip_each_others_claims(pg_store: Store) -> None:
    with pg_store.write():
        assert pg_store.add_reference_claims(_draft(i) for i in range(20)) == (20, 0)
        # The second import's later batches repeat the first one's claims, which only
        # this transaction can see yet.
        order = [*range(20, 27), *range(20), *range(27, 45)]
        assert pg_store.add_reference_claims(_draft(i) for i in order) == (25, 20)
    assert _texts_in_id_order(pg_store) == [_draft(i).text for i in range(45)]
    assert _kept_term_counts(pg_store) == _recounted_term_counts(pg_store)


def test_a_failed_import_stores_nothing_and_never_holds_up_searches(
    pg_store: Store, postgres_url: str
) -> None:
    assert pg_store.add_reference_claims(_draft(i) for i in range(5)) == (5, 0)
    kept = _kept_term_counts(pg_store)
    desk = Store(postgres_url)
    seen_meanwhile = []

    class Interrupted(Exception):
        pass

    def drafts() -> Iterator[ReferenceDraft]:
        for i in range(5, 40):
            if i == 30:  # the COPY has been running for three batches
                desk.query("SET lock_timeout = '1s'")
                seen_meanwhile.append(desk.count("reference_claims"))
                seen_meanwhile.extend(
                    c.text for c in search.search_by_terms(desk, ["ferry", "w2x"], kinds=("reference",)))
                raise Interrupted
            yield _draft(i)

    try:
        with pytest.raises(Interrupted):
            pg_store.add_reference_claims(drafts())
        # Only what was committed, the best match first.
        assert seen_meanwhile[:2] == [5, _draft(2).text]
        assert sorted(seen_meanwhile[1:]) == sorted(_draft(i).text for i in range(5))
        assert _texts_in_id_order(pg_store) == [_draft(i).text for i in range(5)]
        assert _kept_term_counts(pg_store) == kept
        assert pg_store.add_reference_claims(_draft(i) for i in range(40)) == (35, 5)
    finally:
        desk.close()


def test_without_a_second_connection_each_batch_is_looked_up_and_copied_apart(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.pgbulk as pgbulk

    def refused(url: str) -> None:
        raise ConnectionError("sorry, too many clients already")

    monkeypatch.setattr(pgbulk, "PostgresConnection", refused)
    assert pg_store.add_reference_claims(_draft(i) for i in (100, 101)) == (2, 0)
    order = [*range(10), 100, *range(5), *range(10, 20), 101, 19]
    assert pg_store.add_reference_claims(_draft(i) for i in order) == (20, 8)
    assert _texts_in_id_order(pg_store) == [_draft(i).text for i in (100, 101, *range(20))]
    assert _kept_term_counts(pg_store) == _recounted_term_counts(pg_store)
