"""A one-line footer of the screen's shown bindings (keymap overrides included).

One widget instead of Textual's Footer, which mounts a widget per key: with a dozen
keys that alone costs more than the rest of opening an article."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Static

_GAP = "  "


class KeyHints(Static):
    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_hints)

    def on_resize(self, event: events.Resize) -> None:
        self.refresh_hints()

    def refresh_hints(self) -> None:
        hints: list[tuple[str, str]] = []
        help_hint: tuple[str, str] | None = None
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            hint = (self.app.get_key_display(binding), binding.description)
            hints.append(hint)
            if binding.action == "show_help":
                help_hint = hint
        hints.append(("^p", "all actions"))
        width = (self.content_size.width or self.app.size.width - 2) + len(_GAP)  # no gap after the last
        if help_hint is not None and sum(_width(hint) for hint in hints) > width:
            # Too narrow for every key: the way to all of them stays in view, and the
            # others give way from the end.
            room = width - _width(help_hint)
            fitting = []
            for hint in hints:
                if hint == help_hint:
                    continue
                room -= _width(hint)
                if room < 0:
                    break
                fitting.append(hint)
            hints = [*fitting, help_hint]
        line = Text(no_wrap=True, overflow="ellipsis")
        for key, description in hints:
            line.append(key, style="bold yellow")
            line.append(f" {description}{_GAP}")
        line.rstrip()
        self.update(line)


def _width(hint: tuple[str, str]) -> int:
    key, description = hint
    return cell_len(key) + 1 + cell_len(description) + len(_GAP)
