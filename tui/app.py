"""The claimdesk Textual app and `make_app`, the one factory the command line and the
tests use to build it.

The app owns the desk's shared state (the store, the checker's settings, the active
filter, the review-queue counter) and the writer (`tui.writer`): every write the desk
makes (verdicts, notes, evidence, follows, and what workers ingest, fetch and match)
runs in order on one long-lived writer thread, the only user of the write connection,
so a busy database never freezes the screen, and a change that fails stays pending
until it is retried (the checker's own changes also in the journal, `tui.journal`,
until a desk on that store writes them). Screens show a verdict as soon as its key is
pressed; the store confirms it a few milliseconds later.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen

from ingest.text import neutralise_controls
from store import Store, inbox, search
from store import team, verdicts
from store.changes import ChangeBatch
from store.errors import ClaimdeskError, StoreUnreachable, VerdictConflict
from store.inbox import ClaimFilter
from store.models import Claim, Match
from store.rematch import count_stale_claims
from store.values import names_http_url
from tui.messages import (
    DuplicatesFound,
    EmbeddingProgress,
    RemainingCounted,
    StoreChanged,
    StoreReachable,
    UndoStepped,
    VerdictConflicted,
    WriteFailed,
)
from tui.screens.article import ArticleScreen
from tui.screens.conflict import ConflictScreen
from tui.screens.desk import DeskScreen
from tui.screens.duplicates import DuplicatesScreen
from tui.screens.evidence import ADD, EvidenceScreen
from tui.screens.filter import FilterScreen
from tui.screens.help import HelpScreen, binding_rows
from tui.screens.history import HistoryScreen
from tui.screens.inbox import InboxScreen
from tui.screens.prompt import PromptScreen, not_empty
from tui.screens.search import SearchScreen
from tui.settings import Settings, load_settings, save_settings
from tui.journal import Journal, store_key
from tui.team import TeamLink
from tui.validation import validate_url, validate_url_or_file
from tui.widgets.literal import one_line
from tui.words import counted
from tui.writer import PendingWrite, StoreWriter, Written

T = TypeVar("T")

if TYPE_CHECKING:
    from textual.timer import Timer

    import reports
    from matchers import Suggestion

ARTICLE_SCREEN = "article"
# While the store's server cannot be reached, the pending writes are tried this often
# (each try fails at once while it is down; see store.engine.RECONNECT_SECONDS).
UNREACHABLE_RETRY_SECONDS = 2.0
# How often the desk checks that its terminal is still there.
TERMINAL_CHECK_SECONDS = 1.0
HANGUP_EXIT_STATUS = 128 + 1  # as a shell reports a process ended by SIGHUP
# Colleagues' changes recount the review queue at most this often: with a team at work
# nearly every poll brings a verdict, and the count is four queries.
REMOTE_COUNT_SECONDS = 0.5
# How long the status line says how many journalled changes a start restored.
RESTORED_NOTE_SECONDS = 15.0


def _undo_message(done: str, action: str, changed: list[Claim], kept: int) -> str:
    """'Undid your change to claim 12 ("Militants killed…", now open).', or to 3 claims,
    with how many claims someone else changed since."""
    if not changed and not kept:
        return f"Nothing to {action}."
    if len(changed) == 1:
        claim = changed[0]
        state = claim.verdict or "open"
        message = f'{done} your change to claim {claim.id} ("{one_line(claim.text, 60)}", now {state}).'
    else:
        message = f"{done} your change to {counted(len(changed), 'claim')}."
    if kept:
        message += (f" {counted(kept, 'claim')} changed by someone else since "
                    f"{'was' if kept == 1 else 'were'} left as {'it is' if kept == 1 else 'they are'}.")
    return message


class ClaimdeskApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "claimdesk"
    # `q` and `?` are not priority bindings: a priority `q` would quit while a
    # note or a search is being typed.
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "show_help", "Help", id="app.help"),
        Binding("ctrl+r", "retry_writes", "Retry pending", show=False, id="app.retry"),
        Binding("R", "open_review", "Review queue", show=False, id="app.review"),
        Binding("M", "toggle_mine_first", "Mine first", show=False, id="app.mine_first"),
    ]

    def __init__(self, store: Store, settings: Settings | None = None, http_client=None) -> None:
        super().__init__()
        self.store = store
        # Reads on the UI thread use their own connection, so they never wait behind a
        # write that is waiting for a busy database (WAL lets readers run meanwhile).
        self.reader = store.reopen()
        self.settings = settings or load_settings()
        self.http_client = http_client
        self.filters = ClaimFilter()
        self.remaining: int | None = None
        self.new_evidence = 0  # judged claims whose new matches disagree with their verdict
        # The checker's changes the store refused are kept on disk until written.
        key = store_key(store)
        self.journal = Journal(key, self._replayable) if key else None
        self.writer = StoreWriter(store, self._written, self._write_failed, self.journal)
        self._restored_note = ""  # 'N journalled changes restored', for a while after a start
        # The store's server could not be reached: the desk keeps its pending writes and
        # tries them again every UNREACHABLE_RETRY_SECONDS until one goes through.
        self.store_unreachable = False
        self._unreachable_retry: Timer | None = None
        self._writer_lost_store = False  # the same, as the writer thread last saw it
        self._quit_warned = False
        self._counter_lock = threading.Lock()
        self._counter: Store | None = None
        # (embedded, total) while reference claims are being embedded, else None.
        self.embedding: tuple[int, int] | None = None
        self.team = TeamLink(self)
        # Tab walks the open claims of the articles assigned to this checker first.
        self.mine_first = True
        self.mine_open: int | None = None  # open claims in my articles (None: none assigned)
        self._remote_counted_at = 0.0  # monotonic time of the last recount for a poll
        self._remote_count_due: Timer | None = None

    # -- start and stop ---------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        self.writer.start()
        # Before any key: what an earlier desk could not store is written first, in order.
        self.restore_journal()
        self.team.start()
        self.push_screen(InboxScreen())
        # Counted once the inbox is on screen: a count over a large store would
        # otherwise compete with the first paint.
        self.call_after_refresh(self.count_remaining)
        if self.settings.semantic:
            self.call_after_refresh(self.embed_references)
        if not self.settings.checker:
            self.ask_checker_name()
        self.watch_terminal()

    def watch_terminal(self) -> None:
        """Close the desk when its terminal goes away. A hung-up terminal reads as endless
        end-of-file, which the input loop ignores, and SIGHUP does not always reach the
        desk (started through `make run`, or with SIGHUP ignored): without this check it
        would keep running with no one to see it."""
        stdin = sys.__stdin__
        if self.is_headless or stdin is None or not stdin.isatty():
            return
        fd = stdin.fileno()

        def exit_if_gone() -> None:
            try:
                os.tcgetpgrp(fd)
            except OSError:  # EIO once the terminal has hung up
                # Textual's own shutdown writes to the terminal and waits on it, which a
                # dead terminal never answers: finish the store's queued writes, then go.
                self.close_store_links()
                os._exit(HANGUP_EXIT_STATUS)

        self.set_interval(TERMINAL_CHECK_SECONDS, exit_if_gone)

    def on_unmount(self) -> None:
        self.close_store_links()

    def close_store_links(self) -> None:
        # Writes already queued are finished before the desk closes; a failed one stays
        # failed (its notification said so).
        self.team.stop()
        self.writer.stop()
        if self.journal is not None:
            self.journal.close()  # kept on disk if it still holds changes
        for extra in (self.reader, self._counter):
            if extra is not None and extra is not self.store:
                extra.close()

    def ask_checker_name(self) -> None:
        def remember(name: str | None) -> None:
            if not name:
                self.notify("Verdicts will carry no checker name until one is set.",
                            severity="warning", markup=False)
                return
            self.settings = self.settings.with_checker(name)
            try:
                save_settings(self.settings)
            except ClaimdeskError as exc:
                self.show_error(exc)

        self.push_screen(
            PromptScreen("Your name, saved with every verdict:", validate=not_empty), remember
        )

    @property
    def checker(self) -> str:
        return self.settings.checker

    @property
    def desk_screen(self) -> DeskScreen | None:
        # A worker's message can arrive while the desk closes and its screens are gone.
        stack = self.screen_stack
        screen = stack[-1] if stack else None
        return screen if isinstance(screen, DeskScreen) else None

    def desk_screens(self) -> Iterable[DeskScreen]:
        return [s for s in self.screen_stack if isinstance(s, DeskScreen)]

    def show_error(self, exc: Exception) -> None:
        title = getattr(exc, "title", "Error")
        self.notify(str(exc), title=title, severity="error", markup=False, timeout=8)

    def update_status(self) -> None:
        # Only the screen in view: the others refresh their bar when they are resumed.
        screen = self.desk_screen
        if screen is not None and screen.is_mounted:
            screen.update_status()

    # -- the write queue ---------------------------------------------------------------

    @property
    def pending_writes(self) -> int:
        return self.writer.pending

    @property
    def writes_settled(self) -> bool:
        """Nothing is being written and nothing runnable is queued (failed writes wait
        for a retry)."""
        return self.writer.settled

    def submit_write(self, write: PendingWrite) -> None:
        self.writer.submit(write)
        if self.store_unreachable and write.announce:
            # The queue waits for the store: its count on the status line grows now,
            # not at the next failed retry.
            self.update_status()

    def write_and_wait(self, change: Callable[[Store], T], description: str = "A write") -> T:
        """From a worker thread: run `change` on the writer thread and return its result."""
        return self.writer.run(change, description)

    def _written(self, write: PendingWrite, touched: list[int], remaining_delta: int | None) -> None:
        """On the writer thread, after a queued write is stored."""
        if self._writer_lost_store:
            self._writer_lost_store = False
            self.post_message(StoreReachable())
        if not write.announce:
            return
        self.post_message(StoreChanged(write.description, touched, write.verdict,
                                       remaining_delta=remaining_delta,
                                       article_ids=list(write.article_ids)))
        if write.offer_duplicates and touched:
            try:
                self._offer_duplicates(touched[0], write.verdict)
            except ClaimdeskError:
                pass  # an offer is a convenience; the verdict itself is stored

    def _write_failed(self, write: PendingWrite, error: Exception, pending: int) -> None:
        self._writer_lost_store = isinstance(error, StoreUnreachable)
        self.post_message(WriteFailed(write.description, str(error), pending,
                                      unreachable=self._writer_lost_store))

    def action_retry_writes(self) -> None:
        self.writer.retry()
        self.restore_journal()  # a journal an earlier desk left meanwhile (or one made readable)

    async def action_quit(self) -> None:
        """Quit; with changes still pending (a store that cannot be written), only at
        the second asking: they are written by the next desk on this store (from the
        journal), or lost if the journal could not keep them."""
        pending = self.pending_writes
        if pending and self.writes_settled and not self._quit_warned:  # failed, waiting
            self._quit_warned = True
            lost = self.writer.unjournalled  # feed follows, or a journal that cannot be written
            if lost:
                why = f" (journal: {self.journal.error})" if self.journal is not None and self.journal.error else ""
                of_them = "" if lost == pending else f" {lost} of them"
                self.notify(f"{counted(pending, 'change')} not stored yet,{of_them} lost if the desk closes "
                            f"now{why}; q again quits anyway, ctrl+r retries.",
                            title="Not saved", severity="warning", markup=False, timeout=8)
            else:
                self.notify(f"{counted(pending, 'change')} not stored yet, kept in the journal and "
                            "written when a desk next opens on this store; q again quits, ctrl+r retries now.",
                            title="Not saved", severity="warning", markup=False, timeout=8)
            return
        await super().action_quit()

    # -- the journal ------------------------------------------------------------------------

    def restore_journal(self) -> None:
        """Queue the changes journals of earlier desks on this store still hold (a desk
        closed, or ended, while the store could not be written), oldest first."""
        if self.journal is None:
            return
        restored = self.journal.take_over()
        for entry in restored.entries:
            self.submit_write(self.checker_write(entry.op, entry.args, entry.id))
        for problem in restored.problems:
            self.notify(problem, title="Journal", severity="error", markup=False, timeout=20)
        if restored.entries:
            count = counted(len(restored.entries), "journalled change")
            self.notify(f"{count} from an earlier desk on this store restored; being written now.",
                        title="Journal", markup=False, timeout=8)
            self._restored_note = f"{count} restored"
            self.set_timer(RESTORED_NOTE_SECONDS, self._forget_restored_note)
            self.update_status()

    def _forget_restored_note(self) -> None:
        self._restored_note = ""
        self.update_status()

    def _replayable(self, op: str, args: dict) -> bool:
        """Whether a journal entry is a change this desk can run (else the file is set aside)."""
        try:
            self.checker_write(op, args)
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        return True

    def checker_write(self, op: str, args: dict, journal_id: int | None = None) -> PendingWrite:
        """The write for one of the checker's changes, from its operation name and JSON
        arguments: the one path for a key pressed now and a change replayed from the journal."""
        write = CHECKER_WRITES[op](self, args)
        write.operation, write.journal_id = (op, args), journal_id
        return write

    def on_store_changed(self, message: StoreChanged) -> None:
        for screen in self.desk_screens():
            if screen.is_mounted:
                screen.store_changed(message)
        if message.remaining_delta is None:
            self.count_remaining()
        elif message.remaining_delta and self.remaining is not None:
            self.remaining += message.remaining_delta
        if self.new_evidence and message.claim_ids:
            # A verdict clears a claim's flag; the count is over a small table.
            self.new_evidence = count_stale_claims(self.reader)
        self.update_status()

    def on_write_failed(self, message: WriteFailed) -> None:
        if message.unreachable:
            self._store_lost(message)
            return
        self.notify(
            f"{message.description} is not stored yet: {message.error} "
            f"{counted(message.pending, 'change')} pending; ctrl+r retries.",
            title="Not saved", severity="error", markup=False, timeout=10,
        )
        self.update_status()

    def _store_lost(self, message: WriteFailed) -> None:
        """Said once per outage; the retries that fail meanwhile only move the count."""
        if not self.store_unreachable:
            self.store_unreachable = True
            self.notify(
                f"{message.error} {counted(message.pending, 'change')} pending, kept on this "
                f"desk{'' if self.writer.unjournalled else ' and in its journal'} and written "
                "when the store is back, even after the desk closes (ctrl+r tries now).",
                title="Store unreachable", severity="error", markup=False, timeout=10,
            )
            self._unreachable_retry = self.set_interval(
                UNREACHABLE_RETRY_SECONDS, self.writer.retry, name="store-retry")
        self.update_status()

    def on_store_reachable(self, message: StoreReachable) -> None:
        if not self.store_unreachable:
            return
        self.store_unreachable = False
        if self._unreachable_retry is not None:
            self._unreachable_retry.stop()
            self._unreachable_retry = None
        self.notify("The store is back; the pending changes are being written.",
                    title="Store", markup=False)
        self.update_status()

    def store_status(self) -> str:
        """For the status line: the store's server cannot be reached; journalled changes restored."""
        parts = ["Store unreachable" if self.store_unreachable else "", self._restored_note]
        return "  ".join(p for p in parts if p)

    @work(thread=True, exclusive=True, group="count", exit_on_error=False,
          description="Count the claims left in the review queue")
    def count_remaining(self) -> None:
        reader = self.background_reader
        # Twice: a connection the server dropped fails once, then is opened again.
        for attempt in range(2):
            try:
                mine = inbox.my_open_count(reader, self.checker) if self.checker else 0
                has_mine = mine > 0 or bool(self.checker and team.has_assignments(reader, self.checker))
                counts = (inbox.remaining_count(reader), count_stale_claims(reader))
                break
            except StoreUnreachable:
                if attempt:
                    return  # counted again after the next write, or once the store is back
        self.post_message(RemainingCounted(*counts, mine if has_mine else None))

    @work(thread=True, exclusive=True, group="embed", exit_on_error=False,
          description="Embed reference claims for semantic matching")
    def embed_references(self) -> None:
        """Embed the reference claims imported without embeddings, reading on a connection
        of its own and storing a short transaction per batch through the writer; matching
        meanwhile embeds what it needs on the spot. Stops between batches when the desk closes."""
        import operations

        store = self.store.reopen()
        made = 0
        try:
            made = operations.embed_references(
                store,
                on_progress=lambda done, total: self.post_message(EmbeddingProgress(done, total)),
                should_stop=lambda: self.writer.stopping,
                write=self.write_and_wait,
            )
        except ClaimdeskError as exc:
            if not self.writer.stopping:  # closing the desk mid-batch is not a failure
                self.show_error(exc)  # notify is safe from a thread
        finally:
            if store is not self.store:
                store.close()
            self.post_message(EmbeddingProgress(made, made, finished=True))

    def on_embedding_progress(self, message: EmbeddingProgress) -> None:
        self.embedding = (None if message.finished or message.done >= message.total
                          else (message.done, message.total))
        self.update_status()

    @property
    def background_reader(self) -> Store:
        """The connection workers read through (counting, matching): long reads there
        never hold up the writes or the screen's reads, which have their own."""
        with self._counter_lock:
            if self._counter is None:
                self._counter = self.store.reopen()
            return self._counter

    def on_remaining_counted(self, message: RemainingCounted) -> None:
        self.remaining = message.remaining
        self.new_evidence = message.new_evidence
        self.mine_open = message.mine
        self.update_status()

    # -- verdicts, notes, evidence ----------------------------------------------------------

    def record_verdict(self, claim_ids: list[int], verdict: str | None,
                       offer_duplicates: bool = False,
                       seen: dict[int, str | None] | None = None) -> None:
        """Queue a verdict. `seen` holds the verdicts the checker's screen showed: a claim
        another checker changed meanwhile is not written but shown to the checker with
        both verdicts (ConflictScreen), and the others are written."""
        args = {"claim_ids": list(claim_ids), "verdict": verdict, "checker": self.checker,
                "seen": None if seen is None else {str(k): v for k, v in seen.items()},
                "offer_duplicates": offer_duplicates}
        self.submit_write(self.checker_write("verdict", args))

    def _verdict_write(self, args: dict) -> PendingWrite:
        ids = [_whole(cid) for cid in args["claim_ids"]]
        verdict, checker = _optional_text(args["verdict"]), _text(args["checker"])
        seen = (None if args["seen"] is None
                else {int(k): _optional_text(v) for k, v in args["seen"].items()})  # JSON keys are text
        offer_duplicates = bool(args["offer_duplicates"])
        label = verdict or "no verdict"
        what = f"claim {ids[0]}" if len(ids) == 1 else f"{len(ids)} claims"

        def run(store: Store) -> Written:
            written, queue_change = list(ids), 0
            while written:
                try:
                    # The queue's count moves by what the verdict's own transaction read:
                    # nothing is queried before the verdict is stored.
                    queue_change = store.record_verdict_counted(
                        written, verdict, checker=checker, seen=seen).queue_change
                    break
                except VerdictConflict as exc:
                    clashed = {clash.claim_id for clash in exc.clashes}
                    written = [cid for cid in written if cid not in clashed]
                    self.post_message(VerdictConflicted(exc.clashes, verdict))
            return Written(written, queue_change)

        return PendingWrite(f"Verdict {label} for {what}", run, verdict,
                            offer_duplicates and verdict is not None)

    def _offer_duplicates(self, claim_id: int, verdict: str | None) -> None:
        """Runs on the writer thread: near-duplicates of a judged claim get offered."""
        duplicates = inbox.near_duplicates(self.store, claim_id)
        if duplicates and verdict:
            claims = [self.store.get_claim(cid) for cid in duplicates]
            self.post_message(DuplicatesFound(claims, verdict))

    def on_verdict_conflicted(self, message: VerdictConflicted) -> None:
        """Another checker set these claims (or changed their notes) meanwhile: show both
        and ask."""
        ids = [clash.claim_id for clash in message.clashes]
        # The claims go back to what the store holds until the checker decides.
        for screen in self.desk_screens():
            if screen.is_mounted:
                screen.store_changed(StoreChanged("", ids))
        verdict = message.verdict

        def decide(choice: str | None) -> None:
            if choice == "mine":
                for clash in message.clashes:
                    if clash.of_notes:
                        self.save_note(clash.claim_id, clash.wanted_note or "", seen=clash.stored_note)
                verdicts = {c.claim_id: c.stored for c in message.clashes if not c.of_notes}
                if verdicts:
                    self.record_verdict(list(verdicts), verdict, seen=verdicts)
            elif choice == "review":
                self.request_review(ids, proposed=verdict)

        self.push_screen(ConflictScreen(message.clashes, self.reader), decide)

    def request_review(self, claim_ids: list[int], proposed: str | None = None,
                       withdraw: bool = False) -> None:
        """Mark claims for the editor's review (or take the mark away)."""
        self.submit_write(self.checker_write("review", {
            "claim_ids": list(claim_ids), "checker": self.checker, "proposed": proposed,
            "withdraw": withdraw}))

    def _review_write(self, args: dict) -> PendingWrite:
        ids = [_whole(cid) for cid in args["claim_ids"]]
        checker, proposed = _text(args["checker"]), _optional_text(args["proposed"])
        withdraw = bool(args["withdraw"])

        def run(store: Store) -> list[int]:
            if withdraw:
                for claim_id in ids:
                    team.withdraw_review(store, claim_id, checker)
            else:
                team.request_review(store, ids, checker, proposed)
            return ids

        what = f"claim {ids[0]}" if len(ids) == 1 else f"{len(ids)} claims"
        action = "Review request withdrawn for" if withdraw else "Review asked for"
        return PendingWrite(f"{action} {what}", run, counts_change=False)

    def settle_review(self, decisions: list[tuple[int, str]]) -> None:
        """The editor's decision on a review-queue item (claim id, verdict) pairs."""
        self.submit_write(self.checker_write("settle", {
            "decisions": [[claim_id, verdict] for claim_id, verdict in decisions],
            "reviewer": self.checker}))

    def _settle_write(self, args: dict) -> PendingWrite:
        decisions = [(_whole(claim_id), _optional_text(verdict)) for claim_id, verdict in args["decisions"]]
        reviewer = _text(args["reviewer"])
        ids = [claim_id for claim_id, _ in decisions]

        def run(store: Store) -> list[int]:
            team.settle_review(store, decisions, reviewer)
            return ids

        what = f"claim {ids[0]}" if len(ids) == 1 else f"claims {', '.join(map(str, ids))}"
        return PendingWrite(f"Review settled for {what}", run, claim_ids=tuple(ids))

    def assign_article(self, article_id: int) -> None:
        """Ask whom to give the article to, then store it through the writer."""
        by = self.checker
        current = team.assignees(self.reader, [article_id]).get(article_id, "")
        names = ", ".join(n for n in team.known_checkers(self.reader)[:8])

        def save(name: str | None) -> None:
            if name is not None:
                self.submit_write(self.checker_write(
                    "assign", {"article_id": article_id, "name": name, "by": by}))

        hint = f" (known: {names})" if names else ""
        self.push_screen(PromptScreen(f"Assign article {article_id} to (empty: nobody){hint}:",
                                      value=current), save)

    def _assign_write(self, args: dict) -> PendingWrite:
        article_id, name, by = _whole(args["article_id"]), _text(args["name"]), _text(args["by"])

        def run(store: Store) -> list[int]:
            team.assign_article(store, article_id, name, by=by)
            return []

        label = f"Article {article_id} assigned to {name}" if name else f"Article {article_id} unassigned"
        return PendingWrite(label, run, article_ids=(article_id,))

    def action_open_review(self) -> None:
        from tui.screens.review import ReviewScreen

        if not isinstance(self.screen, ReviewScreen):
            self.push_screen(ReviewScreen())

    def action_toggle_mine_first(self) -> None:
        self.mine_first = not self.mine_first
        state = "first" if self.mine_first else "in queue order with the rest"
        self.notify(f"Tab goes through the claims of your articles {state}.", timeout=3)
        self.update_status()

    def team_status(self) -> str:
        """'Mine: 3 open' when this checker has articles assigned."""
        if self.mine_open is None:
            return ""
        return f"Mine: {self.mine_open} open" + ("" if self.mine_first else " (tab: all)")

    # -- other desks ---------------------------------------------------------------------------

    def open_article_id(self) -> int | None:
        """The article this desk has open (beneath any dialog), for presence."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ArticleScreen):
                return screen.article_id if screen.is_mounted else None
            if isinstance(screen, DeskScreen):
                return None
        return None

    def apply_remote_changes(self, batch: ChangeBatch) -> None:
        """What other desks (or this desk's own writer) committed, seen by the poll."""
        for screen in self.desk_screens():
            if screen.is_mounted:
                try:
                    screen.remote_changes(batch)
                except NoMatches:
                    pass  # a screen being taken down has no widgets left to refresh
        if batch.overflow or batch.has("verdict", "article", "status", "assignment"):
            self._count_for_colleagues()

    def _count_for_colleagues(self) -> None:
        """Recount the review queue now, or once REMOTE_COUNT_SECONDS have passed since
        the last recount for a poll (one recount for all the polls in between)."""
        if self._remote_count_due is not None:
            return
        wait = self._remote_counted_at + REMOTE_COUNT_SECONDS - time.monotonic()
        if wait > 0:
            self._remote_count_due = self.set_timer(wait, self._count_when_due)
            return
        self._remote_counted_at = time.monotonic()
        self.count_remaining()

    def _count_when_due(self) -> None:
        self._remote_count_due = None
        self._count_for_colleagues()

    def presence_changed(self) -> None:
        for screen in self.desk_screens():
            if screen.is_mounted:
                try:
                    screen.presence_changed()
                except NoMatches:
                    pass  # a screen being taken down has no widgets left to refresh

    def on_duplicates_found(self, message: DuplicatesFound) -> None:
        verdict = message.verdict

        def accept(ids: list[int] | None) -> None:
            if ids:
                # Offered as open: one a colleague judged meanwhile is shown, not overwritten.
                self.record_verdict(ids, verdict, seen={cid: None for cid in ids})

        self.push_screen(DuplicatesScreen(message.claims, verdict), accept)

    def set_article_status(self, article_id: int, status: str) -> None:
        """Mark an article inbox / done / archived, through the writer thread like every
        other write, so a busy store never freezes the inbox."""
        self.submit_write(self.checker_write("status", {"article_id": article_id, "status": status}))

    def _status_write(self, args: dict) -> PendingWrite:
        article_id, status = _whole(args["article_id"]), _text(args["status"])

        def run(store: Store) -> list[int]:
            store.set_article_status(article_id, status)
            return []

        return PendingWrite(f"Article {article_id} marked {status}", run, article_ids=(article_id,))

    def edit_note(self, claim: Claim) -> None:
        # Imported when first used: its text area is the heaviest widget, and the launch
        # does not need it.
        from tui.screens.note import NoteScreen

        def save(note: str | None) -> None:
            if note is not None and note != claim.note:
                # What the editor opened with: a colleague's note saved meanwhile is shown.
                self.save_note(claim.id, note, seen=claim.note)

        self.push_screen(NoteScreen(claim.note), save)

    def save_note(self, claim_id: int, note: str, seen: str) -> None:
        """Queue a note. If another checker changed the claim's note since it read `seen`,
        it is not written: both notes are shown (ConflictScreen) and the checker decides."""
        self.submit_write(self.checker_write("note", {
            "claim_id": claim_id, "note": note, "checker": self.checker, "seen": seen}))

    def _note_write(self, args: dict) -> PendingWrite:
        # Typed or pasted text may carry terminal controls: stored neutralised, as the
        # command line stores its arguments.
        claim_id, checker = _whole(args["claim_id"]), _text(args["checker"])
        note = neutralise_controls(_text(args["note"]))
        seen = _optional_text(args["seen"])

        def run(store: Store) -> list[int]:
            try:
                store.set_note(claim_id, note, checker=checker, seen=seen)
            except VerdictConflict as exc:
                self.post_message(VerdictConflicted(exc.clashes, None))
                return []
            return [claim_id]

        return PendingWrite(f"Note for claim {claim_id}", run, counts_change=False)

    def edit_evidence(self, claim: Claim) -> None:
        """The claim's evidence links: add one, or take one attached by mistake off."""
        checker = self.checker

        def save(change: tuple[str, str] | None) -> None:
            if change:
                action, url = change
                self.submit_write(self.checker_write(
                    "evidence" if action == ADD else "evidence-remove",
                    {"claim_id": claim.id, "url": url, "checker": checker}))

        urls = [e.url for e in self.reader.evidence_for(claim.id)]
        self.push_screen(EvidenceScreen(claim.id, urls), save)

    def _evidence_write(self, args: dict) -> PendingWrite:
        claim_id, checker = _whole(args["claim_id"]), _text(args["checker"])
        url = neutralise_controls(_text(args["url"]))

        def run(store: Store) -> list[int]:
            if not store.add_evidence(claim_id, url, checker=checker):
                # notify is thread-safe
                self.notify("That evidence URL is already there.", markup=False, timeout=3)
            return [claim_id]

        return PendingWrite(f"Evidence for claim {claim_id}", run, counts_change=False)

    def _evidence_removal_write(self, args: dict) -> PendingWrite:
        claim_id, checker = _whole(args["claim_id"]), _text(args["checker"])
        url = _text(args["url"])

        def run(store: Store) -> list[int]:
            if store.remove_evidence(claim_id, url, checker=checker):
                self.notify(f"Removed {url} from claim {claim_id}.", markup=False, timeout=3)
            else:  # another desk took it off first
                self.notify(f"Claim {claim_id} no longer had {url}.", markup=False, timeout=3)
            return [claim_id]

        return PendingWrite(f"Evidence removed from claim {claim_id}", run, counts_change=False)

    def undo_verdict(self) -> None:
        self.submit_write(self.checker_write("undo", {"checker": self.checker}))

    def redo_verdict(self) -> None:
        self.submit_write(self.checker_write("redo", {"checker": self.checker}))

    def _undo_write(self, args: dict) -> PendingWrite:
        return self._undo_step_write("Undo", verdicts.undo_last, "Undid", _text(args["checker"]))

    def _redo_write(self, args: dict) -> PendingWrite:
        return self._undo_step_write("Redo", verdicts.redo_last, "Redid", _text(args["checker"]))

    def _undo_step_write(self, label: str, step: Callable[[Store, str], verdicts.UndoOutcome],
                         done: str, checker: str) -> PendingWrite:
        """`step` (`verdicts.undo_last` or `redo_last`) for this checker, saying what it did."""

        def run(store: Store) -> list[int]:
            outcome = step(store, checker)
            self.post_message(UndoStepped(label.lower(), done, outcome.changed, outcome.kept))
            return outcome.changed

        return PendingWrite(label, run)

    def on_undo_stepped(self, message: UndoStepped) -> None:
        """Say which claims the undo or redo changed, and put the cursor on the first."""
        claims = [self.reader.get_claim(claim_id) for claim_id in message.changed]
        self.notify(_undo_message(message.done, message.action, claims, len(message.kept)),
                    markup=False, timeout=4)
        screen = self.desk_screen
        if claims and screen is not None:
            screen.show_claim(claims[0])

    def suggest(self, matches: list[Match]) -> Suggestion | None:
        """The suggested verdict for these matches, with its reason (`matchers.suggest_verdict`,
        as `claimdesk match` gives it)."""
        if not matches:
            return None
        import matchers

        return matchers.suggest_verdict(matches)

    # -- navigation -------------------------------------------------------------------------

    def open_article(self, article_id: int, claim_id: int | None = None) -> None:
        others = self.team.others_on(article_id)
        if others and article_id != self.open_article_id():
            self.notify(f"{team.describe_presence(others)}; you are opening it too.",
                        title="Shared article", markup=False, timeout=5)
        screen = self.screen
        if isinstance(screen, ArticleScreen):
            screen.load_article(article_id, claim_id)
        elif self.is_screen_installed(ARTICLE_SCREEN):
            # The article screen is built once and kept: opening the next article
            # refills its widgets instead of composing and laying out a new screen.
            article_screen = self.get_screen(ARTICLE_SCREEN)
            article_screen.load_article(article_id, claim_id)  # type: ignore[attr-defined]
            self.push_screen(ARTICLE_SCREEN)
        else:
            self.install_screen(ArticleScreen(article_id, claim_id), ARTICLE_SCREEN)
            self.push_screen(ARTICLE_SCREEN)

    def open_next_unjudged(self, current: int | None, backwards: bool = False) -> None:
        mine = self.checker if self.mine_first and self.mine_open is not None else ""
        item = inbox.next_unjudged(self.reader, current, backwards=backwards, mine=mine)
        if item is None:
            self.notify("No claims left without a verdict.", timeout=3)
            return
        screen = self.screen
        if isinstance(screen, ArticleScreen) and screen.article_id == item.article_id:
            if not screen.claim_list.move_to_claim(item.claim_id):
                self.notify("The next open claim is hidden by the filter (esc clears it).",
                            timeout=3)
            return
        self.open_article(item.article_id, item.claim_id)

    def show_history(self, claim: Claim) -> None:
        self.push_screen(HistoryScreen(claim, self.reader.verdict_history(claim.id),
                                       [e.url for e in self.reader.evidence_for(claim.id)]))

    def open_url(self, url: str) -> None:
        """Open a match's URL in the browser: http(s) only, never through a shell."""
        import webbrowser  # imported when first used: the launch does not need it

        error = validate_url(url)
        if error:
            self.notify(error, title="Not opened", severity="warning", markup=False)
            return
        try:
            opened = webbrowser.open(url, new=2)
        except webbrowser.Error as exc:
            self.notify(f"The browser could not open {url}: {exc}.", markup=False,
                        severity="error")
            return
        if not opened:  # no browser on this machine (a remote terminal): the address to copy
            self.notify(f"No browser could be started here; the address is {url}", title="Not opened",
                        severity="warning", timeout=15, markup=False)
            return
        self.notify(f"Opened {url}", timeout=3, markup=False)

    def action_show_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(binding_rows(self.screen)))

    # -- filter, search, export ----------------------------------------------------------------

    def set_filter(self, filters: ClaimFilter) -> None:
        self.filters = filters
        for screen in self.desk_screens():
            if screen.is_mounted:
                screen.filter_changed()
        self.update_status()

    def edit_filter(self) -> None:
        def apply(filters: ClaimFilter | None) -> None:
            if filters is not None:
                self.set_filter(filters)

        self.push_screen(FilterScreen(self.filters, inbox.sources(self.reader), inbox.speakers(self.reader)),
                         apply)

    def open_feeds(self) -> None:
        from tui.screens.feeds import FeedsScreen

        self.push_screen(FeedsScreen())

    def ask_article_url(self) -> None:
        """Ask for a page's URL or a file's path, then read, store and match it in a worker."""

        def start(answer: str | None) -> None:
            if answer:
                self.notify(f"Reading {answer}…", markup=False, timeout=3)
                self.ingest_url(answer)

        self.push_screen(PromptScreen("Article URL, or a file (a transcript is recognised by its SPEAKER: lines)",
                                      validate=validate_url_or_file), start)

    @work(thread=True, group="ingest", exit_on_error=False, description="Fetching one article")
    def ingest_url(self, url: str) -> None:
        import operations

        source = url if names_http_url(url) else str(Path(url).expanduser())
        try:
            result = operations.ingest_source(self.background_reader, source, client=self.http_client,
                                              semantic=self.settings.semantic, form="auto",
                                              write=self.write_and_wait)
        except ClaimdeskError as exc:
            self.call_from_thread(self.show_error, exc)
            return
        for warning in result.warnings:
            self.call_from_thread(self.notify, warning, severity="warning", markup=False)
        state = "Added" if result.created else "Already stored:"
        self.call_from_thread(self.notify, f"{state} {result.title} ({counted(result.claims, 'claim')}).",
                              markup=False)
        if result.created:
            self.call_from_thread(self.article_arrived, result.article_id)

    def article_arrived(self, article_id: int) -> None:
        """A new article is stored: the inbox shows it and the review queue counts it."""
        for screen in self.screen_stack:
            if isinstance(screen, InboxScreen):
                screen.reload(keep_article=screen.table.current_article_id)
        self.count_remaining()

    def open_search(self) -> None:
        def go(hit: search.SearchHit | None) -> None:
            if hit is not None:
                self.open_article(hit.article_id, hit.claim_id)

        self.push_screen(SearchScreen(), go)

    def export_report(self, article_id: int | None) -> None:
        import reports

        def start(path: str | None) -> None:
            if not path:
                return
            fmt = reports.format_for_path(path)
            if fmt != "claimreview":
                self.write_export(path, fmt, article_id, self.filters, reports.ReportOptions())
                return
            # Each ClaimReview names the page that publishes it: asked here, as
            # `claimdesk export --base-url` takes it.
            self.push_screen(
                PromptScreen("ClaimReview: the URL of the page that will publish these reviews:",
                             validate=check_review_page, placeholder="https://desk.example/reviews"),
                lambda base_url: publish(path, fmt, base_url),
            )

        def publish(path: str, fmt: str, base_url: str | None) -> None:
            if base_url:
                self.write_export(path, fmt, article_id, self.filters, reports.ReportOptions(base_url=base_url))

        def check_review_page(answer: str) -> str | None:
            from reports.claimreview import review_base_url

            try:
                review_base_url(reports.ReportOptions(base_url=answer))
            except ClaimdeskError as exc:
                return str(exc)
            return None

        def check(answer: str) -> str | None:
            if not answer:
                return "Please type a file path, or press escape to cancel."
            try:
                reports.format_for_path(answer)
            except ClaimdeskError as exc:
                return str(exc)
            if Path(answer).expanduser().is_dir():
                return f"'{answer}' is a folder; type a file path."
            return None

        scope = f"article {article_id}" if article_id is not None else "all articles"
        self.push_screen(
            PromptScreen(f"Export the verdicts in view ({scope}; filter: "
                         f"{self.filters.describe()}) to file:", validate=check,
                         placeholder="report.md"),
            start,
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False,
          description="Write a report")
    def write_export(self, path: str, fmt: str, article_id: int | None,
                     filters: ClaimFilter, options: "reports.ReportOptions") -> None:
        import operations  # imported here: it pulls in every core package

        # Named in full when written: a file name alone leaves the checker guessing which folder.
        target = Path(path).expanduser().absolute()
        try:
            written = operations.export_in_view(self.background_reader, fmt, str(target),
                                                filters, article_id, options)
        except (ClaimdeskError, OSError) as exc:
            self.call_from_thread(self.show_error, exc)
            return
        self.call_from_thread(self.notify, f"Wrote {counted(written, 'claim')} to {target}.",
                              title="Exported", markup=False)

    # -- the command palette ------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen or binding.system:
                continue
            seen.add(binding.description)
            keys = self.get_key_display(binding)
            yield SystemCommand(
                binding.description, f"Key: {keys}",
                lambda action=binding.action, node=active.node: self.run_action(action, node),
            )


# A journal entry's arguments are checked as they are read back: an entry that does not
# fit its operation sets the file aside instead of writing something else.
def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    return value


# The checker's changes by journal operation name: each builds the write a key queues.
# Presence and feed follows are not here: they are not journalled.
CHECKER_WRITES: dict[str, Callable[[ClaimdeskApp, dict], PendingWrite]] = {
    "verdict": ClaimdeskApp._verdict_write,
    "note": ClaimdeskApp._note_write,
    "evidence": ClaimdeskApp._evidence_write,
    "evidence-remove": ClaimdeskApp._evidence_removal_write,
    "review": ClaimdeskApp._review_write,
    "settle": ClaimdeskApp._settle_write,
    "assign": ClaimdeskApp._assign_write,
    "status": ClaimdeskApp._status_write,
    "undo": ClaimdeskApp._undo_write,
    "redo": ClaimdeskApp._redo_write,
}


def make_app(store: Store, settings: Settings | None = None, http_client=None) -> ClaimdeskApp:
    """Build the desk on a store; the command line and the tests both start here."""
    return ClaimdeskApp(store, settings, http_client)
