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
    """Another checker changed a claim's verdict (or note) after this checker last saw it; nothing
    was written. `clashes` holds each such claim as `store.models.VerdictClash`."""

    title = "Changed meanwhile"

    def __init__(self, clashes: list) -> None:
        self.clashes = clashes
        first = clashes[0]
        others = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        who = first.stored_by or "Someone"
        if first.of_notes:
            told = f"{who} changed the note of claim {first.claim_id} after you began editing it"
        else:
            told = (f"{who} marked claim {first.claim_id} {first.stored or 'open'} after you "
                    f"saw it {first.seen or 'open'}")
        super().__init__(f"{told}{others}; nothing was changed.")
