"""`claimdesk doctor`: checks a store and, on request, repairs its full-text indexes.

Checks: SQLite's own integrity check, the schema version, each FTS5 index against the
table it indexes, and rows that point at something no longer there. Only the FTS
indexes are repaired (they are derived data, rebuilt from their tables); everything
else is reported, never deleted, because it is the user's work.

On PostgreSQL the server checks its own pages, and the full-text columns are generated
by it from their rows, so they cannot drift; doctor checks that each is there, and that
the term counts have the triggers, and the trigger function, that keep them (repaired
by recounting the table).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.db import Store
from store.engine import SQLITE, PostgresSchema
from store.pgsearch import (
    TERM_COUNT_TABLES,
    create_term_counts,
    term_count_function,
    term_count_function_body,
)
from store.schema import SCHEMA_VERSION

FTS_TABLES = ("claims_fts", "reference_claims_fts", "articles_fts")

# (what is checked, SQL counting the rows that fail it)
ORPHAN_CHECKS = (
    ("claims without their article",
     "SELECT count(*) FROM claims c LEFT JOIN articles a ON a.id = c.article_id WHERE a.id IS NULL"),
    ("verdicts without their claim",
     "SELECT count(*) FROM verdicts v LEFT JOIN claims c ON c.id = v.claim_id WHERE c.id IS NULL"),
    ("history rows without their claim",
     "SELECT count(*) FROM verdict_history h LEFT JOIN claims c ON c.id = h.claim_id WHERE c.id IS NULL"),
    ("saved matches without their claim",
     "SELECT count(*) FROM claim_matches m LEFT JOIN claims c ON c.id = m.claim_id WHERE c.id IS NULL"),
    ("saved matches pointing at a missing reference claim",
     "SELECT count(*) FROM claim_matches m LEFT JOIN reference_claims r ON r.id = m.match_id "
     "WHERE m.kind = 'reference' AND r.id IS NULL"),
    ("evidence without its claim",
     "SELECT count(*) FROM evidence e LEFT JOIN claims c ON c.id = e.claim_id WHERE c.id IS NULL"),
    ("claims whose offsets fall outside their article",
     'SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id '
     'WHERE c.start < 0 OR c."end" > length(a.text) OR c.start > c."end"'),
)


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    repaired: bool = False


def check_store(store: Store, *, repair: bool = False) -> list[Finding]:
    """Every check's finding, in order; with `repair`, broken FTS indexes are rebuilt
    (on PostgreSQL, term counts without their triggers are counted again)."""
    findings = []
    if store.engine == SQLITE:
        integrity = [row["integrity_check"] for row in store.query("PRAGMA integrity_check")]
        findings.append(Finding("integrity", integrity == ["ok"], "; ".join(integrity[:5])))
    else:
        findings.append(Finding("integrity", True, "kept by the PostgreSQL server"))
    version = store.schema_version
    findings.append(Finding("schema version", version == SCHEMA_VERSION,
                            f"{version} (this claimdesk: {SCHEMA_VERSION})"))
    if store.engine == SQLITE:
        for table in FTS_TABLES:
            findings.append(_check_fts(store, table, repair))
    else:
        for table in SEARCH_COLUMN_TABLES:
            findings.append(_check_search_column(store, table))
        for table in TERM_COUNT_TABLES:
            findings.append(_check_term_counts(store, table, repair))
    for what, sql in ORPHAN_CHECKS:
        count = store.query(sql.replace("SELECT count(*)", "SELECT count(*) AS n", 1))[0]["n"]
        findings.append(Finding(what, count == 0, f"{count} found"))
    return findings


SEARCH_COLUMN_TABLES = ("claims", "reference_claims", "articles")


def _check_search_column(store: Store, table: str) -> Finding:
    rows = store.query(
        """SELECT is_generated FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'search'""",
        [table],
    )
    ok = bool(rows) and rows[0]["is_generated"] == "ALWAYS"
    return Finding(f"full-text column {table}.search", ok,
                   "generated from its row" if ok else "missing; the schema is damaged")


def _check_term_counts(store: Store, table: str, repair: bool) -> Finding:
    counts = TERM_COUNT_TABLES[table]
    check = f"term counts {counts}"
    events = {"insert", "update", "delete", "truncate"}
    found = {row["event"] for row in store.query(
        """SELECT substr(tgname, length(?) + 2) AS event FROM pg_trigger
           WHERE tgrelid = to_regclass(?) AND tgname LIKE ? AND tgenabled != 'D'""",
        [counts, table, f"{counts}\\_%"],
    )}
    present = store.query("SELECT to_regclass(?) IS NOT NULL AS present", [counts])[0]["present"]
    if present and events <= found:
        current = store.query(
            "SELECT prosrc = ? AS current FROM pg_proc WHERE oid = to_regproc(?)",
            [term_count_function_body(table), term_count_function(table)],
        )
        if current and current[0]["current"]:
            return Finding(check, True, "kept by their triggers")
        if not repair:
            return Finding(check, False, "kept by a changed or missing trigger function; run with --repair")
    elif not repair:
        return Finding(check, False, "missing or not kept by their triggers; run with --repair")
    with store.write() as conn:
        create_term_counts(PostgresSchema(conn), table)
    return Finding(check, True, "counted again from their table", repaired=True)


def _check_fts(store: Store, table: str, repair: bool) -> Finding:
    check = f"full-text index {table}"
    try:
        _fts_integrity_check(store, table)
        return Finding(check, True, "matches its table")
    except sqlite3.DatabaseError as exc:
        if not repair:
            return Finding(check, False, f"does not match its table ({exc}); run with --repair")
    with store.write() as conn:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    _fts_integrity_check(store, table)
    return Finding(check, True, "rebuilt from its table", repaired=True)


def _fts_integrity_check(store: Store, table: str) -> None:
    """Raises sqlite3.DatabaseError when the index does not match its table.

    Run outside `Store.write()`, which would turn the expected error into a StoreError;
    rank = 1 makes FTS5 compare the index with the external content table.
    """
    with store.lock:
        store.db.conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
