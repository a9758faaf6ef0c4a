"""The checker's settings: their name and their key binding overrides.

Settings live in a small TOML file, at `CLAIMDESK_CONFIG` if set, else `settings.toml`
in the platform's user config folder. `CLAIMDESK_CHECKER` overrides the name for one
run without touching the file. Example:

    checker = "Ana"
    semantic = false       # lexical matching only (default: true, rerank with sentence embeddings)

    [keys]
    "verdict.contested" = "X"
    "queue.next" = "tab,n"
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from store.errors import ClaimdeskError


class SettingsError(ClaimdeskError):
    title = "Settings"


@dataclass(frozen=True)
class Settings:
    """What the desk needs to know about its checker; `path` is where it is saved."""

    checker: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    semantic: bool = True

    def with_checker(self, name: str) -> Settings:
        return replace(self, checker=name.strip())


def settings_path() -> Path:
    """`CLAIMDESK_CONFIG` if set, else settings.toml in the user config folder."""
    env = os.environ.get("CLAIMDESK_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("claimdesk", appauthor=False)) / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (a missing file means defaults); the environment's
    checker name wins over the file's."""
    target = path or settings_path()
    data: dict = {}
    if target.exists():
        try:
            data = tomllib.loads(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"The settings file {target} cannot be read: {exc}.") from exc
    checker = data.get("checker", "")
    keys = data.get("keys", {})
    if not isinstance(checker, str):
        raise SettingsError(f"The checker name in the settings file {target} must be a string.")
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise SettingsError(
            f"The [keys] table in the settings file {target} must map binding ids to key strings."
        )
    semantic = data.get("semantic", True)
    if not isinstance(semantic, bool):
        raise SettingsError(f"semantic in the settings file {target} must be true or false.")
    checker = os.environ.get("CLAIMDESK_CHECKER") or checker
    return Settings(checker=checker.strip(), keys=dict(keys), path=target, semantic=semantic)


def _toml_string(value: str) -> str:
    # A JSON string with non-ASCII escaped is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=True)


def save_settings(settings: Settings) -> Path:
    """Write the settings file atomically (temporary file, then rename)."""
    target = settings.path or settings_path()
    lines = [f"checker = {_toml_string(settings.checker)}"]
    if not settings.semantic:
        lines.append("semantic = false")
    lines.append("")
    if settings.keys:
        lines.append("[keys]")
        lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in sorted(settings.keys.items())]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        raise SettingsError(f"The settings file {target} cannot be written: {exc}.") from exc
    return target
