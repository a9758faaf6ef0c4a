"""Checks and parsers for values the data model holds, shared by every layer: whether a
text is (or is meant as) an http(s) URL, and the calendar date a text gives."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

# -- URLs ------------------------------------------------------------------------------


def http_url_problem(url: str) -> str | None:
    """None when `url` is an absolute http(s) URL with a host name and nothing unprintable;
    else what is wrong: "spaces" (white space or a control or unprintable character),
    "invalid" (it does not parse), "scheme" (not http or https) or "host" (no host name)."""
    if any(ch.isspace() or not ch.isprintable() or ch == "\ufffd" for ch in url):
        return "spaces"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "invalid"
    if parts.scheme.lower() not in ("http", "https"):
        return "scheme"
    if not host:
        return "host"
    return None


def is_http_url(url: str) -> bool:
    return http_url_problem(url) is None


def names_http_url(text: str) -> bool:
    """Whether `text` is meant as an http(s) URL: it starts with the scheme, in any case
    ("HTTP://X" is one). Where a path or a URL is accepted, this decides which it is;
    `http_url_problem` then says what else may be wrong with it."""
    return text[:8].lower().startswith(("http://", "https://"))


# -- dates -----------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
MONTH_NAME = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
DATE_PATTERN = re.compile(
    rf"{_WEEKDAY}(?:"
    rf"(?P<m1>{MONTH_NAME})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH_NAME}),?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<mo3>\d{{1,2}})-(?P<d3>\d{{1,2}})"
    rf"|(?P<d4>\d{{1,2}})/(?P<mo4>\d{{1,2}})/(?P<y4>\d{{4}})"
    rf")",
    re.IGNORECASE,
)
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def parse_date(text: str, *, partial: bool = False) -> date | None:
    """The first calendar date in `text`: "2020-01-06", "January 6, 2020", "Mon, 6th Jan.
    2020" or "1/6/2020" (month first unless that cannot be); with `partial`, failing those,
    also "2020-01" (as the 1st) or a bare year (as 1 January). None when there is none."""
    if match := DATE_PATTERN.search(text):
        g = match.groupdict()
        try:
            if g["y1"]:
                year, month, day = int(g["y1"]), MONTHS[g["m1"].lower().rstrip(".")], int(g["d1"])
            elif g["y2"]:
                year, month, day = int(g["y2"]), MONTHS[g["m2"].lower().rstrip(".")], int(g["d2"])
            elif g["y3"]:
                year, month, day = int(g["y3"]), int(g["mo3"]), int(g["d3"])
            else:
                # d/m/y versus m/d/y is ambiguous; take the reading that is a valid date, US first.
                a, b, year = int(g["d4"]), int(g["mo4"]), int(g["y4"])
                month, day = (a, b) if a <= 12 else (b, a)
            return date(year, month, day) if 1800 <= year <= 2200 else None
        except (KeyError, ValueError):
            return None
    if not partial:
        return None
    try:
        if found := _YEAR_MONTH.search(text):
            return date(int(found[1]), int(found[2]), 1)
        if found := _YEAR.search(text):
            return date(int(found[1]), 1, 1)
    except ValueError:  # "2020-13"
        return None
    return None
