"""Errors raised while reading, fetching, extracting or importing sources."""

from store.errors import ClaimdeskError


class IngestError(ClaimdeskError):
    title = "Ingest"


class FetchError(IngestError):
    title = "Fetch"


class ImportFormatError(IngestError):
    title = "Import"
