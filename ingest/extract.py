"""Article extraction: from plain text, Markdown or HTML to a cleaned `ArticleDraft`.

`extract_article(raw, name=..., kind=...)` reduces Markdown to its words (links keep their
text, emphasis, images and link lists go), runs HTML through trafilatura with its metadata,
drops boilerplate (bylines, tag lines, legal footers, share prompts, related-article lists)
while recording what was dropped, and takes the title, outlet, author and date from the
page or from the byline block.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt

from ingest import boilerplate
from ingest.errors import IngestError
from ingest.text import neutralise_controls
from store.models import ArticleDraft

KINDS = ("text", "markdown", "html")
TITLE_MAX = 200
PREVIEW_ITEMS = 6
PREVIEW_ITEM_CHARS = 70

# --- Markdown inline syntax -------------------------------------------------------------
_LINK_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\]\n]*\](?:" + _LINK_TARGET + r"|\[[^\]\n]*\])")
_LINK = re.compile(r"\[([^\]\n]*)\]" + _LINK_TARGET)
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+")
_RULE = re.compile(r"^\s*(?:([-*_=~•·])\s*){1,}$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*(?:[-*+•◦▪‣]|\d{1,3}[.)]|\(?[a-z][.)])\s+(?=\S)")
_ONLY_SEPARATORS = re.compile(r"^[\s,;|·•/&:\-–—]*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_MARKUP_CHARS = re.compile(r"[\[\]*_`<~\\]")
# CommonMark inline syntax with strikethrough; entities stay as written, as in plain text.
_INLINE = MarkdownIt("commonmark").enable("strikethrough").disable("entity")
_SHOWN = ("text", "code_inline")


def strip_inline_markdown(line: str) -> str:
    """`line` with Markdown and stray HTML inline syntax reduced to the words a reader sees:
    link words without targets, no images, no tags."""
    if not _MARKUP_CHARS.search(line):
        return line  # most lines of prose: no parsing needed
    # A reference-style link's definition is elsewhere in the document (dropped as a
    # silent line), so the parser of one line cannot resolve it: its words are kept here.
    line = _REF_LINK.sub(r"\1", line)
    words = []
    for token in _INLINE.parseInline(line):
        for child in token.children or ():
            if child.type in _SHOWN:
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return "".join(words)


@dataclass
class _Line:
    kind: str  # "blank", "text", "heading", "item", "links", "silent"
    text: str  # cleaned words
    marker: str = ""  # list marker kept in the cleaned text ("- ", "1. ")


def _classify(raw_line: str, markdown: bool) -> _Line:
    line = raw_line.rstrip()
    if not line.strip():
        return _Line("blank", "")
    if _LINK_DEFINITION.match(line):
        return _Line("silent", "")
    if _RULE.match(line) and not re.search(r"\w", line):
        return _Line("silent", "")
    heading = _HEADING.match(line)
    if heading:
        return _Line("heading", strip_inline_markdown(heading.group(2)).strip())
    line = _QUOTE.sub("", line)
    marker = ""
    bullet = _BULLET.match(line)
    if bullet:
        token = bullet.group(0).strip()
        marker = "- " if token in "-*+•◦▪‣" else token + " "
        line = line[bullet.end():]
    without_links = _LINK.sub("", _IMAGE.sub("", line)) if "](" in line else line
    had_link = without_links != line
    text = re.sub(r"[ \t]+", " ", strip_inline_markdown(line)).strip()
    if not text:
        return _Line("silent", "")
    if had_link and _ONLY_SEPARATORS.match(without_links):
        return _Line("links", text, marker)
    if marker:
        return _Line("item", text, marker)
    return _Line("text", text)


@dataclass
class _Metadata:
    title: str = ""
    source: str = ""
    author: str = ""
    published: str = ""


def _absorb(meta: _Metadata, line: str) -> None:
    """Keep the author, outlet and date of a dropped byline or dateline."""
    found = boilerplate.parse_byline(line) or boilerplate.parse_dateline(line)
    if found is None:
        return
    meta.author = meta.author or found.author
    meta.source = meta.source or found.source
    meta.published = meta.published or found.published


def _join_paragraph(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines of one paragraph; keep deliberate short-line breaks."""
    if len(lines) < 2:
        return lines
    width = max(len(x) for x in lines)
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:]):
        wrapped = width >= 40 and len(previous) >= 0.6 * width
        if wrapped:
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return out


