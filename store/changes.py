"""What other desks on the same store changed: a log of changes, and a cheap check
whether anything was committed since the last look.

Every write that another desk should see (verdicts, notes, evidence, new articles,
article status, assignments, reviews, a desk opening or leaving an article) appends a row to `change_log` in its own
transaction (`log_change`). A desk polls `ChangeWatch.poll()` a few times a second: the
engine-specific wake-up check answers "has anything been committed since?" without
reading a table (SQLite: `PRAGMA data_version` on the watching connection, which moves
when another connection commits), and only then is the log read from the last id seen.
On PostgreSQL every logged change also sends a NOTIFY on
CHANGES_CHANNEL, delivered when its transaction commits; the watch LISTENs on a
connection of its own and reads the log only after a notification came.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from store.engine import POSTGRESQL, SQLITE, PostgresListener, database_errors

if TYPE_CHECKING:
    from store.db import Store

# More changes than this since the last poll: the desk reloads what it shows instead.
MAX_CHANGES_PER_POLL = 500
# The PostgreSQL channel writers notify and watches listen on. It is per database: stores
# in two schemas of one database wake each other's desks, which then find nothing new.
CHANGES_CHANNEL = "claimdesk_changes"


@dataclass(frozen=True)
class Change:
    """One logged change. `kind` is "verdict", "note", "evidence", "article", "status",
    "assignment", "review" or "presence"; `at` is seconds since the epoch."""

    id: int
    kind: str
    article_id: int | None
    claim_id: int | None
    checker: str
    at: float


@dataclass(frozen=True)
class ChangeBatch:
    """What one poll found: the logged changes since the last poll (`overflow` when
    there were more than MAX_CHANGES_PER_POLL, so only a full reload is exact). A batch
    with no changes still means something was committed (matches, heartbeats)."""

    changes: list[Change]
    overflow: bool = False

    @property
    def claim_ids(self) -> set[int]:
        return {c.claim_id for c in self.changes if c.claim_id is not None}

    @property
    def article_ids(self) -> set[int]:
        return {c.article_id for c in self.changes if c.article_id is not None}

    def has(self, *kinds: str) -> bool:
        return any(c.kind in kinds for c in self.changes)


def log_change(conn: Any, kind: str, *, article_id: int | None = None,
               claim_id: int | None = None, checker: str = "") -> None:
    """Append a change inside the caller's write transaction."""
    conn.execute(
        "INSERT INTO change_log (kind, article_id, claim_id, checker, at) VALUES (?, ?, ?, ?, ?)",
        [kind, article_id, claim_id, checker, time.time()],
    )
    notify_desks(conn)


def notify_desks(conn: Any) -> None:
    """Inside the caller's write transaction: wake the other desks' watches when it
    commits (PostgreSQL; SQLite's watches see the commit itself). Notifications with the
    same payload in one transaction are delivered once."""
    if getattr(conn, "engine", SQLITE) == POSTGRESQL:
        conn.execute(f"NOTIFY {CHANGES_CHANNEL}")


def latest_change_id(store: Store) -> int:
    return store.query("SELECT coalesce(max(id), 0) AS id FROM change_log")[0]["id"]


def changes_since(store: Store, change_id: int, limit: int = MAX_CHANGES_PER_POLL) -> list[Change]:
    rows = store.query(
        "SELECT id, kind, article_id, claim_id, checker, at FROM change_log "
        "WHERE id > ? ORDER BY id LIMIT ?",
        [change_id, limit],
    )
    return [Change(**row) for row in rows]


class ChangeWatch:
    """Polls one store connection for what other connections committed. Subclasses give
    the engine's cheap wake-up check (`_commit_marker`). Raises StoreError when the
    store cannot be read; the next poll tries again."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._marker = self._commit_marker()
        self.last_id = latest_change_id(store)

    def _commit_marker(self) -> object:
        """A value that changes whenever another connection commits; None means the
        engine has no cheap check, so every poll reads the log."""
        return None

    def poll(self) -> ChangeBatch | None:
        """None when nothing was committed since the last poll; else the changes logged
        since then (maybe none)."""
        marker = self._commit_marker()
        if marker is not None and marker == self._marker:
            return None
        self._marker = marker
        changes = changes_since(self.store, self.last_id, MAX_CHANGES_PER_POLL + 1)
        overflow = len(changes) > MAX_CHANGES_PER_POLL
        if overflow:
            self.last_id = latest_change_id(self.store)
            return ChangeBatch([], overflow=True)
        if changes:
            self.last_id = changes[-1].id
        elif marker is None:
            return None
        return ChangeBatch(changes)

    def close(self) -> None:
        """Release what the watch holds beside the store's connection."""


class SqliteChangeWatch(ChangeWatch):
    def _commit_marker(self) -> object:
        # data_version moves when any other connection (another desk, this desk's own
        # writer) commits to the file; reading it touches no table.
        with self.store.lock:
            return self.store.db.conn.execute("PRAGMA data_version").fetchone()[0]


class PostgresChangeWatch(ChangeWatch):
    """Reads the log only after a NOTIFY on CHANGES_CHANNEL arrived on its own listening
    connection (the store's connection is used for reading the log)."""

    def __init__(self, store: Store) -> None:
        # Listening before the last id is read: a change committed in between is both
        # notified and after that id, so it is not missed.
        try:
            self._listener = PostgresListener(str(store.location), CHANGES_CHANNEL)
        except database_errors() as exc:
            raise store._failure(exc, reading=True) from exc
        self._arrivals = 0
        super().__init__(store)

    def _commit_marker(self) -> object:
        try:
            self._arrivals += self._listener.arrived()
        except database_errors() as exc:
            raise self.store._failure(exc, reading=True) from exc
        return self._arrivals

    def close(self) -> None:
        self._listener.close()


def watch_changes(store: Store) -> ChangeWatch:
    """A change watch on `store`'s connection (give each watch its own connection)."""
    if getattr(store, "engine", SQLITE) == SQLITE:
        return SqliteChangeWatch(store)
    return PostgresChangeWatch(store)
