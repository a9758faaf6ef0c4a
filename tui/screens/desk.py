"""What the inbox and article screens share: the filter bar, and the keys that act on
the whole desk (undo, redo, search, filter, export, review queue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen

from store.changes import ChangeBatch
from store.models import Claim
from store.inbox import ClaimFilter
from tui.messages import StoreChanged
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp


class DeskScreen(Screen):
    BINDINGS = [
        Binding("tab,right_square_bracket", "next_unjudged", "Next open",
                id="queue.next"),
        Binding("shift+tab,left_square_bracket", "previous_unjudged", "Previous open claim",
                show=False, id="queue.previous"),
        Binding("z", "undo_verdict", "Undo", show=False, id="verdict.undo"),
        Binding("Z", "redo_verdict", "Redo", show=False, id="verdict.redo"),
        Binding("slash", "search", "Search", show=False, id="desk.search"),
        Binding("f", "edit_filter", "Filter", id="desk.filter"),
        Binding("E", "export_report", "Export", show=False, id="desk.export"),
    ]

    @property
    def desk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def in_view(self) -> bool:
        """On screen: the top screen, or beneath dialogs that let it show through.
        Textual's `is_current` also holds for the screen right beneath an opaque one
        (the article screen over the inbox), which the checker cannot see."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1:]
        return all(screen.styles.background.a < 1 for screen in above)

    # -- status ------------------------------------------------------------------

    def update_status(self) -> None:
        parts = [self.desk.store_status(), self.status_extra(), self.desk.team_status()]
        if self.desk.embedding is not None:
            done, total = self.desk.embedding
            parts.append(f"Embedding references {done:,}/{total:,}")
        extra = "  ".join(p for p in parts if p)
        for bar in self.query(FilterBar):
            bar.show_state(self.desk.filters, self.desk.remaining, self.desk.pending_writes,
                           extra, self.desk.new_evidence)

    def status_extra(self) -> str:
        return ""

    def on_screen_resume(self) -> None:
        self.update_status()
        for hints in self.query(KeyHints):
            hints.refresh_hints()

    # -- hooks the app calls -----------------------------------------------------

    def store_changed(self, message: StoreChanged) -> None:
        """A write reached the store; subclasses refresh what they show."""

    def filter_changed(self) -> None:
        """The desk's filter changed; subclasses reload."""

    def remote_changes(self, batch: ChangeBatch) -> None:
        """Another desk (or this desk's writer) committed these changes; subclasses
        refresh what they show, keeping the cursor where it is."""

    def presence_changed(self) -> None:
        """Who is on which article changed; subclasses that show it redraw."""

    def current_claim_id(self) -> int | None:
        return None

    def show_claim(self, claim: Claim) -> None:
        """Put the cursor on this claim (after an undo or redo changed it)."""

    def export_scope(self) -> int | None:
        """The article an export is limited to (the article screen's), or None."""
        return None

    # -- actions -------------------------------------------------------------------

    def action_next_unjudged(self) -> None:
        self.desk.open_next_unjudged(self.current_claim_id(), backwards=False)

    def action_previous_unjudged(self) -> None:
        self.desk.open_next_unjudged(self.current_claim_id(), backwards=True)

    def action_undo_verdict(self) -> None:
        self.desk.undo_verdict()

    def action_redo_verdict(self) -> None:
        self.desk.redo_verdict()

    def action_search(self) -> None:
        self.desk.open_search()

    def action_edit_filter(self) -> None:
        self.desk.edit_filter()

    def action_export_report(self) -> None:
        self.desk.export_report(self.export_scope())

    def clear_filter(self) -> bool:
        """Clear an active filter; False when there was none."""
        if not self.desk.filters.active:
            return False
        self.desk.set_filter(ClaimFilter())
        return True
