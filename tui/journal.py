"""The desk's journal: the checker's changes the store has not taken yet, kept on disk so
that closing the desk, a crash or a killed terminal while the store is down loses none.

A change is journalled once the store refuses a write (a lost server, a busy or full
store), never on the usual path, so a key costs no more while the store answers. Each
change is journalled as the name of its desk operation and its arguments (JSON), replayed
through the same operation on the next start on that store (or `ctrl+r`).

One journal file per running desk, in the user data folder, named after the store it
belongs to (its file's full path, or its PostgreSQL address without any password: no
credential is ever written). The desk holds a lock on its own file; a file nobody holds
is an earlier desk's, and the next desk on that store takes its changes over. Lines:

    {"journal": 1, "store": "/home/ana/claimdesk.db"}
    {"id": 1, "op": "verdict", "args": {...}, "description": "Verdict contested for claim 12"}
    {"done": 1}

The file is fsynced after each line and removed once every change in it is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; two desks on one store may share changes
    fcntl = None  # type: ignore[assignment]

from store import Store
from store.db import user_data_folder
from store.engine import redact
from store.files import sync_folder

JOURNAL_VERSION = 1
SET_ASIDE_SUFFIX = ".unreadable"


def journal_folder() -> Path:
    """`journal` in the platform's user data folder (beside the default store)."""
    return user_data_folder() / "journal"


def store_key(store: Store) -> str:
    """What names the store in its journal: '' for a store in memory (not journalled)."""
    if store.path is not None:
        return str(Path(store.path).resolve())
    if isinstance(store.location, str):
        return redact(store.location, mask="")
    return ""


@dataclass
class Entry:
    id: int
    op: str
    args: dict
    description: str


