"""Search articles (title and text) and claims as you type, over the store's full-text
indexes, in a worker; enter opens the article (at the chosen claim, for a claim)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from store import search
from tui.messages import SearchResults
from tui.widgets.literal import literal, one_line
from tui.words import counted

# Typing pauses this long before a search starts: a prefix search over a large store
# can take longer than the gap between two keys, and only the last one matters.
TYPING_PAUSE = 0.12

KIND_MARKS = {"article": Text("article", style="bold cyan"), "claim": Text("claim", style="dim")}


class SearchScreen(ModalScreen[search.SearchHit | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Close search", id="search.cancel"),
        Binding("down", "focus_results", "Results", show=False, id="search.results"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[search.SearchHit] = []
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            yield Input(placeholder="Search articles and claims…", id="search-input")
            yield Static("", id="search-count", markup=False)
            yield DataTable(id="search-results", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Kind", key="kind", width=7)
        table.add_column("Found", key="text")
        table.add_column("Article", key="article")
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._pending is not None:
            self._pending.stop()
        text = event.value
        self._pending = self.set_timer(TYPING_PAUSE, lambda: self.run_search(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits:
            self.dismiss(self.hits[self.query_one(DataTable).cursor_row])

    @work(thread=True, exclusive=True, group="search", exit_on_error=False,
          description="Search articles and claims")
    def run_search(self, text: str) -> None:
        hits = search.search_desk(self.app.reader, text)  # type: ignore[attr-defined]
        self.post_message(SearchResults(text, hits))

    def on_search_results(self, message: SearchResults) -> None:
        if message.query != self.query_one(Input).value:
            return  # an older search finishing late
        self.hits = message.hits
        table = self.query_one(DataTable)
        table.clear()
        for index, hit in enumerate(message.hits):
            table.add_row(KIND_MARKS.get(hit.kind, Text(hit.kind)).copy(),
                          literal(one_line(hit.text, 120)),
                          literal(one_line(hit.article_title, 50)), key=str(index))
        articles = sum(1 for hit in message.hits if hit.kind == "article")
        self.query_one("#search-count", Static).update(
            literal(f"{counted(articles, 'article')}, {counted(len(message.hits) - articles, 'claim')}"
                    if message.query.strip() else ""))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.hits[event.cursor_row])

    def action_focus_results(self) -> None:
        self.query_one(DataTable).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
