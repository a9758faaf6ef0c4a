"""The filter form: verdicts, source, article date range, check-worthiness floor, "has
conflicts", "new evidence" and, when transcripts are stored, the speaker. Enter or ctrl+s
applies, escape cancels, ctrl+x clears; space ticks a box."""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from store.models import VERDICTS
from store.inbox import UNJUDGED, ClaimFilter
from tui.widgets.literal import literal, one_line

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class FilterScreen(ModalScreen[ClaimFilter | None]):
    BINDINGS = [
        Binding("ctrl+s", "apply_filter", "Apply", id="filter.apply"),
        # Ahead of the check box's own enter (which would tick it back): on a box, enter
        # applies like everywhere else in the form, and space ticks.
        Binding("enter", "apply_from_box", "Apply", show=False, priority=True,
                id="filter.apply_enter"),
        Binding("ctrl+x", "clear_filter", "Clear", id="filter.clear"),
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
    ]

    def __init__(self, current: ClaimFilter, sources: list[str], speakers: Sequence[str] = ()) -> None:
        super().__init__()
        self.current = current
        self.sources = sources
        self.speakers = list(speakers)

    def compose(self) -> ComposeResult:
        f = self.current
        with Vertical(id="dialog"):
            yield Label("Filter (space ticks, enter applies, ctrl+x clears, esc cancels)",
                        classes="dialog-title")
            with Horizontal(classes="filter-row"):
                for verdict in (*VERDICTS, UNJUDGED):
                    label = "no verdict" if verdict == UNJUDGED else verdict
                    yield Checkbox(label, verdict in f.verdicts, id=f"verdict-{verdict}")
            options = [(literal(one_line(s, 50)), s) for s in self.sources]
            yield Select(options, prompt="any source", value=f.source or Select.NULL,
                         id="filter-source", allow_blank=True)
            with Horizontal(classes="filter-row"):
                yield Input(f.since, placeholder="since YYYY-MM-DD", id="filter-since")
                yield Input(f.until.rstrip("\uffff"), placeholder="until YYYY-MM-DD", id="filter-until")
                yield Input("" if f.min_score is None else f"{f.min_score:g}",
                            placeholder="min score 0-1", id="filter-score")
            with Horizontal(classes="filter-row"):
                yield Checkbox("has conflicts", f.conflicts_only, id="filter-conflicts")
                yield Checkbox("new evidence", f.new_evidence_only, id="filter-new-evidence")
                yield Checkbox("reviewed", f.reviewed_only, id="filter-reviewed")
            if self.speakers:  # only transcripts have speakers
                options = [(literal(one_line(s, 50)), s) for s in self.speakers]
                yield Select(options, prompt="any speaker", value=f.speaker or Select.NULL,
                             id="filter-speaker", allow_blank=True)
            yield Static("", id="filter-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply_filter()

    def _read(self) -> ClaimFilter | str:
        verdicts = tuple(v for v in (*VERDICTS, UNJUDGED)
                         if self.query_one(f"#verdict-{v}", Checkbox).value)
        source = self.query_one("#filter-source", Select).value
        since = self.query_one("#filter-since", Input).value.strip()
        until = self.query_one("#filter-until", Input).value.strip()
        score_text = self.query_one("#filter-score", Input).value.strip()
        for value in (since, until):
            if value and not DATE.match(value):
                return f"The date '{value}' is not of the form YYYY, YYYY-MM or YYYY-MM-DD."
        try:
            min_score = float(score_text) if score_text else None
        except ValueError:
            return f"The check-worthiness floor '{score_text}' is not a number."
        # An "until" date covers that whole day, month or year.
        until_bound = until + "\uffff" if until else ""
        speaker = self.query_one("#filter-speaker", Select).value if self.speakers else ""
        return ClaimFilter(
            verdicts=verdicts,
            source=source if isinstance(source, str) else "",
            since=since, until=until_bound, min_score=min_score,
            conflicts_only=self.query_one("#filter-conflicts", Checkbox).value,
            speaker=speaker if isinstance(speaker, str) else "",
            new_evidence_only=self.query_one("#filter-new-evidence", Checkbox).value,
            reviewed_only=self.query_one("#filter-reviewed", Checkbox).value,
        )

    def action_apply_filter(self) -> None:
        result = self._read()
        if isinstance(result, str):
            self.query_one("#filter-error", Static).update(literal(result, "bold red"))
            return
        self.dismiss(result)

    def action_apply_from_box(self) -> None:
        if not isinstance(self.focused, Checkbox):
            raise SkipAction()  # a list or a field: its own enter
        self.action_apply_filter()

    def action_clear_filter(self) -> None:
        self.dismiss(ClaimFilter())

    def action_cancel(self) -> None:
        self.dismiss(None)
