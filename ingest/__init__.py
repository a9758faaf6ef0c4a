"""Turning sources into articles and claims.

Public entry points: `load_source` (a path, "-" or a URL to an article and its claims),
`load_lines` (each line of a source as one sentence), `article_claims` (split, then
near-duplicates merged),
`extract_article` (raw text/Markdown/HTML to a cleaned `ArticleDraft`), `split_claims`
(cleaned text to scored `ClaimDraft`s with exact offsets), `decode_bytes` and
`neutralise_controls` (untrusted bytes and text made safe).
"""

from ingest.claims import article_claims, merge_near_duplicates, split_claims
from ingest.errors import IngestError
from ingest.extract import extract_article
from ingest.sources import load_lines, load_source
from ingest.text import decode_bytes, neutralise_controls

__all__ = [
    "IngestError",
    "decode_bytes",
    "extract_article",
    "load_lines",
    "load_source",
    "article_claims",
    "merge_near_duplicates",
    "neutralise_controls",
    "split_claims",
]