def _clean_lines(
    raw_lines: list[str], *, markdown: bool, lines_are_paragraphs: bool, title: str
) -> tuple[str, list[tuple[str, str]], _Metadata, str]:
    """Cleaned text, dropped (kind, text) pairs, metadata and the detected title."""
    meta = _Metadata(title=title)
    parsed = [_classify(line, markdown) for line in raw_lines]
    # Setext headings: a text line underlined by === or ---.
    for i in range(1, len(parsed)):
        if parsed[i].kind == "silent" and _SETEXT.match(raw_lines[i]) and parsed[i - 1].kind == "text":
            parsed[i - 1].kind = "heading"

    dropped: list[tuple[str, str]] = []
    legal = _legal_blocks(parsed)
    blocks: list[list[_Line]] = [[]]
    in_related = False
    title_taken = bool(title)
    for index, line in enumerate(parsed):
        if index in legal:
            if legal[index]:
                dropped.append(legal[index])
            continue
        if line.kind == "blank":
            if lines_are_paragraphs or blocks[-1]:
                blocks.append([])
            continue
        if line.kind == "silent":
            continue
        if not title_taken and line.kind in {"heading", "text"} and boilerplate.boilerplate_kind(line.text) is None:
            title_taken = True
            if line.kind == "heading" or (len(line.text) <= TITLE_MAX and not line.text.endswith((".", ":"))):
                meta.title = line.text
                continue
        elif title and line.kind in {"heading", "text"} and line.text == title and not blocks_have_text(blocks):
            continue  # the page title repeated as the first line of the body
        if in_related:
            if line.kind in {"item", "links"} or (line.kind == "text" and len(line.text) < 80):
                dropped.append(("related links", line.text))
                continue
            in_related = False
        kind = boilerplate.boilerplate_kind(line.text)
        if kind is None and line.kind == "links":
            kind = "link list"
        if kind is not None:
            if kind in {"byline", "dateline"}:
                _absorb(meta, line.text)
            if kind == "related links":
                in_related = True
            dropped.append((kind, line.text))
            continue
        blocks[-1].append(line)
        if lines_are_paragraphs and line.kind != "item":
            blocks.append([])

    paragraphs: list[str] = []
    for block in blocks:
        if not block:
            continue
        units: list[str] = []
        run: list[str] = []
        for line in block:
            if line.kind == "text":
                run.append(line.text)
                continue
            units.extend(_join_paragraph(run) if not lines_are_paragraphs else run)
            run = []
            units.append(line.marker + line.text)
        units.extend(_join_paragraph(run) if not lines_are_paragraphs else run)
        paragraphs.append("\n".join(units))

    if paragraphs:
        paragraphs[0] = _strip_wire_dateline(paragraphs[0], meta, dropped)
    return "\n\n".join(p for p in paragraphs if p.strip()), dropped, meta, meta.title


_LEGAL_KINDS = frozenset({"disclaimer", "fair-use notice", "copyright", "source notice"})


def _legal_blocks(parsed: list[_Line]) -> dict[int, tuple[str, str] | None]:
    """Lines of legal paragraphs hard-wrapped over several lines, to drop whole.

    Maps each line index to the (kind, paragraph) to record, given on the first line only.
    """
    found: dict[int, tuple[str, str] | None] = {}
    block: list[int] = []
    for index in range(len(parsed) + 1):
        if index < len(parsed) and parsed[index].kind == "text":
            block.append(index)
            continue
        if len(block) > 1:
            joined = " ".join(parsed[i].text for i in block)
            kind = boilerplate.boilerplate_kind(joined)
            if kind in _LEGAL_KINDS:
                found[block[0]] = (kind, joined)
                found.update({i: None for i in block[1:]})
        block = []
    return found


def blocks_have_text(blocks: list[list[_Line]]) -> bool:
    return any(block for block in blocks)


def _strip_wire_dateline(paragraph: str, meta: _Metadata, dropped: list[tuple[str, str]]) -> str:
    match = boilerplate.WIRE_DATELINE.match(paragraph)
    if not match or sum(c.isupper() for c in match.group("place")) < 3:
        return paragraph
    if match.group("agency"):
        meta.source = meta.source or match.group("agency").strip()
    dropped.append(("dateline", match.group(0).strip()))
    return paragraph[match.end():]


