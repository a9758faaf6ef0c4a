"""The desk's one write path: a long-lived thread that runs every store write in order on
the write connection (the only user of it).

Key presses queue a write and return at once, so a busy database never freezes the
screen; a queued write that fails stays pending, and nothing after it runs, until
`retry`. A courtesy write (presence) is the exception: only the latest one is kept, it
runs only when none of the checker's writes is waiting, and one that fails is dropped
without a word, since the next heartbeat says the same thing again. Once a write fails,
the checker's waiting writes that name their operation (`PendingWrite.operation`) are
also kept in the desk's journal (`tui.journal`), and each leaves it once stored: closing
the desk before the store is back loses none of them. Worker threads (ingest, feed
fetching, matching) hand their writes over with `run`, which waits for the write and
returns its result or raises its error to the worker, without pausing the queue: the
worker reports its own failure.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

from store import Store, inbox
from store.engine import BUSY_TIMEOUT_MS
from store.errors import StoreError
from tui.journal import Journal

T = TypeVar("T")

@dataclass(frozen=True)
class Written:
    """What a write returns when it knows how the review queue's count moved (a verdict
    counts it in its own transaction): the writer then counts nothing itself."""

    claim_ids: list[int]
    remaining_delta: int


# A write: takes the writer's store, returns the claims it touched (or `Written`).
WriteFunction = Callable[[Store], "list[int] | Written"]


@dataclass
class PendingWrite:
    description: str
    run: WriteFunction
    verdict: str | None = None
    offer_duplicates: bool = False
    # The claims whose verdicts the write changes, when known before it runs and the
    # write does not return `Written`: the review-queue counter then moves by the
    # difference of their counts before and after instead of a full recount.
    claim_ids: tuple[int, ...] | None = None
    counts_change: bool = True
    # Articles whose inbox row (status) the write changes.
    article_ids: tuple[int, ...] = ()
    # False for housekeeping (presence) that changes nothing on screen: no StoreChanged.
    announce: bool = True
    # A courtesy to the other desks (presence): replaced by a newer one, run after the
    # checker's writes, dropped quietly when it fails, never retried.
    courtesy: bool = False
    # The checker's change as (operation, arguments) the desk can run again from its
    # journal; None for what is not journalled (presence, feeds).
    operation: tuple[str, dict] | None = None
    journal_id: int | None = None  # its entry in the journal, once journalled


@dataclass
class _WorkerWrite:
    """A write a worker thread waits on: its outcome goes back through `done`."""

    description: str
    change: Callable[[Store], object]
    done: Future


class StoreWriter:
    """Runs writes on `store` in one thread. `on_written(write, touched, remaining_delta)`
    and `on_failed(write, error, pending)` are called on that thread after each queued
    write (not after a worker's write)."""

    def __init__(
        self,
        store: Store,
        on_written: Callable[[PendingWrite, list[int], int | None], None],
        on_failed: Callable[[PendingWrite, Exception, int], None],
        journal: Journal | None = None,
    ) -> None:
        self.store = store
        self.journal = journal
        self._on_written = on_written
        self._on_failed = on_failed
        self._pending: deque[PendingWrite | _WorkerWrite] = deque()
        self._courtesy: PendingWrite | None = None  # the latest courtesy write not yet run
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._writing = False  # a write is running now
        self._paused = False  # a queued write failed; nothing more runs until a retry
        self._stopping = False
        self._journal_refused = False  # the journal could not be written at the last try

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="claimdesk-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the writes already queued (a failed one stays failed), then end the thread."""
        with self._lock:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=BUSY_TIMEOUT_MS / 1000 + 5)

    @property
    def stopping(self) -> bool:
        """The desk is closing: long jobs stop between their writes."""
        with self._lock:
            return self._stopping

    @property
    def pending(self) -> int:
        """The checker's own changes not yet in the store (the status line's "N changes
        pending"): housekeeping such as presence and workers' writes are not counted."""
        with self._lock:
            return self._pending_count()

    def _pending_count(self) -> int:
        return sum(1 for w in self._pending if isinstance(w, PendingWrite) and w.announce)

    @property
    def unjournalled(self) -> int:
        """The checker's pending changes not kept in the journal (lost if the desk closes)."""
        with self._lock:
            return sum(1 for w in self._pending if isinstance(w, PendingWrite) and w.announce
                       and w.journal_id is None)

    def _journal_due(self) -> list[PendingWrite]:
        """With the lock held: the waiting writes to journal now (the store refused one)."""
        if not self._paused or self.journal is None:
            return []
        return [w for w in self._pending if isinstance(w, PendingWrite)
                and w.operation is not None and w.journal_id is None]

    def _journal_waiting(self) -> None:
        """On the writer thread: journal the writes `_journal_due` names, in queue order."""
        with self._lock:
            due = self._journal_due()
        if not due:
            return
        ids = self.journal.append([(*w.operation, w.description) for w in due])  # type: ignore[union-attr,misc]
        with self._lock:
            if ids is None:  # kept in memory only (the quit warning says so) until the next failure
                self._journal_refused = True
                return
            for write, entry_id in zip(due, ids):
                write.journal_id = entry_id

    @property
    def settled(self) -> bool:
        """Nothing is being written and nothing runnable is queued (failed writes wait
        for a retry)."""
        with self._lock:
            return not self._writing and not self._runnable() and not self._journal_due_now()

    def submit(self, write: PendingWrite) -> None:
        with self._lock:
            if write.courtesy:
                self._courtesy = write  # only the latest state matters
            else:
                self._pending.append(write)
            self._wake.notify()

    def retry(self) -> None:
        with self._lock:
            self._paused = False
            self._wake.notify()

    def run(self, change: Callable[[Store], T], description: str = "A write") -> T:
        """From a worker thread: run `change` on the writer's store, after the writes
        queued before it, and return its result (or raise its error)."""
        done: Future = Future()
        with self._lock:
            if self._stopping:
                raise StoreError(f"{description} was not stored: the desk is closing.")
            # Worker writes go ahead of a failed write that waits for a retry: they are
            # independent of it, and their worker is waiting.
            if self._paused:
                self._pending.appendleft(_WorkerWrite(description, change, done))
            else:
                self._pending.append(_WorkerWrite(description, change, done))
            self._wake.notify()
        return done.result()

    def _journal_due_now(self) -> bool:
        # Only a write the journal has not failed on already: a journal that cannot be
        # written is tried again with the next failure, not in a loop.
        return bool(self._journal_due()) and not self._journal_refused

    def _runnable(self) -> bool:
        if not self._pending:
            return self._courtesy is not None
        return not self._paused or isinstance(self._pending[0], _WorkerWrite)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._runnable() and not self._stopping and not self._journal_due_now():
                    self._wake.wait()
                journal_now = self._journal_due_now()
            if journal_now:  # off the lock: the screen's thread never waits on an fsync
                self._journal_waiting()
                continue
            with self._lock:
                if not self._runnable():
                    break  # stopping, with nothing runnable left
                if self._pending:
                    write = self._pending[0]
                else:  # nothing of the checker's waits: the courtesy write's turn
                    write, self._courtesy = self._courtesy, None
                self._writing = True
            if isinstance(write, _WorkerWrite):
                self._run_for_worker(write)
                continue
            try:
                (self._run_courtesy if write.courtesy else self._run_queued)(write)
            finally:
                # Done only once its outcome is announced: `settled` never holds while a
                # message about a write is still to be posted.
                with self._lock:
                    self._writing = False
        with self._lock:  # a worker still waiting is told, not left hanging
            waiting = [w for w in self._pending if isinstance(w, _WorkerWrite)]
        for write in waiting:
            write.done.set_exception(StoreError(f"{write.description} was not stored: the desk closed."))

    def _run_for_worker(self, write: _WorkerWrite) -> None:
        try:
            result = write.change(self.store)
        except BaseException as exc:  # the worker that waits on it reports it
            outcome: tuple[bool, object] = (False, exc)
        else:
            outcome = (True, result)
        with self._lock:
            self._pending.remove(write)
            self._writing = False
        if outcome[0]:
            write.done.set_result(outcome[1])
        else:
            write.done.set_exception(outcome[1])  # type: ignore[arg-type]

    def _run_courtesy(self, write: PendingWrite) -> None:
        try:
            write.run(self.store)
        # A busy or absent store fails the checker's next write too, which says so once;
        # a courtesy neither warns nor waits for a retry.
        except Exception:
            return
        self._on_written(write, [], 0)

    def _run_queued(self, write: PendingWrite) -> None:
        try:
            before = (inbox.open_claim_count(self.store, write.claim_ids)
                      if write.claim_ids is not None else None)
            result = write.run(self.store)
            if isinstance(result, Written):
                touched, before, after = result.claim_ids, 0, result.remaining_delta
            else:
                touched = result
                after = (inbox.open_claim_count(self.store, write.claim_ids)
                         if write.claim_ids is not None else None)
        # Any failure keeps the write pending: a store error (busy, full disk) is waited
        # out with a retry, and even a bug must not end the only thread that writes.
        except Exception as exc:
            with self._lock:
                self._paused = True
                self._journal_refused = False
            self._journal_waiting()  # before the failure is announced: it says where they are kept
            with self._lock:
                pending = self._pending_count()
            self._on_failed(write, exc, pending)
            return
        with self._lock:
            self._pending.popleft()
        if write.journal_id is not None and self.journal is not None:
            self.journal.done(write.journal_id)
        delta = after - before if before is not None and after is not None else None
        self._on_written(write, touched, 0 if not write.counts_change else delta)
