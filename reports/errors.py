"""Errors raised while writing reports."""

from store.errors import ClaimdeskError


class ReportError(ClaimdeskError):
    title = "Export"
