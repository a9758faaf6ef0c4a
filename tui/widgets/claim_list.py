"""The claim list of an article: selection mark, verdict marker, check-worthiness score
and text, one row per check-worthy claim.

A virtual list (Textual's line API): only the rows in view are drawn, each row's line
is cached, and a change redraws just the lines it touches. A verdict key redraws one
line, before the store has confirmed it; an article with thousands of claims opens as
fast as one with ten."""

from __future__ import annotations

from dataclasses import replace

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.models import Claim
from tui.widgets.literal import literal, one_line

VERDICT_MARKS: dict[str | None, Text] = {
    "corroborated": Text("✓ corroborated", style="bold green"),
    "contested": Text("✗ contested", style="bold red"),
    "unverified": Text("? unverified", style="bold yellow"),
    None: Text("· open", style="dim"),
}

COLUMNS = ("selected", "verdict", "score", "text")
HEADERS = (" ", "Verdict", "Score", "Claim")
WIDTHS = (1, 15, 5)  # the text column takes the rest
TEXT_CHARS = 200  # longer claims are clipped in the list; the claim view shows them whole


def verdict_mark(verdict: str | None) -> Text:
    return VERDICT_MARKS.get(verdict, Text(verdict or "", style="dim")).copy()


class ClaimList(ScrollView, can_focus=True):
    """Claims as rows keyed by claim id; `selected` holds the ids marked with space."""

    BINDINGS = [
        # Described as the article screen's j and k are, so help lists them together.
        Binding("up", "cursor_up", "Previous claim", show=False, id="claim_list.up"),
        Binding("down", "cursor_down", "Next claim", show=False, id="claim_list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="claim_list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="claim_list.page_down"),
        Binding("home", "first_row", "First claim", show=False, id="claim_list.first"),
        Binding("end", "last_row", "Last claim", show=False, id="claim_list.last"),
    ]

    COMPONENT_CLASSES = {"claim-list--header", "claim-list--cursor"}

    DEFAULT_CSS = """
    ClaimList {
        background: $surface;
        color: $foreground;
        & > .claim-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .claim-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .claim-list--header {
                background-tint: $foreground 5%;
            }
            & > .claim-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    class Highlighted(Message):
        """The cursor moved to another claim (or the list was filled)."""

        def __init__(self, claim_list: ClaimList, claim: Claim | None) -> None:
            super().__init__()
            self.claim_list = claim_list
            self.claim = claim

        @property
        def control(self) -> ClaimList:
            return self.claim_list

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selected: set[int] = set()
        self.claims: dict[int, Claim] = {}
        self.conflicts: set[int] = set()
        self.flagged: set[int] = set()  # claims marked for the editor's review
        self.order: list[int] = []
        self._index: dict[int, int] = {}
        self.cursor_row = 0
        self._lines: dict[tuple[int, bool], Strip] = {}
        self._lines_width = 0

    # -- contents --------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.order)

    def _cells(self, claim: Claim) -> tuple[Text, ...]:
        mark = Text("●", style="bold magenta") if claim.id in self.selected else Text(" ")
        score = Text(f"{claim.score:.0f}" if claim.score > 1 else f"{claim.score:.2f}",
                     justify="right")
        text = literal(one_line(claim.text, TEXT_CHARS))
        if claim.speaker:  # a line of a transcript: who said it comes first
            text = Text.assemble(literal(one_line(claim.speaker, TEXT_CHARS), "bold"), Text(": "), text)
        if claim.id in self.conflicts:
            text = Text.assemble(Text("⚠ ", style="bold yellow"), text)
        if claim.id in self.flagged:
            text = Text.assemble(Text("⚑ ", style="bold cyan"), text)
        return mark, verdict_mark(claim.verdict), score, text

    def row_texts(self) -> list[str]:
        """Every row as plain text, cells joined by " | " (what the list shows, unclipped
        by the width of the screen)."""
        return [" | ".join(cell.plain for cell in self._cells(self.claims[cid]))
                for cid in self.order]

    def show_claims(self, claims: list[Claim], conflicts: set[int] | None = None) -> None:
        self.claims = {c.id: c for c in claims}
        self.order = [c.id for c in claims]
        self._index = {cid: index for index, cid in enumerate(self.order)}
        self.conflicts = conflicts or set()
        self.selected &= set(self.claims)
        self._lines.clear()
        self.cursor_row = 0
        self.virtual_size = Size(self.size.width, len(self.order) + 1)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_claim))

    def update_claim(self, claim: Claim, columns: tuple[str, ...] = COLUMNS) -> None:
        """Show a claim's new state; only its line is redrawn (`columns` is kept for
        callers that know which cells changed)."""
        if claim.id not in self._index:
            return
        self.claims[claim.id] = claim
        self._redraw(self._index[claim.id])

    def show_verdict(self, claim_ids: list[int], verdict: str | None) -> None:
        """Show a verdict at once, before the store confirms it."""
        for claim_id in claim_ids:
            claim = self.claims.get(claim_id)
            if claim is not None and claim.verdict != verdict:
                self.update_claim(replace(claim, verdict=verdict), ("verdict",))

    def show_stored(self, claim: Claim) -> None:
        """A claim as the store now holds it: redrawn only if it looks different."""
        shown = self.claims.get(claim.id)
        if shown is None:
            return
        self.claims[claim.id] = claim
        if self._cells(shown) != self._cells(claim):
            self._redraw(self._index[claim.id])

    def toggle_selected(self, claim_id: int) -> None:
        self.selected ^= {claim_id}
        if claim_id in self._index:
            self._redraw(self._index[claim_id])

    def select_all(self) -> None:
        self.selected = set(self.claims)
        self._lines.clear()
        self.refresh()

    def clear_selection(self) -> None:
        previous, self.selected = self.selected, set()
        for claim_id in previous:
            if claim_id in self._index:
                self._redraw(self._index[claim_id])

    @property
    def current_claim(self) -> Claim | None:
        if not self.order:
            return None
        return self.claims.get(self.order[min(self.cursor_row, len(self.order) - 1)])

    def move_to_claim(self, claim_id: int) -> bool:
        if claim_id not in self._index:
            return False  # filtered out
        self.move_cursor(self._index[claim_id])
        return True

    # -- the cursor ------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self.order:
            return
        row = max(0, min(row, len(self.order) - 1))
        previous, self.cursor_row = self.cursor_row, row
        self._scroll_to_cursor()
        if row != previous:
            self._redraw(previous)
            self._redraw(row)
            self.post_message(self.Highlighted(self, self.current_claim))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)  # the header takes the first line
        top = round(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - max(1, self.size.height - 2))

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self.order) - 1)

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1 + round(self.scroll_offset.y)
        if event.y >= 1 and 0 <= row < len(self.order):
            self.move_cursor(row)

    # -- drawing ---------------------------------------------------------------------

    def _redraw(self, row: int) -> None:
        if 0 <= row < len(self.order):
            claim_id = self.order[row]
            self._lines.pop((claim_id, False), None)
            self._lines.pop((claim_id, True), None)
            y = row - round(self.scroll_offset.y) + 1
            if 1 <= y < self.size.height:
                self.refresh(Region(0, y, self.size.width, 1))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.order) + 1)
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def _line(self, cells: tuple[Text, ...], width: int, style: Style) -> Strip:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, cell in enumerate(cells):
            line.append(" ")
            if index < len(WIDTHS):
                column_width = WIDTHS[index]
                if cell.justify == "right" and cell.cell_len < column_width:
                    cell = Text(" " * (column_width - cell.cell_len), end="") + cell
                else:
                    cell = cell.copy()
                cell.truncate(column_width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
        line.truncate(width, overflow="ellipsis", pad=True)
        # The row's style goes under every segment (Text.render leaves the base style
        # to its caller).
        segments = list(Segment.apply_style(line.render(self.app.console), style))
        return Strip(segments, width).simplify()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._lines_width:
            self._lines.clear()
            self._lines_width = width
        if y == 0:
            style = self.get_component_rich_style("claim-list--header")
            return self._line(tuple(Text(h) for h in HEADERS[:3]) + (Text(HEADERS[3]),),
                              width, style)
        row = round(self.scroll_offset.y) + y - 1
        if not 0 <= row < len(self.order):
            return Strip.blank(width, self.rich_style)
        claim_id = self.order[row]
        is_cursor = row == self.cursor_row
        key = (claim_id, is_cursor)
        strip = self._lines.get(key)
        if strip is None:
            style = (self.rich_style + self.get_component_rich_style("claim-list--cursor")
                     if is_cursor else self.rich_style)
            strip = self._line(self._cells(self.claims[claim_id]), width, style)
            self._lines[key] = strip
        return strip
