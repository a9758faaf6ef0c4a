"""Building a safe FTS5 MATCH expression from a claim's informative terms.

Every term is a run of letters and digits wrapped in double quotes, so no FTS5 operator
(`NEAR`, `AND`, `*`, `^`, `:`, parentheses) in the claim is ever interpreted; the terms
are OR-ed so BM25 ranks candidates by how many rare terms they share.
"""

from __future__ import annotations

from matchers.normalise import analyse

# Enough for a tweet-length claim's content words; longer texts keep their most
# informative terms, because each OR-ed common term costs a posting-list scan.
DEFAULT_MAX_TERMS = 24


def _informativeness(token_norm: str, is_entity: bool, is_number: bool) -> float:
    # Without corpus statistics, long words, names and numbers are the best proxy
    # for rare terms.
    return len(token_norm) + (4 if is_entity else 0) + (2 if is_number else 0)


def query_terms(text: str, max_terms: int = DEFAULT_MAX_TERMS) -> list[str]:
    """The claim's informative terms, most informative first, without duplicates."""
    best: dict[str, float] = {}
    for token in analyse(text, for_search=True).tokens:
        if token.is_stopword or len(token.norm) < 2 and not token.norm.isdigit():
            continue
        weight = _informativeness(token.norm, token.is_entity, token.is_number or token.is_year)
        if weight > best.get(token.norm, -1.0):
            best[token.norm] = weight
    ranked = sorted(best, key=lambda term: -best[term])  # sorted() is stable
    return ranked[: max(0, max_terms)]


def quote_fts_term(term: str) -> str:
    """`term` as an FTS5 string literal: inner double quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def build_fts_query(text: str, max_terms: int = DEFAULT_MAX_TERMS) -> str:
    """An FTS5 MATCH expression OR-ing the claim's informative terms, each quoted;
    "" when the text has nothing informative. Never raises for any string."""
    return " OR ".join(quote_fts_term(term) for term in query_terms(text, max_terms))
