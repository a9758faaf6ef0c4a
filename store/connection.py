"""An open store: the connection to one SQLite file (WAL mode; the default) or one
PostgreSQL database (`postgresql://` URL; see `store.engine`), checked, configured and
migrated to the current schema (backed up first) when opened; the write transaction
and the read every query area of `store.db.Store` goes through; and the errors of the
file, the disk or the server turned into `StoreError` sentences.

Writes run inside transactions that exclude other writers (`BEGIN IMMEDIATE` on SQLite,
an advisory lock on PostgreSQL), so a batch is wholly there or wholly absent,
read-then-write is safe, and a second writer waits (busy timeout) instead of failing
at once.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Self

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
    unreachable_fix,
    unreachable_reason,
)
from store.errors import StoreError, StoreUnreachable
from store.schema import MIGRATIONS, SCHEMA_VERSION

# The table holding a PostgreSQL store's schema version (SQLite's is PRAGMA user_version).
VERSION_TABLE = "claimdesk_schema"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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


class StoreConnection:
    """An open claimdesk database, the base of `store.db.Store`. Thread-safe: one
    connection guarded by a lock, because Textual workers run store calls from other
    threads.

    `location` is an SQLite file's path or a `postgresql://` URL; `path` is the file's
    path (None in memory and on PostgreSQL); `name` is how messages name the store
    (a URL without its password)."""

    def __init__(self, path: str | Path | None, *, memory: bool = False) -> None:
        self._lock = threading.RLock()
        self._writing = False  # inside a pipelined PostgreSQL write
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
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
                raise StoreError(
                    f"The file {self.path} is not an SQLite database, so not a claimdesk "
                    "store; move it away or choose another path with --db."
                ) from exc
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
            reason = unreachable_reason(exc)
            raise StoreError(f"Cannot open the store {self.name}: {reason}; "
                             f"{unreachable_fix(reason)}.") from None
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

    def reopen(self) -> Self:
        """Another connection to the same store (an in-memory store has only this one)."""
        return self if self.location is None else type(self)(self.location)

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
    def write(self, *, pipelined: bool = False, exclusive: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction that excludes other writers, so read-then-write is safe:
        BEGIN IMMEDIATE on SQLite, the store's advisory lock on PostgreSQL.

        On PostgreSQL, `pipelined` sends the statements without waiting for each one's
        answer until a result is read (psycopg's pipeline mode), so a short write holds
        the lock for a round trip or two rather than one per statement (not for COPY);
        `exclusive=False` skips the lock, for writes that log no change and read nothing
        before writing (presence). SQLite ignores both."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction or self._writing:  # nested: join the outer transaction
                yield conn
                return
            if self.engine != SQLITE and pipelined:
                with self._postgres_pipeline(conn, exclusive) as joined:
                    yield joined
                return
            try:
                if self.engine == SQLITE:
                    conn.execute("BEGIN IMMEDIATE")
                else:
                    conn.execute("BEGIN")
                    if exclusive:
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
                self._raise_as_store_error(exc)
                raise

    @contextmanager
    def _postgres_pipeline(self, conn, exclusive: bool) -> Iterator:
        # Until a result is read the server has not answered, so the connection's own
        # transaction status cannot say whether a nested write() is inside this one.
        self._writing = True
        try:
            with conn.pipeline():
                conn.execute("BEGIN")
                if exclusive:
                    conn.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK_KEY])
                yield conn
                conn.execute("COMMIT")
            # Leaving the pipeline waits for the answers: a failure of any statement
            # (the lock's timeout included) is raised there, and nothing was committed.
        except BaseException as exc:
            if not conn.broken and conn.in_transaction:
                conn.execute("ROLLBACK")
            self._raise_as_store_error(exc)
            raise
        finally:
            self._writing = False

    def _raise_as_store_error(self, exc: BaseException) -> None:
        """Raise the project's own error for a failed write the user can act on (a full
        disk, a lost server, text the engine cannot encode); return for any other."""
        if isinstance(exc, database_errors()) and _is_environmental(exc):
            raise self._failure(exc) from exc
        if isinstance(exc, UnicodeEncodeError):
            raise _unencodable(exc) from exc

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
