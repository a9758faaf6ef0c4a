"""Untrusted text made safe to show: a Rich `Text` (never parsed as markup) with
control, bidi-override and other invisible formatting characters replaced one for one,
so character offsets into the original still point at the same characters."""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text

REPLACEMENT = "\ufffd"

# C0 except tab and newline, DEL, C1, and the bidi embedding/override/isolate marks
# (Trojan Source). One character for one, so offsets survive.
_UNSAFE = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
           *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE = {code: REPLACEMENT for code in _UNSAFE}


def safe_display(text: str) -> str:
    """The text with every character that could steer the terminal replaced."""
    return text.translate(_TABLE)


def literal(text: str, style: StyleType = "") -> Text:
    """A Text showing exactly `text` (made safe), whatever brackets it holds."""
    return Text(safe_display(text), style=style, end="")


def one_line(text: str, width: int = 0) -> str:
    """Whitespace runs folded to single spaces (for table cells), optionally clipped."""
    folded = " ".join(safe_display(text).split())
    if width and len(folded) > width:
        return folded[: width - 1] + "…"
    return folded
