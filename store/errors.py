"""The base of claimdesk's errors, and the store's own.

Every error the user can meet is a ClaimdeskError whose message is one full sentence
naming the input that was wrong: the command line prints it on one line and exits
non-zero, the TUI shows it as a notification. Each package adds its own subclasses.
"""


class ClaimdeskError(Exception):
    """Base of every error claimdesk reports to its user."""

    title = "Error"


class StoreError(ClaimdeskError):
    title = "Store"


class StoreUnreachable(StoreError):
    """The store's server cannot be reached (stopped, restarting, network gone); nothing
    was changed, and the same write can be tried again once it is back."""

    title = "Store unreachable"


class UnknownIdError(StoreError):
    title = "Not found"


class VerdictConflict(StoreError):
    """Another checker changed a claim's verdict after this checker last saw it; nothing
    was written. `clashes` holds each such claim as `store.models.VerdictClash`."""

    title = "Changed meanwhile"

    def __init__(self, clashes: list) -> None:
        self.clashes = clashes
        first = clashes[0]
        others = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        super().__init__(
            f"{first.stored_by or 'Someone'} marked claim {first.claim_id} "
            f"{first.stored or 'open'} after you saw it {first.seen or 'open'}{others}; "
            "nothing was changed."
        )
