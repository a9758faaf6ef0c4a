"""A claim's matches side by side with the claim: shared words, words found on one side
only, and the matcher's conflict flags (a different number, say) in a warning colour.
Each match shows its id, score, source, date, published rating and URL, and why it is
ranked above a better-scored one when it is ("same speaker", "same or prior year").

Matches holding the same claim come first; the other ranked candidates follow under
"Related", dimmed and still selectable. Above them: how many sources agree and dispute,
and the suggested verdict with its reason in one line (or why there is none)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from store.models import Match
from tui.widgets.literal import literal, one_line

WORD = re.compile(r"\w+(?:[.,]\d+)*")
SHARED_STYLE = "green"
ONLY_STYLE = "bold cyan"
CONFLICT_STYLE = "bold black on yellow"
MAX_TEXT = 1200  # longer texts are clipped: the panel is for comparing, not reading


def _words(items: object) -> set[str]:
    """A set of casefolded words from whatever the explanation holds (list or string)."""
    if isinstance(items, str):
        return {w.casefold() for w in WORD.findall(items)}
    if isinstance(items, dict):
        items = items.values()
    found: set[str] = set()
    if isinstance(items, Iterable):
        for item in items:
            found |= _words(item) if not isinstance(item, str) else {
                w.casefold() for w in WORD.findall(item)}
    return found


def conflict_lines(explanation: dict) -> list[str]:
    lines = []
    for conflict in explanation.get("conflicts") or ():
        if isinstance(conflict, dict) and {"kind", "query", "match"} <= set(conflict):
            lines.append(f"{conflict['kind']}: {conflict['query']} ≠ {conflict['match']}")
        elif isinstance(conflict, dict):
            lines.append(", ".join(f"{k}: {v}" for k, v in conflict.items()))
        elif isinstance(conflict, (list, tuple)):
            lines.append(" vs ".join(str(v) for v in conflict))
        else:
            lines.append(str(conflict))
    return lines


def prior_labels(explanation: dict) -> list[str]:
    """The ranking priors a match gained (`matchers.rank.candidate_priors`), as saved."""
    priors = explanation.get("prior")
    return [p for p in priors if isinstance(p, str)] if isinstance(priors, list) else []


def conflict_words(explanation: dict) -> set[str]:
    """The words a conflict is about (the differing values), to mark on both sides."""
    words: set[str] = set()
    for conflict in explanation.get("conflicts") or ():
        if isinstance(conflict, dict):
            words |= _words([str(conflict.get("query", "")), str(conflict.get("match", ""))])
        else:
            words |= _words(str(conflict))
    return words


def highlight(text: str, shared: set[str], only: set[str], conflicts: set[str]) -> Text:
    """The text with each word styled by the side it belongs to."""
    clipped = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    result = literal(clipped)
    for found in WORD.finditer(clipped):
        word = found.group().casefold()
        style = (CONFLICT_STYLE if word in conflicts else
                 ONLY_STYLE if word in only else
                 SHARED_STYLE if word in shared else "")
        if style:
            result.stylize(style, found.start(), found.end())
    return result


def corroboration_line(matches: list[Match]) -> Text:
    """Distinct sources agreeing with and disputing the claim, and the first date seen,
    as `matchers.corroboration` counts them ("2 sources agree · 1 disputes")."""
    import matchers

    return literal(matchers.corroboration(matches).describe(), "dim")


def count_label(count: int, noun: str) -> str:
    """"1 match", "2 matches", "0 claims"."""
    plural = noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{count} {noun if count == 1 else plural}"


class MatchPanel(Static):
    """Matches of the selected claim; `selected` is the match `o` opens."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Same-claim matches first, then the related ones (`same_count` of them are the same).
        self.matches: list[Match] = []
        self.same_count = 0
        self.selected = 0
        self.claim_text = ""
        self.suggestion: str | None = None
        self.suggestion_reason = ""
        self.loading = False

    def show_loading(self) -> None:
        self.loading = True
        self.matches = []
        self.same_count = 0
        self.suggestion = None
        self.suggestion_reason = ""
        self.update(Text("Finding matches…", style="dim italic"))

    def show_matches(self, claim_text: str, matches: list[Match], suggestion: object = None) -> None:
        """Show `matches` (best first) with the `matchers.Suggestion` made from them."""
        import matchers

        self.loading = False
        self.claim_text = claim_text
        self.matches = matchers.same_claim_first(matches)
        self.same_count = sum(1 for m in matches if matchers.is_same_claim(m))
        self.selected = 0
        self.suggestion = getattr(suggestion, "verdict", None)
        self.suggestion_reason = getattr(suggestion, "because", "")
        self.render_matches()

    def select_next(self) -> None:
        if self.matches:
            self.selected = (self.selected + 1) % len(self.matches)
            self.render_matches()

    @property
    def selected_match(self) -> Match | None:
        return self.matches[self.selected] if self.matches else None

    def render_matches(self) -> None:
        if not self.matches:
            self.update(Text("No matches in the store.", style="dim"))
            return
        header = Text.assemble((count_label(len(self.matches), "match"), "bold"), "  ",
                               corroboration_line(self.matches))
        parts: list = [header]
        if self.suggestion:
            line = Text.assemble(("Suggested: ", "bold"), (self.suggestion, "bold magenta"),
                                 ("  (s accepts)", "dim"))
        else:
            line = Text("No suggestion", style="bold")
        if self.suggestion_reason:
            line.append("  ")
            line.append_text(literal(one_line(self.suggestion_reason, 200), "italic"))
        parts.append(line)
        for index, match in enumerate(self.matches):
            if index == self.same_count:
                parts.append(Text.assemble(
                    ("Related", "bold dim"), ("  ranked, not the same claim", "dim")))
            parts.append(self._match_table(index, match, related=index >= self.same_count))
        self.update(Group(*parts))

    def _match_table(self, index: int, match: Match, *, related: bool = False) -> Table:
        explanation = match.explanation if isinstance(match.explanation, dict) else {}
        shared = _words(explanation.get("shared", ()))
        only_query = _words(explanation.get("only_query", ()))
        only_match = _words(explanation.get("only_match", ()))
        conflicts = conflict_lines(explanation)
        marked = conflict_words(explanation)
        c = match.candidate
        marker = "▶ " if index == self.selected else "  "
        title = Text.assemble(
            (marker, "bold magenta"), (f"{match.score:.0f}", "bold"), "  ",
            (f"{c.kind} {c.id}", "dim"), "  ",
            literal(one_line(c.source, 40) or "(no source)"),
            "  ", literal(one_line(c.date, 20)),
        )
        if c.rating:
            title.append("  rating: ", style="bold")
            title.append_text(literal(one_line(c.rating, 40), "bold yellow"))
        priors = prior_labels(explanation)
        if priors:
            title.append("  ranked up: ", style="dim")
            title.append_text(literal(one_line(", ".join(priors), 60), "italic"))
        table = Table(title=title, title_justify="left", expand=True, show_header=True,
                      box=None, padding=(0, 1), header_style="dim", style="dim" if related else "",
                      title_style="dim" if related else "")
        table.add_column(Text("This claim"), ratio=1)
        table.add_column(Text("Match" if c.kind == "reference" else "Other article"), ratio=1)
        table.add_row(highlight(self.claim_text, shared, only_query, marked),
                      highlight(c.text, shared, only_match, marked))
        if conflicts:
            flags = Text.assemble(("⚠", CONFLICT_STYLE), " ",
                                  literal("; ".join(conflicts), "bold yellow"))
            table.add_row(flags, Text(""))
        if c.url:
            table.add_row(Text(""), literal(one_line(c.url, 200), "underline dim"))
        return table
