"""The Markdown report: a summary line, then one table of judged claims per article.

Every piece of data is escaped so that a CommonMark/GFM renderer shows it as plain
text: no link, image, raw HTML, heading, list or extra table column can come from a
claim, note, title or URL (RELIABILITY B4). URLs are therefore shown, not linked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

from reports.common import attributed_claim, group_by_article, one_line, verdict_counts, verdict_label
from reports.options import ReportOptions
from store.models import VerdictRecord

# ASCII punctuation that starts or ends inline constructs (emphasis, code, links, images,
# raw HTML, entities, strikethrough, math) or splits a table cell. CommonMark lets any
# ASCII punctuation be backslash-escaped, and renders the escaped character literally.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|&!#~$])")
# GFM's extended autolinks turn bare `http://…`, `www.…` and e-mail addresses into links.
_AUTOLINK_MARKERS = re.compile(r"(:)(?=//)|(?<=www)(\.)|(@)", re.IGNORECASE)
# At the start of a line these open a list, a setext heading or an ordered list.
_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")

COLUMNS = ("#", "Claim", "Verdict", "Note", "Checker", "Time", "Best match", "Corroboration", "Evidence")


def escape_markdown(text: str) -> str:
    """`text` on one line with every Markdown metacharacter escaped, `|` included."""
    escaped = _INLINE_SPECIALS.sub(r"\\\1", one_line(text))
    escaped = _AUTOLINK_MARKERS.sub(lambda m: "\\" + m.group(0), escaped)
    return _BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped)


def best_match_summary(record: VerdictRecord) -> str:
    """The best saved match as one plain-text line, or "" when there is none."""
    if not record.best_match_text:
        return ""
    details = [record.best_match_source]
    if record.best_match_rating:
        details.append(f"rated {record.best_match_rating}")
    if record.best_match_score is not None:
        details.append(f"score {record.best_match_score:.0f}")
    details.append(record.best_match_url)
    shown = "; ".join(d for d in details if d)
    return f"“{record.best_match_text}”" + (f" ({shown})" if shown else "")


def corroboration_summary(record: VerdictRecord) -> str:
    """How many other sources carry the claim and since when, and how many dispute it,
    or "" when none does: "2 sources, earliest 2019-03-02; 1 source disputes"."""
    parts = []
    if record.corroborating_sources:
        plural = "" if record.corroborating_sources == 1 else "s"
        since = f", earliest {record.earliest_seen}" if record.earliest_seen else ""
        parts.append(f"{record.corroborating_sources} source{plural}{since}")
    if record.disputing_sources:
        one = record.disputing_sources == 1
        parts.append(f"{record.disputing_sources} source{'' if one else 's'} dispute{'s' if one else ''}")
    return "; ".join(parts)


def summary_sentence(records: Sequence[VerdictRecord]) -> str:
    """"3 judged claims: 1 corroborated, 2 contested, 0 unverified." """
    parts = ", ".join(f"{count} {verdict}" for verdict, count in verdict_counts(records))
    plural = "" if len(records) == 1 else "s"
    return f"{len(records)} judged claim{plural}: {parts}."


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(escape_markdown(cell) for cell in cells) + " |"


def write_markdown(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write the Markdown report; returns how many claims it lists."""
    stream.write(f"# {escape_markdown(options.title) or 'Verdict report'}\n\n")
    if not records:
        stream.write("No judged claims match this report.\n")
        return 0
    stream.write(escape_markdown(summary_sentence(records)) + "\n")
    for group in group_by_article(records):
        first = group[0]
        stream.write(f"\n## {escape_markdown(first.article_title) or '(untitled article)'}\n\n")
        facts = [
            ("Source", first.article_source),
            ("Published", first.article_published),
            ("URL", first.article_url),
        ]
        shown = [f"{label}: {escape_markdown(value)}" for label, value in facts if value.strip()]
        if shown:
            stream.write(" · ".join(shown) + "\n\n")
        stream.write(_row(COLUMNS) + "\n")
        stream.write("|" + "|".join(" --- " for _ in COLUMNS) + "|\n")
        for record in group:
            stream.write(
                _row(
                    (
                        str(record.claim_id),
                        attributed_claim(record),
                        verdict_label(record.verdict),
                        record.note,
                        record.checker,
                        record.at,
                        best_match_summary(record),
                        corroboration_summary(record),
                        " ; ".join(record.evidence),
                    )
                )
                + "\n"
            )
    return len(records)
