"""Several checkers on one store: who is on which article (presence), which checker an
article is assigned to, and the editor's review queue (claims marked for review, and
claims whose verdicts disagree) with the review decisions.

Presence is a heartbeat: each desk rewrites its row every few seconds and a row older
than PRESENCE_TTL no longer counts, so a desk that died leaves no ghost for long.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence

from store.changes import log_change
from store.connection import now_iso
from store.db import Store
from store.errors import StoreError, UnknownIdError
from store.models import VERDICTS, ReviewItem, ReviewSide

PRESENCE_TTL = 15.0  # seconds a heartbeat counts for
HEARTBEAT_SECONDS = 5.0  # how often a desk renews its row
# The near-duplicate threshold the desk offers a verdict's duplicates at
# (`store.inbox.near_duplicates`): a disagreement between claims this close is a conflict.
DUPLICATE_MIN_SCORE = 90.0


def new_desk_id() -> str:
    return uuid.uuid4().hex


# -- presence -------------------------------------------------------------------------


def touch_presence(store: Store, desk: str, checker: str, article_id: int | None, *,
                   moved: bool = True) -> None:
    """Say this desk is open (on `article_id`, or on no article), and forget rows long
    dead. A desk that `moved` (opened or left an article) logs a "presence" change, so the
    other desks read who is where; a heartbeat that only renews its row wakes no desk and
    waits for no other writer (the others drop expired rows on their own schedule)."""
    now = time.time()
    with store.write(pipelined=True, exclusive=moved) as conn:
        conn.execute(
            """INSERT INTO presence (desk, checker, article_id, seen_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (desk) DO UPDATE SET checker = excluded.checker,
                   article_id = excluded.article_id, seen_at = excluded.seen_at""",
            [desk, checker, article_id, now],
        )
        conn.execute("DELETE FROM presence WHERE seen_at < ?", [now - 20 * PRESENCE_TTL])
        if moved:
            log_change(conn, "presence", article_id=article_id, checker=checker)


def leave_presence(store: Store, desk: str) -> None:
    with store.write(pipelined=True) as conn:
        conn.execute("DELETE FROM presence WHERE desk = ?", [desk])
        log_change(conn, "presence")


def checkers_on_articles(store: Store, *, except_desk: str = "",
                         except_checker: str = "") -> dict[int, list[str]]:
    """Article id -> the checkers (names, sorted) whose desks have it open now."""
    rows = store.query(
        """SELECT DISTINCT article_id, checker FROM presence
           WHERE article_id IS NOT NULL AND seen_at >= ? AND desk != ? AND checker != ?
           ORDER BY checker""",
        [time.time() - PRESENCE_TTL, except_desk, except_checker],
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["article_id"], []).append(row["checker"])
    return found


def describe_presence(names: Sequence[str]) -> str:
    """'ana is on this article', 'ana and bo are on this article'."""
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is on this article"
    return f"{', '.join(names[:-1])} and {names[-1]} are on this article"


# -- assignments ----------------------------------------------------------------------


def assign_article(store: Store, article_id: int, checker: str, *, by: str = "") -> None:
    """Give an article to a checker (replacing any earlier assignment); an empty name
    takes the assignment away."""
    checker = " ".join(checker.split())
    with store.write() as conn:
        if not conn.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone():
            raise UnknownIdError(f"No article with id {article_id} in the store.")
        if checker:
            conn.execute(
                """INSERT INTO assignments (article_id, checker, assigned_by, assigned_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE SET checker = excluded.checker,
                       assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at""",
                [article_id, checker, by, now_iso()],
            )
        else:
            conn.execute("DELETE FROM assignments WHERE article_id = ?", [article_id])
        log_change(conn, "assignment", article_id=article_id, checker=by)


def assignees(store: Store, article_ids: Iterable[int]) -> dict[int, str]:
    """Article id -> the checker it is assigned to (unassigned articles are absent)."""
    ids = list(article_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.query(
        f"SELECT article_id, checker FROM assignments WHERE article_id IN ({marks})", ids
    )
    return {row["article_id"]: row["checker"] for row in rows}


def known_checkers(store: Store) -> list[str]:
    """Everyone who has judged a claim or been given an article, by name."""
    rows = store.query(
        """SELECT checker FROM verdict_history WHERE checker != ''
           UNION SELECT checker FROM assignments ORDER BY checker"""
    )
    return [row["checker"] for row in rows]


# -- review -----------------------------------------------------------------------------


def request_review(store: Store, claim_ids: Sequence[int], checker: str,
                   proposed: str | None = None) -> None:
    """Mark claims for the editor's review; `proposed` is a verdict this checker would
    give instead of the stored one."""
    if proposed is not None and proposed not in VERDICTS:
        raise StoreError(f"Unknown verdict {proposed!r}; expected one of {', '.join(VERDICTS)}.")
    with store.write() as conn:
        for claim_id in claim_ids:
            found = conn.execute("SELECT article_id FROM claims WHERE id = ?", [claim_id]).fetchone()
            if not found:
                raise UnknownIdError(f"No claim with id {claim_id} in the store.")
            conn.execute(
                """INSERT INTO reviews (claim_id, requested_by, requested_at, proposed_verdict)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (claim_id) DO UPDATE SET requested_by = excluded.requested_by,
                       requested_at = excluded.requested_at,
                       proposed_verdict = excluded.proposed_verdict""",
                [claim_id, checker, now_iso(), proposed],
            )
            log_change(conn, "review", article_id=found[0], claim_id=claim_id, checker=checker)


def withdraw_review(store: Store, claim_id: int, checker: str) -> None:
    """Take away this checker's own review request (a colleague's stays)."""
    with store.write() as conn:
        conn.execute(
            """UPDATE reviews SET requested_by = '', requested_at = '', proposed_verdict = NULL
               WHERE claim_id = ? AND requested_by = ?""",
            [claim_id, checker],
        )
        log_change(conn, "review", claim_id=claim_id, checker=checker)


def review_requested(store: Store, claim_ids: Iterable[int]) -> set[int]:
    """Which of these claims have an open review request."""
    return set(review_requesters(store, claim_ids))


def review_requesters(store: Store, claim_ids: Iterable[int]) -> dict[int, str]:
    """Claim id -> who marked it for review, for the claims with an open request."""
    ids = list(claim_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.query(
        f"""SELECT claim_id, requested_by FROM reviews
            WHERE requested_at != '' AND claim_id IN ({marks})""", ids
    )
    return {row["claim_id"]: row["requested_by"] for row in rows}


def settle_review(store: Store, decisions: Sequence[tuple[int, str]], reviewer: str) -> str:
    """The editor's decision, in one transaction: each (claim id, verdict) is recorded as
    the reviewer's verdict (a history row even when the verdict stays), the claim's
    review request is closed, and the claim counts as reviewed while it keeps that
    verdict. Returns the batch id of the history rows (the reviewer can undo it)."""
    batch = uuid.uuid4().hex
    with store.write() as conn:
        for claim_id, verdict in decisions:
            if verdict not in VERDICTS:
                raise StoreError(f"Unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}.")
            store.record_verdict(claim_id, verdict, checker=reviewer, batch=batch)
            history_id = conn.execute(
                "SELECT max(id) FROM verdict_history WHERE claim_id = ?", [claim_id]
            ).fetchone()[0]
            conn.execute(
                """INSERT INTO reviews (claim_id, reviewer, reviewed_at, reviewed_verdict,
                       reviewed_history_id) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (claim_id) DO UPDATE SET requested_by = '', requested_at = '',
                       proposed_verdict = NULL, reviewer = excluded.reviewer,
                       reviewed_at = excluded.reviewed_at,
                       reviewed_verdict = excluded.reviewed_verdict,
                       reviewed_history_id = excluded.reviewed_history_id""",
                [claim_id, reviewer, now_iso(), verdict, history_id],
            )
            log_change(conn, "review", claim_id=claim_id, checker=reviewer)
    return batch


_SIDE_SELECT = """SELECT c.id AS claim_id, c.text AS claim_text, v.verdict,
                         coalesce(v.checker, '') AS checker, coalesce(v.note, '') AS note,
                         a.title AS article_title
                  FROM claims c JOIN articles a ON a.id = c.article_id
                  LEFT JOIN verdicts v ON v.claim_id = c.id"""


def _sides(store: Store, claim_ids: Iterable[int]) -> dict[int, ReviewSide]:
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.query(f"{_SIDE_SELECT} WHERE c.id IN ({marks})", ids)
    return {row["claim_id"]: ReviewSide(**row) for row in rows}


def review_queue(store: Store) -> list[ReviewItem]:
    """What the editor has to decide, oldest first within each kind: claims marked for
    review; claims two checkers gave different verdicts (each checker's latest verdict
    since the claim was last reviewed); and pairs of near-duplicate claims in different
    articles with different verdicts, unless both were reviewed at those verdicts."""
    items: list[ReviewItem] = []
    listed: set[int] = set()

    marked = store.query(
        """SELECT claim_id, requested_by, proposed_verdict FROM reviews
           WHERE requested_at != '' ORDER BY requested_at, claim_id"""
    )
    sides = _sides(store, (row["claim_id"] for row in marked))
    for row in marked:
        side = sides.get(row["claim_id"])
        if side is None:
            continue
        other = None
        if row["proposed_verdict"] is not None:
            other = ReviewSide(side.claim_id, side.claim_text, row["proposed_verdict"],
                               row["requested_by"], "", side.article_title)
        items.append(ReviewItem("marked", side, other, requested_by=row["requested_by"]))
        listed.add(side.claim_id)

    # Each checker's latest verdict on each claim since its last review (the reviewer's
    # decision included: a checker changing it afterwards disagrees with the editor).
    latest = store.query(
        """SELECT h.claim_id, h.checker, h.verdict, h.note FROM verdict_history h
           JOIN (SELECT claim_id, checker, max(id) AS id FROM verdict_history
                 GROUP BY claim_id, checker) last_by ON last_by.id = h.id
           LEFT JOIN reviews r ON r.claim_id = h.claim_id
           WHERE h.verdict IS NOT NULL AND h.id >= coalesce(r.reviewed_history_id, 0)
             AND h.claim_id IN (
                 SELECT claim_id FROM verdict_history WHERE verdict IS NOT NULL
                 GROUP BY claim_id HAVING count(DISTINCT checker) > 1)
           ORDER BY h.claim_id, h.id DESC"""
    )
    by_claim: dict[int, list[dict]] = {}
    for row in latest:
        by_claim.setdefault(row["claim_id"], []).append(row)
    disputed = [cid for cid, rows in by_claim.items()
                if len({r["verdict"] for r in rows}) > 1 and cid not in listed]
    sides = _sides(store, disputed)
    for claim_id in disputed:
        side = sides[claim_id]
        differing = next(r for r in by_claim[claim_id] if r["verdict"] != side.verdict)
        other = ReviewSide(claim_id, side.claim_text, differing["verdict"], differing["checker"],
                           differing["note"], side.article_title)
        items.append(ReviewItem("checkers", side, other))
        listed.add(claim_id)

    pairs = store.query(
        f"""SELECT DISTINCT m.claim_id AS a, m.match_id AS b FROM claim_matches m
            JOIN claims ca ON ca.id = m.claim_id JOIN claims cb ON cb.id = m.match_id
            JOIN verdicts va ON va.claim_id = ca.id JOIN verdicts vb ON vb.claim_id = cb.id
            WHERE m.kind = 'claim' AND m.score >= ? AND ca.article_id != cb.article_id
              AND va.verdict IS NOT NULL AND vb.verdict IS NOT NULL AND va.verdict != vb.verdict
              AND NOT (EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = ca.id
                               AND r.reviewed_at != '' AND r.reviewed_verdict = va.verdict)
                       AND EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = cb.id
                               AND r.reviewed_at != '' AND r.reviewed_verdict = vb.verdict))
            ORDER BY m.claim_id, m.match_id""",
        [DUPLICATE_MIN_SCORE],
    )
    seen_pairs: set[tuple[int, int]] = set()
    wanted = [(min(p["a"], p["b"]), max(p["a"], p["b"])) for p in pairs]
    sides = _sides(store, (cid for pair in wanted for cid in pair))
    for a, b in wanted:
        if (a, b) in seen_pairs or a in listed or b in listed:
            continue
        seen_pairs.add((a, b))
        items.append(ReviewItem("duplicates", sides[a], sides[b]))
    return items


def review_count(store: Store) -> int:
    return len(review_queue(store))


def has_assignments(store: Store, checker: str) -> bool:
    return bool(store.query("SELECT 1 FROM assignments WHERE checker = ? LIMIT 1", [checker]))