def _preview(dropped: list[tuple[str, str]]) -> str:
    items = []
    for kind, text in dropped[:PREVIEW_ITEMS]:
        short = text if len(text) <= PREVIEW_ITEM_CHARS else text[: PREVIEW_ITEM_CHARS - 1].rstrip() + "…"
        items.append(f"{kind}: {short}")
    if len(dropped) > PREVIEW_ITEMS:
        items.append(f"and {len(dropped) - PREVIEW_ITEMS} more")
    return " | ".join(items)


def _fallback_title(text: str, name: str) -> str:
    first = text.strip().split("\n", 1)[0] if text.strip() else ""
    if not first:
        return name
    if len(first) > TITLE_MAX:
        cut = first.rfind(" ", 0, TITLE_MAX - 1)
        first = first[: cut if cut > 40 else TITLE_MAX - 1].rstrip(" ,;:") + "…"
    return first


def _extract_plain(raw: str, *, name: str, markdown: bool, url: str,
                   lines_are_paragraphs: bool = False, known: _Metadata | None = None) -> ArticleDraft:
    text = neutralise_controls(html.unescape(neutralise_controls(raw)))
    known = known or _Metadata()
    cleaned, dropped, meta, title = _clean_lines(
        text.split("\n"), markdown=markdown, lines_are_paragraphs=lines_are_paragraphs, title=known.title
    )
    if not cleaned.strip() and title and title != known.title:
        # A single line ("Crime rose 20 percent") was read as a title: it is the text.
        cleaned = title
    if not cleaned.strip():
        raise IngestError(f"No text could be extracted from {name}.")
    return ArticleDraft(
        title=title or _fallback_title(cleaned, name),
        text=cleaned,
        source=known.source or meta.source,
        url=url,
        published=known.published or meta.published,
        author=known.author or meta.author,
        dropped_count=len(dropped),
        dropped_preview=_preview(dropped),
    )


def _extract_html(raw: str, *, name: str, url: str) -> ArticleDraft:
    import trafilatura

    raw = neutralise_controls(raw)
    try:
        document = trafilatura.bare_extraction(
            raw, url=url or None, with_metadata=True, include_comments=False,
            include_tables=True, include_images=False, include_links=False,
        )
    except (RecursionError, ValueError, TypeError, AttributeError):
        document = None
    known = _Metadata()
    body = ""
    canonical = ""
    if document is not None:
        body = document.text or ""
        known = _Metadata(
            title=neutralise_controls(document.title or "").strip(),
            source=neutralise_controls(document.sitename or "").strip(),
            author=neutralise_controls(document.author or "").strip(),
            published=boilerplate.parse_date(document.date or "") or "",
        )
        canonical = document.url or ""
    if not body.strip():
        body = _html_to_text(raw)
        if not known.title:
            match = re.search(r"<title[^>]*>(.*?)</title>", raw[:200_000], re.IGNORECASE | re.DOTALL)
            if match:
                known.title = neutralise_controls(html.unescape(re.sub(r"\s+", " ", match.group(1)))).strip()
    draft = _extract_plain(body, name=name, markdown=False, url=url, lines_are_paragraphs=True, known=known)
    if canonical and canonical != url:
        draft = replace(draft, canonical_url=canonical)
    return draft


_BLOCK_TAGS = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|section|article|blockquote|ul|ol|table|header|footer)\b[^>]*>", re.IGNORECASE)
_DROP_ELEMENTS = re.compile(r"<(script|style|noscript|template|svg|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _html_to_text(raw: str) -> str:
    """A plain fallback for pages trafilatura rejects (too short, malformed): tags out, blocks as lines."""
    text = _DROP_ELEMENTS.sub(" ", raw)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = _BLOCK_TAGS.sub("\n", text)
    text = re.sub(r"<[^>]{0,2000}>", " ", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def extract_article(raw: str, *, name: str, kind: str, url: str = "") -> ArticleDraft:
    """Clean `raw` (of kind "text", "markdown" or "html") into an article draft.

    `name` is how errors refer to the source; raises `IngestError` when nothing is left.
    """
    if kind not in KINDS:
        raise IngestError(f"{name} has kind {kind!r}, which is not one of {', '.join(KINDS)}.")
    if kind == "html":
        return _extract_html(raw, name=name, url=url)
    return _extract_plain(raw, name=name, markdown=kind == "markdown", url=url)
