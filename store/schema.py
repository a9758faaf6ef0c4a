"""The schema, created and upgraded by ordered migrations.

`PRAGMA user_version` holds the schema version on SQLite, the table `claimdesk_schema`
on PostgreSQL. Each migration is a function that takes the store from version N-1 to N
inside one transaction; a store whose version is newer than this code knows is refused,
never touched.

The same migrations build both engines. On PostgreSQL a migration's `db` is a
`store.engine.PostgresSchema`, which gives the column types their PostgreSQL names; the
few steps with no common form (triggers, full-text indexes) branch on `engine_of(db)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by `store.connection.migration_database` when a migration runs
    import sqlite_utils

from store.engine import SQLITE, engine_of
from store.pgsearch import (
    add_search_column,
    create_term_count_triggers,
    create_term_counts,
    create_text_search_configuration,
)

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'inbox'
                CHECK (status IN ('inbox', 'done', 'archived')),
            dropped_count INTEGER NOT NULL DEFAULT 0,
            dropped_preview TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        """
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            score REAL NOT NULL,
            checkworthy INTEGER NOT NULL,
            reasons TEXT NOT NULL DEFAULT '[]',
            UNIQUE (article_id, position)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE reference_claims (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            rating TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            external_id TEXT NOT NULL DEFAULT '',
            content_key TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE verdicts (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            verdict TEXT CHECK (verdict IS NULL
                OR verdict IN ('corroborated', 'contested', 'unverified')),
            note TEXT NOT NULL DEFAULT '',
            checker TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        )
        """
    )
    # Append-only: every verdict or note change, with what it replaced, so that undo,
    # audits and "who changed what" never depend on the current row.
    db.execute(
        """
        CREATE TABLE verdict_history (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id),
            verdict TEXT,
            note TEXT NOT NULL DEFAULT '',
            checker TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            previous_verdict TEXT,
            previous_note TEXT NOT NULL DEFAULT '',
            batch TEXT NOT NULL DEFAULT ''
        )
        """
    )
    if engine_of(db) == SQLITE:
        # Kept as first written: SQLite stores a trigger's text, and stores made by
        # every version must have the same schema.
        for event in ("UPDATE", "DELETE"):
            db.execute(
                f"\n        CREATE TRIGGER verdict_history_no_{event.lower()} BEFORE {event} "
                "ON verdict_history\n"
                "        BEGIN SELECT RAISE(ABORT, 'verdict history is append-only'); END\n        "
            )
    else:
        db.execute_raw(
            """
            CREATE FUNCTION verdict_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'verdict history is append-only'; END $$
            """
        )
        db.execute_raw(
            """
            CREATE TRIGGER verdict_history_append_only BEFORE UPDATE OR DELETE ON verdict_history
            FOR EACH ROW EXECUTE FUNCTION verdict_history_append_only()
            """
        )
    db.execute(
        """
        CREATE TABLE claim_matches (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('reference', 'claim')),
            match_id INTEGER NOT NULL,
            score REAL NOT NULL,
            explanation TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (claim_id, rank)
        )
        """
    )
    db.execute("CREATE INDEX claims_article ON claims(article_id, position)")
    db.execute("CREATE INDEX verdict_history_claim ON verdict_history(claim_id, id)")
    if engine_of(db) == SQLITE:
        db["claims"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)
        db["reference_claims"].enable_fts(["text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    else:
        create_text_search_configuration(db)
        add_search_column(db, "claims", ["text"])
        add_search_column(db, "reference_claims", ["text"])


def _v2_sources_and_evidence(db: sqlite_utils.Database) -> None:
    """Feeds, evidence URLs, canonical article URLs and richer reference-claim fields."""
    db.execute("ALTER TABLE articles ADD COLUMN canonical_url TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE articles ADD COLUMN feed_id INTEGER")
    db.execute("CREATE INDEX articles_canonical_url ON articles(canonical_url)")
    db.execute("ALTER TABLE reference_claims ADD COLUMN language TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE reference_claims ADD COLUMN normalised_rating TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE reference_claims ADD COLUMN claimant TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            last_fetched TEXT NOT NULL DEFAULT '',
            last_error TEXT NOT NULL DEFAULT '',
            new_articles INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE feed_entries (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            entry_key TEXT NOT NULL,
            article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, entry_key)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            checker TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            UNIQUE (claim_id, url)
        )
        """
    )


