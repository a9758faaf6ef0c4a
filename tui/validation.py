"""Checks for what the desk's prompts accept: each returns an error sentence naming the
answer, or None when the answer will do."""

from __future__ import annotations

from pathlib import Path

from store.values import http_url_problem, names_http_url


def validate_url(answer: str) -> str | None:
    """An error sentence unless `answer` is an absolute http(s) URL with a host."""
    problem = http_url_problem(answer)
    if problem == "spaces":
        return f"'{answer}' contains spaces or control characters; URLs cannot."
    if problem is not None:
        return f"'{answer}' is not an http or https URL with a host name."
    return None


def validate_url_or_file(answer: str) -> str | None:
    """An error sentence unless `answer` is an http(s) URL (`validate_url`) or a file here."""
    if names_http_url(answer):
        return validate_url(answer)
    try:
        is_file = Path(answer).expanduser().is_file()
    except (OSError, ValueError):
        is_file = False
    return None if is_file else f"'{answer}' is neither an http or https URL nor a file on this machine."
