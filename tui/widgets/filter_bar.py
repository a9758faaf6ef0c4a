"""The always-visible line saying which filter and search are active, how many claims
remain in the review queue, and how many judged claims have new evidence."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from store.inbox import ClaimFilter
from tui.widgets.literal import literal
from tui.words import counted


class FilterBar(Static):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown: Text | None = None

    def show_state(
        self, filters: ClaimFilter, remaining: int | None, pending: int = 0, extra: str = "",
        new_evidence: int = 0,
    ) -> None:
        line = Text()
        line.append("Filter: ", style="bold")
        if filters.active:
            line.append_text(literal(filters.describe(), "bold yellow"))
            line.append("  (esc clears)", style="dim")
        else:
            line.append("none", style="dim")
        if extra:
            line.append("  ")
            line.append_text(literal(extra))
        line.append("   Remaining: ", style="bold")
        line.append("…" if remaining is None else str(remaining))
        if new_evidence:
            line.append(f"   New evidence: {new_evidence}", style="bold magenta")
        if pending:
            line.append(f"   {counted(pending, 'change')} pending", style="bold red")
        if line != self.shown:
            self.shown = line
            # One line high whatever it says: no layout pass needed.
            self.update(line, layout=False)
