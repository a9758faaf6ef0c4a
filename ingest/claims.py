"""Claims of an article: every sentence of its cleaned text, scored for check-worthiness.

`split_claims(text)` returns one `ClaimDraft` per sentence (or per line with `lines=True`),
with offsets such that `text[start:end] == claim.text`, a score in [0, 1], the reasons
behind it and whether it clears the check-worthiness threshold. `merge_near_duplicates`
folds sentences repeated within an article into one claim that keeps every offset.
Transcripts keep their speakers: `line_claims` (one claim per line) and `speech_claims`
(one per sentence of each turn) rank them with the speakers' roles (`transcript_claims`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ingest.checkworthy import assess_transcript, score_sentence
from ingest.split import MAX_SENTENCE_CHARS, line_spans, sentence_spans
from store.models import ArticleDraft, ClaimDraft


def split_claims(text: str, *, lines: bool = False, max_chars: int = MAX_SENTENCE_CHARS) -> list[ClaimDraft]:
    """Every sentence of `text` as a scored claim; with `lines=True` every non-empty line instead."""
    spans = line_spans(text, max_chars) if lines else sentence_spans(text, max_chars)
    claims = []
    for start, end in spans:
        sentence = text[start:end]
        assessment = score_sentence(sentence)
        claims.append(
            ClaimDraft(
                text=sentence,
                start=start,
                end=end,
                score=assessment.score,
                checkworthy=assessment.checkworthy,
                reasons=assessment.reasons,
            )
        )
    return claims


# A time stamp as transcripts write them: "00:01:23", "[01:23]", "(1:02:03)".
_TIME = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?"
# "SPEAKER: words" at the start of a transcript line (names in capitals, as transcripts write
# them), perhaps after a time stamp: "[00:01:23] TRUMP: words".
_SPEAKER = re.compile(rf"(?:{_TIME}[ \t]+)?([A-Z][\w .'’-]{{0,40}}):[ \t]+")
# A line that only names who speaks next, perhaps with a time stamp ("Chris Wallace: (01:20)",
# as transcription services write it); the words follow on the next lines. Every word of the
# name is capitalised, so a line of speech ending in a colon ("Here's the thing:") is not one.
_SPEAKER_HEADER = re.compile(
    rf"(?:{_TIME}[ \t]+)?([A-Z][\w'’.-]*(?:[ \t]+[A-Z0-9][\w'’.-]*){{0,5}}):[ \t]*(?:{_TIME})?[ \t]*"
)


def transcript_claims(text: str, *, max_chars: int = MAX_SENTENCE_CHARS,
                      sentences: bool = False) -> list[ClaimDraft] | None:
    """Each line of a transcript written as "SPEAKER: words" as one claim (the words only,
    offsets into `text`), scored with the speakers' roles (`assess_transcript`: the
    moderator's questions and a minor speaker's asides rank lower, a line repeating a claim
    made elsewhere in the transcript or making a sweeping one ranks higher), each with its
    speaker. With `sentences=True` each line's words are split into sentences, each one
    claim with the line's speaker (long turns, as transcription services write them). None
    when `text` does not read as a transcript (`speaker_lines`), so plain lines keep
    `split_claims(lines=True)`."""
    lines = speaker_lines(text, max_chars)
    if lines is None:
        return None
    if sentences:
        lines = [(who, start + first, start + last) for who, start, end in lines
                 for first, last in sentence_spans(text[start:end], max_chars)]
    assessments = assess_transcript([(who, text[start:end]) for who, start, end in lines])
    return [
        ClaimDraft(text=text[start:end], start=start, end=end, score=a.score,
                   checkworthy=a.checkworthy, reasons=a.reasons, speaker=who)
        for (who, start, end), a in zip(lines, assessments)
    ]


def speaker_lines(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[str, int, int]] | None:
    """`(speaker, start, end)` of each line's words when `text` reads as a transcript; None
    when fewer than half of its lines name a speaker.

    A line naming only the next speaker ("Chris Wallace: (01:20)") is not a line of words:
    the lines after it are that speaker's.
    """
    spans = line_spans(text, max_chars)
    lines: list[tuple[str, int, int]] = []
    named = 0
    speaker = ""
    for start, end in spans:
        header = _SPEAKER_HEADER.fullmatch(text, start, end)
        if header:
            named += 1
            speaker = header.group(1).strip()
            continue
        found = _SPEAKER.match(text, start, end)
        if found and found.end() < end:
            named += 1
            speaker, start = found.group(1).strip(), found.end()
        lines.append((speaker, start, end))
    return lines if lines and named * 2 >= len(spans) else None


_NORMALISE = re.compile(r"[\W_]+")
# Articles longer than this are merged on exact normalised text only: pairwise fuzzy
# comparison grows with the square of the number of sentences.
FUZZY_MERGE_LIMIT = 3000
NEAR_DUPLICATE_SCORE = 92.0


def _key(text: str) -> str:
    return _NORMALISE.sub(" ", text.casefold()).strip()


# More claims than a checker could ever read make matching take minutes (RELIABILITY F).
MAX_ARTICLE_CLAIMS = 2000


def article_claims(text: str) -> list[ClaimDraft]:
    """The claims of an article as stored: its sentences, near-duplicates merged, at
    most MAX_ARTICLE_CLAIMS (the first ones)."""
    return merge_near_duplicates(split_claims(text))[:MAX_ARTICLE_CLAIMS]


def line_claims(text: str) -> list[ClaimDraft]:
    """Every non-empty line of `text` as one claim: scored as a transcript when its lines are
    written "SPEAKER: words" (`transcript_claims`), else each line as a sentence."""
    transcript = transcript_claims(text)
    return transcript if transcript is not None else split_claims(text, lines=True)


def speech_claims(text: str) -> list[ClaimDraft]:
    """A transcript's claims: each speaker's words split into sentences, each one claim with
    its speaker, ranked as a transcript (`transcript_claims`); text that does not read as a
    transcript is split as an article's is."""
    claims = transcript_claims(text, sentences=True)
    return claims if claims is not None else split_claims(text)


