"""Queries behind keeping saved matches current as claims arrive, and behind "new
evidence": judged claims whose newly arrived matches disagree with their verdict.

- `newest_reference_id`, `reference_texts_after`: the reference claims an import added
  (those with a higher id than before it).
- `claims_to_rematch`: stored claims to match again, judged ones first (their verdicts may
  have gone stale), then the newest articles'.
- `record_new_evidence`, `stale_claims`, `count_stale_claims`: the flags, cleared when the
  claim is judged again (`Store.record_verdict`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from store.connection import now_iso
from store.db import Store
from store.models import Claim

# Judged claims first, then the newest articles, each in reading order.
_REMATCH_ORDER = "(v.verdict IS NULL), c.article_id DESC, c.position"


def newest_reference_id(store: Store) -> int:
    return store.query("SELECT coalesce(max(id), 0) AS n FROM reference_claims")[0]["n"]


def count_references_after(store: Store, after_id: int) -> int:
    return store.query("SELECT count(*) AS n FROM reference_claims WHERE id > ?", [after_id])[0]["n"]


def reference_texts_after(store: Store, after_id: int, limit: int) -> list[str]:
    """The text (and title, when there is one) of up to `limit` reference claims added
    after `after_id`."""
    rows = store.query(
        "SELECT text, title FROM reference_claims WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit]
    )
    return [f"{r['title']}\n{r['text']}" if r["title"] else r["text"] for r in rows]


def claims_to_rematch(store: Store, claim_ids: Iterable[int] | None, limit: int) -> tuple[list[Claim], int]:
    """(up to `limit` check-worthy claims, of `claim_ids` or of every article when None,
    judged ones first; how many more there were)."""
    params: list = []
    where = "c.checkworthy = 1"
    if claim_ids is not None:
        ids = sorted(set(claim_ids))
        if not ids:
            return [], 0
        where += f" AND c.id IN ({', '.join('?' for _ in ids)})"
        params.extend(ids)
    total = store.query(f"SELECT count(*) AS n FROM claims c WHERE {where}", params)[0]["n"]
    rows = store.query(
        f"""{Store._CLAIM_SELECT} WHERE {where} ORDER BY {_REMATCH_ORDER} LIMIT ?""", [*params, limit]
    )
    return [Store._claim(r) for r in rows], max(0, total - len(rows))


def record_new_evidence(store: Store, claim_id: int, verdict: str,
                        matches: Sequence[tuple[str, int, float]]) -> None:
    """Flag a judged claim: these (kind, id, score) matches arrived after its `verdict`
    and disagree with it."""
    stamp = now_iso()
    with store.write() as conn:
        conn.executemany(
            """INSERT INTO new_evidence (claim_id, kind, match_id, score, verdict, found_at)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            [(claim_id, kind, match_id, score, verdict, stamp) for kind, match_id, score in matches],
        )


@dataclass(frozen=True)
class StaleClaim:
    """A judged claim and one newly arrived match that disagrees with its verdict."""

    claim_id: int
    claim_text: str
    verdict: str
    article_id: int
    article_title: str
    match_kind: str
    match_id: int
    match_score: float
    match_text: str
    match_source: str
    match_url: str
    match_rating: str
    found_at: str


def stale_claims(store: Store) -> list[StaleClaim]:
    """Every flagged claim with each disagreeing match, strongest first within a claim."""
    rows = store.query(
        """SELECT n.claim_id, c.text AS claim_text, n.verdict, a.id AS article_id,
                  a.title AS article_title, n.kind AS match_kind, n.match_id,
                  n.score AS match_score,
                  coalesce(r.text, mc.text, '') AS match_text,
                  coalesce(r.source, ma.source, '') AS match_source,
                  coalesce(r.url, ma.url, '') AS match_url,
                  coalesce(r.rating, '') AS match_rating, n.found_at
           FROM new_evidence n
           JOIN claims c ON c.id = n.claim_id
           JOIN articles a ON a.id = c.article_id
           LEFT JOIN reference_claims r ON n.kind = 'reference' AND r.id = n.match_id
           LEFT JOIN claims mc ON n.kind = 'claim' AND mc.id = n.match_id
           LEFT JOIN articles ma ON ma.id = mc.article_id
           ORDER BY a.id DESC, c.position, n.score DESC"""
    )
    return [StaleClaim(**row) for row in rows]


def count_stale_claims(store: Store) -> int:
    """How many claims are flagged with new evidence."""
    return store.query("SELECT count(DISTINCT claim_id) AS n FROM new_evidence")[0]["n"]
