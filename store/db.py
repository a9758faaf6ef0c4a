"""The store: articles, claims, reference claims, verdicts with their append-only
history, and saved matches, in one SQLite file (WAL mode; the default) or in a
PostgreSQL database (`postgresql://` URL; see `store.engine`).

Every SQL statement in claimdesk lives in this package. Writes run inside transactions
that exclude other writers (`BEGIN IMMEDIATE` on SQLite, an advisory lock on
PostgreSQL), so a batch is wholly there or wholly absent, read-then-write is safe, and a
second writer waits (busy timeout) instead of failing at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from store.changes import log_change
from store.engine import (
    BUSY_SQLSTATES,
    BUSY_TIMEOUT_MS,
    POSTGRES_DIALECT,
    POSTGRESQL,
    SQLITE,
    SQLITE_DIALECT,
    WRITE_LOCK_KEY,
    PostgresConnection,
    PostgresDatabase,
    PostgresSchema,
    database_errors,
    is_database_url,
    location_name,
    postgres_environmental,
    postgres_unreachable,
    unreachable_reason,
)
from store.errors import StoreError, StoreUnreachable, UnknownIdError, VerdictConflict
from store.filters import VERDICT_SET, filter_conditions
from store.models import (
    VERDICTS,
    Article,
    ArticleDraft,
    ArticleSummary,
    Candidate,
    Claim,
    ClaimDraft,
    Evidence,
    Match,
    ReferenceDraft,
    VerdictChange,
    VerdictClash,
    VerdictRecord,
)
from store.schema import MIGRATIONS, SCHEMA_VERSION
from store.search import BULK_INDEX_ROWS, index_new_references, search_fts

# Reference claims are turned into rows and inserted this many at a time.
INSERT_ROWS = 10_000
# The table holding a PostgreSQL store's schema version (SQLite's is PRAGMA user_version).
VERSION_TABLE = "claimdesk_schema"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    """The article identity used to skip re-ingesting the same text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def reference_key(draft: ReferenceDraft) -> bytes:
    """Identity of a reference claim: the same text from the same source and URL (the
    first 16 bytes of a SHA-256, plenty against accidental collisions, and a small index)."""
    parts = (" ".join(draft.text.split()).casefold(), draft.source.strip(), draft.url.strip())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:16]


def _reference_rows(drafts: Iterator[ReferenceDraft], stamp: str) -> list[tuple]:
    """The next `INSERT_ROWS` drafts as rows of reference_claims."""
    return [
        (draft.text, draft.title, draft.source, draft.url, draft.rating, draft.date,
         draft.external_id, draft.language, draft.normalised_rating, draft.claimant,
         reference_key(draft), stamp)
        for draft in itertools.islice(drafts, INSERT_ROWS)
    ]


@dataclass(frozen=True)
class ExportFilter:
    """Which verdicts a report covers; empty fields mean no restriction."""

    article_id: int | None = None
    source: str | None = None
    verdicts: tuple[str, ...] = ()
    checker: str | None = None
    since: str | None = None
    until: str | None = None
    speaker: str | None = None  # one speaker's lines of the stored transcripts
    reviewed_only: bool = False  # only verdicts an editor settled in review (store.team)


ARTICLE_COLUMNS = ", ".join(field.name for field in dataclasses.fields(Article))

# An inbox row: the article with its check-worthy claims and how many of them are judged
# (fields of `ArticleSummary`); callers add the WHERE clause after `FROM articles a`.
ARTICLE_SUMMARY_SELECT = """SELECT a.id, a.title, a.source, a.published, a.added_at, a.status,
        (SELECT count(*) FROM claims c WHERE c.article_id = a.id AND c.checkworthy = 1) AS claims,
        (SELECT count(*) FROM claims c JOIN verdicts v ON v.claim_id = c.id
             WHERE c.article_id = a.id AND c.checkworthy = 1 AND v.verdict IS NOT NULL) AS judged
    FROM articles a"""


def _verdict_and_note(conn: sqlite3.Connection, claim_id: int) -> tuple[str | None, str]:
    row = conn.execute("SELECT verdict, note FROM verdicts WHERE claim_id = ?", [claim_id]).fetchone()
    return (row[0], row[1]) if row else (None, "")


