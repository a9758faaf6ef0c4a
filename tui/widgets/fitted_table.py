"""A table whose columns are sized to the terminal: fixed columns always fit, the others
share what is left (the inbox, the feeds screen)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

CELL_PADDING = 2  # one cell either side of every column
SCROLLBAR = 2


def clipped(text: Text) -> Text:
    """A cell that ends with an ellipsis when its column is too narrow for it."""
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def spare_width(total: int, columns: int, fixed: tuple[int, ...]) -> int:
    """What a table `total` cells wide leaves to its flexible columns beside `fixed`."""
    return total - SCROLLBAR - CELL_PADDING * columns - sum(fixed)


class FittedTable(DataTable):
    """Subclasses name their `COLUMNS` and size them in `column_widths`."""

    COLUMNS: tuple[str, ...] = ()

    def column_widths(self, total: int) -> tuple[int, ...]:
        raise NotImplementedError

    def on_mount(self) -> None:
        # The table spans the screen: its width is known before its first layout.
        for name, width in zip(self.COLUMNS, self.column_widths(self.app.size.width)):
            self.add_column(name, key=name.lower(), width=width)

    def on_resize(self, event: events.Resize) -> None:
        widths = self.column_widths(event.size.width)
        columns = list(self.columns.values())
        if [c.width for c in columns] == list(widths):
            return
        for column, width in zip(columns, widths):
            column.width = width
        # DataTable has no public call to resize a column: these are what add_column
        # sets after changing the columns.
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()
