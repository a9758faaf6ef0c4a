"""The HTML report: one self-contained page an editor can open or a desk can publish.

A summary (counts per verdict, per source and per checker, and a bar chart drawn as
inline SVG), then each article with its judged claims: verdict, checker, time, note,
evidence links, corroboration and best match. No scripts, no external assets; a
Content-Security-Policy forbids loading anything. Every piece of data goes through
`html.escape`, and only absolute http(s) URLs become links (RELIABILITY B2). Each claim
has the anchor `claim-<id>`, the one ClaimReview `url`s point to, so this page can be
the published review page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from html import escape
from typing import TextIO

from reports.common import (
    counts_by,
    display_text,
    group_by_article,
    one_line,
    safe_http_url,
    verdict_counts,
    verdict_label,
)
from reports.markdown import corroboration_summary, summary_sentence
from reports.options import ReportOptions
from store.models import VERDICTS, VerdictRecord

VERDICT_COLOURS = {"corroborated": "#1a7f37", "contested": "#c62828", "unverified": "#8a6d00"}
OTHER_COLOUR = "#57606a"

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: .25rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
.lead { color: #57606a; margin-top: 0; }
.summary { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.summary table { border-collapse: collapse; font-size: .9rem; }
.summary caption { text-align: left; font-weight: 600; }
.summary th, .summary td { text-align: left; padding: .15rem .75rem .15rem 0; border-bottom: 1px solid #eaeef2; }
.summary td.count { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0; }
.meta { color: #57606a; font-size: .9rem; overflow-wrap: anywhere; }
.claim { border-left: 4px solid #57606a; padding: .5rem 1rem; margin: 1rem 0; background: #f6f8fa; }
.claim.verdict-corroborated { border-color: #1a7f37; }
.claim.verdict-contested { border-color: #c62828; }
.claim.verdict-unverified { border-color: #8a6d00; }
.claim-text { font-size: 1.05rem; margin: 0 0 .5rem; white-space: pre-wrap; }
.speaker { font-weight: 600; margin: 0 0 .2rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; color: #fff; font-weight: 600;
         font-size: .85rem; background: #57606a; }
.verdict-corroborated .badge { background: #1a7f37; }
.verdict-contested .badge { background: #c62828; }
.verdict-unverified .badge { background: #8a6d00; }
.note { white-space: pre-wrap; }
.label { font-weight: 600; }
.evidence ul { margin: .25rem 0; padding-left: 1.25rem; }
.match blockquote { margin: .25rem 0; padding-left: .75rem; border-left: 2px solid #d0d7de; white-space: pre-wrap; }
a, .url { overflow-wrap: anywhere; }
.url { font-family: ui-monospace, monospace; font-size: .85rem; }
.empty { font-style: italic; }
"""


def _text(value: str) -> str:
    """Escaped display text (newlines kept, shown by `white-space: pre-wrap`)."""
    return escape(display_text(value), quote=True)


def _line(value: str) -> str:
    """Escaped display text on one line."""
    return escape(one_line(value), quote=True)


