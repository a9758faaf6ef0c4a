"""Counts in sentences: "1 claim", "2 claims"."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str = "") -> str:
    """`count` and the noun, singular for exactly one ("1 claim", "0 claims", "2 feeds")."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
