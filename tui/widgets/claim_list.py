"""The claim list of an article: selection mark, verdict marker, check-worthiness score
and text, one row per check-worthy claim.

A change redraws only the cells it touches: a verdict key updates one verdict cell,
and the list shows it before the store has confirmed it."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.widgets import DataTable

from store.models import Claim
from tui.widgets.literal import literal, one_line

VERDICT_MARKS: dict[str | None, Text] = {
    "corroborated": Text("✓ corroborated", style="bold green"),
    "contested": Text("✗ contested", style="bold red"),
    "unverified": Text("? unverified", style="bold yellow"),
    None: Text("· open", style="dim"),
}


COLUMNS = ("selected", "verdict", "score", "text")
# Longer claims are clipped in the list (the claim view shows them whole): a cell wider
# than the list is never seen, but costs time every time the table is drawn.
TEXT_CHARS = 200


def verdict_mark(verdict: str | None) -> Text:
    return VERDICT_MARKS.get(verdict, Text(verdict or "", style="dim")).copy()


class ClaimList(DataTable):
    """Claims as rows keyed by claim id; `selected` holds the ids marked with space."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.selected: set[int] = set()
        self.claims: dict[int, Claim] = {}
        self.conflicts: set[int] = set()

    def on_mount(self) -> None:
        self.add_column(" ", key="selected", width=1)
        self.add_column("Verdict", key="verdict", width=15)
        self.add_column("Score", key="score", width=5)
        self.add_column("Claim", key="text")

    def _cells(self, claim: Claim) -> tuple[Text, ...]:
        mark = Text("●", style="bold magenta") if claim.id in self.selected else Text(" ")
        score = Text(f"{claim.score:.0f}" if claim.score > 1 else f"{claim.score:.2f}",
                     justify="right")
        text = literal(one_line(claim.text, TEXT_CHARS))
        if claim.id in self.conflicts:
            text = Text.assemble(Text("⚠ ", style="bold yellow"), text)
        return mark, verdict_mark(claim.verdict), score, text

    def show_claims(self, claims: list[Claim], conflicts: set[int] | None = None) -> None:
        self.clear()
        self.claims = {c.id: c for c in claims}
        self.conflicts = conflicts or set()
        self.selected &= set(self.claims)
        for claim in claims:
            self.add_row(*self._cells(claim), key=str(claim.id))

    def update_claim(self, claim: Claim, columns: tuple[str, ...] = COLUMNS) -> None:
        """Redraw these cells of a claim's row (every cell by default)."""
        key = str(claim.id)
        if key not in self.rows:
            return
        self.claims[claim.id] = claim
        for column, cell in zip(COLUMNS, self._cells(claim)):
            if column in columns:
                self.update_cell(key, column, cell)

    def show_verdict(self, claim_ids: list[int], verdict: str | None) -> None:
        """Show a verdict at once, before the store confirms it (only the verdict cells
        of rows whose verdict changes are redrawn)."""
        for claim_id in claim_ids:
            claim = self.claims.get(claim_id)
            if claim is not None and claim.verdict != verdict:
                self.update_claim(replace(claim, verdict=verdict), ("verdict",))

    def show_stored(self, claim: Claim) -> None:
        """A claim as the store now holds it: only cells that differ are redrawn."""
        shown = self.claims.get(claim.id)
        if shown is None:
            return
        changed = tuple(column for column, old, new in zip(
            COLUMNS, self._cells(shown), self._cells(claim)) if old != new)
        self.claims[claim.id] = claim
        if changed:
            self.update_claim(claim, changed)

    def toggle_selected(self, claim_id: int) -> None:
        self.selected ^= {claim_id}
        if claim_id in self.claims:
            self.update_claim(self.claims[claim_id], ("selected",))

    def select_all(self) -> None:
        self.selected = set(self.claims)
        for claim in self.claims.values():
            self.update_claim(claim, ("selected",))

    def clear_selection(self) -> None:
        previous, self.selected = self.selected, set()
        for claim_id in previous:
            if claim_id in self.claims:
                self.update_claim(self.claims[claim_id], ("selected",))

    @property
    def current_claim(self) -> Claim | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return self.claims.get(int(key.value)) if key.value is not None else None

    def move_to_claim(self, claim_id: int) -> bool:
        try:
            index = self.get_row_index(str(claim_id))
        except Exception:  # RowDoesNotExist: the claim is filtered out
            return False
        self.move_cursor(row=index, animate=False)
        return True
