"""Building a safe FTS5 MATCH expression from a claim's informative terms.

Every term is a run of letters and digits wrapped in double quotes, so no FTS5 operator
(`NEAR`, `AND`, `*`, `^`, `:`, parentheses) in the claim is ever interpreted; the terms
are OR-ed so BM25 ranks candidates by how many rare terms they share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from matchers.normalise import analyse

# Enough for a tweet-length claim's content words; longer texts keep their most
# informative terms, because each OR-ed common term costs a posting-list scan.
DEFAULT_MAX_TERMS = 24
# With document frequencies: always search this many of the rarest terms, and beyond
# them no term held by more than this many stored claims, so that a search reads a
# bounded number of postings however large the store grows.
MIN_SEARCH_TERMS = 8
COMMON_TERM_COUNT = 2_000


def _informativeness(token_norm: str, is_entity: bool, is_number: bool) -> float:
    # Without corpus statistics, long words, names and numbers are the best proxy
    # for rare terms.
    return len(token_norm) + (4 if is_entity else 0) + (2 if is_number else 0)


def query_terms(
    text: str,
    max_terms: int = DEFAULT_MAX_TERMS,
    *,
    document_frequency: Callable[[Sequence[str]], Mapping[str, int]] | None = None,
) -> list[str]:
    """The claim's informative terms, most informative first, without duplicates.

    `document_frequency` maps terms to how many stored claims hold each. With it, the
    rarest terms come first, terms held by no stored claim come last (the index stems
    words, so "vaccinated" may still find "vaccination"), and beyond the first
    `MIN_SEARCH_TERMS` a term held by more than `COMMON_TERM_COUNT` claims is left out:
    it costs a long posting-list scan and adds little to BM25. Without it, long words,
    names and numbers are taken as the rare ones.
    """
    best: dict[str, float] = {}
    for token in analyse(text, for_search=True).tokens:
        if token.is_stopword or len(token.norm) < 2 and not token.norm.isdigit():
            continue
        weight = _informativeness(token.norm, token.is_entity, token.is_number or token.is_year)
        if weight > best.get(token.norm, -1.0):
            best[token.norm] = weight
    if document_frequency is None or not best:
        ranked = sorted(best, key=lambda term: -best[term])  # sorted() is stable
        return ranked[: max(0, max_terms)]
    counts = document_frequency(list(best))
    ranked = sorted(
        best, key=lambda term: (counts.get(term, 0) <= 0, counts.get(term, 0), -best[term])
    )
    kept = [
        term
        for position, term in enumerate(ranked)
        if position < MIN_SEARCH_TERMS or 0 < counts.get(term, 0) <= COMMON_TERM_COUNT
    ]
    return kept[: max(0, max_terms)]


def quote_fts_term(term: str) -> str:
    """`term` as an FTS5 string literal: inner double quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def build_fts_query(
    text: str,
    max_terms: int = DEFAULT_MAX_TERMS,
    *,
    document_frequency: Callable[[Sequence[str]], Mapping[str, int]] | None = None,
) -> str:
    """An FTS5 MATCH expression OR-ing the claim's informative terms, each quoted;
    "" when the text has nothing informative. Never raises for any string.

    Each OR-ed term costs a scan of its posting list, so at a million stored claims
    the query should keep only the rarer terms: pass `document_frequency`."""
    terms = query_terms(text, max_terms, document_frequency=document_frequency)
    return " OR ".join(quote_fts_term(term) for term in terms)
