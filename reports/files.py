"""Writing a report to a file atomically: the old file stays intact if anything fails.

The report goes to a temporary file in the destination's folder (so the final rename
never crosses file systems), is flushed and fsynced, then `os.replace`d over the
destination (RELIABILITY B5).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from reports.errors import ReportError
from store.files import sync_folder

NEW_FILE_MODE = 0o644


def write_atomically(path: str | os.PathLike[str], write: Callable[[TextIO], int]) -> int:
    """Call `write(stream)` on a temporary file, then move it to `path`; returns its result.

    Any failure removes the temporary file, leaves `path` as it was, and raises
    ReportError naming `path`.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ReportError(f"Cannot write the report to '{target}' because it is a folder.")
    if not folder.is_dir():
        raise ReportError(f"Cannot write the report to '{target}' because the folder '{folder}' does not exist.")
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = NEW_FILE_MODE
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise ReportError(f"Cannot write the report to '{target}': {error.strerror or error}.") from error
    try:
        # newline="" keeps the CSV writer's CRLF row ends exactly as written.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            written = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException as error:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise ReportError(f"Cannot write the report to '{target}': {error.strerror or error}.") from error
        raise
    sync_folder(folder)
    return written
