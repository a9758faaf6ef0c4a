"""`claimdesk copy SOURCE TARGET`: a whole store copied to another store, SQLite or
PostgreSQL either way, then verified.

Every table's rows go across with their ids, in one transaction on the target, so the
target holds the whole store or nothing of it; derived data is not copied but made by
the target (its full-text index, or its generated search columns and term counts).
Afterwards the target's row counts must equal the source's and `doctor` must find
nothing wrong, or the copy is reported as failed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from store.connection import VERSION_TABLE
from store.db import Store, check_location
from store.engine import SQLITE, is_database_url, location_name
from store.errors import StoreError
from store.pgsearch import TERM_COUNT_TABLES
from store.search import index_new_references

# Tables in an order that puts every row after the rows it points at; tables added later
# by other migrations follow, by name.
TABLE_ORDER = (
    "feeds", "articles", "claims", "reference_claims", "feed_entries", "verdicts",
    "verdict_history", "claim_matches", "evidence", "new_evidence", "reference_embeddings",
)
# Bookkeeping and derived data: each store has its own (a PostgreSQL target's triggers
# count the terms of the rows copied in).
NOT_COPIED = {VERSION_TABLE, "fts_deferred", *TERM_COUNT_TABLES.values()}
BATCH_ROWS = 5_000

ProgressCallback = Callable[[str, int], None]


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]  # rows per table, equal in source and target


def data_tables(store: Store) -> list[str]:
    """The store's tables holding data (not full-text indexes or bookkeeping), in copy order."""
    if store.engine == SQLITE:
        rows = store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name NOT LIKE '%\\_fts%' ESCAPE '\\'"
        )
    else:
        rows = store.query(
            """SELECT table_name AS name FROM information_schema.tables
               WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"""
        )
    names = {row["name"] for row in rows} - NOT_COPIED
    return [t for t in TABLE_ORDER if t in names] + sorted(names - set(TABLE_ORDER))


def stored_columns(store: Store, table: str) -> list[str]:
    """A table's columns in order, leaving out those the database generates."""
    if store.engine == SQLITE:
        return [row["name"] for row in store.query(f'PRAGMA table_xinfo("{table}")')
                if row["hidden"] == 0]
    return [row["column_name"] for row in store.query(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
           ORDER BY ordinal_position""",
        [table],
    )]


def _rows(store: Store, table: str, columns: list[str]) -> Iterator[tuple]:
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'SELECT {names} FROM "{table}" ORDER BY 1'
    with store.lock:
        if store.engine == SQLITE:
            cursor = store.db.conn.execute(sql)
            while batch := cursor.fetchmany(BATCH_ROWS):
                yield from batch
        else:  # streamed from the server, not read into memory whole
            yield from store.db.conn.raw.cursor().stream(sql)


def _count(store: Store, table: str) -> int:
    return store.query(f'SELECT count(*) AS n FROM "{table}"')[0]["n"]


def copy_store(source_location: str | Path, target_location: str | Path,
               on_progress: ProgressCallback | None = None) -> CopyReport:
    """Copy the store at `source_location` into a new or empty store at
    `target_location`; returns the rows copied per table. Raises StoreError, with the
    target unchanged, when the source is missing, the target holds data, or the copy
    does not verify."""
    from store.doctor import check_store

    check_location(source_location)
    check_location(target_location)
    if not is_database_url(source_location) and not Path(source_location).expanduser().is_file():
        raise StoreError(f"There is no store at {source_location}; nothing was copied.")
    if str(source_location) == str(target_location):
        raise StoreError("The source and the target of a copy are the same store; nothing was copied.")
    source = _open(source_location, "source")
    try:
        target = _open(target_location, "target")
        try:
            counts = _copy(source, target, on_progress)
            failed = [f for f in check_store(target) if not f.ok]
        finally:
            target.close()
    finally:
        source.close()
    if failed:
        raise StoreError(
            f"The copy in {location_name(target_location)} does not pass doctor "
            f"({failed[0].check}: {failed[0].detail}); run claimdesk doctor on it."
        )
    return CopyReport(counts)


def _open(location: str | Path, role: str) -> Store:
    """The copy's source or target, opened; a store that cannot be opened is reported as
    the copy's source or target, with its fix in the copy's terms (it takes no --db)."""
    try:
        return Store(location if is_database_url(location) else Path(location).expanduser())
    except StoreError as exc:
        reason = re.sub(r" with --db\.$", ".", str(exc).rstrip())
        if role == "source":  # a source is read, not replaced: another path is the fix
            reason = reason.replace("move it away or choose another path.", "choose another path.")
        raise StoreError(f"The copy's {role}: {reason[:1].lower()}{reason[1:]} "
                         "Nothing was copied.") from exc


def _copy(source: Store, target: Store, on_progress: ProgressCallback | None) -> dict[str, int]:
    tables = data_tables(source)
    missing = sorted(set(tables) - set(data_tables(target)))
    if missing:
        raise StoreError(f"The target {target.name} has no table {missing[0]}; nothing was copied.")
    for table in data_tables(target):
        if _count(target, table):
            raise StoreError(
                f"The target {target.name} already holds data ({table}); copy into a new "
                "store or an empty database. Nothing was copied."
            )
    counts: dict[str, int] = {}
    with target.write() as conn:
        for table in tables:
            columns = [c for c in stored_columns(target, table)
                       if c in set(stored_columns(source, table))]
            expected = _count(source, table)
            rows = _rows(source, table, columns)
            if target.engine == SQLITE:
                indexing = (index_new_references(conn, expected) if table == "reference_claims"
                            else nullcontext())
                marks = ", ".join("?" for _ in columns)
                names = ", ".join(f'"{c}"' for c in columns)
                with indexing:
                    batch: list[tuple] = []
                    for row in rows:
                        batch.append(row)
                        if len(batch) >= BATCH_ROWS:
                            conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
                            batch = []
                    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
            else:
                _copy_into_postgres(target, table, columns, rows)
            counts[table] = _count(target, table)
            if counts[table] != expected:
                raise StoreError(
                    f"Copying {table} gave {counts[table]} rows in {target.name} for {expected} "
                    "in the source; nothing was copied."
                )
            if on_progress is not None:
                on_progress(table, counts[table])
    return counts


def _copy_into_postgres(target: Store, table: str, columns: list[str], rows: Iterator[tuple]) -> None:
    conn = target.db.conn
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.raw.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
    # Ids were copied as they were: the next id a new row gets follows the highest.
    for row in target.query(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'""",
        [table],
    ):
        column = row["column_name"]
        conn.execute(
            f"""SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max("{column}"), 0) + 1, false)
                FROM "{table}\"""",
            [f'"{table}"', column],
        )
