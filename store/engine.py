"""The two database engines a store can live on, behind the one connection interface the
rest of `store/` uses: SQLite (a file; the default) and PostgreSQL (a server, reached with
a `postgresql://` URL, through psycopg 3).

The store's statements are written once, with `?` placeholders and SQL both engines
accept (`ON CONFLICT`, `RETURNING`); `PostgresConnection` takes them as they are, with the
`execute`/`executemany`/`fetchone` calls of `sqlite3`. What differs is gathered here:
each engine's `Dialect` (case-insensitive ordering, JSON), the column types of the
schema's DDL on PostgreSQL (`PostgresSchema`), and which errors come from the
environment rather than from a bug. Full-text search differs most and lives in
`store/search.py`.

psycopg is imported only when a PostgreSQL store is opened: the SQLite desk starts
without paying for it.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlsplit

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
URL_SCHEMES = ("postgresql://", "postgres://")

# How long a write waits for another writer (SQLite's busy timeout, PostgreSQL's
# lock_timeout) before it gives up and says the store is busy.
BUSY_TIMEOUT_MS = 10_000
# Every claimdesk writer on a PostgreSQL database takes this transaction-level advisory
# lock first, so writes are serialised as SQLite's BEGIN IMMEDIATE serialises them and
# read-then-write inside one transaction stays safe ("claimdes" in ASCII).
WRITE_LOCK_KEY = 0x636C61696D646573
# A connection the server dropped is opened again on its next use, but no more often
# than this: a desk polling a server that is down does not hammer it (or wait on it).
RECONNECT_SECONDS = 1.0


def is_database_url(location: object) -> bool:
    """Whether `location` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(location, str) and location.lower().startswith(URL_SCHEMES)