# A claim whose verdict is still the one an editor settled in review (`store.team`).
REVIEWED_CONDITION = """EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = v.claim_id
                        AND r.reviewed_at != '' AND r.reviewed_verdict = v.verdict)"""


def _clashes(conn: sqlite3.Connection, claim_ids: list[int], verdict: str | None, checker: str,
             seen: Mapping[int, str | None]) -> list[VerdictClash]:
    """The claims whose stored verdict another checker changed away from what `seen`
    says this checker saw (a verdict equal to the one asked for is agreement, not a clash)."""
    clashes = []
    for claim_id in claim_ids:
        if claim_id not in seen:
            continue
        row = conn.execute(
            "SELECT verdict, checker, updated_at, note FROM verdicts WHERE claim_id = ?", [claim_id]
        ).fetchone()
        stored, by, at, note = row if row else (None, "", "", "")
        if stored != seen[claim_id] and stored != verdict and by != checker:
            clashes.append(VerdictClash(claim_id, seen[claim_id], verdict, stored, by, at, note))
    return clashes


def _append_history(conn: sqlite3.Connection, claim_id: int, verdict: str | None, note: str,
                    checker: str, at: str, previous_verdict: str | None, previous_note: str,
                    batch: str) -> None:
    conn.execute(
        """INSERT INTO verdict_history (claim_id, verdict, note, checker, at,
               previous_verdict, previous_note, batch)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [claim_id, verdict, note, checker, at, previous_verdict, previous_note, batch],
    )


class Connection:
    """The store's SQLite connection, as `store.db.conn`.

    sqlite_utils' wrapper is built only where its helpers are used (the migrations,
    `migration_database`): importing it pulls in click, pluggy, dateutil and numpy, a
    large share of the desk's launch, which only reads."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def migration_database(conn: sqlite3.Connection):
    """sqlite_utils' Database over `conn`, for the migrations (`store.schema`)."""
    import sqlite_utils

    return sqlite_utils.Database(conn)


