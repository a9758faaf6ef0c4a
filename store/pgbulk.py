"""Bulk inserts on PostgreSQL through COPY, the server's fast path for many rows.

Reference claims are copied straight into their table, so the server computes each
row's search vector and index entries while the rows are still being read and sent
(the client's work and the server's overlap), and the term counts' trigger runs once
for the whole import. COPY has no ON CONFLICT, so only rows known to be new are sent:
the keys of each batch are looked up among the stored rows first, and repeats within
the import are caught by the keys already sent. SQLite's bulk path is in
`store/references.py` and `store/search.py`.

Reference embeddings go the same way: copied straight in when none of them is stored
yet (the embedding run after an import), else upserted from two binary arrays in one
statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from store.engine import PostgresConnection

if TYPE_CHECKING:
    from store.connection import StoreConnection

# The columns of reference_claims an import writes, in the order of
# `store.references._reference_rows`.
REFERENCE_COLUMNS = ("text", "title", "source", "url", "rating", "date", "external_id", "language",
                     "normalised_rating", "claimant", "content_key", "added_at")
KEY = REFERENCE_COLUMNS.index("content_key")
# Keys passed as a binary array (bytea[], or text[] for a store before schema version
# 10): a tenth of the client's time of the text form.
STORED_KEYS = """SELECT k FROM unnest(%b) AS k
                 WHERE EXISTS (SELECT 1 FROM reference_claims WHERE content_key = k)"""


def copy_reference_rows(conn: PostgresConnection, batches: Iterable[Sequence[tuple]]) -> tuple[int, int]:
    """Inside the caller's write transaction: store the rows of `batches` (lists of
    reference_claims rows) whose keys are not stored yet; returns (added, skipped as
    duplicates).

    The first batch's keys are looked up on `conn` before the COPY begins. While it
    runs `conn` is busy, so the later batches' keys are looked up on a second
    connection (opened only for an import of more than one batch), which sees only
    committed rows: the store's write lock, which every claimdesk writer takes, keeps
    those as they were until the commit, and the import's own rows are in `sent`. (A
    writer that bypassed claimdesk and stored one of the keys meanwhile would make the
    unique index refuse the COPY: the import fails whole, nothing half-stored.) A
    transaction that has written before this call (a caller storing several imports
    in one transaction) may hold reference claims the second connection cannot see;
    there, and when the server refuses a second connection, each batch is looked up
    on `conn` and copied apart."""
    batches = iter(batches)
    rows = next(batches, None)
    if not rows:
        return 0, 0
    following = next(batches, None)
    unwritten = conn.execute("SELECT pg_current_xact_id_if_assigned() IS NULL").fetchone()[0]
    reader = _look_up_connection(conn) if following and unwritten else None
    sent: set = set()
    total = 0
    try:
        while rows:
            total += len(rows)
            new = _new_rows(rows, _stored_keys(conn, rows), sent)
            with _copy(conn, key_type="bytea" if isinstance(rows[0][KEY], bytes) else "text") as copy:
                for row in new:
                    copy.write_row(row)
                while reader is not None and following:
                    total += len(following)
                    for row in _new_rows(following, _stored_keys(reader, following), sent):
                        copy.write_row(row)
                    following = next(batches, None)
            rows = following
            following = next(batches, None) if rows else None
    finally:
        if reader is not None:
            reader.close()
    return len(sent), total - len(sent)


def _look_up_connection(conn: PostgresConnection) -> PostgresConnection | None:
    """A second connection to the store, or None when the server refuses one (at its
    connection limit, say)."""
    try:
        return PostgresConnection(conn.url)
    except ConnectionError:
        return None


@contextmanager
def _copy(conn: PostgresConnection, key_type: str) -> Iterator:
    """A binary COPY into reference_claims: a fifth less CPU a row than text, on each side."""
    names = ", ".join(REFERENCE_COLUMNS)
    with conn.raw.cursor().copy(f"COPY reference_claims ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([key_type if column == "content_key" else "text" for column in REFERENCE_COLUMNS])
        yield copy


def _stored_keys(conn: PostgresConnection, rows: Sequence[tuple]) -> set:
    found = conn.raw.cursor(binary=True).execute(STORED_KEYS, [[row[KEY] for row in rows]])
    return {key for (key,) in found}


def _new_rows(rows: Sequence[tuple], stored: set, sent: set) -> list[tuple]:
    """The rows whose keys are neither stored nor already sent, adding theirs to `sent`."""
    new = []
    for row in rows:
        key = row[KEY]
        if key not in stored and key not in sent:
            sent.add(key)
            new.append(row)
    return new


def tidy_after_copy(store: StoreConnection) -> None:
    """After a large import has committed: VACUUM marks the new pages all-visible and
    sets their rows' commit hints once, so the first searches do not, and counting a
    phrase's documents (`store.pgsearch.count_terms`) reads the index alone instead of
    every matching row (53 -> 0.9 ms a term at 100,000 claims); ANALYZE gives the
    planner the table's new size. Autovacuum would get there too, but minutes later.
    Skipped inside a longer transaction (VACUUM cannot run in one)."""
    with store.lock:
        if not (store.db.conn.in_transaction or store._writing):
            store.query("VACUUM (ANALYZE) reference_claims")


# Of a batch of embeddings: how many are of reference claims still stored and not embedded
# yet (by any model), so that COPY, which has no ON CONFLICT, can take them.
_UNEMBEDDED_STORED = """SELECT count(*) FROM unnest(%b::bigint[]) AS t(id)
                        WHERE EXISTS (SELECT 1 FROM reference_claims r WHERE r.id = t.id)
                          AND NOT EXISTS (SELECT 1 FROM reference_embeddings e WHERE e.reference_id = t.id)"""
# The rest: each vector replaces the claim's stored one (whatever model made it), and a
# vector of a claim no longer stored is left out.
_UPSERT_EMBEDDINGS = """INSERT INTO reference_embeddings (reference_id, model, vector)
                        SELECT t.id, %b, t.vector FROM unnest(%b::bigint[], %b::bytea[]) AS t(id, vector)
                        WHERE EXISTS (SELECT 1 FROM reference_claims r WHERE r.id = t.id)
                        ON CONFLICT (reference_id) DO UPDATE SET model = excluded.model,
                            vector = excluded.vector
                        RETURNING reference_id"""


def save_embeddings(conn: PostgresConnection, model: str, rows: Sequence[tuple[int, bytes]]) -> int:
    """Inside the caller's write transaction (whose lock keeps other claimdesk writers
    out between the look-up and the write): store `rows` (reference id, vector) made by
    `model`; returns how many rows were of claims still stored, as SQLite's row count
    of one upsert per row would.

    One COPY or one statement a batch, not one a row: a tenth of the client's time, and
    on the server COPY is the cheapest way in for new rows (bench/NOTES.md)."""
    ids = [reference_id for reference_id, _ in rows]
    if not ids:
        return 0
    cursor = conn.raw.cursor(binary=True)
    distinct = len(set(ids)) == len(ids)
    if distinct and cursor.execute(_UNEMBEDDED_STORED, [ids]).fetchone()[0] == len(ids):
        columns = "reference_embeddings (reference_id, model, vector)"
        with cursor.copy(f"COPY {columns} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "text", "bytea"])
            for reference_id, vector in rows:
                copy.write_row((reference_id, model, vector))
        return len(ids)
    # One row an id (an upsert may not touch a row twice), the last vector winning, as
    # one statement a row would leave it.
    last = dict(rows)
    saved = {reference_id for (reference_id,) in cursor.execute(
        _UPSERT_EMBEDDINGS, [model, list(last), list(last.values())])}
    return sum(reference_id in saved for reference_id in ids)
