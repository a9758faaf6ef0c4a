"""Every key binding active on the screen below, with its description."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for each action the screen, its focused widget and the app
    offer, keymap overrides included."""
    rows: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        description = binding.description or binding.action.replace("_", " ")
        if binding.system and not binding.description:
            continue
        display = screen.app.get_key_display(binding)
        rows.setdefault(description, [])
        if display not in rows[description]:
            rows[description].append(display)
    return sorted(((" ".join(keys), d) for d, keys in rows.items()), key=lambda r: r[1].casefold())


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
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

    def action_close(self) -> None:
        self.dismiss(None)
