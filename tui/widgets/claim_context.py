"""The selected claim shown highlighted inside its paragraph, with the reasons it was
judged check-worthy, its note and its evidence URLs."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from store.models import Claim
from tui.widgets.literal import literal

CONTEXT_CHARS = 700  # around the claim, when the paragraph is huge or has no breaks
CLAIM_STYLE = "bold reverse"


def claim_span(article_text: str, claim: Claim) -> tuple[int, int] | None:
    """Where the claim is in the article text: its offsets if they still hold, else
    the first place its text occurs."""
    if 0 <= claim.start < claim.end <= len(article_text) and \
            article_text[claim.start:claim.end] == claim.text:
        return claim.start, claim.end
    found = article_text.find(claim.text)
    return (found, found + len(claim.text)) if found >= 0 and claim.text else None


def paragraph_with_claim(article_text: str, claim: Claim) -> Text:
    """The claim's paragraph with the claim highlighted."""
    span = claim_span(article_text, claim)
    if span is None:
        return literal(claim.text, CLAIM_STYLE)
    start, end = span
    lower = article_text.rfind("\n\n", 0, start)
    upper = article_text.find("\n\n", end)
    lower = 0 if lower < 0 else lower + 2
    upper = len(article_text) if upper < 0 else upper
    lower = max(lower, start - CONTEXT_CHARS)
    upper = min(upper, end + CONTEXT_CHARS)
    text = Text.assemble(
        Text("…" if lower > 0 and article_text[lower - 1] != "\n" else ""),
        literal(article_text[lower:start]),
        literal(article_text[start:end], CLAIM_STYLE),
        literal(article_text[end:upper]),
        Text("…" if upper < len(article_text) and article_text[upper] != "\n" else ""),
    )
    return text


class ClaimContext(Static):
    """Paragraph, reasons, note and evidence of one claim; empty when no claim is selected."""

    evidence: tuple[str, ...] = ()  # the URLs shown

    def show_claim(self, article_text: str, claim: Claim | None, evidence: Sequence[str] = ()) -> None:
        self.evidence = tuple(evidence)
        if claim is None:
            self.update(Text("No claim selected.", style="dim"))
            return
        parts: list = [paragraph_with_claim(article_text, claim)]
        if claim.reasons:
            reasons = Text("Check-worthy: ", style="bold")
            reasons.append_text(literal("; ".join(claim.reasons)))
            parts.append(reasons)
        if claim.note:
            note = Text("Note: ", style="bold")
            note.append_text(literal(claim.note))
            parts.append(note)
        if evidence:
            parts.append(Text("Evidence:", style="bold"))
            parts.extend(Text.assemble("  ", literal(url, "underline")) for url in evidence)
        self.update(Group(*parts))