def _v3_merged_claim_offsets(db: sqlite_utils.Database) -> None:
    """Offsets of the near-duplicate sentences merged into each claim, as JSON pairs."""
    db.execute("ALTER TABLE claims ADD COLUMN also_at TEXT NOT NULL DEFAULT '[]'")


def _v4_article_search(db: sqlite_utils.Database) -> None:
    """Full-text search over article titles and text (the desk's `/` search)."""
    if engine_of(db) != SQLITE:
        add_search_column(db, "articles", ["title", "text"])
        return
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize=FTS_TOKENIZE)


def _v5_reference_titles(db: sqlite_utils.Database) -> None:
    """A title for reference claims (a fact-check's headline), searched with the text;
    and bulk imports that index their rows once, after inserting them.

    Plain statements, not `enable_fts`: its `executescript` would commit the migration's
    transaction halfway. While `fts_deferred` names a table, that table's insert trigger
    does nothing, so a bulk insert can fill the index with one statement (several times
    faster than a row at a time); the flag is set and cleared inside one transaction,
    so no other connection ever sees it.
    """
    db.execute("ALTER TABLE reference_claims ADD COLUMN title TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE TABLE fts_deferred (table_name TEXT PRIMARY KEY)")
    if engine_of(db) != SQLITE:
        add_search_column(db, "reference_claims", ["text", "title"])
        return
    for suffix in ("ai", "ad", "au"):
        db.execute(f'DROP TRIGGER IF EXISTS "reference_claims_{suffix}"')
    db.execute('DROP TABLE IF EXISTS "reference_claims_fts"')
    db.execute(
        f"""CREATE VIRTUAL TABLE "reference_claims_fts" USING FTS5 (
                "text", "title", tokenize='{FTS_TOKENIZE}', content="reference_claims")"""
    )
    db.execute("""INSERT INTO "reference_claims_fts" ("reference_claims_fts") VALUES ('rebuild')""")
    db.execute(
        """CREATE TRIGGER "reference_claims_ai" AFTER INSERT ON "reference_claims"
           WHEN NOT EXISTS (SELECT 1 FROM fts_deferred WHERE table_name = 'reference_claims')
           BEGIN
             INSERT INTO "reference_claims_fts" (rowid, "text", "title")
             VALUES (new.rowid, new."text", new."title");
           END"""
    )
    db.execute(
        """CREATE TRIGGER "reference_claims_ad" AFTER DELETE ON "reference_claims" BEGIN
             INSERT INTO "reference_claims_fts" ("reference_claims_fts", rowid, "text", "title")
             VALUES ('delete', old.rowid, old."text", old."title");
           END"""
    )
    db.execute(
        """CREATE TRIGGER "reference_claims_au" AFTER UPDATE ON "reference_claims" BEGIN
             INSERT INTO "reference_claims_fts" ("reference_claims_fts", rowid, "text", "title")
             VALUES ('delete', old.rowid, old."text", old."title");
             INSERT INTO "reference_claims_fts" (rowid, "text", "title")
             VALUES (new.rowid, new."text", new."title");
           END"""
    )


def _v6_claim_speakers(db: sqlite_utils.Database) -> None:
    """Who said each claim, for the lines of a transcript ("" for an article's sentences)."""
    db.execute("ALTER TABLE claims ADD COLUMN speaker TEXT NOT NULL DEFAULT ''")


def _v7_new_evidence(db: sqlite_utils.Database) -> None:
    """Matches that arrived after a claim was judged and disagree with its verdict (a
    same-claim match rated false for a corroborated claim, true for a contested one);
    a claim's rows go when it is judged again."""
    db.execute(
        """
        CREATE TABLE new_evidence (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('reference', 'claim')),
            match_id INTEGER NOT NULL,
            score REAL NOT NULL,
            verdict TEXT NOT NULL,
            found_at TEXT NOT NULL,
            PRIMARY KEY (claim_id, kind, match_id)
        )
        """
    )


def _v8_reference_embeddings(db: sqlite_utils.Database) -> None:
    """Sentence embeddings of reference claims, made after an import by a background
    worker (`operations.embed_references`) and read when matching. `model` names the
    model that made `vector` (float16 bytes), so a new model's embeddings replace an old
    one's. A table apart from `reference_claims`: writing a column there would fire its
    full-text update trigger for every row."""
    db.execute(
        """
        CREATE TABLE reference_embeddings (
            reference_id INTEGER PRIMARY KEY REFERENCES reference_claims(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL
        )
        """
    )


