"""Errors raised while reading, fetching, extracting or importing sources, and the
sentences for a source file that is missing or cannot be read."""

from pathlib import Path

from store.errors import ClaimdeskError


class IngestError(ClaimdeskError):
    title = "Ingest"


class FetchError(IngestError):
    title = "Fetch"


class ImportFormatError(IngestError):
    title = "Import"


def source_path(source: str, error: type[IngestError] = IngestError) -> Path:
    """The file `source` names (~ expanded); `error` if it does not exist or is a folder."""
    path = Path(source).expanduser()
    if not path.exists():
        raise error(f"{source} does not exist.")
    if path.is_dir():
        raise error(f"{source} is a folder, not a file.")
    return path


def unreadable(source: str, exc: OSError, error: type[IngestError] = IngestError) -> IngestError:
    """The error for a source file that is there but could not be opened or read."""
    if isinstance(exc, PermissionError):
        return error(f"{source} cannot be read: permission denied.")
    return error(f"{source} cannot be read ({exc.strerror or exc}).")