@dataclass
class Restored:
    """What a start (or ctrl+r) took over from earlier desks' journals."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each, naming file and fix


class Journal:
    """This desk's journal file for one store, created when first needed. Thread-safe:
    the writer thread journals and clears entries, the screen's thread takes over old ones."""

    def __init__(self, key: str, valid: Callable[[str, dict], bool], folder: Path | None = None) -> None:
        self.key = key
        self.folder = folder if folder is not None else journal_folder()
        self.prefix = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        self.valid = valid  # whether (op, args) is a change the desk can run
        self.path: Path | None = None  # this desk's file, once it has one
        self._file = None
        self._next_id = 1
        self._open: set[int] = set()  # ids journalled and not yet written to the store
        self._lock = threading.Lock()
        self.error = ""  # why the last journalling failed ('' when it did not)

    # -- this desk's own file -------------------------------------------------------------

    def append(self, changes: list[tuple[str, dict, str]]) -> list[int] | None:
        """Journal (op, args, description) changes, fsynced; their ids, or None when the
        file cannot be written (`error` says why)."""
        with self._lock:
            try:
                self._ensure_file()
                ids, lines = [], []
                for op, args, description in changes:
                    ids.append(self._next_id)
                    lines.append(_line({"id": self._next_id, "op": op, "args": args,
                                        "description": description}))
                    self._next_id += 1
                self._write(lines)
            except (OSError, ValueError) as exc:  # ValueError: closed as the desk ended
                self.error = f"{getattr(exc, 'strerror', None) or exc} ({self.path or self.folder})"
                return None
            self._open.update(ids)
            self.error = ""
            return ids

    def done(self, entry_id: int) -> None:
        """The change is in the store: marked so, and the file removed once none is left."""
        with self._lock:
            if entry_id not in self._open:
                return
            self._open.discard(entry_id)
            try:
                if self._open:
                    self._write([_line({"done": entry_id})])
                else:
                    self._remove_file()
            except (OSError, ValueError) as exc:  # written twice at worst: a replay meets its own verdict
                self.error = f"{getattr(exc, 'strerror', None) or exc} ({self.path})"

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Release the file (kept if it holds changes, for the next desk on this store)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _ensure_file(self) -> None:
        if self._file is not None:
            return
        # The checker's notes are in it: readable by its owner only, like the folder.
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / f"{self.prefix}-{secrets.token_hex(4)}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        handle = os.fdopen(fd, "w", encoding="utf-8")  # held while the desk runs
        if not _lock(handle):  # cannot happen for a new name; do not share a file
            handle.close()
            raise OSError(f"cannot lock {path}")
        self._file, self.path = handle, path
        self._write([_line({"journal": JOURNAL_VERSION, "store": self.key})])
        sync_folder(self.folder)

    def _write(self, lines: list[str]) -> None:
        self._file.write("".join(lines))
        self._file.flush()
        os.fsync(self._file.fileno())

    def _remove_file(self) -> None:
        if self._file is None or self.path is None:
            return
        self.path.unlink(missing_ok=True)
        self._file.close()
        self._file, self.path = None, None
        sync_folder(self.folder)

    # -- earlier desks' files ---------------------------------------------------------------

    def take_over(self) -> Restored:
        """Move the changes of every journal of this store that no running desk holds into
        this desk's journal, oldest file first, and return them to be written in order.
        A file that cannot be read in full is set aside (renamed), never deleted."""
        restored = Restored()
        if not self.folder.is_dir():
            return restored
        mine = self.path
        candidates = sorted((p for p in self.folder.glob(f"{self.prefix}-*.jsonl") if p != mine),
                            key=_mtime)
        for path in candidates:
            try:
                handle = open(path, "r+", encoding="utf-8")  # noqa: SIM115
            except FileNotFoundError:
                continue  # another desk took it over meanwhile
            except OSError as exc:
                restored.problems.append(
                    f"The journal {path} cannot be opened ({exc.strerror or exc}); its changes "
                    "were not restored: make it readable, then press ctrl+r.")
                continue
            with handle:
                if not _lock(handle):
                    continue  # a desk running now holds it
                if not path.exists():
                    continue  # taken over and removed between the listing and the lock
                try:
                    text = handle.read()
                except (OSError, UnicodeDecodeError) as exc:
                    text, unreadable = "", str(getattr(exc, "strerror", "") or exc)
                else:
                    unreadable = ""
                if unreadable:
                    entries, bad = [], f"it cannot be read ({unreadable})"
                else:
                    entries, bad = self._parse(text)
                if entries:
                    ids = self.append([(e.op, e.args, e.description) for e in entries])
                    if ids is None:
                        restored.problems.append(
                            f"The journal {path} could not be taken over ({self.error}); its "
                            "changes stay in it: free the disk or fix the folder, then press ctrl+r.")
                        continue
                    for entry, new_id in zip(entries, ids):
                        entry.id = new_id
                    restored.entries.extend(entries)
                if bad:
                    aside = path.with_name(path.name + SET_ASIDE_SUFFIX)
                    try:
                        path.rename(aside)
                    except OSError:
                        aside = path
                    restored.problems.append(
                        f"The journal {path.name} could not be read in full ({bad}); "
                        f"{len(entries)} of its changes were restored and the file was kept as "
                        f"{aside}: check it for a change that is missing, then delete it.")
                else:
                    path.unlink(missing_ok=True)
        return restored

    def _parse(self, text: str) -> tuple[list[Entry], str]:
        """The changes still open in a journal's text, and what is wrong with it ('' if nothing)."""
        entries: dict[int, Entry] = {}
        bad = ""
        lines = text.splitlines()
        for number, raw in enumerate(lines, 1):
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            if number == 1:
                if not (isinstance(record, dict) and record.get("journal") == JOURNAL_VERSION
                        and record.get("store") == self.key):
                    return [], "line 1 is not a claimdesk journal header for this store"
                continue
            entry = _entry(record, self.valid)
            if entry is not None:
                entries[entry.id] = entry
            elif isinstance(record, dict) and isinstance(record.get("done"), int):
                entries.pop(record["done"], None)
            elif not bad:
                bad = f"line {number} is not a journal entry"
        return [entries[i] for i in sorted(entries)], bad


def _entry(record: object, valid: Callable[[str, dict], bool]) -> Entry | None:
    if not isinstance(record, dict):
        return None
    entry_id, op, args = record.get("id"), record.get("op"), record.get("args")
    description = record.get("description")
    if (isinstance(entry_id, int) and isinstance(op, str) and isinstance(args, dict)
            and isinstance(description, str) and valid(op, args)):
        return Entry(entry_id, op, args, description)
    return None


def _line(record: dict) -> str:
    # ensure_ascii: no terminal control or odd byte from a note reaches the file raw.
    return json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"


def _lock(handle) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