def _v9_team_desk(db: sqlite_utils.Database) -> None:
    """Several desks on one store: a log of changes other desks poll, who has which
    article open (a heartbeat that expires), which checker an article is assigned to,
    and the review state of each claim (a request for review, and the editor's decision).

    Plain portable DDL: every statement here runs on each engine as written."""
    db.execute(
        """
        CREATE TABLE change_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            article_id INTEGER,
            claim_id INTEGER,
            checker TEXT NOT NULL DEFAULT '',
            at REAL NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE presence (
            desk TEXT PRIMARY KEY,
            checker TEXT NOT NULL,
            article_id INTEGER,
            seen_at REAL NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE assignments (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            checker TEXT NOT NULL,
            assigned_by TEXT NOT NULL DEFAULT '',
            assigned_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX assignments_checker ON assignments(checker)")
    # One row per claim that was ever sent to or settled by review. A request is open
    # while requested_at is set; a claim is reviewed while its verdict is still the one
    # the reviewer settled (reviewed_verdict), and disagreements in its history count
    # from the reviewer's decision (reviewed_history_id) on.
    db.execute(
        """
        CREATE TABLE reviews (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            requested_by TEXT NOT NULL DEFAULT '',
            requested_at TEXT NOT NULL DEFAULT '',
            proposed_verdict TEXT,
            reviewer TEXT NOT NULL DEFAULT '',
            reviewed_at TEXT NOT NULL DEFAULT '',
            reviewed_verdict TEXT,
            reviewed_history_id INTEGER NOT NULL DEFAULT 0
        )
        """
    )


def _v10_binary_reference_keys(db: sqlite_utils.Database) -> None:
    """Reference claims' identity keys as 16 bytes (the first half of the SHA-256 that the
    64 hex characters spelled): the unique index on them, which every import rewrites
    page by page because the keys land at random places, is a third of the size.

    SQLite keeps the column's declared type (changing it means rebuilding the table and
    its full-text index); a TEXT column stores a blob as it is. The update trigger is
    taken away for the rewrite, so the unchanged text is not indexed again."""
    if engine_of(db) != SQLITE:
        db.execute_raw(
            "ALTER TABLE reference_claims ALTER COLUMN content_key TYPE bytea "
            "USING decode(substr(content_key, 1, 32), 'hex')"
        )
        return
    db.conn.create_function("claimdesk_hex_key", 1, _hex_key_bytes, deterministic=True)
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'reference_claims_au'"
    ).fetchone()[0]
    db.execute('DROP TRIGGER "reference_claims_au"')
    db.execute("UPDATE reference_claims SET content_key = claimdesk_hex_key(content_key)")
    db.execute(trigger)


def _hex_key_bytes(key: str | bytes) -> bytes:
    if isinstance(key, bytes):
        return key
    try:
        if len(key) == 64:
            return bytes.fromhex(key[:32])
    except ValueError:
        pass
    # Not a key this code wrote: still unique, and never equal to a new claim's key.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:16]


def _v11_term_document_counts(db: sqlite_utils.Database) -> None:
    """On PostgreSQL, how many reference claims hold each lexeme, in a table that
    triggers keep exact with every write (`store.pgsearch.create_term_counts`): matching
    reads a term's document count with one index lookup instead of gathering its rows
    from the GIN index. SQLite's FTS5 index counts a term by reading its posting list,
    which is cheap there; it has nothing to add."""
    if engine_of(db) != SQLITE:
        create_term_counts(db, "reference_claims")


def _v12_term_counts_in_one_pass(db: sqlite_utils.Database) -> None:
    """On PostgreSQL, the trigger keeping the term counts counts an insert's lexemes and
    gathers the rare ones' ids in one pass over the new rows instead of two (an import's
    counting takes about half the server time it did at 200,000 claims). The counts
    themselves are unchanged, so nothing is recounted. SQLite has nothing to change."""
    if engine_of(db) != SQLITE:
        create_term_count_triggers(db, "reference_claims")


# Index i holds the migration to version i + 1. Append only; never edit a released one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial,
    _v2_sources_and_evidence,
    _v3_merged_claim_offsets,
    _v4_article_search,
    _v5_reference_titles,
    _v6_claim_speakers,
    _v7_new_evidence,
    _v8_reference_embeddings,
    _v9_team_desk,
    _v10_binary_reference_keys,
    _v11_term_document_counts,
    _v12_term_counts_in_one_pass,
]

SCHEMA_VERSION = len(MIGRATIONS)