class Store:
    """A claimdesk database. Thread-safe: one connection guarded by a lock, because
    Textual workers run store calls from other threads.

    `location` is an SQLite file's path or a `postgresql://` URL; `path` is the file's
    path (None in memory and on PostgreSQL); `name` is how messages name the store
    (a URL without its password)."""

    def __init__(self, path: str | Path | None, *, memory: bool = False) -> None:
        self._lock = threading.RLock()
        if not memory and is_database_url(path):
            self._open_postgres(str(path))
            return
        self.engine = SQLITE
        self.dialect = SQLITE_DIALECT
        self.path = None if memory else Path(path)  # type: ignore[arg-type]
        self.location: str | Path | None = self.path
        self.name = str(self.path)
        if memory:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        else:
            assert self.path is not None
            self._refuse_unusable_file()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if not self.path.exists():
                    _create_store_file(self.path)
                conn = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"Cannot open the store {self.name}: {_reason(exc)}.") from exc
        self.db = Connection(conn)
        try:
            self._refuse_newer_schema()
            self._refuse_foreign_database()
            self._configure(memory)
            self._migrate()
        except StoreError:
            conn.close()
            raise
        except (sqlite3.DatabaseError, OSError) as exc:
            conn.close()
            raise StoreError(f"Cannot open the store {self.name}: {_reason(exc)}.") from exc

    def _open_postgres(self, url: str) -> None:
        self.engine = POSTGRESQL
        self.dialect = POSTGRES_DIALECT
        self.path = None
        self.location = url
        self.name = location_name(url)
        try:
            conn = PostgresConnection(url)
        except ConnectionError as exc:
            raise StoreError(f"Cannot open the store {self.name}: {_reason(exc)}.") from None
        self.db = PostgresDatabase(conn)
        try:
            self._refuse_newer_schema()
            self._refuse_foreign_database()
            self._migrate()
        except StoreError:
            conn.close()
            raise
        except database_errors() as exc:
            conn.close()
            raise StoreError(f"Cannot open the store {self.name}: {_reason(exc)}.") from exc

    def reopen(self) -> "Store":
        """Another connection to the same store (an in-memory store has only this one)."""
        return self if self.location is None else Store(self.location)

    # -- opening ---------------------------------------------------------------

    def _configure(self, memory: bool) -> None:
        conn = self.db.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # A REPLACE that deletes a row fires its delete triggers (the full-text indexes'),
        # as sqlite_utils' wrapper always set it.
        conn.execute("PRAGMA recursive_triggers = ON")
        if not memory:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"Cannot switch the store {self.path} to WAL mode (got {mode}).")
            # FULL: a verdict the checker saw saved survives a power cut, not just a crash.
            conn.execute("PRAGMA synchronous = FULL")

    @property
    def schema_version(self) -> int:
        if self.engine == SQLITE:
            return self.db.conn.execute("PRAGMA user_version").fetchone()[0]
        with self._lock:
            conn = self.db.conn
            if conn.execute("SELECT to_regclass(?)", [VERSION_TABLE]).fetchone()[0] is None:
                return 0
            row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
            return row[0] if row else 0

    def _set_schema_version(self, version: int) -> None:
        if self.engine == SQLITE:
            self.db.conn.execute(f"PRAGMA user_version = {int(version)}")
            return
        conn = self.db.conn
        conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
        conn.execute(f"DELETE FROM {VERSION_TABLE}")
        conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", [int(version)])

    def _refuse_newer_schema(self) -> None:
        # Checked before anything (even the switch to WAL) writes to the file.
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The store {self.name} has schema version {version}, newer than this "
                f"claimdesk knows ({SCHEMA_VERSION}); upgrade claimdesk to open it."
            )

    def _refuse_unusable_file(self) -> None:
        # SQLite would silently turn an empty file into a new database; an empty file where
        # a store should be means something went wrong, so it is reported, never reused.
        assert self.path is not None
        if self.path.exists() and not self.path.is_file():
            # A device or pipe: SQLite would open it and leave a journal file beside it.
            raise StoreError(
                f"The store path {self.path} is not a regular file (a folder, device or pipe), "
                "so it cannot hold a claimdesk database; choose another path with --db."
            )
        if self.path.is_file() and self.path.stat().st_size == 0:
            raise StoreError(
                f"The store {self.path} is an empty file, not a claimdesk database; "
                "move it away or choose another path with --db."
            )

    def _refuse_foreign_database(self) -> None:
        # Version 0 with tables already in it is another program's database: creating our
        # schema inside it would change a file that is not ours.
        if self.schema_version != 0:
            return
        if self.engine == SQLITE:
            if self.db.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                raise StoreError(
                    f"The file {self.path} is an SQLite database but not a claimdesk store; "
                    "choose another path with --db."
                )
        elif self.db.conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() LIMIT 1"
        ).fetchone():
            raise StoreError(
                f"The database {self.name} holds tables but is not a claimdesk store; "
                "choose another database (or schema) with --db."
            )

    def _migrate(self) -> None:
        version = self.schema_version
        if version == SCHEMA_VERSION:
            return
        # PostgreSQL is not backed up here: each migration is one transaction there, DDL
        # included, so a failed upgrade leaves the store as it was (and the server's own
        # backups cover the rest).
        if version > 0 and self.path is not None:
            self.backup(self.path.with_name(f"{self.path.name}.v{version}.bak"))
        schema = migration_database(self.db.conn) if self.engine == SQLITE else PostgresSchema(self.db.conn)
        for target, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.write():
                # Another process may have run this migration while this one waited.
                if self.schema_version >= target:
                    continue
                migration(schema)
                self._set_schema_version(target)

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the whole SQLite store (WAL included) at `destination`."""
        if self.engine != SQLITE:
            raise StoreError(
                f"The store {self.name} is on PostgreSQL: back it up with the server's tools "
                "(pg_dump), or copy it to a file with claimdesk copy."
            )
        # Written under a temporary name and renamed, so a crash mid-copy never leaves a
        # half-written file that looks like a backup.
        partial = destination.with_name(f"{destination.name}.partial")
        for leftover in ("", "-journal", "-wal"):
            Path(f"{partial}{leftover}").unlink(missing_ok=True)
        with self._lock:
            self.db.conn.execute("VACUUM INTO ?", [str(partial)])
        if destination.exists():
            shutil.copy2(destination, destination.with_suffix(destination.suffix + ".old"))
        os.replace(partial, destination)
        return destination

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    # -- transactions ----------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """Held around every use of the connection; callers running raw statements take it too."""
        return self._lock

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that excludes other writers, so read-then-write is safe:
        BEGIN IMMEDIATE on SQLite, the store's advisory lock on PostgreSQL."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:  # nested: join the outer transaction
                yield conn
                return
            try:
                if self.engine == SQLITE:
                    conn.execute("BEGIN IMMEDIATE")
                else:
                    conn.execute("BEGIN")
                    conn.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK_KEY])
            except database_errors() as exc:
                if self.engine != SQLITE and conn.in_transaction and not conn.broken:
                    conn.execute("ROLLBACK")
                if _is_environmental(exc):
                    raise self._failure(exc) from exc
                raise
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                # SQLite has already rolled back after some errors (a full disk, an I/O
                # error); a second ROLLBACK would hide the real cause.
                if conn.in_transaction and not (self.engine != SQLITE and conn.broken):
                    conn.execute("ROLLBACK")
                if isinstance(exc, database_errors()) and _is_environmental(exc):
                    raise self._failure(exc) from exc
                if isinstance(exc, UnicodeEncodeError):
                    raise _unencodable(exc) from exc
                raise

    def _failure(self, exc: BaseException, *, reading: bool = False) -> StoreError:
        """A failure of the file, the server or other writers, as one sentence naming the store."""
        name = getattr(exc, "sqlite_errorname", "")
        sqlstate = getattr(exc, "sqlstate", None) or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or sqlstate in BUSY_SQLSTATES:
            return StoreError(
                f"The store {self.name} is busy: another claimdesk kept it locked for more than "
                f"{BUSY_TIMEOUT_MS / 1000:g} s, so nothing was changed; try again."
            )
        if postgres_unreachable(exc):
            unchanged = "" if reading else "; nothing was changed"
            return StoreUnreachable(
                f"The store {self.name} cannot be reached ({unreachable_reason(exc)}){unchanged}.")
        if reading:
            return StoreError(f"Cannot read the store {self.name}: {_reason(exc)}.")
        return StoreError(f"Cannot write to the store {self.name}: {_reason(exc)}; nothing was changed.")

    def query(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        with self._lock:
            try:
                cursor = self.db.conn.execute(sql, params)
                columns = [d[0] for d in cursor.description or ()]
                return [dict(zip(columns, row)) for row in cursor.fetchall()]  # type: ignore[misc]
            except database_errors() as exc:
                if _is_environmental(exc):
                    raise self._failure(exc, reading=True) from exc
                raise
            except UnicodeEncodeError as exc:
                raise _unencodable(exc) from exc

    # -- articles and claims ---------------------------------------------------

    def add_article(self, draft: ArticleDraft, claims: Sequence[ClaimDraft]) -> tuple[int, bool]:
        """Store an article with its claims in one transaction.

        Returns (article id, created); an article whose text is already stored is not
        stored again and keeps its id.
        """
        digest = content_hash(draft.text)
        with self.write() as conn:
            existing = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?", [digest]
            ).fetchone()
            if existing:
                return existing[0], False
            article_id = conn.execute(
                """INSERT INTO articles (title, source, url, canonical_url, published, author,
                       text, content_hash, added_at, dropped_count, dropped_preview)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [draft.title, draft.source, draft.url, draft.canonical_url, draft.published,
                 draft.author, draft.text, digest, now_iso(), draft.dropped_count,
                 draft.dropped_preview],
            ).fetchone()[0]
            log_change(conn, "article", article_id=article_id)
            conn.executemany(
                """INSERT INTO claims (article_id, position, text, start, "end", score,
                       checkworthy, reasons, also_at, speaker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (article_id, position, c.text, c.start, c.end, c.score,
                     int(c.checkworthy), json.dumps(list(c.reasons)),
                     json.dumps([list(span) for span in c.also_at]), c.speaker)
                    for position, c in enumerate(claims)
                ],
            )
            return article_id, True

    def list_articles(self, include_archived: bool = False) -> list[ArticleSummary]:
        where = "" if include_archived else "WHERE a.status != 'archived'"
        rows = self.query(f"{ARTICLE_SUMMARY_SELECT} {where} ORDER BY a.id DESC")
        return [ArticleSummary(**row) for row in rows]

    def get_article(self, article_id: int) -> Article:
        rows = self.query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", [article_id])
        if not rows:
            raise UnknownIdError(f"No article with id {article_id} in the store.")
        return Article(**rows[0])

    def set_article_status(self, article_id: int, status: str) -> None:
        self.get_article(article_id)
        with self.write() as conn:
            conn.execute("UPDATE articles SET status = ? WHERE id = ?", [status, article_id])
            log_change(conn, "status", article_id=article_id)

    _CLAIM_SELECT = """SELECT c.id, c.article_id, c.position, c.text, c.start, c."end",
                              c.score, c.checkworthy, c.reasons, c.also_at, c.speaker, v.verdict,
                              coalesce(v.note, '') AS note
                       FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"""

    @staticmethod
    def _claim(row: dict) -> Claim:
        row = dict(row)
        row["checkworthy"] = bool(row["checkworthy"])
        row["reasons"] = tuple(json.loads(row["reasons"] or "[]"))
        row["also_at"] = tuple(tuple(span) for span in json.loads(row["also_at"] or "[]"))
        return Claim(**row)

    def claims_for_article(self, article_id: int, checkworthy_only: bool = True) -> list[Claim]:
        condition = "AND c.checkworthy = 1" if checkworthy_only else ""
        rows = self.query(
            f"{self._CLAIM_SELECT} WHERE c.article_id = ? {condition} ORDER BY c.position",
            [article_id],
        )
        return [self._claim(r) for r in rows]

    def get_claim(self, claim_id: int) -> Claim:
        rows = self.query(f"{self._CLAIM_SELECT} WHERE c.id = ?", [claim_id])
        if not rows:
            raise UnknownIdError(f"No claim with id {claim_id} in the store.")
        return self._claim(rows[0])

    def count(self, table: str) -> int:
        if table not in {"articles", "claims", "reference_claims", "verdicts", "verdict_history"}:
            raise ValueError(table)
        return self.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]

    # -- reference claims ------------------------------------------------------

    def add_reference_claims(self, drafts: Iterable[ReferenceDraft]) -> tuple[int, int]:
        """Store reference claims in one transaction; returns (added, skipped as duplicates).

        `drafts` is read lazily, `INSERT_ROWS` at a time, so a long iterator does not fill
        memory. Large batches are inserted without the per-row index trigger and indexed
        with one statement afterwards (see `store.search.index_new_references`)."""
        stamp = now_iso()
        drafts = iter(drafts)
        rows = _reference_rows(drafts, stamp)
        total = added = 0
        with self.write() as conn:
            with index_new_references(conn, len(rows) >= BULK_INDEX_ROWS):
                while rows:
                    total += len(rows)
                    added += conn.executemany(
                        """INSERT INTO reference_claims
                               (text, title, source, url, rating, date, external_id, language,
                                normalised_rating, claimant, content_key, added_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                           ON CONFLICT DO NOTHING""",
                        rows,
                    ).rowcount
                    rows = _reference_rows(drafts, stamp) if len(rows) == INSERT_ROWS else []
        return added, total - added

    # -- reference embeddings ------------------------------------------------------

    def references_without_embedding(
        self, model: str, *, after_id: int = 0, limit: int = 2_000
    ) -> list[tuple[int, str, str]]:
        """Reference claims (id, text, title) past `after_id` with no embedding made by
        `model`, in id order: a worker resumes from the last id it saw."""
        rows = self.query(
            """SELECT r.id, r.text, r.title FROM reference_claims r
               WHERE r.id > ? AND NOT EXISTS (SELECT 1 FROM reference_embeddings e
                                              WHERE e.reference_id = r.id AND e.model = ?)
               ORDER BY r.id LIMIT ?""",
            [after_id, model, limit],
        )
        return [(row["id"], row["text"], row["title"]) for row in rows]

    def save_reference_embeddings(self, model: str, vectors: Iterable[tuple[int, bytes]]) -> int:
        """Store embeddings made by `model` (replacing any older model's) in one
        transaction; a reference claim no longer stored is skipped. Returns how many."""
        with self.write() as conn:
            return conn.executemany(
                """INSERT INTO reference_embeddings (reference_id, model, vector)
                   SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM reference_claims WHERE id = ?)
                   ON CONFLICT (reference_id) DO UPDATE SET model = excluded.model,
                       vector = excluded.vector""",
                [(reference_id, model, vector, reference_id) for reference_id, vector in vectors],
            ).rowcount

    def reference_embeddings(self, model: str, reference_ids: Sequence[int]) -> dict[int, bytes]:
        """The stored embeddings made by `model` of these reference claims, by id (claims
        not embedded yet are absent)."""
        ids = list(dict.fromkeys(reference_ids))
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.query(
            f"""SELECT reference_id, vector FROM reference_embeddings
                WHERE reference_id IN ({marks}) AND model = ?""",
            [*ids, model],
        )
        return {row["reference_id"]: row["vector"] for row in rows}

    def embedding_progress(self, model: str) -> tuple[int, int]:
        """(reference claims embedded by `model`, reference claims stored)."""
        row = self.query(
            """SELECT (SELECT count(*) FROM reference_embeddings WHERE model = ?) AS embedded,
                      (SELECT count(*) FROM reference_claims) AS total""",
            [model],
        )[0]
        return row["embedded"], row["total"]

    # -- matching support --------------------------------------------------------

    def search_candidates(
        self,
        fts_query: str,
        limit: int = 100,
        exclude_article_id: int | None = None,
        kinds: Sequence[str] = ("reference", "claim"),
    ) -> list[Candidate]:
        """FTS5 candidates for a query in FTS5 syntax, best first: BM25 within each kind,
        kinds fused by relative score (see `store.search`)."""
        return search_fts(
            self, fts_query, limit, exclude_article_id=exclude_article_id, kinds=kinds
        )

    def get_candidate(self, kind: str, candidate_id: int) -> Candidate:
        if kind == "reference":
            rows = self.query(
                "SELECT id, text, title, source, url, rating, normalised_rating, date, claimant "
                "FROM reference_claims WHERE id = ?",
                [candidate_id],
            )
        else:
            rows = self.query(
                """SELECT c.id, c.text, a.source, a.url, '' AS rating, a.published AS date,
                          c.speaker AS claimant
                   FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = ?""",
                [candidate_id],
            )
        if not rows:
            raise UnknownIdError(f"No {kind} claim with id {candidate_id} in the store.")
        return Candidate(kind=kind, **rows[0])

    def save_matches(self, claim_id: int, matches: Sequence[Match]) -> None:
        """Replace the saved matches of a claim (recomputed whenever the store grows)."""
        self.save_many_matches([(claim_id, matches)])

    def save_many_matches(self, claims: Sequence[tuple[int, Sequence[Match]]]) -> None:
        """Replace the saved matches of several claims in one transaction: one commit (and
        one fsync) for a whole batch instead of one per claim."""
        with self.write() as conn:
            conn.executemany("DELETE FROM claim_matches WHERE claim_id = ?",
                             [(claim_id,) for claim_id, _ in claims])
            conn.executemany(
                """INSERT INTO claim_matches (claim_id, rank, kind, match_id, score, explanation)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    (claim_id, rank, m.candidate.kind, m.candidate.id, m.score,
                     json.dumps(m.explanation))
                    for claim_id, matches in claims
                    for rank, m in enumerate(matches)
                ],
            )

    def saved_matches(self, claim_id: int) -> list[Match]:
        rows = self.query(
            "SELECT kind, match_id, score, explanation FROM claim_matches "
            "WHERE claim_id = ? ORDER BY rank",
            [claim_id],
        )
        matches = []
        for row in rows:
            try:
                candidate = self.get_candidate(row["kind"], row["match_id"])
            except UnknownIdError:
                continue
            matches.append(Match(candidate, row["score"], json.loads(row["explanation"])))
        return matches

    def has_saved_matches(self, claim_id: int) -> bool:
        return bool(self.query("SELECT 1 FROM claim_matches WHERE claim_id = ? LIMIT 1", [claim_id]))

    # -- verdicts --------------------------------------------------------------

    def record_verdict(
        self,
        claim_ids: int | Sequence[int],
        verdict: str | None,
        *,
        note: str | None = None,
        checker: str = "",
        batch: str | None = None,
        note_only: bool = False,
        seen: Mapping[int, str | None] | None = None,
    ) -> str:
        """Set the verdict (and optionally the note) of one or more claims in one
        transaction, appending a history row for each. `verdict=None` clears it.
        A verdict (not `note_only`) clears the claims' new-evidence flags.
        `seen` holds the verdicts the checker's desk showed: if another checker has
        since set a different one (and not the one asked for), nothing is written and
        VerdictConflict says which claims, so no one overwrites a colleague unseen.
        Returns the batch id shared by the history rows (used by undo)."""
        if verdict is not None and verdict not in VERDICTS:
            raise StoreError(
                f"Unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}."
            )
        ids = [claim_ids] if isinstance(claim_ids, int) else list(claim_ids)
        batch = batch or uuid.uuid4().hex
        stamp = now_iso()
        with self.write() as conn:
            if seen is not None:
                clashes = _clashes(conn, ids, verdict, checker, seen)
                if clashes:
                    raise VerdictConflict(clashes)
            for claim_id in ids:
                found = conn.execute("SELECT article_id FROM claims WHERE id = ?", [claim_id]).fetchone()
                if not found:
                    raise UnknownIdError(f"No claim with id {claim_id} in the store.")
                log_change(conn, "note" if note_only else "verdict", article_id=found[0],
                           claim_id=claim_id, checker=checker)
                old_verdict, old_note = _verdict_and_note(conn, claim_id)
                new_note = old_note if note is None else note
                conn.execute(
                    """INSERT INTO verdicts (claim_id, verdict, note, checker, updated_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict,
                           note = excluded.note, checker = excluded.checker,
                           updated_at = excluded.updated_at""",
                    [claim_id, verdict, new_note, checker, stamp],
                )
                _append_history(conn, claim_id, verdict, new_note, checker, stamp,
                                old_verdict, old_note, batch)
                if not note_only:
                    # Judged again: the checker has weighed the evidence that flagged it.
                    conn.execute("DELETE FROM new_evidence WHERE claim_id = ?", [claim_id])
        return batch

    def record_unchanged(self, claim_id: int, *, checker: str, batch: str) -> None:
        """Append a history row that changes nothing for `claim_id`: an undo or redo in
        `batch` that left someone else's later change in place."""
        with self.write() as conn:
            verdict, note = _verdict_and_note(conn, claim_id)
            _append_history(conn, claim_id, verdict, note, checker, now_iso(), verdict, note, batch)

    def set_note(self, claim_id: int, note: str, checker: str = "") -> str:
        """Change a claim's note, keeping its verdict."""
        current = self.get_claim(claim_id)
        return self.record_verdict(claim_id, current.verdict, note=note, checker=checker, note_only=True)

    def verdict_history(self, claim_id: int) -> list[VerdictChange]:
        rows = self.query(
            """SELECT id, claim_id, verdict, note, checker, at, previous_verdict, previous_note
               FROM verdict_history WHERE claim_id = ? ORDER BY id""",
            [claim_id],
        )
        return [VerdictChange(**row) for row in rows]

    def verdict_records(self, filters: ExportFilter | None = None) -> list[VerdictRecord]:
        """Every claim with a verdict, with its article and best saved match."""
        f = filters or ExportFilter()
        # A report's dates are when each verdict was last set.
        where, params = filter_conditions(
            dates=VERDICT_SET, since=f.since, until=f.until, source=f.source,
            verdicts=f.verdicts, judged_only=True, article_id=f.article_id, checker=f.checker,
            speaker=f.speaker, dialect=self.dialect,
        )
        if f.reviewed_only:
            where += f" AND {REVIEWED_CONDITION}"
        rows = self.query(
            f"""SELECT c.id AS claim_id, c.text AS claim_text, c.speaker AS claim_speaker,
                       v.verdict, v.note, v.checker,
                       v.updated_at AS at, a.id AS article_id, a.title AS article_title,
                       a.url AS article_url, a.source AS article_source,
                       a.published AS article_published,
                       m.kind AS match_kind, m.match_id, m.score AS best_match_score
                FROM verdicts v
                JOIN claims c ON c.id = v.claim_id
                JOIN articles a ON a.id = c.article_id
                LEFT JOIN claim_matches m ON m.claim_id = c.id AND m.rank = 0
                WHERE {where}
                ORDER BY a.id, c.position""",
            params,
        )
        records = []
        for row in rows:
            kind, match_id = row.pop("match_kind"), row.pop("match_id")
            best: dict = {}
            if kind is not None:
                try:
                    c = self.get_candidate(kind, match_id)
                    best = {"best_match_text": c.text, "best_match_source": c.source,
                            "best_match_url": c.url, "best_match_rating": c.rating}
                except UnknownIdError:
                    row["best_match_score"] = None
            evidence = tuple(e.url for e in self.evidence_for(row["claim_id"]))
            records.append(VerdictRecord(**row, **best, evidence=evidence))
        return records

    # -- evidence --------------------------------------------------------------

    def add_evidence(self, claim_id: int, url: str, checker: str = "") -> bool:
        """Attach an evidence URL to a claim; returns False if it was already there."""
        self.get_claim(claim_id)
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO evidence (claim_id, url, checker, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [claim_id, url, checker, now_iso()],
            )
            if cursor.rowcount:
                log_change(conn, "evidence", claim_id=claim_id, checker=checker)
            return bool(cursor.rowcount)

    def evidence_for(self, claim_id: int) -> list[Evidence]:
        rows = self.query(
            "SELECT id, claim_id, url, checker, added_at FROM evidence WHERE claim_id = ? ORDER BY id",
            [claim_id],
        )
        return [Evidence(**row) for row in rows]


