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


class UnknownIdError(StoreError):
    title = "Not found"
