"""The inbox table: one row per article, filled a page at a time so the first screen
paints at once however many articles the store holds."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from store.models import ArticleSummary
from tui.widgets.literal import literal, one_line

STATUS_STYLE = {"inbox": "", "done": "green", "archived": "dim"}


def article_cells(article: ArticleSummary) -> tuple[Text, ...]:
    remaining = article.claims - article.judged
    judged_style = "green" if article.claims and not remaining else ""
    return (
        literal(one_line(article.title, 80) or "(untitled)", "bold" if remaining else ""),
        literal(one_line(article.source, 30)),
        literal(one_line(article.published or article.added_at[:10], 20)),
        Text(str(article.claims), justify="right"),
        Text(f"{article.judged}/{article.claims}", style=judged_style, justify="right"),
        Text(article.status, style=STATUS_STYLE.get(article.status, "")),
    )


class InboxTable(DataTable):
    """Articles, newest first; the screen appends pages as the cursor nears the end."""

    COLUMNS = ("Title", "Source", "Date", "Claims", "Judged", "Status")

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.summaries: dict[int, ArticleSummary] = {}

    def on_mount(self) -> None:
        for name in self.COLUMNS:
            self.add_column(name, key=name.lower())

    def clear(self, columns: bool = False) -> InboxTable:
        self.summaries = {}
        return super().clear(columns)

    def append_articles(self, articles: list[ArticleSummary]) -> None:
        for article in articles:
            self.summaries[article.id] = article
            self.add_row(*article_cells(article), key=str(article.id))

    def update_article(self, article: ArticleSummary) -> None:
        """Redraw the cells of an article's row that changed (none if none did)."""
        key = str(article.id)
        shown = self.summaries.get(article.id)
        if key not in self.rows or shown == article:
            return
        self.summaries[article.id] = article
        old = article_cells(shown) if shown is not None else (None,) * len(self.COLUMNS)
        for column, before, cell in zip(self.COLUMNS, old, article_cells(article)):
            if before != cell:
                self.update_cell(key, column.lower(), cell)

    @property
    def current_article_id(self) -> int | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(key.value) if key.value is not None else None
