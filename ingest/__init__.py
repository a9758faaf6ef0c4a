"""Turning sources into articles and claims.

Public entry points: `load_source` (a path, "-" or a URL to an article and its claims),
`load_lines` (each line of a source as one sentence), `article_claims` (split, then
near-duplicates merged),
`extract_article` (raw text/Markdown/HTML to a cleaned `ArticleDraft`), `split_claims`
(cleaned text to scored `ClaimDraft`s with exact offsets), `decode_bytes` and
`neutralise_controls` (untrusted bytes and text made safe).
"""

from importlib import import_module

# Each name is imported from its module when first used: the desk's launch reads only
# ingest.text, and should not pay for the splitter, the models and the extractor.
_EXPORTS = {
    "article_claims": "ingest.claims",
    "merge_near_duplicates": "ingest.claims",
    "split_claims": "ingest.claims",
    "IngestError": "ingest.errors",
    "extract_article": "ingest.extract",
    "load_lines": "ingest.sources",
    "load_source": "ingest.sources",
    "decode_bytes": "ingest.text",
    "neutralise_controls": "ingest.text",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value

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
