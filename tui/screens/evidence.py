"""A claim's evidence: the links attached so far, a field to add one, and delete on a
selected link to take it off (a link attached by mistake would otherwise stay in every
report)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.prompt import PROMPT_KEYS
from tui.validation import validate_url
from tui.widgets.literal import literal
from tui.words import counted

EVIDENCE_KEYS = "enter adds the address typed · tab, then delete, removes the selected link · escape cancels"

ADD, REMOVE = "add", "remove"


class EvidenceScreen(ModalScreen[tuple[str, str] | None]):
    """Returns (ADD, url), (REMOVE, url), or None when cancelled with escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="evidence.cancel"),
        # On the list only: in the field, delete edits the address.
        Binding("delete", "remove_link", "Remove link", id="evidence.remove"),
    ]

    def __init__(self, claim_id: int, urls: Sequence[str]) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.urls = list(urls)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(f"Evidence for claim {self.claim_id} "
                                 f"({counted(len(self.urls), 'link')} attached). Add an address:"),
                         classes="dialog-title")
            if self.urls:
                yield OptionList(*(Option(literal(url)) for url in self.urls), id="evidence-links")
            yield Input(placeholder="https://", id="prompt-input")
            keys = EVIDENCE_KEYS if self.urls else PROMPT_KEYS
            yield Static(literal(keys, "dim"), id="prompt-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        error = validate_url(answer)
        if error is None and answer in self.urls:
            error = "That address is attached already."
        if error:
            self.query_one("#prompt-error", Static).update(literal(error, "bold red"))
            return
        self.dismiss((ADD, answer))

    def action_remove_link(self) -> None:
        links = next(iter(self.query(OptionList)), None)  # none when no link is attached
        if links is not None and links.has_focus and links.highlighted is not None:
            self.dismiss((REMOVE, self.urls[links.highlighted]))

    def action_cancel(self) -> None:
        self.dismiss(None)
