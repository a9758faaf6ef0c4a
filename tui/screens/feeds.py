"""The feeds screen: followed feeds with their last fetch, new articles and last error;
follow, unfollow, fetch all (in a worker, with a progress bar), and add one page by URL
(the app's action, also on the inbox).

Network work never runs on the UI thread: each fetch is a thread worker that reports
back through `call_from_thread`, and the inbox reloads as each new article arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, ProgressBar, Static

from store import Store
from store import feeds as feed_store
from store.errors import ClaimdeskError, StoreError, UnknownIdError
import operations
from operations.feeds import FeedResult
from tui.screens.prompt import PromptScreen
from tui.validation import validate_url
from tui.widgets.fitted_table import FittedTable, clipped, spare_width
from tui.widgets.key_hints import KeyHints
from tui.widgets.literal import literal, one_line
from tui.words import counted
from tui.writer import PendingWrite

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp

FETCHED_WIDTH, NEW_WIDTH = 16, 4  # "2024-05-01 12:30"; a count


def column_widths(total: int) -> tuple[int, ...]:
    """Widths of Title, URL, Last fetched, New and Last error in a table `total` cells
    wide: the date and count always fit; title, URL and error share the rest (the
    selected feed's error is shown whole under the table)."""
    spare = max(30, spare_width(total, 5, (FETCHED_WIDTH, NEW_WIDTH)))
    title = min(40, spare // 4)
    url = min(50, spare * 35 // 100)
    return (title, url, FETCHED_WIDTH, NEW_WIDTH, spare - title - url)


class FeedsTable(FittedTable):
    COLUMNS = ("Title", "URL", "Last fetched", "New", "Last error")

    def column_widths(self, total: int) -> tuple[int, ...]:
        return column_widths(total)


def short_error(feed: feed_store.Feed) -> str:
    """The feed's last error without its own URL in front (the URL column shows it), so
    the reason ("answered with HTTP status 404") is what the clipped cell keeps."""
    error = feed.last_error
    return error[len(feed.url):].lstrip(" :") if error.startswith(feed.url) else error


class FeedsScreen(Screen):
    @dataclass
    class FollowsChanged(Message):
        """A follow or unfollow was stored (`notice` says which) or refused (`error`)."""

        notice: str
        error: ClaimdeskError | None = None

    BINDINGS = [
        Binding("a", "add_feed", "Follow feed", id="feeds.add"),
        Binding("r", "fetch_all", "Fetch all", id="feeds.fetch_all"),
        Binding("D", "remove_feed", "Unfollow", id="feeds.remove"),
        Binding("i", "ingest_url", "Add page or file", id="feeds.ingest_url"),
        Binding("j", "cursor_down", "Down", show=False, id="feeds.down"),
        Binding("k", "cursor_up", "Up", show=False, id="feeds.up"),
        Binding("escape", "back", "Back", id="feeds.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.feeds: dict[int, feed_store.Feed] = {}

    @property
    def desk(self) -> ClaimdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Feeds", id="feeds-title")
        yield FeedsTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield ProgressBar(id="feeds-progress", show_eta=False)
        yield Static("", id="feeds-error", markup=False)
        yield Static("", id="feeds-status", markup=False)
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.query_one(ProgressBar).display = False
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.feeds = {feed.id: feed for feed in feed_store.list_feeds(self.desk.reader)}
        for feed in self.feeds.values():
            error = Text(one_line(short_error(feed), 60), style="red") if feed.last_error else Text("")
            table.add_row(
                clipped(literal(one_line(feed.title or "(not fetched yet)", 40))),
                clipped(literal(one_line(feed.url, 50))),
                Text(feed.last_fetched[:16].replace("T", " ") or "never"),
                Text(str(feed.new_articles), justify="right"),
                clipped(error),
                key=str(feed.id),
            )
        self.show_error_of_selected()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_error_of_selected()

    def show_error_of_selected(self) -> None:
        """The highlighted feed's last error in full, under the table (its cell is clipped)."""
        feed = self.feeds.get(self.selected_feed_id() or -1)
        error = feed.last_error if feed is not None else ""
        self.query_one("#feeds-error", Static).update(
            literal(f"Last error: {error}", "red") if error else Text(""))

    def selected_feed_id(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    def show_status(self, text: str) -> None:
        self.query_one("#feeds-status", Static).update(literal(text))

    # -- actions -------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_feed(self) -> None:
        def follow(url: str | None) -> None:
            if not url:
                return
            # Not fetched here (this is the writer's thread): its first fetch says whether
            # it is a feed.
            def run(store: Store) -> list[int]:
                feed, created = operations.follow_feed(store, url, verify=False)
                state = "Following" if created else "Already following"
                self.post_message(self.FollowsChanged(f"{state} {feed.url}. Press r to fetch."))
                return []

            self._write_follows(f"Following {url}", run)

        self.app.push_screen(PromptScreen("Feed URL (RSS or Atom)", validate=validate_url), follow)

    def action_remove_feed(self) -> None:
        feed_id = self.selected_feed_id()
        if feed_id is None:
            return

        def run(store: Store) -> list[int]:
            feed = operations.unfollow_feed(store, feed_id)
            self.post_message(self.FollowsChanged(f"No longer following {feed.url}; its articles stay."))
            return []

        self._write_follows(f"Unfollowing feed {feed_id}", run)

    def _write_follows(self, description: str, change: Callable[[Store], list[int]]) -> None:
        """Queue a follow or unfollow on the desk's writer. A refusal (a bad URL, a feed
        already gone) is shown; a store that cannot be written keeps it pending."""

        def run(store: Store) -> list[int]:
            try:
                return change(store)
            except ClaimdeskError as exc:
                if isinstance(exc, StoreError) and not isinstance(exc, UnknownIdError):
                    raise
                self.post_message(self.FollowsChanged("", exc))
                return []

        self.desk.submit_write(PendingWrite(description, run, counts_change=False))

    def on_feeds_screen_follows_changed(self, message: FollowsChanged) -> None:
        self.reload()
        if message.error is not None:
            self.desk.show_error(message.error)
        else:
            self.notify(message.notice, markup=False)

    def action_fetch_all(self) -> None:
        if not feed_store.list_feeds(self.desk.reader):
            self.notify("No feeds followed yet: press a to follow one.", markup=False)
            return
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.display = True
        self.show_status("Fetching feeds…")
        self.fetch_all_feeds()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False,
          description="Fetching every followed feed")
    def fetch_all_feeds(self) -> None:
        store = self.desk.background_reader

        def progressed(done: int, total: int, result: FeedResult) -> None:
            self.app.call_from_thread(self._feed_done, done, total, result)

        def arrived(article_id: int) -> None:
            self.app.call_from_thread(self.desk.article_arrived, article_id)

        try:
            results = operations.fetch_feeds(store, "all", client=self.desk.http_client,
                                             semantic=self.desk.settings.semantic,
                                             on_progress=progressed, on_article=arrived,
                                             write=self.desk.write_and_wait)
        except ClaimdeskError as exc:
            self.app.call_from_thread(self.desk.show_error, exc)
            results = []
        self.app.call_from_thread(self._all_done, results)

    def _feed_done(self, done: int, total: int, result: FeedResult) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)
        if result.error:
            self.notify(result.error, title="Feed failed", severity="error", markup=False)
        self.reload()

    def _all_done(self, results: list[FeedResult]) -> None:
        self.query_one(ProgressBar).display = False
        new = sum(len(r.new_article_ids) for r in results)
        failed = sum(1 for r in results if r.error)
        summary = f"Fetched {counted(len(results), 'feed')}: {counted(new, 'new article')}"
        self.show_status(summary + (f", {failed} failed." if failed else "."))
        self.reload()

    def action_ingest_url(self) -> None:
        self.desk.ask_article_url()
