"""The inbox table: one row per article, filled a page at a time so the first screen
paints at once however many articles the store holds. Its columns are sized to the
terminal: the counts always fit, the title takes what is left."""

from __future__ import annotations

from rich.text import Text

from store.models import ArticleSummary
from tui.widgets.fitted_table import FittedTable, clipped, spare_width
from tui.widgets.literal import literal, one_line

STATUS_STYLE = {"inbox": "", "done": "green", "archived": "dim"}
# Date, Claims, Judged and Status: fixed, so a long title never pushes them off screen.
FIXED_WIDTHS = (10, 6, 7, 8)
SOURCE_WIDTHS = (8, 24)  # narrowest and widest


def column_widths(total: int) -> tuple[int, ...]:
    """Widths of Title, Source, Date, Claims, Judged and Status in a table `total` cells
    wide."""
    spare = spare_width(total, 2 + len(FIXED_WIDTHS), FIXED_WIDTHS)
    source = max(SOURCE_WIDTHS[0], min(SOURCE_WIDTHS[1], spare // 3))
    title = max(12, spare - source)
    return (title, source, *FIXED_WIDTHS)


def article_cells(article: ArticleSummary, mark: str = "") -> tuple[Text, ...]:
    """The row's cells; `mark` (whom the article is assigned to, who has it open) goes
    before the title so a narrow column does not clip it away."""
    remaining = article.claims - article.judged
    judged_style = "green" if article.claims and not remaining else ""
    title = literal(one_line(article.title, 200) or "(untitled)", "bold" if remaining else "")
    if mark:
        title = Text.assemble(literal(f"[{one_line(mark, 60)}] ", "magenta"), title)
    return (
        clipped(title),
        clipped(literal(one_line(article.source, 60))),
        # The publication date; an undated article shows none (as `claimdesk list` does),
        # never the day it was added as if it were published then.
        literal(one_line(article.published, 20)) if article.published else literal("-", "dim"),
        Text(str(article.claims), justify="right"),
        Text(f"{article.judged}/{article.claims}", style=judged_style, justify="right"),
        Text(article.status, style=STATUS_STYLE.get(article.status, "")),
    )


class InboxTable(FittedTable):
    """Articles, newest first; the screen appends pages as the cursor nears the end."""

    COLUMNS = ("Title", "Source", "Date", "Claims", "Judged", "Status")

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.summaries: dict[int, ArticleSummary] = {}
        self.marks: dict[int, str] = {}  # article id -> assignee and who has it open

    def column_widths(self, total: int) -> tuple[int, ...]:
        return column_widths(total)

    def clear(self, columns: bool = False) -> InboxTable:
        self.summaries = {}
        return super().clear(columns)

    def append_articles(self, articles: list[ArticleSummary]) -> None:
        for article in articles:
            self.summaries[article.id] = article
            self.add_row(*article_cells(article, self.marks.get(article.id, "")), key=str(article.id))

    def update_article(self, article: ArticleSummary) -> None:
        """Redraw the cells of an article's row that changed (none if none did)."""
        key = str(article.id)
        shown = self.summaries.get(article.id)
        if key not in self.rows or shown == article:
            return
        self.summaries[article.id] = article
        mark = self.marks.get(article.id, "")
        old = article_cells(shown, mark) if shown is not None else (None,) * len(self.COLUMNS)
        for column, before, cell in zip(self.COLUMNS, old, article_cells(article, mark)):
            if before != cell:
                self.update_cell(key, column.lower(), cell)

    def show_marks(self, marks: dict[int, str]) -> None:
        """Redraw the titles whose mark (assignee, who has it open) changed."""
        previous, self.marks = self.marks, marks
        for article_id, summary in self.summaries.items():
            mark = marks.get(article_id, "")
            if mark != previous.get(article_id, "") and str(article_id) in self.rows:
                self.update_cell(str(article_id), "title", article_cells(summary, mark)[0])

    @property
    def current_article_id(self) -> int | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(key.value) if key.value is not None else None
