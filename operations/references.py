"""Importing reference claims (earlier fact-checks, ClaimReview data) into the store."""

from __future__ import annotations

from typing import BinaryIO

from ingest import references
from store import Store


def import_references(
    store: Store,
    source: str,
    *,
    source_name: str | None = None,
    stdin: BinaryIO | None = None,
    errors: list | None = None,
) -> tuple[int, int]:
    """Load reference claims from a file, URL or stdin; returns (added, skipped as
    duplicates). With an `errors` list, bad rows are collected there (one error each,
    with its line) and the good rows imported; without it, one bad row fails the file."""
    drafts = references.read_references(source, source_name=source_name, stdin=stdin, errors=errors)
    return store.add_reference_claims(drafts)
