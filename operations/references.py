"""Importing reference claims (earlier fact-checks, ClaimReview data) into the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ingest import references
from store import Store
from store import rematch
from store.models import ReferenceDraft

# Claims stored per transaction. Each transaction rewrites most pages of the index on
# the claims' keys (the keys are hashes, so new ones land everywhere): fewer, larger
# transactions write less. An interruption loses at most one transaction's claims, and
# importing the file again adds them.
TRANSACTION_ROWS = 500_000
TRANSACTION_BYTES = 128 * 1024 * 1024
# Drafts read between two progress reports, and held in memory at a time.
CHUNK_ROWS = 10_000
CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ImportProgress:
    """How far an import got: bytes of the source read (of `total_bytes`, None when
    unknown, as on standard input) and the claims stored so far."""

    bytes_read: int
    total_bytes: int | None
    read: int  # good rows read, stored or about to be
    added: int  # stored, in committed transactions
    skipped: int
    bad_rows: int


def newest_reference_id(store: Store) -> int:
    """The id to pass to `operations.rematch_after_references` once an import has run."""
    return rematch.newest_reference_id(store)


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

    JSON Lines and CSV are read as they stream and stored up to `TRANSACTION_ROWS` at a time,
    each batch in its own transaction: an interrupted import keeps the batches stored before
    it, and importing the file again adds the rest. With an `errors` list, bad rows are collected
    there (one error each, with its line) and the good rows imported; without it, one bad
    row fails the file and nothing is stored (the batches share one transaction then).
    `progress` is called every `CHUNK_ROWS` rows."""
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

    def report() -> None:
        if progress is not None:
            progress(ImportProgress(reader.bytes_read, reader.total_bytes, reader.rows, added,
                                    skipped, reader.bad_rows))

    report()
    chunks = reader.batches(CHUNK_ROWS, CHUNK_BYTES)
    for first in chunks:
        new, old = store.add_reference_claims(_one_transaction(first, chunks, reader, report))
        added += new
        skipped += old
        report()
    return added, skipped


def _one_transaction(
    first: list[ReferenceDraft],
    chunks: Iterator[list[ReferenceDraft]],
    reader: references.ReferenceReader,
    report: Callable[[], None],
) -> Iterator[ReferenceDraft]:
    """The drafts of one transaction: `first`, then the chunks after it up to
    `TRANSACTION_ROWS` drafts or `TRANSACTION_BYTES` of the source."""
    start = reader.bytes_read
    rows = len(first)
    yield from first
    while rows < TRANSACTION_ROWS and reader.bytes_read - start < TRANSACTION_BYTES:
        chunk = next(chunks, None)
        if chunk is None:
            return
        report()
        rows += len(chunk)
        yield from chunk