def _time(value: str) -> str:
    """A stored ISO time as a reader would write it ("26 Nov 2026, 06:47 UTC") in a
    `<time>` element carrying the exact value; anything else is shown as it is."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return f'<span class="time">{_line(value)}</span>'
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    shown = f"{moment.day} {moment:%b %Y, %H:%M}" + (" UTC" if moment.tzinfo is not None else "")
    return f'<time class="time" datetime="{escape(value.strip(), quote=True)}">{shown}</time>'


def link_or_text(url: str) -> str:
    """An `<a>` for an absolute http(s) URL; any other URL shown as inert text."""
    safe = safe_http_url(url)
    if safe:
        return f'<a href="{escape(safe, quote=True)}" rel="noopener noreferrer nofollow">{_line(safe)}</a>'
    return f'<span class="url">{_line(url)}</span>'


def verdict_chart(records: Sequence[VerdictRecord]) -> str:
    """A horizontal bar chart of claims per verdict, as inline SVG."""
    counts = verdict_counts(records)
    largest = max((count for _, count in counts), default=0) or 1
    label_width, bar_width, row_height = 120, 300, 30
    height = row_height * len(counts) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 60}" height="{height}" '
        f'viewBox="0 0 {label_width + bar_width + 60} {height}" role="img" aria-labelledby="chart-title">',
        '<title id="chart-title">Claims per verdict</title>',
    ]
    for row, (verdict, count) in enumerate(counts):
        y = 5 + row * row_height
        width = round(bar_width * count / largest)
        colour = VERDICT_COLOURS.get(verdict, OTHER_COLOUR)
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="14" fill="#1f2328">{_line(verdict_label(verdict))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width}" height="22" rx="3" fill="{colour}"/>'
            f'<text x="{label_width + width + 6}" y="{y + 17}" font-size="14" fill="#1f2328">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _count_table(caption: str, heading: str, counts: list[tuple[str, int]]) -> str:
    rows = "".join(f'<tr><td>{_line(name)}</td><td class="count">{count}</td></tr>' for name, count in counts)
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f'<thead><tr><th scope="col">{escape(heading)}</th><th scope="col">Claims</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _summary(records: Sequence[VerdictRecord]) -> str:
    verdicts = [(verdict_label(v), n) for v, n in verdict_counts(records)]
    return (
        '<section class="summary" aria-label="Summary">'
        f"<figure>{verdict_chart(records)}</figure>"
        + _count_table("By verdict", "Verdict", verdicts)
        + _count_table("By source", "Source", counts_by(records, "article_source", "(no source)"))
        + _count_table("By checker", "Checker", counts_by(records, "checker", "(no checker)"))
        + "</section>"
    )


def _best_match(record: VerdictRecord) -> str:
    if not record.best_match_text:
        return ""
    details = []
    if record.best_match_source.strip():
        details.append(_line(record.best_match_source))
    if record.best_match_rating.strip():
        details.append(f"rated {_line(record.best_match_rating)}")
    if record.best_match_score is not None:
        details.append(f"score {record.best_match_score:.0f}")
    if record.best_match_url.strip():
        details.append(link_or_text(record.best_match_url))
    return (
        '<div class="match"><span class="label">Best match</span>'
        f"<blockquote>{_text(record.best_match_text)}</blockquote>"
        + (f'<p class="match-details">{" · ".join(details)}</p>' if details else "")
        + "</div>"
    )


def _speaker(record: VerdictRecord) -> str:
    """Who said a transcript's claim, above its text; "" for an article's sentence."""
    speaker = record.claim_speaker.strip()
    return f'<p class="speaker">{_line(speaker)}</p>' if speaker else ""


def claim_html(record: VerdictRecord) -> str:
    """One judged claim as an `<article>` with the anchor `claim-<id>`."""
    verdict_class = record.verdict if record.verdict in VERDICTS else "other"
    parts = [
        f'<article class="claim verdict-{verdict_class}" id="claim-{int(record.claim_id)}">',
        _speaker(record) + f'<p class="claim-text">{_text(record.claim_text)}</p>',
        f'<p class="verdict-line"><span class="badge">{_line(verdict_label(record.verdict))}</span>',
    ]
    if record.checker.strip():
        parts.append(f' by <span class="checker">{_line(record.checker)}</span>')
    if record.at.strip():
        parts.append(f" at {_time(record.at)}")
    parts.append("</p>")
    if record.note.strip():
        parts.append(f'<p class="note"><span class="label">Note:</span> {_text(record.note)}</p>')
    if record.evidence:
        items = "".join(f"<li>{link_or_text(url)}</li>" for url in record.evidence)
        parts.append(f'<div class="evidence"><span class="label">Evidence</span><ul>{items}</ul></div>')
    corroboration = corroboration_summary(record)
    if corroboration:
        parts.append(f'<p class="corroboration"><span class="label">Also carried by:</span> {_line(corroboration)}</p>')
    parts.append(_best_match(record))
    parts.append("</article>")
    return "".join(parts)


def article_html(group: Sequence[VerdictRecord]) -> str:
    """An article's heading, facts and judged claims."""
    first = group[0]
    facts = [_line(value) for value in (first.article_source, first.article_published) if value.strip()]
    if first.article_url.strip():
        facts.append(link_or_text(first.article_url))
    meta = f'<p class="meta">{" · ".join(facts)}</p>' if facts else ""
    title = _line(first.article_title) or "(untitled article)"
    claims = "\n".join(claim_html(record) for record in group)
    return f'<section class="article" id="article-{int(first.article_id)}">\n<h2>{title}</h2>\n{meta}\n{claims}\n</section>'


def write_html(records: Sequence[VerdictRecord], stream: TextIO, options: ReportOptions) -> int:
    """Write the HTML report; returns how many claims it shows."""
    title = _line(options.title) or "Verdict report"
    stream.write(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<header>\n<h1>{title}</h1>\n<p class="lead">{_line(summary_sentence(records))}</p>\n</header>\n'
    )
    if not records:
        stream.write('<p class="empty">No judged claims match this report.</p>\n')
    else:
        stream.write(_summary(records) + "\n")
        for group in group_by_article(records):
            stream.write(article_html(group) + "\n")
    stream.write("</body>\n</html>\n")
    return len(records)
