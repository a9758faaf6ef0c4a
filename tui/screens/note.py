"""A modal to write a claim's note: multi-line; ctrl+s saves, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class NoteScreen(ModalScreen[str | None]):
    """Returns the note text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save_note", "Save note", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Note (ctrl+s saves, esc cancels)", classes="dialog-title")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save_note(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
