"""A one-line question (checker name, evidence URL, export path) with validation."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.widgets.literal import literal

# Returns an error sentence for a bad answer, None for a good one.
Validator = Callable[[str], str | None]


PROMPT_KEYS = "enter to confirm, escape to cancel"


class PromptScreen(ModalScreen[str | None]):
    """Returns the stripped answer, or None when cancelled with escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, question: str, value: str = "", validate: Validator | None = None,
                 placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.validate = validate
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self.question), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            # What the keys do, until an answer is refused and the reason takes its place.
            yield Static(literal(PROMPT_KEYS, "dim"), id="prompt-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        error = self.validate(answer) if self.validate else None
        if error:
            self.query_one("#prompt-error", Static).update(literal(error, "bold red"))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


def not_empty(answer: str) -> str | None:
    return None if answer else "Please type something, or press escape to cancel."

