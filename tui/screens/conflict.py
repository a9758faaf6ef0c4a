"""A colleague changed a claim's verdict (or its note) while this checker had it open:
both side by side, and the checker decides. `m` writes this checker's verdict over theirs
(the history keeps both), `t` or escape keeps theirs, `r` keeps theirs and asks the
editor to review the claim with this checker's verdict proposed."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store import Store
from store.errors import ClaimdeskError
from store.models import VerdictClash
from tui.widgets.claim_list import verdict_mark
from tui.widgets.literal import literal, one_line


def _when(at: str) -> str:
    return at[:19].replace("T", " ")


def clash_text(clash: VerdictClash, claim_text: str) -> Text:
    """One claim's two verdicts (or notes): the colleague's (stored) and this checker's."""
    lines = Text()
    lines.append(f"Claim {clash.claim_id}: ", style="bold")
    lines.append_text(literal(one_line(claim_text, 160)))
    lines.append("\n  ")
    if clash.of_notes:
        return _note_clash_text(clash, lines)
    lines.append_text(literal(one_line(clash.stored_by or "Someone", 40), "bold"))
    lines.append(" set it to ")
    lines.append_text(verdict_mark(clash.stored))
    if clash.stored_at:
        lines.append(f" at {_when(clash.stored_at)}", style="dim")
    if clash.stored_note:
        lines.append("  note: ", style="dim")
        lines.append_text(literal(one_line(clash.stored_note, 80)))
    lines.append("\n  You pressed ")
    lines.append_text(verdict_mark(clash.wanted))
    lines.append("; your screen showed ", style="dim")
    lines.append_text(verdict_mark(clash.seen))
    return lines


def _note_clash_text(clash: VerdictClash, lines: Text) -> Text:
    lines.append_text(literal(one_line(clash.stored_by or "Someone", 40), "bold"))
    lines.append(" changed the note")
    if clash.stored_at:
        lines.append(f" at {_when(clash.stored_at)}", style="dim")
    lines.append(" to: ")
    lines.append_text(literal(one_line(clash.stored_note, 120) or "(no note)"))
    lines.append("\n  Your note: ")
    lines.append_text(literal(one_line(clash.wanted_note or "", 120) or "(no note)"))
    lines.append("\n  You began from: ", style="dim")
    lines.append_text(literal(one_line(clash.seen_note or "", 120) or "(no note)"))
    return lines


class ConflictScreen(ModalScreen[str | None]):
    """Returns "mine", "theirs" or "review"."""

    BINDINGS = [
        Binding("m", "choose('mine')", "Use mine", id="conflict.mine"),
        Binding("t,escape", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("r", "choose('review')", "Ask the editor", id="conflict.review"),
    ]

    def __init__(self, clashes: list[VerdictClash], reader: Store) -> None:
        super().__init__()
        self.clashes = clashes
        self.texts: dict[int, str] = {}
        for clash in clashes:
            try:
                self.texts[clash.claim_id] = reader.get_claim(clash.claim_id).text
            except ClaimdeskError:
                self.texts[clash.claim_id] = ""

    def compose(self) -> ComposeResult:
        count = len(self.clashes)
        title = ("A colleague changed this claim while you had it open."
                 if count == 1 else f"Colleagues changed {count} of these claims while you had them open.")
        with VerticalScroll(id="dialog"):
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield Static(Group(*(clash_text(c, self.texts[c.claim_id]) for c in self.clashes)),
                         id="conflict-claims")
            yield Static(Text.assemble(("m", "bold yellow"), " use mine (the history keeps both)   ",
                                       ("t", "bold yellow"), " keep theirs   ",
                                       ("r", "bold yellow"), " keep theirs and ask the editor"),
                         id="conflict-keys")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
