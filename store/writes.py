"""How a long job (ingest, feed fetching, matching) writes to the store: straight to it,
as the command line does, or through a runner the caller passes in, as the desk does to
hand every write to its one writer thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from store.db import Store

# Takes a change (a function of the writing store) and returns what it returned.
WriteRunner = Callable[[Callable[[Store], Any]], Any]


def writes_to(store: Store, write: WriteRunner | None = None) -> WriteRunner:
    """`write` when given, else a runner that applies each change to `store` at once."""
    if write is not None:
        return write
    return lambda change: change(store)
