"""Bulk inserts on PostgreSQL through COPY, the server's fast path for many rows: the
rows are streamed into a temporary table, then moved into the store's table with one
INSERT ... SELECT that skips duplicates as the row-by-row insert does (ON CONFLICT DO
NOTHING on the table's unique key). SQLite's bulk path is in `store/references.py` and
`store/search.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from store.engine import PostgresConnection

if TYPE_CHECKING:
    from store.connection import StoreConnection

# The columns of reference_claims an import writes, in the order of
# `store.references._reference_rows`.
REFERENCE_COLUMNS = ("text", "title", "source", "url", "rating", "date", "external_id", "language",
                     "normalised_rating", "claimant", "content_key", "added_at")
STAGING_TABLE = "reference_claims_incoming"


def copy_reference_rows(conn: PostgresConnection, batches: Iterable[Sequence[tuple]]) -> tuple[int, int]:
    """Inside the caller's write transaction: store the rows of `batches` (lists of
    reference_claims rows); returns (added, skipped as duplicates)."""
    names = ", ".join(REFERENCE_COLUMNS)
    # Same column types as the table (CREATE TABLE AS keeps them), no constraints, emptied
    # at commit; created once per connection.
    conn.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS {STAGING_TABLE} ON COMMIT DELETE ROWS AS
            SELECT {names} FROM reference_claims WITH NO DATA"""
    )
    conn.execute(f"TRUNCATE {STAGING_TABLE}")
    total = 0
    with conn.raw.cursor().copy(f"COPY {STAGING_TABLE} ({names}) FROM STDIN") as copy:
        for rows in batches:
            total += len(rows)
            for row in rows:
                copy.write_row(row)
    if not total:
        return 0, 0
    # A temporary table is read by one process (never in parallel), so a plain scan
    # returns the rows in the order they were copied and ids follow the file's order.
    # Rows already stored are left out before the insert: the server would otherwise
    # compute each one's search vector (a generated column) only to find the conflict.
    added = conn.execute(
        f"""INSERT INTO reference_claims ({names})
            SELECT {names} FROM {STAGING_TABLE} AS incoming
            WHERE NOT EXISTS (SELECT 1 FROM reference_claims AS stored
                              WHERE stored.content_key = incoming.content_key)
            ON CONFLICT DO NOTHING"""
    ).rowcount
    conn.execute(f"TRUNCATE {STAGING_TABLE}")
    return added, total - added


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