def with_claims(
    draft: ArticleDraft, *, split: Callable[[str], list[ClaimDraft]] = split_claims
) -> tuple[ArticleDraft, list[ClaimDraft]]:
    """The draft and its claims (`split` of its text: its sentences, or `line_claims`,
    `speech_claims`), repeats merged; a draft whose claims were capped says so in `warnings`."""
    claims = merge_near_duplicates(split(draft.text))
    if len(claims) <= MAX_ARTICLE_CLAIMS:
        return draft, claims
    warning = (f"{draft.title or 'The article'} has {len(claims):,} sentences; only the first "
               f"{MAX_ARTICLE_CLAIMS:,} were kept as claims.")
    return replace(draft, warnings=(*draft.warnings, warning)), claims[:MAX_ARTICLE_CLAIMS]


def merge_near_duplicates(claims: list[ClaimDraft], *, score_cutoff: float = NEAR_DUPLICATE_SCORE) -> list[ClaimDraft]:
    """Merge sentences repeated within one article (a pull quote, a summary restating the lede).

    The first occurrence is kept; each later near-duplicate (same words up to case and
    punctuation, or a rapidfuzz `token_sort_ratio` of at least `score_cutoff` between
    sentences of six or more words) adds its offsets to `also_at`.
    """
    from rapidfuzz import fuzz, process, utils

    kept: list[ClaimDraft] = []
    extra: list[list[tuple[int, int]]] = []
    by_key: dict[str, int] = {}
    fuzzy_choices: dict[int, str] = {}
    fuzzy = len(claims) <= FUZZY_MERGE_LIMIT
    for claim in claims:
        key = _key(claim.text)
        target = by_key.get(key)
        if target is None and fuzzy and len(key.split()) >= 6 and fuzzy_choices:
            best = process.extractOne(key, fuzzy_choices, scorer=fuzz.token_sort_ratio,
                                      processor=utils.default_process, score_cutoff=score_cutoff)
            if best is not None:
                target = best[2]
        if target is not None:
            extra[target].append((claim.start, claim.end))
            continue
        by_key[key] = len(kept)
        if fuzzy and len(key.split()) >= 6:
            fuzzy_choices[len(kept)] = key
        kept.append(claim)
        extra.append([])
    return [replace(claim, also_at=tuple(offsets)) if offsets else claim
            for claim, offsets in zip(kept, extra)]
