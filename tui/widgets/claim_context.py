"""The selected claim shown highlighted inside its paragraph, with the reasons it was
judged check-worthy, its note and its evidence URLs.

In the stacked layout of a narrow terminal the view is compact: the claim with a line
or so of its paragraph, and the reasons and note one line each, so the claim's
suggestion and best match below it stay in view at 80x24."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual import events
from textual.widgets import Static

from store.models import Claim
from tui.widgets.literal import literal, one_line

CONTEXT_CHARS = 700  # around the claim, when the paragraph is huge or has no breaks
CLAIM_STYLE = "bold reverse"
COMPACT_LINES = 3  # the claim and its paragraph, in the stacked layout
# Word wrapping leaves the end of most lines short: a line holds about this share of
# its width in characters.
WRAP_FILL = 0.85


def claim_span(article_text: str, claim: Claim) -> tuple[int, int] | None:
    """Where the claim is in the article text: its offsets if they still hold, else
    the first place its text occurs."""
    if 0 <= claim.start < claim.end <= len(article_text) and \
            article_text[claim.start:claim.end] == claim.text:
        return claim.start, claim.end
    found = article_text.find(claim.text)
    return (found, found + len(claim.text)) if found >= 0 and claim.text else None


def _word_start(text: str, lower: int, start: int) -> int:
    """`lower` moved forward to the start of a word, so a clipped context does not begin
    inside one (unchanged when it already starts one, or no space follows before `start`)."""
    if lower == 0 or text[lower - 1].isspace():
        return lower
    space = text.find(" ", lower, start)
    return lower if space < 0 else space + 1


def _word_end(text: str, upper: int, end: int) -> int:
    """`upper` moved back to the end of a word (see `_word_start`)."""
    if upper >= len(text) or text[upper].isspace():
        return upper
    space = text.rfind(" ", end, upper)
    return upper if space < 0 else space


def paragraph_with_claim(article_text: str, claim: Claim, *, before: int = CONTEXT_CHARS,
                         after: int = CONTEXT_CHARS, claim_chars: int = 0) -> Text:
    """The claim's paragraph with the claim highlighted: at most `before` and `after`
    characters of it around the claim, and the claim itself clipped to `claim_chars`
    when that is set."""
    span = claim_span(article_text, claim)
    if span is None:
        return literal(_clip(claim.text, claim_chars), CLAIM_STYLE)
    start, end = span
    lower = article_text.rfind("\n\n", 0, start)
    upper = article_text.find("\n\n", end)
    lower = 0 if lower < 0 else lower + 2
    upper = len(article_text) if upper < 0 else upper
    if start - lower > before:
        lower = _word_start(article_text, start - before, start)
    if upper - end > after:
        upper = _word_end(article_text, end + after, end)
    return Text.assemble(
        Text("…" if lower > 0 and article_text[lower - 1] != "\n" else ""),
        literal(article_text[lower:start]),
        literal(_clip(article_text[start:end], claim_chars), CLAIM_STYLE),
        literal(article_text[end:upper]),
        Text("…" if upper < len(article_text) and article_text[upper] != "\n" else ""),
    )


def _clip(text: str, chars: int) -> str:
    return text if not chars or len(text) <= chars else text[: chars - 1] + "…"


def compact_paragraph(article_text: str, claim: Claim, width: int,
                      lines: int = COMPACT_LINES) -> Text:
    """The claim and as much of its paragraph as fills about `lines` lines of `width`:
    the claim first (clipped when it alone would take more), then a third of what is
    left before it and the rest after it."""
    budget = max(40, int(lines * width * WRAP_FILL))
    claim_chars = budget - 2
    spare = max(0, budget - len(claim.text))
    return paragraph_with_claim(article_text, claim, before=spare // 3,
                                after=spare - spare // 3, claim_chars=claim_chars)


def _one_line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class ClaimContext(Static):
    """Paragraph, reasons, note and evidence of one claim; empty when no claim is selected."""

    evidence: tuple[str, ...] = ()  # the URLs shown

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[str, Claim | None] = ("", None)
        self._drawn_for: tuple[bool, int] | None = None  # (compact, width) of the last drawing

    @property
    def compact(self) -> bool:
        """The stacked layout of a narrow terminal (the article screen's `-narrow`)."""
        return self.is_mounted and self.screen.has_class("-narrow")

    def show_claim(self, article_text: str, claim: Claim | None, evidence: Sequence[str] = ()) -> None:
        self.evidence = tuple(evidence)
        self._shown = (article_text, claim)
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        # The compact view is cut to the width; the full one only wraps.
        compact = self.compact
        if self._drawn_for is not None and self._drawn_for != (compact, event.size.width) and \
                (compact or self._drawn_for[0]):
            self._draw()

    def _draw(self) -> None:
        article_text, claim = self._shown
        compact = self.compact
        width = self.content_size.width or max(20, self.app.size.width - 4)
        self._drawn_for = (compact, self.size.width)
        if claim is None:
            self.update(Text("No claim selected.", style="dim"))
            return
        parts: list = [compact_paragraph(article_text, claim, width) if compact
                       else paragraph_with_claim(article_text, claim)]
        line = _one_line if compact else (lambda text: text)
        if claim.reasons:
            parts.append(line(reasons_line(claim.reasons)))
        if claim.note:
            note = Text("Note: ", style="bold")
            note.append_text(literal(one_line(claim.note) if compact else claim.note))
            parts.append(line(note))
        if self.evidence:
            parts.append(Text("Evidence:", style="bold"))
            parts.extend(line(Text.assemble("  ", literal(url, "underline"))) for url in self.evidence)
        self.update(Group(*parts))


def reasons_line(reasons: Sequence[str]) -> Text:
    """The reasons behind a claim's score, those that raise it apart from those that lower
    it (an "opinion" is no reason to check a claim), each group in the order given."""
    from ingest.checkworthy import LOWERING  # imported here: the desk's launch needs no scorer

    raising = [r for r in reasons if r not in LOWERING]
    lowering = [r for r in reasons if r in LOWERING]
    line = Text(style="bold")
    if raising:
        line.append("Check-worthy: ")
        line.append_text(literal("; ".join(raising)))
    if lowering:
        line.append("  Lowered by: " if raising else "Lowered by: ")
        line.append_text(literal("; ".join(lowering)))
    return line
