"""A one-line footer of the screen's shown bindings (keymap overrides included).

One widget instead of Textual's Footer, which mounts a widget per key: with a dozen
keys that alone costs more than the rest of opening an article."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyHints(Static):
    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_hints)

    def refresh_hints(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            line.append(self.app.get_key_display(binding), style="bold yellow")
            line.append(f" {binding.description}  ")
        line.append("^p", style="bold yellow")
        line.append(" all actions")
        self.update(line)
