"""The inbox: every article with its claim and verdict counts, newest first, loaded a
page at a time; sort, mark done, archive, open."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header

from store import inbox, team
from store.changes import ChangeBatch
from store.models import Claim
from tui.messages import StoreChanged
from tui.screens.desk import DeskScreen
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_hints import KeyHints
from tui.widgets.inbox_table import InboxTable

PAGE_SIZE = 60  # about two screens: the first paint reads no more
SORT_ORDER = list(inbox.INBOX_SORTS)


class InboxScreen(DeskScreen):
    BINDINGS = [
        Binding("enter", "open_article", "Open", id="inbox.open"),
        Binding("j", "cursor_down", "Down", show=False, id="inbox.down"),
        Binding("k", "cursor_up", "Up", show=False, id="inbox.up"),
        Binding("S", "cycle_sort", "Sort", id="inbox.sort"),
        Binding("d", "mark_done", "Done", id="inbox.done"),
        Binding("a", "archive_article", "Archive", id="inbox.archive"),
        Binding("A", "toggle_archived", "Show archived", id="inbox.show_archived"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="inbox.clear"),
        Binding("F", "open_feeds", "Feeds", id="inbox.feeds"),
        Binding("i", "add_url", "Add page or file", id="inbox.add_url"),
        Binding("at", "assign_article", "Assign article", show=False, id="inbox.assign"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "newest"
        self.include_archived = False
        self.loaded = 0
        self.total = 0
        # Colleagues' changes heard while another screen was on top (see remote_changes).
        self._reload_on_resume = False
        self._marks_on_resume = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(id="filter-bar")
        yield InboxTable(id="inbox-table")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(InboxTable).focus()

    @property
    def table(self) -> InboxTable:
        return self.query_one(InboxTable)

    def status_extra(self) -> str:
        archived = ", archived shown" if self.include_archived else ""
        return f"Articles: {self.total}  Sort: {self.sort}{archived}"

    def reload(self, keep_article: int | None = None) -> None:
        """Read the first page again (after a sort, filter or status change)."""
        store = self.desk.reader
        table = self.table
        table.clear()
        self.total = inbox.count_articles(store, self.desk.filters, self.include_archived)
        self.loaded = 0
        self.load_more()
        if keep_article is not None:
            try:
                table.move_cursor(row=table.get_row_index(str(keep_article)), animate=False)
            except Exception:  # the article is no longer in view
                pass
        self.update_status()

    def load_more(self) -> None:
        if self.loaded and self.loaded >= self.total:
            return
        page = inbox.inbox_page(
            self.desk.reader, offset=self.loaded, limit=PAGE_SIZE, sort=self.sort,
            filters=self.desk.filters, include_archived=self.include_archived,
        )
        self.table.marks.update(self._marks([a.id for a in page]))
        self.table.append_articles(page)
        self.loaded += len(page)

    def _marks(self, article_ids: list[int]) -> dict[int, str]:
        """'→ ana', 'bo on it', or both, for the articles that have either."""
        assigned = team.assignees(self.desk.reader, article_ids)
        marks = {}
        for article_id in article_ids:
            parts = [f"→ {assigned[article_id]}"] if article_id in assigned else []
            others = self.desk.team.others_on(article_id)
            if others:
                parts.append(f"{', '.join(others)} on it")
            if parts:
                marks[article_id] = " · ".join(parts)
        return marks

    def refresh_marks(self) -> None:
        ids = [int(key.value) for key in self.table.rows if key.value is not None]
        self.table.show_marks(self._marks(ids))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Fetch the next page before the cursor reaches the end of what is loaded.
        if event.cursor_row >= self.loaded - 20 and self.loaded < self.total:
            self.load_more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_article()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self._reload_on_resume:
            self.reload(keep_article=self.table.current_article_id)
        elif self.is_mounted and self.loaded:
            self.refresh_rows()
            if self._marks_on_resume:
                self.refresh_marks()
        self._reload_on_resume = self._marks_on_resume = False
        super().on_screen_resume()

    def refresh_rows(self) -> None:
        """Update the counts of the loaded rows (after verdicts elsewhere): one query,
        and only the rows that changed are redrawn."""
        ids = [int(key.value) for key in self.table.rows if key.value is not None]
        for summary in inbox.article_summaries(self.desk.reader, ids).values():
            self.table.update_article(summary)

    def store_changed(self, message: StoreChanged) -> None:
        if message.article_ids:
            self._status_changed()
            self.notify(f"{message.description}.", timeout=2, markup=False)
        # Beneath the article screen the counts are refreshed on return instead, so a
        # verdict does not wait for the inbox.
        elif self.in_view:
            self.refresh_rows()

    def filter_changed(self) -> None:
        self.reload(self.table.current_article_id)

    def remote_changes(self, batch: ChangeBatch) -> None:
        if not self.in_view:
            # Beneath the article screen nothing is read now: what changed is brought up
            # to date when the inbox is back (each desk hears every colleague's change).
            self._reload_on_resume |= batch.overflow or batch.has("article", "status")
            self._marks_on_resume |= batch.has("assignment")
            return
        if batch.overflow or batch.has("article", "status"):
            self.reload(keep_article=self.table.current_article_id)
            return
        if batch.has("assignment"):
            self.refresh_marks()
        if batch.has("verdict", "review"):
            self.refresh_rows()

    def presence_changed(self) -> None:
        if self.in_view:
            self.refresh_marks()
        else:
            self._marks_on_resume = True

    def show_claim(self, claim: Claim) -> None:
        """The inbox has no claims: the cursor goes to the claim's article, if listed."""
        table = self.table
        if str(claim.article_id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(claim.article_id)), animate=False)

    # -- actions -------------------------------------------------------------------

    def action_open_article(self) -> None:
        article_id = self.table.current_article_id
        if article_id is not None:
            self.desk.open_article(article_id)

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_cycle_sort(self) -> None:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self.reload(self.table.current_article_id)
        self.notify(f"Sorted by {self.sort}.", timeout=2)

    def _set_status(self, status: str) -> None:
        article_id = self.table.current_article_id
        if article_id is not None:
            self.desk.set_article_status(article_id, status)

    def _status_changed(self) -> None:
        """Reload after a status change, keeping the cursor on the same row number."""
        row = self.table.cursor_row
        self.reload()
        if self.table.row_count:
            self.table.move_cursor(row=min(row, self.table.row_count - 1), animate=False)

    def action_mark_done(self) -> None:
        article_id = self.table.current_article_id
        summary = article_id and inbox.article_summary(self.desk.reader, article_id)
        if summary:
            self._set_status("inbox" if summary.status == "done" else "done")

    def action_archive_article(self) -> None:
        article_id = self.table.current_article_id
        summary = article_id and inbox.article_summary(self.desk.reader, article_id)
        if summary:
            self._set_status("inbox" if summary.status == "archived" else "archived")

    def action_toggle_archived(self) -> None:
        self.include_archived = not self.include_archived
        self.reload(self.table.current_article_id)

    def action_open_feeds(self) -> None:
        self.desk.open_feeds()

    def action_assign_article(self) -> None:
        article_id = self.table.current_article_id
        if article_id is not None:
            self.desk.assign_article(article_id)

    def action_add_url(self) -> None:
        self.desk.ask_article_url()

    def action_clear_filter(self) -> None:
        self.clear_filter()
