"""Sentence splitting with exact character offsets.

`sentence_spans(text)` returns `(start, end)` pairs such that every `text[start:end]` is one
sentence, stripped of surrounding whitespace and list markers, in order and never
overlapping. It knows abbreviations (U.S., Dr., Jan. 11, a.m.), initials, decimals, quotes,
ellipses, list items, headings, CJK full stops and Windows line endings, and it cuts any run
longer than `MAX_SENTENCE_CHARS` at a clause boundary. Time is linear in the text length.
`line_spans(text)` treats every line as one unit (for transcripts and datasets).
"""

from __future__ import annotations

import re
import unicodedata

MAX_SENTENCE_CHARS = 1000

# Titles and other abbreviations that are (almost) never the end of a sentence.
_NEVER_FINAL = frozenset(
    """mr mrs ms mx dr prof sen rep gov gen lt col maj capt cpt sgt cmdr adm brig pres supt
    insp det rev fr hon amb sr jr st mt ft messrs mme mlle dott sra sta vs v cf viz approx
    ca etc e.g i.e al nos fig figs vol pp art sec ch para ed eds repr""".split()
)
# Abbreviations that end a sentence only when a typical sentence opener follows.
_MAYBE_FINAL = frozenset(
    """inc ltd co corp llc plc bros dept est jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun no p u.s u.k u.n e.u a.m p.m d.c u.s.a
    n.y l.a b.c a.d ph.d m.d b.a m.a pct""".split()
)
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there here but and or so yet
    however meanwhile in on at after before his her its their our my your some many most
    if when while as for since although though because what who why how where then now
    today yesterday according one two three several no not all both each every""".split()
)

# Sentence-final punctuation followed by closing quotes/brackets, then whitespace or the end;
# CJK full stops need no following space.
_CANDIDATE = re.compile(
    r"(?:[.!?\u2026\u203d\u061f\u0964\u0965]+[\"'\u201d\u2019\u00bb)\]]*(?=\s|$))"
    r"|(?:[\u3002\uff01\uff1f\uff61]+[\u300d\u300f\uff09\u201d\u2019)\]]*)"
)
_CJK_STOPS = "\u3002\uff01\uff1f\uff61"
_LINE_BREAK = re.compile(r"[^\S\n]*\n\s*")
_LIST_MARKER = re.compile(r"(?:[-*+\u2022\u25e6\u25aa\u2023]|\d{1,3}[.)]|\(?[a-z][.)])[^\S\n]+(?=\S)")
_LAST_TOKEN = re.compile(r"(\S+)$")
_INITIAL = re.compile(r"^[A-Z]$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
_CLAUSE_SEPARATORS = ("; ", ": ", " \u2013 ", " \u2014 ", " - ", ", ", " (")


def _is_content(fragment: str) -> bool:
    """False for fragments of only punctuation, symbols like '*', separators or controls."""
    for ch in fragment:
        category = unicodedata.category(ch)
        if category[0] in "LN" or category == "So":
            return True
    return False


_NEXT_WORD = re.compile(r"[\"'\u201c\u2018(\[]*([^\s\"'\u201d\u2019]*)")


def _next_word(text: str, pos: int, end: int) -> str:
    match = _NEXT_WORD.match(text, pos, end)
    return match.group(1) if match else ""


def _is_boundary(text: str, match: re.Match[str], chunk_start: int, sentence_start: int, chunk_end: int) -> bool:
    punct = match.group(0)
    if punct[0] in _CJK_STOPS:
        return True
    after = match.end()
    while after < chunk_end and text[after].isspace():
        after += 1
    if after >= chunk_end:
        return True
    following = _next_word(text, after, chunk_end)
    first = following[:1] or text[after]
    if first.islower():
        return False  # "Is it?" he asked. / e.g. this / approx. five
    stripped = punct.rstrip("\"'\u201d\u2019\u00bb)]")
    if stripped != ".":
        return True  # "!", "?", "...", "?!"
    window = text[max(chunk_start, match.start() - 40): match.start()]
    token_match = _LAST_TOKEN.search(window)
    if not token_match:
        return True
    token = token_match.group(1).lstrip("\"'\u201c\u2018([")
    word = token.lower()
    token_start = match.start() - len(token)
    if token_start <= sentence_start and re.fullmatch(r"\d{1,3}|[a-zA-Z]", token):
        return False  # a list marker such as "1." or "a."
    if word in _NEVER_FINAL:
        return False
    if _INITIAL.match(token):
        return False  # J. K. Rowling, George W. Bush
    if word in _MAYBE_FINAL or _DOTTED.match(token):
        return following.lower().strip(",;:") in _OPENERS
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    marker = _LIST_MARKER.match(text, start, end)
    if marker and (start == 0 or text[start - 1] == "\n"):
        start = marker.end()
    return start, end


def _safe_cut(text: str, cut: int, floor: int) -> int:
    """Move `cut` left so that no combining mark, joiner or variation selector is orphaned."""
    while cut > floor + 1 and (
        unicodedata.combining(text[cut])
        or text[cut] in "\u200d\ufe0e\ufe0f"
        or text[cut - 1] == "\u200d"
        or 0x1F3FB <= ord(text[cut]) <= 0x1F3FF
    ):
        cut -= 1
    return cut


def _cap(text: str, start: int, end: int, limit: int, out: list[tuple[int, int]]) -> None:
    """Append [start, end) to `out`, cut into pieces of at most `limit` characters at clause boundaries."""
    while end - start > limit:
        window_end = start + limit
        best = -1
        for separator in _CLAUSE_SEPARATORS:
            pos = text.rfind(separator, start + limit // 3, window_end)
            if pos != -1:
                candidate = pos + (len(separator) if separator != " (" else 1)
                if candidate <= window_end:
                    best = max(best, candidate)
            if best != -1 and separator == ", ":
                break
        if best == -1:
            space = text.rfind(" ", start + limit // 3, window_end)
            best = space + 1 if space != -1 else _safe_cut(text, window_end, start)
        piece_start, piece_end = _trim(text, start, best)
        if piece_end > piece_start and _is_content(text[piece_start:piece_end]):
            out.append((piece_start, piece_end))
        start = best
    piece_start, piece_end = _trim(text, start, end)
    if piece_end > piece_start and _is_content(text[piece_start:piece_end]):
        out.append((piece_start, piece_end))


def _chunks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, lines and list items: spans no sentence may cross."""
    chunks = []
    start = 0
    for brk in _LINE_BREAK.finditer(text):
        if brk.group(0).count("\n") == 1 and start < brk.start():
            previous = text[brk.start() - 1]
            following = text[brk.end()] if brk.end() < len(text) else ""
            # A hard-wrapped line: the next line continues in lower case and is not a list item.
            if (
                following.islower()
                and previous not in ".!?:;\u2026\u3002\uff01\uff1f"
                and not _LIST_MARKER.match(text, brk.end())
            ):
                continue
        chunks.append((start, brk.start()))
        start = brk.end()
    chunks.append((start, len(text)))
    return [(s, e) for s, e in chunks if e > s]


def sentence_spans(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Offsets of the sentences of `text`; `text[start:end]` is each sentence exactly."""
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _chunks(text):
        sentence_start = _trim(text, chunk_start, chunk_end)[0]
        for match in _CANDIDATE.finditer(text, chunk_start, chunk_end):
            if match.end() <= sentence_start:
                continue
            if _is_boundary(text, match, chunk_start, sentence_start, chunk_end):
                _cap(text, sentence_start, match.end(), max_chars, spans)
                sentence_start = match.end()
        if sentence_start < chunk_end:
            _cap(text, sentence_start, chunk_end, max_chars, spans)
    return spans


def line_spans(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Offsets of every non-empty line of `text`, each one unit (cut only past `max_chars`)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for newline in re.finditer("\n", text):
        _cap(text, start, newline.start(), max_chars, spans)
        start = newline.end()
    _cap(text, start, len(text), max_chars, spans)
    return spans
