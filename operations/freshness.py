"""Keeping saved matches current as claims arrive, and flagging verdicts that newly
arrived evidence disagrees with.

When reference claims are imported, or an article arrives (ingest, feed fetch), the
stored article claims those new texts could match are found by a full-text search of
each new text against the stored claims, and matched again (as `match_claim` matches
them), judged claims first, at most `REMATCH_LIMIT` per arrival. A judged claim whose new
matches include a same-claim match (`matchers.verdict.is_same_claim`) whose rating
(`rating_verdict`) is contested when the claim was corroborated, or corroborated when it
was contested, is flagged "new evidence" until it is judged again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from matchers.query import query_terms
from matchers.verdict import CONTESTED, CORROBORATED, is_same_claim, rating_verdict
from operations.matching import SAVE_BATCH, match_claim
from store import Store
from store import rematch as queries
from store.models import Claim, Match
from store.search import search_by_terms
from store.writes import WriteRunner, writes_to

# Claims re-matched per arrival: the command line waits for them before it exits.
REMATCH_LIMIT = 500
# Stored claims looked up for each arrived text.
NEARBY_CLAIMS = 20
# More new references than this are not searched one by one: the judged and newest
# claims are re-matched instead (up to the limit), which costs the same whatever arrived.
SEARCHED_ARRIVALS = 2_000

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RematchResult:
    rematched: int = 0  # claims matched again
    changed: int = 0  # ... whose saved matches changed
    left: int = 0  # claims the new texts could match, beyond the limit
    new_evidence: tuple[int, ...] = ()  # judged claims flagged

    def __add__(self, other: "RematchResult") -> "RematchResult":
        return RematchResult(self.rematched + other.rematched, self.changed + other.changed,
                             self.left + other.left, self.new_evidence + other.new_evidence)

    def summary(self) -> str:
        """One line for the command line, "" when nothing was re-matched."""
        if not self.rematched and not self.left:
            return ""
        line = f"re-matched {self.rematched} stored claim(s), {self.changed} with new matches"
        if self.left:
            line += f"; {self.left} more were left as they were (at most {REMATCH_LIMIT} per run)"
        if self.new_evidence:
            line += (f"; {len(self.new_evidence)} judged claim(s) have new evidence against their "
                     "verdict (claimdesk stale lists them)")
        return line + "."


def rematch_after_references(
    store: Store, after_id: int, *, limit: int = REMATCH_LIMIT, semantic: bool = False,
    on_progress: ProgressCallback | None = None, write: WriteRunner | None = None,
) -> RematchResult:
    """Match again the stored claims that the reference claims added after `after_id`
    could match (writes through `write` when given)."""
    arrived = queries.count_references_after(store, after_id)
    if not arrived:
        return RematchResult()
    if arrived > SEARCHED_ARRIVALS:
        claim_ids = None
    else:
        claim_ids = claims_near(store, queries.reference_texts_after(store, after_id, arrived))
    return rematch_claims(store, claim_ids, limit=limit, semantic=semantic, on_progress=on_progress,
                          write=write)


def rematch_after_article(
    store: Store, article_id: int, *, limit: int = REMATCH_LIMIT, semantic: bool = False,
    write: WriteRunner | None = None,
) -> RematchResult:
    """Match again the other articles' claims that this article's claims could match
    (writes through `write` when given)."""
    texts = [claim.text for claim in store.claims_for_article(article_id)]
    return rematch_claims(store, claims_near(store, texts, exclude_article_id=article_id),
                          limit=limit, semantic=semantic, write=write)


def claims_near(store: Store, texts: Iterable[str], *, exclude_article_id: int | None = None) -> set[int]:
    """Ids of the stored article claims sharing the most informative terms with any text."""
    found: set[int] = set()
    for text in texts:
        terms = query_terms(text)
        if terms:
            found.update(c.id for c in search_by_terms(store, terms, NEARBY_CLAIMS, kinds=("claim",),
                                                       exclude_article_id=exclude_article_id))
    return found


def rematch_claims(
    store: Store, claim_ids: Iterable[int] | None, *, limit: int = REMATCH_LIMIT,
    semantic: bool = False, on_progress: ProgressCallback | None = None,
    write: WriteRunner | None = None,
) -> RematchResult:
    """Match these claims (every article's when None) again, judged ones first, at most
    `limit`; save the matches that changed and flag judged claims new evidence disagrees
    with. Reads go to `store`; writes through `write` when given, one transaction for
    each `SAVE_BATCH` claims (their saved matches read in one statement before they are
    matched): an interrupted run keeps the batches written before it."""
    write = writes_to(store, write)
    claims, left = queries.claims_to_rematch(store, claim_ids, limit)
    changed = 0
    flagged: list[int] = []
    for start in range(0, len(claims), SAVE_BATCH):
        batch = claims[start : start + SAVE_BATCH]
        saved = store.saved_matches_of([claim.id for claim in batch])
        rematched: list[tuple[Claim, list[Match], list[tuple[str, int, float]]]] = []
        for done, claim in enumerate(batch, start=start + 1):
            before = saved[claim.id]
            found = match_claim(store, claim, semantic=semantic)
            if _keys(found) != _keys(before):
                against = _new_evidence(claim, before, found)
                rematched.append((claim, found, against))
                if against:
                    flagged.append(claim.id)
            if on_progress:
                on_progress(done, len(claims))
        if rematched:
            write(lambda s: _save_rematched(s, rematched))
            changed += len(rematched)
    return RematchResult(len(claims), changed, left, tuple(flagged))


def _save_rematched(store: Store, rematched: Sequence[tuple[Claim, list[Match], list]]) -> None:
    """The new matches of re-matched claims, and their new-evidence flags, in one transaction."""
    with store.write():
        store.save_many_matches([(claim.id, found) for claim, found, _ in rematched])
        for claim, _, against in rematched:
            if against:
                queries.record_new_evidence(store, claim.id, claim.verdict, against)


def disagrees(verdict: str | None, match: Match) -> bool:
    """Whether a match is the same claim with a published rating against `verdict`."""
    if not is_same_claim(match):
        return False
    return (verdict, rating_verdict(match)) in {(CORROBORATED, CONTESTED), (CONTESTED, CORROBORATED)}


def _new_evidence(claim: Claim, before: Sequence[Match],
                  found: Sequence[Match]) -> list[tuple[str, int, float]]:
    """The (kind, id, score) of the matches in `found`, not in `before`, that disagree with
    the claim's verdict (none when it has no verdict to disagree with)."""
    if claim.verdict not in (CORROBORATED, CONTESTED):
        return []
    known = {(m.candidate.kind, m.candidate.id) for m in before}
    return [(m.candidate.kind, m.candidate.id, m.score) for m in found
            if (m.candidate.kind, m.candidate.id) not in known and disagrees(claim.verdict, m)]


def _keys(matches: Sequence[Match]) -> list[tuple[str, int, float]]:
    return [(m.candidate.kind, m.candidate.id, round(m.score, 2)) for m in matches]


stale_claims = queries.stale_claims
count_stale_claims = queries.count_stale_claims
