"""Importing reference claims (earlier fact-checks, ClaimReview data) into the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from ingest import references
from store import Store

# Drafts read, then stored in one transaction: large enough that indexing and committing
# cost little per claim, small enough that a batch takes tens of megabytes.
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class ImportProgress:
    """How far an import got: bytes of the source read (of `total_bytes`, None when
    unknown, as on standard input) and the claims stored so far."""

    bytes_read: int
    total_bytes: int | None
    added: int
    skipped: int
    bad_rows: int


def import_references(
    store: Store,
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | None = None,
    errors: list | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
) -> tuple[int, int]:
    """Load reference claims from a file, URL or stdin; returns (added, skipped as
    duplicates).

    JSON Lines and CSV are read as they stream and stored `BATCH_ROWS` at a time, each batch
    in its own transaction: an interrupted import keeps the batches stored before it, and
    importing the file again adds the rest. With an `errors` list, bad rows are collected
    there (one error each, with its line) and the good rows imported; without it, one bad
    row fails the file and nothing is stored (the batches share one transaction then).
    `progress` is called after each batch."""
    with references.open_references(source, source_name=source_name, stdin=stdin) as reader:
        if errors is not None:
            counts = _store_batches(store, reader, progress)
            errors.extend(reader.row_errors)
            return counts
        with store.write():
            counts = _store_batches(store, reader, progress)
            failure = reader.failure()
            if failure is not None:
                raise failure  # rolls the whole import back
        return counts


def _store_batches(
    store: Store,
    reader: references.ReferenceReader,
    progress: Callable[[ImportProgress], None] | None,
) -> tuple[int, int]:
    added = skipped = 0
    for batch in reader.batches(BATCH_ROWS):
        new, old = store.add_reference_claims(batch)
        added += new
        skipped += old
        if progress is not None:
            progress(ImportProgress(reader.bytes_read, reader.total_bytes, added, skipped, reader.bad_rows))
    return added, skipped
