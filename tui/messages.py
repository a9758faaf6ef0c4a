"""Messages that worker threads post back to the screens: small dataclasses carrying
domain objects, so no worker ever touches a widget."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from store.models import Claim, Match
from store.search import SearchHit


@dataclass
class MatchesLoaded(Message):
    """The matches of a claim are known (saved earlier, or just computed)."""

    claim_id: int
    matches: list[Match]
    # A `matchers.Suggestion`, or None when there are no matches.
    suggestion: object = None


@dataclass
class StoreChanged(Message):
    """A write reached the store: these claims (maybe none) changed."""

    description: str
    claim_ids: list[int] = field(default_factory=list)
    verdict: str | None = None
    # How the review-queue count moved; None when unknown (a recount is needed).
    remaining_delta: int | None = None
    # Articles whose status changed (the inbox reloads its rows).
    article_ids: list[int] = field(default_factory=list)


@dataclass
class WriteFailed(Message):
    """A write could not be stored; it stays pending and can be retried."""

    description: str
    error: str
    pending: int
    # The store's server could not be reached: the desk retries on its own.
    unreachable: bool = False


@dataclass
class StoreReachable(Message):
    """A write went through after the store's server could not be reached."""


@dataclass
class DuplicatesFound(Message):
    """Claims in other articles that nearly repeat a claim just given `verdict`."""

    claims: list[Claim]
    verdict: str


@dataclass
class UndoStepped(Message):
    """An undo or redo ran: `action` is "undo" or "redo", `done` "Undid" or "Redid"."""

    action: str
    done: str
    changed: list[int]
    kept: list[int]


@dataclass
class RemainingCounted(Message):
    remaining: int
    new_evidence: int = 0  # judged claims flagged with new evidence
    mine: int | None = None  # open claims in this checker's articles; None: none assigned


@dataclass
class SearchResults(Message):
    query: str
    hits: list[SearchHit]


@dataclass
class EmbeddingProgress(Message):
    """The background embedding of reference claims has reached `done` of `total`;
    `finished` once the run has stopped."""

    done: int
    total: int
    finished: bool = False


@dataclass
class VerdictConflicted(Message):
    """Another checker changed these claims after this desk showed them; the verdict
    pressed (`verdict`) was not written for them."""

    clashes: list  # store.models.VerdictClash
    verdict: str | None
