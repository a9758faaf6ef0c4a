"""Claim matching: pure functions over text and candidates supplied by the store.

- `normalise_for_matching(text)`: the canonical form two equivalent claims share.
- `build_fts_query(text)`: a safe FTS5 MATCH expression of the claim's informative terms.
- `rank_candidates(query, candidates)`: candidates reranked into 0-100 scored `Match`es,
  each explained (shared words, words on one side only, conflict flags).
- `find_matches(query, search)`: query building, retrieval through `search`, reranking.
- `find_deferred(query, search_terms=...)`: the same up to choosing, each candidate
  explained only when asked (`matchers.select` chooses what is shown from them).
- `is_same_claim(match)`, `same_claim_first(matches)`: which matches hold the claim itself;
  `mark_same_fact_check(matches)` marks the versions of a fact-check after its best-ranked
  one, which are never the same claim.
- `corroboration(matches)`, `suggest_verdict(matches)`: what the matches say together
  (sources agreeing and disputing; a suggested verdict citing one match, with why).

`SAME_CLAIM_SCORE` is the "same claim" threshold, `TRANSCRIPT_SAME_CLAIM_SCORE` a
transcript line's, `same_claim_score(match)` the one a match is held to (see
`matchers.verdict`);
`DEFAULT_MIN_SCORE` is the score's F1-optimal threshold (see `matchers.rank` for how the
score is made and tuned).
"""

from matchers.explain import explain, find_conflicts
from matchers.normalise import normalise_for_matching
from matchers.query import build_fts_query
from matchers.rank import DEFAULT_MIN_SCORE, find_deferred, find_matches, rank_candidates
from matchers.verdict import (
    SAME_CLAIM_SCORE,
    TRANSCRIPT_SAME_CLAIM_SCORE,
    Corroboration,
    Suggestion,
    corroboration,
    is_same_claim,
    mark_same_fact_check,
    same_claim_first,
    same_claim_score,
    suggest_verdict,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
    "SAME_CLAIM_SCORE",
    "TRANSCRIPT_SAME_CLAIM_SCORE",
    "Corroboration",
    "Suggestion",
    "is_same_claim",
    "mark_same_fact_check",
    "same_claim_first",
    "same_claim_score",
    "build_fts_query",
    "corroboration",
    "explain",
    "find_conflicts",
    "find_deferred",
    "find_matches",
    "normalise_for_matching",
    "rank_candidates",
    "suggest_verdict",
]
