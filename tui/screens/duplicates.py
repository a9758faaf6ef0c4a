"""Near-duplicate claims in other articles offered the verdict just given: `a` applies
it to all of them in one transaction, escape declines."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.models import Claim
from tui.widgets.literal import literal, one_line
from tui.words import counted


class DuplicatesScreen(ModalScreen[list[int] | None]):
    BINDINGS = [
        Binding("a,enter", "accept_all", "Apply to all", id="duplicates.accept"),
        Binding("escape", "decline", "Skip", id="duplicates.decline"),
    ]

    def __init__(self, claims: list[Claim], verdict: str) -> None:
        super().__init__()
        self.claims, self.verdict = claims, verdict

    def compose(self) -> ComposeResult:
        lines = [Text.assemble("• ", literal(one_line(c.text, 160)), (f"  (claim {c.id})", "dim"))
                 for c in self.claims]
        with VerticalScroll(id="dialog"):
            yield Static(Text(f"{counted(len(self.claims), 'near-duplicate claim')} in other articles. "
                              f"Mark {'it' if len(self.claims) == 1 else 'them'} {self.verdict} too? (a: all, esc: skip)", style="bold"),
                         classes="dialog-title")
            yield Static(Group(*lines), id="duplicates-list")

    def action_accept_all(self) -> None:
        self.dismiss([c.id for c in self.claims])

    def action_decline(self) -> None:
        self.dismiss(None)
