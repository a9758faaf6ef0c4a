"""Who changed a claim's verdict or note, to what, and when; and its evidence URLs."""

from __future__ import annotations

from rich.console import Group
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


def history_table(changes: list[VerdictChange]) -> Table:
    table = Table(expand=True, box=None, header_style="bold")
    for name in ("When", "Who", "From", "To", "Note"):
        table.add_column(Text(name))
    for change in changes:
        note = "" if change.note == change.previous_note else one_line(change.note, 60)
        if change.verdict == change.previous_verdict and change.note == change.previous_note:
            # An undo or redo that left a colleague's later change in place.
            note = "(kept as it was)"
        table.add_row(
            literal(change.at), literal(change.checker or "(unnamed)"),
            verdict_mark(change.previous_verdict), verdict_mark(change.verdict), literal(note),
        )
    return table


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,h,q", "close", "Close", id="history.close")]

    def __init__(self, claim: Claim, changes: list[VerdictChange], evidence: list[str]) -> None:
        super().__init__()
        self.claim, self.changes, self.evidence = claim, changes, evidence

    def compose(self) -> ComposeResult:
        parts: list = [literal(one_line(self.claim.text, 300), "bold")]
        if self.changes:
            parts.append(history_table(self.changes))
        else:
            parts.append(Text("No verdict changes yet.", style="dim"))
        if self.evidence:
            parts.append(Text("Evidence:", style="bold"))
            parts.extend(literal(url, "underline") for url in self.evidence)
        with VerticalScroll(id="dialog"):
            yield Static(Text("History (esc closes)", style="bold"), classes="dialog-title")
            yield Static(Group(*parts), id="history-body")

    def action_close(self) -> None:
        self.dismiss(None)
