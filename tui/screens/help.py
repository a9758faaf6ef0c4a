"""claimdesk's key bindings active on the screen below, with their descriptions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for each of claimdesk's actions that the screen, its focused
    widget and the app offer, keymap overrides included.

    claimdesk gives every binding of its own an id (the keymap's names); Textual's
    generic ones (a table's cursor keys, copy, the palette) have none and are left to
    the command palette. The whole chain is read, not only `active_bindings`: a generic
    binding on the same key (the inbox table's enter) hides claimdesk's description of
    what that key does there."""
    rows: dict[str, list[str]] = {}
    for _, bindings in screen._modal_binding_chain:
        for _, binding in bindings:
            if binding.id is not None:
                _add_row(screen, binding, rows)
    return sorted(((" ".join(keys), d) for d, keys in rows.items()), key=lambda r: r[1].casefold())


def _add_row(screen: Screen, binding: Binding, rows: dict[str, list[str]]) -> None:
    description = binding.description or binding.action.replace("_", " ")
    display = screen.app.get_key_display(binding)
    keys = rows.setdefault(description, [])
    if display not in keys:
        keys.append(display)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        # j and k move through every list of the desk; here they scroll the keys.
        Binding("j", "scroll_keys(1)", "Scroll down", show=False, id="help.down"),
        Binding("k", "scroll_keys(-1)", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=False, show_header=True, header_style="bold")
        table.add_column(Text("Keys"), style="bold cyan", no_wrap=True)
        table.add_column(Text("Action"))
        for keys, description in self.rows:
            table.add_row(Text(keys), Text(description))
        with VerticalScroll(id="dialog"):
            yield Static(Text("Keys (esc closes; ctrl+p lists every action)", style="bold"),
                         classes="dialog-title")
            yield Static(table, id="help-table")

    def action_scroll_keys(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