def _create_store_file(path: Path) -> None:
    """Build a new store, fully migrated, under a temporary name and link it into place.

    So no other process ever sees a half-made store, or the empty file SQLite creates
    first (which is refused as damaged). If another process links its new store first,
    that one is kept and this one discarded.
    """
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.new")
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: the checkpoint at close fsyncs the file before it is linked into place.
            conn.execute("PRAGMA synchronous = FULL")
            db = migration_database(conn)
            conn.execute("BEGIN IMMEDIATE")
            for migration in MIGRATIONS:
                migration(db)
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            conn.execute("COMMIT")
        finally:
            conn.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: the rename is nearly as good
            if not path.exists():
                os.replace(temporary, path)
    finally:
        for leftover in ("", "-wal", "-shm"):
            Path(f"{temporary}{leftover}").unlink(missing_ok=True)


# Errors that come from the file, the disk, the server or other processes rather than
# from a bug: reported to the user as a StoreError sentence instead of a traceback.
_ENVIRONMENTAL_ERRORS = (
    "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY",
    "SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_NOLFS",
)


def _is_environmental(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorname", "").startswith(_ENVIRONMENTAL_ERRORS)
    return postgres_environmental(exc)


def _unencodable(exc: UnicodeEncodeError) -> StoreError:
    # Lone surrogates (bytes that were not UTF-8, decoded with surrogateescape, as in
    # command-line arguments) cannot be stored; the text is named, escaped for display.
    text = exc.object if isinstance(exc.object, str) else ""
    return StoreError(
        f"The text {text[:80]!r} is not valid Unicode (it holds bytes that are not UTF-8), "
        "so it was not used and nothing was changed."
    )


def _reason(exc: BaseException) -> str:
    """The cause of an error as a clause: the database's message (its first line), or an
    OSError's strerror."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return " ".join(lines[:2]).rstrip(".") if lines else type(exc).__name__


def default_db_location() -> str | Path:
    """`CLAIMDESK_DB` if set (a path or a postgresql:// URL), else claimdesk.db in the
    platform's user-data folder."""
    env = os.environ.get("CLAIMDESK_DB")
    if env:
        return env if is_database_url(env) else Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("claimdesk", appauthor=False)) / "claimdesk.db"


def default_db_path() -> Path:
    """The default store's file path (`default_db_location`), for an SQLite store."""
    location = default_db_location()
    if isinstance(location, str):
        raise StoreError(f"The default store ($CLAIMDESK_DB) is {location_name(location)}, not a file.")
    return location


def store_exists(location: str | Path | None = None) -> bool:
    """Whether a store is there: an SQLite file exists (a PostgreSQL server is asked when
    the store is opened, so a URL counts as there)."""
    target = location or default_db_location()
    return is_database_url(target) or Path(target).expanduser().exists()


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating or upgrading) the store at `path` (a file path or a postgresql://
    URL), or at the default location."""
    location = path or default_db_location()
    if is_database_url(location):
        return Store(str(location))
    target = Path(location).expanduser()
    if target.exists() and target.is_dir():
        raise StoreError(f"The store path {target} is a folder, not a database file.")
    return Store(target)
