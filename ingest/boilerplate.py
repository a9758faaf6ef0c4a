"""Recognising the parts of a page that are not the article: bylines, tag lines, legal footers, prompts.

`boilerplate_kind(line)` names the kind of boilerplate a cleaned line is (or returns None);
`parse_byline`, `parse_dateline` and `parse_date` pull author, outlet and an ISO date out
of the lines that are dropped, so the metadata is kept even though the text is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store import values
from store.values import DATE_PATTERN, MONTH_NAME

_TIME = r"(?:\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"


def parse_date(text: str) -> str:
    """The first calendar date in `text` as YYYY-MM-DD, or "" when there is none."""
    found = values.parse_date(text)
    return found.isoformat() if found else ""


# A name: capitalised words, initials, particles; no sentence punctuation.
_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|da|del|der|van|von|al|bin|and|&|la|le))*"
_BYLINE = re.compile(rf"^(?i:by)\s*:?\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[,|/·–—-].*)?$")
_DATELINE_ONLY = re.compile(
    rf"^(?P<outlet>[A-Z][\w.'’&\- ]{{1,60}}?)\s*[,|·–—-]\s*(?i:(?:published|posted|updated)\s*:?\s*)?(?P<date>(?i:{DATE_PATTERN.pattern})){_TIME}\s*$"
)
_DATE_ONLY = re.compile(
    rf"^(?:(?:published|posted|updated|last updated|first published)(?:\s+on)?\s*:?\s*)?(?:{DATE_PATTERN.pattern}){_TIME}\.?\s*$",
    re.IGNORECASE,
)
# "WASHINGTON (Reuters) - " or "LONDON, Jan 5 (AP) — " at the start of a wire story.
WIRE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?(?:,\s*" + MONTH_NAME + r"\s+\d{1,2})?)"
    r"\s*(?:\((?P<agency>[A-Za-z][\w .&/-]{1,30})\))?\s*[-–—]+\s+(?=\S)"
)


@dataclass(frozen=True)
class Byline:
    author: str = ""
    source: str = ""
    published: str = ""


def parse_byline(line: str) -> Byline | None:
    """Author (and any outlet or date) from a "By X" line, or None if the line is not a byline."""
    if len(line) > 160:
        return None
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    name = match.group("name").strip(" ,")
    rest = line[match.end("name"):]
    return Byline(author=name, published=parse_date(rest))


def parse_dateline(line: str) -> Byline | None:
    """Outlet and date from a line such as "Global Research, January 11, 2018", else None."""
    line = line.strip()
    if len(line) > 120:
        return None
    match = _DATELINE_ONLY.match(line)
    if match:
        outlet = match.group("outlet").strip(" ,|-")
        if outlet.lower() in {"published", "posted", "updated", "last updated"}:
            outlet = ""
        return Byline(source=outlet, published=parse_date(match.group("date")))
    if _DATE_ONLY.match(line):
        return Byline(published=parse_date(line))
    return None


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile("|".join(phrases), re.IGNORECASE)


# Lines that are boilerplate whatever their length.
_ALWAYS = (
    ("tag line", re.compile(r"^(?:region|theme|themes|in-depth report|tags?|topics?|categor(?:y|ies)|filed under|posted in|keywords)\s*:", re.IGNORECASE)),
    ("copyright", _any(r"^\s*(?:copyright|©|\(c\)\s*\d{4})", r"copyright\s*©", r"all rights reserved")),
    ("disclaimer", re.compile(r"^\s*disclaimer\b", re.IGNORECASE)),
    ("fair-use notice", re.compile(r"\bfair use\b.*\bcopyright|\bcopyright.*\bfair use\b", re.IGNORECASE)),
    ("comment prompt", re.compile(r"^\s*(?:comment on\b|leave a (?:comment|reply)|join the (?:conversation|discussion)|\d+\s+comments?$)", re.IGNORECASE)),
    ("membership prompt", _any(r"^\s*become a (?:member|patron|subscriber|supporter)", r"^\s*(?:please\s+)?(?:support|donate to) (?:us|our|this)")),
    ("media contact", re.compile(r"^\s*for media inquiries", re.IGNORECASE)),
    ("image credit", _any(
        r"^\s*all images in this article are from",
        r"^\s*(?:featured |header |top |cover )?(?:photo|image|picture|photograph)s?(?: credits?| source)?\s*:",
        r"^\s*(?:credits?|source)\s*:\s*(?:getty|reuters|ap|afp|shutterstock|wikimedia|flickr)",
        r"^\s*\((?:photo|image|picture)\b[^)]*\)\s*$",
        r"^\s*[\w .,&-]{2,60}/(?:getty images|reuters|ap photo|afp|shutterstock)\b",
    )),
    ("source notice", _any(
        r"^\s*the original source of this article is",
        r"^\s*this (?:article|story|piece) (?:was )?(?:originally|first) (?:published|appeared)",
        r"^\s*(?:originally|first) (?:published|appeared) (?:at|on|in)\b",
        r"^\s*articles? by\s*:",
        r"^\s*(?:\()?(?:reporting|writing|additional reporting|editing) by\b",
        r"^\s*our standards\s*:",
    )),
    ("share prompt", _any(
        r"^\s*(?:share|tweet|email|print|pin|like) this\b",
        r"^\s*share (?:on|via|with)\b",
        r"^\s*click (?:here )?to (?:share|print|email|tweet)",
        r"^\s*(?:follow us|like us) on\b",
        r"^\s*(?:(?:facebook|twitter|x|email|whatsapp|telegram|linkedin|reddit|print|pinterest|share|tweet|copy link)[\s|,·/]*){2,}$",
    )),
    ("subscribe prompt", _any(
        r"^\s*(?:subscribe|sign up|register)\b.{0,120}(?:newsletter|updates|inbox|email|free)",
        r"\b(?:subscribe to|sign up for) (?:our|the) (?:free )?(?:daily |weekly )?newsletter",
        r"^\s*get (?:our|the) (?:free )?(?:daily |weekly )?newsletter",
        r"^\s*(?:enter your email|your email address)",
    )),
    ("related links", re.compile(
        r"^\s*(?:related(?: articles| posts| stories| content| coverage| reading)?|read more|read also|also read|see also|more (?:on|from) (?:this|the)\b.*|more stories|recommended(?: for you)?|you may also like|you might also like|trending|popular (?:posts|stories)|most read|further reading)\s*:?\s*$",
        re.IGNORECASE,
    )),
    ("page furniture", re.compile(
        r"^\s*(?:advertisement|sponsored(?: content)?|loading\.{0,3}|skip to (?:main )?content|back to top|print friendly.*|listen to this article.*|\d+\s*min(?:ute)?s? read|share|tweet|comments?)\s*$",
        re.IGNORECASE,
    )),
)


_HAS_DIGIT = re.compile(r"\d")
# The kinds whose patterns search the whole line (not only its start), each with words one of
# which any match holds: an ASCII line holding none of them is skipped without the search,
# which would otherwise cost more than all the other patterns together.
_SEARCH_WORDS = {
    "copyright": ("copyright", "(c)", "all rights reserved"),
    "fair-use notice": ("fair use",),
    "subscribe prompt": ("subscribe", "sign up", "register", "get ", "your email"),
}
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def boilerplate_kind(line: str) -> str | None:
    """The kind of boilerplate `line` (cleaned of markup) is, or None when it may be article text."""
    stripped = line.strip()
    if not stripped:
        return None
    # Case-insensitive patterns also match the four non-ASCII letters below to "i", "s" and "k";
    # a line holding one of them is searched whatever its words.
    lower = None if _FOLDS_TO_ASCII.search(stripped) else stripped.lower()
    for kind, pattern in _ALWAYS:
        words = _SEARCH_WORDS.get(kind)
        if words and lower is not None and not any(word in lower for word in words):
            continue
        if pattern.search(stripped):
            # Long lines that merely mention a phrase ("... said in a disclaimer") stay,
            # except the legal blocks, which are long by nature.
            if len(stripped) > 300 and kind not in {"disclaimer", "fair-use notice", "copyright"}:
                continue
            if kind == "copyright" and len(stripped) > 300 and not stripped.lower().startswith(("copyright", "©")):
                continue
            return kind
    if stripped[:2].lower() == "by" and parse_byline(stripped) is not None:
        return "byline"
    if len(stripped) <= 120 and _HAS_DIGIT.search(stripped) and parse_dateline(stripped) is not None:
        return "dateline"
    return None
