"""Helpers shared by the report writers: verdict labels, text cleaning, safe links, grouping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from store.models import VERDICTS, VerdictRecord
from store.values import is_http_url

VERDICT_LABELS: dict[str, str] = {
    "corroborated": "Corroborated",
    "contested": "Contested",
    "unverified": "Unverified",
}

# Lone surrogates cannot be encoded as UTF-8; a report must never fail on one.
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls except tab and newline, DEL and C1: harmless in data formats, but a
# display format (HTML, Markdown) shows them as garbage or passes escapes along.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embedding/override/isolate controls can make a displayed claim read backwards
# (Trojan Source); display formats drop them, data formats keep the original.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def verdict_label(verdict: str) -> str:
    """The readable label of a verdict ("Contested"), or the raw value if unknown."""
    return VERDICT_LABELS.get(verdict, verdict)


def attributed_claim(record: VerdictRecord) -> str:
    """The claim's text, after "SPEAKER: " when it is a line of a transcript."""
    speaker = record.claim_speaker.strip()
    return f"{speaker}: {record.claim_text}" if speaker else record.claim_text


def encodable_text(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, so it always encodes as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def display_text(text: str) -> str:
    """`text` fit for a human-facing format: encodable, no control or bidi characters."""
    text = encodable_text(text).replace("\r\n", "\n").replace("\r", "\n")
    return _BIDI_CONTROLS.sub("", _CONTROLS.sub("\ufffd", text))


def one_line(text: str) -> str:
    """`display_text` with every run of whitespace, newlines included, made one space."""
    return " ".join(display_text(text).split())


def safe_http_url(url: str) -> str:
    """`url` stripped if it is an absolute http(s) URL with a host, else ""."""
    url = (url or "").strip()
    return url if is_http_url(url) else ""


def group_by_article(records: Iterable[VerdictRecord]) -> list[list[VerdictRecord]]:
    """Records grouped by article, articles and claims in the order they came."""
    groups: dict[int, list[VerdictRecord]] = {}
    for record in records:
        groups.setdefault(record.article_id, []).append(record)
    return list(groups.values())


def verdict_counts(records: Sequence[VerdictRecord]) -> list[tuple[str, int]]:
    """(verdict, count) for the three known verdicts in their usual order, then any others."""
    counts = Counter(r.verdict for r in records)
    ordered = [(v, counts.pop(v, 0)) for v in VERDICTS]
    return ordered + sorted(counts.items())


def counts_by(records: Sequence[VerdictRecord], attribute: str, empty: str) -> list[tuple[str, int]]:
    """(value, count) of a record attribute, most frequent first; blank values as `empty`."""
    counts = Counter((getattr(r, attribute) or "").strip() or empty for r in records)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