def redact(url: str, mask: str = "***") -> str:
    """`url` with any password replaced by `mask`, fit to print or to put in an error; with
    `mask` "" the password is left out entirely, so the same store gets the same name
    however its password is supplied. The rest of the address stays as written."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, hostinfo = netloc.rpartition("@")
            user, colon, _ = userinfo.partition(":")
            netloc = f"{user}:{mask}@{hostinfo}" if colon and mask else f"{user}@{hostinfo}"
        pairs = []
        for pair in parts.query.split("&"):
            key = pair.partition("=")[0]
            if unquote_plus(key).lower() != "password":
                pairs.append(pair)
            elif mask:
                pairs.append(f"{key}={mask}")
        query = "?" + "&".join(p for p in pairs if p) if any(pairs) else ""
        return f"{parts.scheme}://{netloc}{parts.path}{query}"
    except ValueError:  # not even a URL: say nothing of what it held
        return "postgresql://(unreadable address)"


def _password(url: str) -> str:
    try:
        parts = urlsplit(url)
        found = parts.password or ""
        for key, value in parse_qsl(parts.query):
            if key.lower() == "password":
                found = found or value
        return found
    except ValueError:
        return ""


def scrub(message: str, url: str) -> str:
    """A driver's message with the URL's password removed, should it be quoted in it."""
    secret = _password(url)
    return message.replace(secret, "***") if secret else message


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception classes the drivers raise (psycopg's only once a PostgreSQL store is
    open): for callers that keep running after a failed write."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    psycopg = sys.modules.get("psycopg")
    return errors + (psycopg.Error,) if psycopg is not None else errors


# -- dialects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """The few SQL fragments the engines spell differently."""

    name: str

    def nocase(self, expr: str) -> str:
        """`expr` for ordering without regard to ASCII case (SQLite's NOCASE; on
        PostgreSQL lower() of the byte-ordered "C" collation the schema's text uses)."""
        return f"{expr} COLLATE NOCASE" if self.name == SQLITE else f"lower({expr})"

    def json_list_not_empty(self, expr: str, key: str) -> str:
        """Whether the JSON object in text column `expr` has a non-empty value at `key`
        (not missing, null, [], {}, "", 0 or false)."""
        if self.name == SQLITE:
            return (f"json_valid({expr}) AND coalesce(json_extract({expr}, '$.{key}'), '[]') "
                    "NOT IN ('[]', '{}', '', 0)")
        # Explanations are always written by json.dumps, so the cast cannot fail.
        return (f"coalesce(({expr})::jsonb -> '{key}', 'null'::jsonb) NOT IN "
                """('null'::jsonb, '[]'::jsonb, '{}'::jsonb, '""'::jsonb, '0'::jsonb, 'false'::jsonb)""")

    def json_text(self, expr: str, key: str) -> str:
        """The text at `key` of the JSON object in text column `expr` (NULL when missing,
        or, on SQLite, when `expr` is not valid JSON)."""
        if self.name == SQLITE:
            return f"CASE WHEN json_valid({expr}) THEN json_extract({expr}, '$.{key}') END"
        return f"(({expr})::jsonb ->> '{key}')"


SQLITE_DIALECT = Dialect(SQLITE)
POSTGRES_DIALECT = Dialect(POSTGRESQL)


def engine_of(db: object) -> str:
    """The engine behind a migration's `db` (an sqlite_utils Database or a PostgresSchema)."""
    return getattr(db, "engine", SQLITE)


# -- PostgreSQL -------------------------------------------------------------------------


def _psycopg():
    import psycopg

    return psycopg


@functools.lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """A statement with `?` placeholders in psycopg's form: each `?` outside string
    literals and quoted names becomes %s, and every literal % is doubled."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


class PostgresCursor:
    """The part of a sqlite3 cursor the store uses, over a psycopg cursor. In a pipeline
    (`PostgresConnection.pipeline`) the statement's answer is waited for only when its
    rows, columns or row count are asked for."""

    def __init__(self, cursor, rowcount: int | None = None, pipeline=None) -> None:
        self._cursor = cursor
        self._rowcount = rowcount
        self._pipeline = pipeline

    def _answered(self):
        if self._pipeline is not None and self._cursor.pgresult is None:
            self._pipeline.sync()
        self._pipeline = None
        return self._cursor

    @property
    def rowcount(self) -> int:
        return self._answered().rowcount if self._rowcount is None else self._rowcount

    @property
    def description(self) -> list[tuple[str]] | None:
        cursor = self._answered()
        return [(column.name,) for column in cursor.description] if cursor.description else None

    def fetchone(self):
        return self._cursor.fetchone() if self.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self.description else []

    def fetchmany(self, size: int) -> list:
        return self._cursor.fetchmany(size) if self.description else []

    def __iter__(self):
        return iter(self.fetchall())


class PostgresConnection:
    """A psycopg connection in autocommit mode (each statement its own transaction unless
    the store has begun one) taking statements written for sqlite3.

    A connection the server dropped (restarted, network gone) is opened again at its next
    use outside a transaction; the statement that met the loss fails, and so do the ones
    tried while the server stays away, so nothing is retried behind the caller's back."""

    engine = POSTGRESQL

    def __init__(self, url: str) -> None:
        psycopg = _psycopg()
        self.url = url
        self._closed = False
        self._retry_at = 0.0
        self._last_failure = ""
        self._pipeline = None
        try:
            self._conn = self._connect()
        except psycopg.Error as exc:
            raise ConnectionError(scrub(str(exc).strip(), url)) from None

    def _connect(self):
        conn = _psycopg().connect(self.url, autocommit=True, connect_timeout=10)
        conn.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _live(self):
        """The psycopg connection, opened again if the server dropped the last one."""
        if self._conn.broken and not self._closed:
            self._conn = reconnect(self, self._connect)
        return self._conn

    @property
    def raw(self):
        """The psycopg connection, for COPY and other psycopg-only calls in store/."""
        return self._live()

    def execute(self, sql: str, params: Sequence | None = None) -> PostgresCursor:
        cursor = self._live().cursor()
        cursor.execute(to_pyformat(sql), list(params or ()))
        return PostgresCursor(cursor, pipeline=self._pipeline)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> PostgresCursor:
        cursor = self._live().cursor()
        rows = list(rows)
        if not rows:
            return PostgresCursor(cursor, rowcount=0)
        cursor.executemany(to_pyformat(sql), rows)
        return PostgresCursor(cursor, pipeline=self._pipeline)

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """Statements sent without waiting for their answers until one is read, or
        until the block ends (which waits for them all and raises the first failure)."""
        with self._live().pipeline() as pipeline:
            self._pipeline = pipeline
            try:
                yield
            finally:
                self._pipeline = None

    @property
    def in_transaction(self) -> bool:
        status = self._conn.info.transaction_status
        pq = _psycopg().pq.TransactionStatus
        return status in (pq.INTRANS, pq.INERROR, pq.ACTIVE)

    @property
    def broken(self) -> bool:
        return self._conn.broken or self._conn.closed

    def close(self) -> None:
        self._closed = True
        self._conn.close()


def reconnect(owner, connect):
    """`connect()` again for `owner` (a PostgresConnection or PostgresListener, with
    `url`, `_retry_at` and `_last_failure`), unless the last try failed less than
    RECONNECT_SECONDS ago: then that failure is raised again at once."""
    psycopg = _psycopg()
    now = time.monotonic()
    if now < owner._retry_at:
        raise psycopg.OperationalError(owner._last_failure)
    try:
        return connect()
    except psycopg.Error as exc:
        owner._retry_at = now + RECONNECT_SECONDS
        owner._last_failure = scrub(str(exc).strip(), owner.url)
        raise psycopg.OperationalError(owner._last_failure) from None


class PostgresListener:
    """A connection of its own that LISTENs on `channel`. `arrived()` answers at once,
    without a round trip to the server, how many notifications came since the last call;
    after the server dropped the connection it connects and listens again and counts
    that as one arrival, since what was notified meanwhile is lost."""

    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self._retry_at = 0.0
        self._last_failure = ""
        self._conn = self._connect()

    def _connect(self):
        from psycopg import sql

        conn = _psycopg().connect(self.url, autocommit=True, connect_timeout=10)
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        return conn

    def arrived(self) -> int:
        if self._conn.broken or self._conn.closed:
            self._conn = reconnect(self, self._connect)
            return 1
        return sum(1 for _ in self._conn.notifies(timeout=0))

    def close(self) -> None:
        self._conn.close()


def _postgres_type(match: re.Match) -> str:
    return {
        "INTEGER PRIMARY KEY": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        "INTEGER": "BIGINT",
        "REAL": "DOUBLE PRECISION",
        "BLOB": "BYTEA",
        # Byte order, as SQLite compares text: sorting and ranges (ISO dates) agree.
        "TEXT": 'TEXT COLLATE "C"',
    }[match.group(0)]


_SQLITE_TYPES = re.compile(r"\bINTEGER PRIMARY KEY\b|\bINTEGER\b|\bREAL\b|\bBLOB\b|\bTEXT\b")


def postgres_ddl(sql: str) -> str:
    """A CREATE or ALTER TABLE statement written for SQLite with PostgreSQL's column types:
    SQLite's rowid keys become identity columns, REAL double precision, BLOB bytea, and
    text compares bytewise. Type names are matched in capitals, as the schema writes them
    (column names are lower case)."""
    return _SQLITE_TYPES.sub(_postgres_type, sql)


class PostgresSchema:
    """What a migration gets on PostgreSQL in place of an sqlite_utils Database: `execute`
    with the column types translated (see `postgres_ddl`), and `engine` to branch on for
    what has no common form (triggers, full-text indexes)."""

    engine = POSTGRESQL

    def __init__(self, conn: PostgresConnection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence | None = None) -> PostgresCursor:
        return self.conn.execute(postgres_ddl(sql), params)

    def execute_raw(self, sql: str, params: Sequence | None = None) -> PostgresCursor:
        """A statement already written for PostgreSQL."""
        return self.conn.execute(sql, params)


class PostgresDatabase:
    """The store's handle on a PostgreSQL database, shaped like the sqlite_utils Database
    it holds for SQLite (`.conn`, `.execute`)."""

    engine = POSTGRESQL

    def __init__(self, conn: PostgresConnection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence | None = None) -> PostgresCursor:
        return self.conn.execute(sql, params)


# SQLSTATE classes and codes of failures that come from the server, the network or other
# writers rather than from a bug: connection (08), resources (53), operator intervention
# (57), system (58), lock not available, deadlock, serialisation, read-only, privileges.
_ENVIRONMENTAL_SQLSTATES = ("08", "53", "57", "58", "55P03", "40P01", "40001", "25006", "42501")
BUSY_SQLSTATES = ("55P03", "40P01", "40001")


# Of those, the ones that mean the server cannot be reached at all (connection failures,
# a server shutting down or starting up): a desk waits for it to come back.
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def postgres_unreachable(exc: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")
    if psycopg is None or not isinstance(exc, psycopg.Error):
        return False
    sqlstate = getattr(exc, "sqlstate", None) or ""
    if isinstance(exc, psycopg.OperationalError) and not sqlstate:
        return True
    return sqlstate.startswith(_UNREACHABLE_SQLSTATES)


def unreachable_reason(exc: BaseException) -> str:
    """The gist of a lost or refused connection, as a clause: libpq's 'connection to
    server at "db", port 5432 failed: Connection refused' and its hint on the next line
    become 'connection refused'."""
    lines = str(exc).strip().splitlines()
    gist = lines[0].rsplit(" failed: ", 1)[-1].strip().rstrip(".") if lines else ""
    # The server's own refusals come as 'FATAL:  database "x" does not exist'.
    gist = " ".join(re.sub(r"^(FATAL|ERROR):\s*", "", gist).split())
    return gist[:1].lower() + gist[1:] if gist else "the connection was lost"


def unreachable_fix(reason: str) -> str:
    """What to do about a refused connection, for the line that reports it."""
    missing = re.fullmatch(r'database "(.*)" does not exist', reason)
    if missing:
        return (f"create it (createdb {missing.group(1)}) or correct the database name "
                "in the URL")
    if re.fullmatch(r'role ".*" does not exist|password authentication failed.*', reason):
        return "check the user name and password (URL, PGPASSWORD or ~/.pgpass)"
    # libpq's refusals of the URL itself: 'invalid URI query parameter: "foo"',
    # 'connection is bad: invalid sslmode value: "bogus"'.
    if re.search(r"\binvalid\b.*(parameter|value|option)", reason):
        return "correct that part of the URL"
    return "check that its PostgreSQL server is running and the address is right"


def postgres_environmental(exc: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")
    if psycopg is None or not isinstance(exc, psycopg.Error):
        return False
    if isinstance(exc, psycopg.OperationalError) and not getattr(exc, "sqlstate", None):
        return True  # the connection itself failed
    return (getattr(exc, "sqlstate", None) or "").startswith(_ENVIRONMENTAL_SQLSTATES)


def location_name(location: str | Path | None) -> str:
    """How a store is named in messages: its path, or its URL without a password."""
    if is_database_url(location):
        return redact(str(location))
    return str(location)
