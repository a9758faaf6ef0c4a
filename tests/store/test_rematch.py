"""Re-matching stored claims after references arrive, on both engines: saved matches
are read and written a batch of claims at a time, each batch in one transaction, and a
judged claim that new evidence disagrees with is flagged."""

from __future__ import annotations

import pytest

import operations
import operations.freshness as freshness
from store import Store
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft

CLAIMS = [
    "The Idlib de-escalation zone was agreed by Turkey, Iran and Russia at the Astana talks.",
    "The city council cut the library budget by 40 percent last spring.",
    "A new bakery opened downtown selling sourdough bread to commuters.",
    "The ferry to the island carried 900 passengers on its first crossing.",
    "Unemployment in the county fell to 3.5 percent in March.",
]


def _articles(store: Store) -> list[int]:
    """One article per claim; the claims' ids in the order re-matching takes them (the
    judged first claim, then the newest articles')."""
    ids = []
    for number, text in enumerate(CLAIMS):
        article_id, _ = store.add_article(ArticleDraft(title=f"Story {number}", text=text),
                                          [ClaimDraft(text, 0, len(text), 0.9, True)])
        ids.append(store.claims_for_article(article_id)[0].id)
    store.record_verdict(ids[0], "corroborated", checker="ana")
    return [ids[0], *reversed(ids[1:])]


def _references(store: Store) -> None:
    store.add_reference_claims(
        ReferenceDraft(text=text, source=f"Checker {number}", url=f"https://c.example/{number}",
                       rating="False" if number == 0 else "True",
                       normalised_rating="contested" if number == 0 else "corroborated")
        for number, text in enumerate(CLAIMS))


def _saved(store: Store, claim_id: int) -> list[tuple[str, int, float]]:
    return [(m.candidate.kind, m.candidate.id, m.score) for m in store.saved_matches(claim_id)]


def test_claims_rematched_in_batches_get_their_matches_and_new_evidence(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(freshness, "SAVE_BATCH", 2)
    order = _articles(store)
    _references(store)
    progress = []
    result = operations.rematch_after_references(store, 0, on_progress=lambda d, t: progress.append((d, t)))
    assert (result.rematched, result.changed, result.left) == (5, 5, 0)
    assert result.new_evidence == (order[0],)
    assert progress == [(n, 5) for n in range(1, 6)]
    for claim_id in order:
        expected = operations.match_claim(store, store.get_claim(claim_id), semantic=False)
        assert _saved(store, claim_id) == [(m.candidate.kind, m.candidate.id, m.score) for m in expected]
        best = store.saved_matches(claim_id)[0].candidate
        assert best.kind == "reference" and best.text == store.get_claim(claim_id).text
    [stale] = operations.stale_claims(store)
    assert (stale.claim_id, stale.verdict, stale.match_rating) == (order[0], "corroborated", "False")
    # Nothing new arrived: matched again, nothing changes and nothing more is flagged.
    again = freshness.rematch_claims(store, order)
    assert (again.rematched, again.changed, again.new_evidence) == (5, 0, ())
    assert operations.count_stale_claims(store) == 1


def test_an_interrupted_rematch_keeps_the_batches_written_before_it(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(freshness, "SAVE_BATCH", 2)
    order = _articles(store)
    _references(store)

    def interrupt(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        operations.rematch_after_references(store, 0, on_progress=interrupt)
    assert [bool(_saved(store, claim_id)) for claim_id in order] == [True, True, False, False, False]
    assert [s.claim_id for s in operations.stale_claims(store)] == [order[0]]
