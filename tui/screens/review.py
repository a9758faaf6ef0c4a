"""The editor's review queue: claims a checker marked for review, claims two checkers
judged differently, and near-duplicate claims in different articles with different
verdicts, each with both sides. One key settles an item: `a` takes the first side's
verdict, `b` the second's, `c`/`x`/`u` a verdict of the editor's own, `K` keeps two
near-duplicates' verdicts as they are. The queue follows other desks live."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from store import team
from store.changes import ChangeBatch
from store.errors import ClaimdeskError
from store.models import ReviewItem, ReviewSide
from tui.messages import StoreChanged
from tui.screens.desk import DeskScreen
from tui.widgets.claim_list import verdict_mark
from tui.widgets.key_hints import KeyHints
from tui.widgets.literal import literal, one_line

KIND_LABELS = {"marked": "marked", "checkers": "checkers differ", "duplicates": "near-duplicates"}


def side_text(side: ReviewSide | None) -> Text:
    if side is None:
        return Text("(no verdict proposed)", style="dim")
    if side.verdict is None:  # a claim marked before anyone judged it has no checker
        return Text.assemble(verdict_mark(None), " ", Text("(no verdict yet)", style="dim"))
    return Text.assemble(verdict_mark(side.verdict), " ",
                         literal(f"({one_line(side.checker, 30) or 'unnamed'})", "dim"))


def item_detail(item: ReviewItem) -> Text:
    """Both sides in full: claim, article, verdict, who, note."""
    text = Text()
    for label, side in (("a", item.side), ("b", item.other)):
        if side is None:
            continue
        if text:
            text.append("\n")
        text.append(f"{label}  ", style="bold yellow")
        text.append_text(side_text(side))
        text.append(f"  claim {side.claim_id} in ", style="dim")
        text.append_text(literal(one_line(side.article_title, 60), "italic"))
        text.append("\n   ")
        text.append_text(literal(one_line(side.claim_text, 300)))
        if side.note:
            text.append("\n   note: ", style="dim")
            text.append_text(literal(one_line(side.note, 200)))
    if item.requested_by:
        text.append("\n")
        text.append_text(literal(f"Marked for review by {one_line(item.requested_by, 40)}.", "dim"))
    return text


class ReviewScreen(DeskScreen):
    BINDINGS = [
        Binding("a", "settle('a')", "Take a", id="review.take_a"),
        Binding("b", "settle('b')", "Take b", id="review.take_b"),
        Binding("c", "settle_with('corroborated')", "Corroborated", show=False, id="review.corroborated"),
        Binding("x", "settle_with('contested')", "Contested", show=False, id="review.contested"),
        Binding("u", "settle_with('unverified')", "Unverified", show=False, id="review.unverified"),
        Binding("j", "cursor_down", "Down", show=False, id="review.down"),
        Binding("k", "cursor_up", "Up", show=False, id="review.up"),
        Binding("K", "keep_both", "Keep both", show=False, id="review.keep_both"),
        Binding("enter", "open_claim", "Open", id="review.open"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ReviewItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-title")
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-detail")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        table = self.table
        # Both sides whole on the row: the claim column takes what the others leave (each
        # column pads a cell by one on both sides; two more for the scrollbar).
        side = 24 if self.app.size.width >= 110 else 20
        claim = max(12, self.app.size.width - 16 - 2 * side - 4 * 2 - 2)
        table.add_column("Why", key="why", width=16)
        table.add_column("Claim", key="claim", width=claim)
        table.add_column("a", key="a", width=side)
        table.add_column("b", key="b", width=side)
        self.reload()
        table.focus()

    @property
    def table(self) -> DataTable:
        return self.query_one("#review-table", DataTable)

    def reload(self) -> None:
        """Read the queue again, keeping the cursor on the same row number."""
        table = self.table
        row = table.cursor_row
        try:
            self.items = team.review_queue(self.desk.reader)
        except ClaimdeskError as exc:
            self.desk.show_error(exc)
            return
        table.clear()
        for index, item in enumerate(self.items):
            table.add_row(Text(KIND_LABELS.get(item.kind, item.kind)),
                          literal(one_line(item.side.claim_text, 200)),
                          side_text(item.side), side_text(item.other), key=str(index))
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1), animate=False)
        count = len(self.items)
        self.query_one("#review-title", Static).update(
            Text(f"Review queue: {count} to decide" if count else "Review queue: nothing to decide",
                 style="bold"))
        self.show_detail()

    @property
    def current(self) -> ReviewItem | None:
        if not self.items:
            return None
        return self.items[min(self.table.cursor_row, len(self.items) - 1)]

    def show_detail(self) -> None:
        item = self.current
        self.query_one("#review-detail", Static).update(item_detail(item) if item else Text(""))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_claim()

    # -- live updates ------------------------------------------------------------------

    # Beneath another screen (a claim opened from the queue) nothing is read: the queue is
    # read again when it is back on top (on_screen_resume).
    def store_changed(self, message: StoreChanged) -> None:
        if self.in_view:
            self.reload()

    def remote_changes(self, batch: ChangeBatch) -> None:
        if self.in_view and (batch.overflow or batch.has("verdict", "review")):
            self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()
        super().on_screen_resume()

    # -- deciding -----------------------------------------------------------------------

    def _decide(self, verdict: str | None) -> None:
        item = self.current
        if item is None:
            return
        if verdict is None:
            self.notify("That side has no verdict: settle with c, x or u.", timeout=3)
            return
        claims = [item.side.claim_id]
        if item.kind == "duplicates" and item.other is not None:
            claims.append(item.other.claim_id)
        self.desk.settle_review([(claim_id, verdict) for claim_id in claims])
        self.notify(f"Settled: {verdict}.", timeout=2, markup=False)

    def action_settle(self, side: str) -> None:
        item = self.current
        if item is None:
            return
        chosen = item.side if side == "a" else item.other
        self._decide(chosen.verdict if chosen is not None else None)

    def action_settle_with(self, verdict: str) -> None:
        self._decide(verdict)

    def action_keep_both(self) -> None:
        item = self.current
        if item is None or item.kind != "duplicates" or item.other is None:
            self.notify("K keeps two near-duplicates' verdicts; here take a side (a, b, c, x, u).",
                        timeout=3)
            return
        self.desk.settle_review([(item.side.claim_id, item.side.verdict),
                                 (item.other.claim_id, item.other.verdict)])  # type: ignore[list-item]

    def action_open_claim(self) -> None:
        item = self.current
        if item is None:
            return
        claim = self.desk.reader.get_claim(item.side.claim_id)
        self.desk.open_article(claim.article_id, claim.id)

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()
