"""The desk's link to the other desks on its store: it polls the store's change watch a
few times a second and hands what changed to the screens, keeps this desk's presence
(which article it has open) fresh with a heartbeat, and knows who else is on which
article (read again when a desk logs that it moved, and every PRESENCE_REFRESH_SECONDS
for heartbeats that stopped).

Everything here runs on the UI thread except the presence writes, which go through the
desk's writer as courtesy writes: one that fails is dropped without a word and never
holds up the checker's verdicts; the next heartbeat says it again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from store import team
from store.changes import ChangeBatch, ChangeWatch, watch_changes
from store.errors import ClaimdeskError

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.app import ClaimdeskApp

# How often the desk asks the store whether another desk committed something: well
# under the one second in which a colleague's verdict should appear.
POLL_SECONDS = 0.25
# How often presence is read with nothing logged: a desk that closed without saying so
# drops out once its heartbeat is older than team.PRESENCE_TTL.
PRESENCE_REFRESH_SECONDS = 5.0


class TeamLink:
    def __init__(self, app: ClaimdeskApp) -> None:
        self.app = app
        self.desk_id = team.new_desk_id()
        self.watch: ChangeWatch | None = None
        # Article id -> the other checkers who have it open, as of the last poll.
        self.present: dict[int, list[str]] = {}
        self.assigned: dict[int, str] = {}
        self._reported_article: int | None | bool = False  # False: nothing reported yet
        self._reported_at = 0.0
        self._presence_pending = False
        self._move_unreported = False  # a presence write that logged a move failed
        self._presence_read_at = 0.0
        self.timer: Timer | None = None

    def start(self) -> None:
        try:
            self.watch = watch_changes(self.app.reader)
            self.present = self._read_presence()
        except ClaimdeskError:
            self.watch = None  # a store that cannot be read shows its error elsewhere
        self.timer = self.app.set_interval(POLL_SECONDS, self.poll, name="team-poll")

    def stop(self) -> None:
        """Say this desk has left (queued before the writer finishes its queue)."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        if self.watch is not None:
            self.watch.close()
        from tui.writer import PendingWrite

        desk = self.desk_id

        def run(store) -> list[int]:
            team.leave_presence(store, desk)
            return []

        self.app.submit_write(PendingWrite("Leaving", run, counts_change=False, announce=False,
                                           courtesy=True))

    # -- polling ---------------------------------------------------------------------------

    def poll(self) -> None:
        self._report_presence()
        if self.watch is None:
            return
        try:
            batch = self.watch.poll()
        except ClaimdeskError:
            return  # the next poll tries again; a write failure is reported by the writer
        self.apply(batch)

    def apply(self, batch: ChangeBatch | None) -> None:
        """Hand a poll's changes to the app and the screens; read presence again when a
        desk moved (or it is due)."""
        presence_moved = False
        due = time.monotonic() - self._presence_read_at >= PRESENCE_REFRESH_SECONDS
        if due or (batch is not None and (batch.overflow or batch.has("presence"))):
            try:
                present = self._read_presence()
            except ClaimdeskError:
                present = self.present  # read again at the next poll that needs it
            presence_moved = present != self.present
            self.present = present
        if batch is not None and (batch.overflow or any(c.kind != "presence" for c in batch.changes)):
            self.app.apply_remote_changes(batch)
        if presence_moved:
            self.app.presence_changed()

    def _read_presence(self) -> dict[int, list[str]]:
        found = team.checkers_on_articles(self.app.reader, except_desk=self.desk_id,
                                          except_checker=self.app.checker)
        self._presence_read_at = time.monotonic()
        return found

    def others_on(self, article_id: int | None) -> list[str]:
        return self.present.get(article_id, []) if article_id is not None else []

    # -- presence heartbeat --------------------------------------------------------------------

    def _report_presence(self) -> None:
        if self.app.store_unreachable:
            return  # nobody can see it meanwhile; reported again once the store is back
        article_id = self.app.open_article_id()
        now = time.monotonic()
        due = now - self._reported_at >= team.HEARTBEAT_SECONDS
        if (article_id == self._reported_article and not due) or self._presence_pending:
            return
        from tui.writer import PendingWrite

        desk, checker = self.desk_id, self.app.checker or "(unnamed)"
        # A move whose write failed is logged again with the next heartbeat, so the other
        # desks still read who is where.
        moved = article_id != self._reported_article or self._move_unreported
        self._reported_article, self._reported_at = article_id, now
        self._presence_pending, self._move_unreported = True, False

        def run(store) -> list[int]:
            try:
                team.touch_presence(store, desk, checker, article_id, moved=moved)
            except Exception:
                self._move_unreported = moved
                raise
            finally:
                self._presence_pending = False
            return []

        self.app.submit_write(PendingWrite("Presence", run, counts_change=False, announce=False,
                                           courtesy=True))
