"""Claims of an article: every sentence of its cleaned text, scored for check-worthiness.

`split_claims(text)` returns one `ClaimDraft` per sentence (or per line with `lines=True`),
with offsets such that `text[start:end] == claim.text`, a score in [0, 1], the reasons
behind it and whether it clears `checkworthy.THRESHOLD`.
"""

from __future__ import annotations

from ingest.checkworthy import score_sentence
from ingest.split import MAX_SENTENCE_CHARS, line_spans, sentence_spans
from store.models import ClaimDraft


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
