"""Who changed a claim's verdict or note, to what, and when; and its evidence URLs."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.models import Claim, VerdictChange
from tui.widgets.claim_list import verdict_mark
from tui.widgets.literal import literal, one_line


def _when(at: str) -> str:
    """'2024-05-01 09:30' from a stored ISO timestamp (UTC)."""
    return at[:16].replace("T", " ")


def note_change(before: str, after: str) -> Text:
    """What a change did to the note: added, removed or changed (empty if nothing)."""
    if before == after:
        return Text("")
    if not after:
        return Text.assemble(Text("removed: ", style="bold"), literal(one_line(before, 60), "strike"))
    label = "added: " if not before else "changed to: "
    return Text.assemble(Text(label, style="bold"), literal(one_line(after, 60)))


def history_table(changes: list[VerdictChange]) -> Table:
    """One row per change; the verdict columns are filled only when the verdict moved."""
    table = Table(expand=True, box=None, header_style="bold", show_header=True, pad_edge=False)
    table.add_column(Text("When"), no_wrap=True)
    table.add_column(Text("Who"), max_width=16, overflow="ellipsis", no_wrap=True)
    table.add_column(Text("From"), no_wrap=True)
    table.add_column(Text("To"), no_wrap=True)
    table.add_column(Text("Note"), ratio=1)
    for change in changes:
        verdict_moved = change.verdict != change.previous_verdict
        note = note_change(change.previous_note, change.note)
        if not verdict_moved and not note:
            # An undo or redo that left a colleague's later change in place.
            note = Text("(kept as it was)", style="dim")
        table.add_row(
            literal(_when(change.at)), literal(one_line(change.checker, 40) or "(unnamed)"),
            verdict_mark(change.previous_verdict) if verdict_moved else Text(""),
            verdict_mark(change.verdict) if verdict_moved else Text(""),
            note,
        )
    return table


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,h,q", "close", "Close", id="history.close")]

    def __init__(self, claim: Claim, changes: list[VerdictChange], evidence: list[str]) -> None:
        super().__init__()
        self.claim, self.changes, self.evidence = claim, changes, evidence

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(Text("History (esc closes)", style="bold"), classes="dialog-title")
            yield Static(literal(one_line(self.claim.text, 300), "bold"), id="history-claim")
            if self.changes:
                yield Static(history_table(self.changes), id="history-body")
            else:
                yield Static(Text("No verdict changes yet.", style="dim"), id="history-body")
            if self.evidence:
                lines = [Text("Evidence:", style="bold")]
                lines.extend(literal(url, "underline") for url in self.evidence)
                yield Static(Text("\n").join(lines), id="history-evidence")

    def action_close(self) -> None:
        self.dismiss(None)
