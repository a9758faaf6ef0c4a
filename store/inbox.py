"""Queries behind the triage desk's lists: inbox pages, the desk's claim filter, the
review queue (what is left to judge, and the next open claim), near-duplicates, and
the sources and speakers the filter form offers. The desk's search is in
`store.search`, undo and redo in `store.verdicts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.articles import ARTICLE_SUMMARY_SELECT
from store.db import Store
from store.filters import CONFLICT_MIN_SCORE, CONFLICTS, PUBLISHED, UNJUDGED, conflicts_condition, filter_conditions  # noqa: F401 (re-exported)
from store.models import ArticleSummary

INBOX_SORTS: dict[str, str] = {
    "newest": "a.id DESC",
    "date": "a.published DESC, a.id DESC",
    "source": "{nocase_source}, a.id DESC",
    "remaining": "(claims - judged) DESC, a.id DESC",
}



@dataclass(frozen=True)
class ClaimFilter:
    """What the desk shows; empty fields mean no restriction.

    `verdicts` may hold UNJUDGED; `since`/`until` bound the article's published date
    (ISO strings compare correctly); `min_score` is the check-worthiness floor; `speaker`
    keeps the lines of one speaker of a transcript.
    """

    verdicts: tuple[str, ...] = ()
    source: str = ""
    since: str = ""
    until: str = ""
    min_score: float | None = None
    conflicts_only: bool = False
    speaker: str = ""
    new_evidence_only: bool = False  # judged claims newly arrived matches disagree with
    reviewed_only: bool = False  # verdicts an editor settled in the review queue

    @property
    def active(self) -> bool:
        return self != ClaimFilter()

    def describe(self) -> str:
        parts = []
        if self.verdicts:
            parts.append("verdict " + "|".join("open" if v == UNJUDGED else v for v in self.verdicts))
        if self.source:
            parts.append(f"source {self.source}")
        if self.since or self.until:
            until = self.until.rstrip("\uffff")  # the filter form's end-of-day bound
            parts.append(f"date {self.since or '…'}..{until or '…'}")
        if self.min_score is not None:
            parts.append(f"score ≥ {self.min_score:g}")
        if self.conflicts_only:
            parts.append("has conflicts")
        if self.speaker:
            parts.append(f"speaker {self.speaker}")
        if self.new_evidence_only:
            parts.append("new evidence")
        if self.reviewed_only:
            parts.append("reviewed")
        return ", ".join(parts) if parts else "none"


@dataclass(frozen=True)
class QueueItem:
    claim_id: int
    article_id: int


# -- inbox ------------------------------------------------------------------------


def _article_conditions(filters: ClaimFilter, include_archived: bool, store: Store) -> tuple[str, list]:
    """The filter's fields that concern articles (the inbox lists articles)."""
    return filter_conditions(dates=PUBLISHED, source=filters.source, since=filters.since,
                             until=filters.until, include_archived=include_archived,
                             dialect=store.dialect)


def count_articles(
    store: Store, filters: ClaimFilter = ClaimFilter(), include_archived: bool = False
) -> int:
    where, params = _article_conditions(filters, include_archived, store)
    return store.query(f"SELECT count(*) AS n FROM articles a WHERE {where}", params)[0]["n"]


def inbox_page(
    store: Store,
    *,
    offset: int = 0,
    limit: int = 200,
    sort: str = "newest",
    filters: ClaimFilter = ClaimFilter(),
    include_archived: bool = False,
) -> list[ArticleSummary]:
    """One page of inbox rows, so the first screen paints without reading every article."""
    if sort not in INBOX_SORTS:
        raise ValueError(f"Unknown inbox sort {sort!r}.")
    where, params = _article_conditions(filters, include_archived, store)
    order = INBOX_SORTS[sort].format(nocase_source=store.dialect.nocase("a.source"))
    rows = store.query(
        f"""SELECT * FROM ({ARTICLE_SUMMARY_SELECT} WHERE {where})
            AS a ORDER BY {order} LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    )
    return [ArticleSummary(**row) for row in rows]


def article_summaries(store: Store, article_ids: list[int]) -> dict[int, ArticleSummary]:
    """Inbox rows of these articles in one query (refreshing a loaded page)."""
    if not article_ids:
        return {}
    marks = ", ".join("?" for _ in article_ids)
    rows = store.query(f"{ARTICLE_SUMMARY_SELECT} WHERE a.id IN ({marks})", list(article_ids))
    return {row["id"]: ArticleSummary(**row) for row in rows}


def article_summary(store: Store, article_id: int) -> ArticleSummary | None:
    return article_summaries(store, [article_id]).get(article_id)


# -- claims under a filter ------------------------------------------------------------

def claim_conditions(filters: ClaimFilter, store: Store) -> tuple[str, list]:
    """SQL conditions over claims `c`, verdicts `v` and articles `a` for a filter, in the
    SQL of `store`'s engine; its dates are the articles' publication dates."""
    return filter_conditions(
        dates=PUBLISHED, since=filters.since, until=filters.until, source=filters.source,
        verdicts=filters.verdicts, min_score=filters.min_score,
        conflicts_only=filters.conflicts_only, speaker=filters.speaker,
        new_evidence_only=filters.new_evidence_only, reviewed_only=filters.reviewed_only,
        dialect=store.dialect,
    )


def filtered_claim_ids(
    store: Store, filters: ClaimFilter, article_id: int | None = None
) -> list[int]:
    """Ids of the check-worthy claims a filter lets through, in desk order."""
    where, params = claim_conditions(filters, store)
    if article_id is not None:
        where += " AND c.article_id = ?"
        params.append(article_id)
    rows = store.query(
        f"""SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id
            LEFT JOIN verdicts v ON v.claim_id = c.id
            WHERE c.checkworthy = 1 AND {where}
            ORDER BY a.id DESC, c.position""",
        params,
    )
    return [r["id"] for r in rows]


def claims_with_conflicts(store: Store, claim_ids: list[int]) -> set[int]:
    if not claim_ids:
        return set()
    marks = ", ".join("?" for _ in claim_ids)
    rows = store.query(
        f"SELECT c.id FROM claims c WHERE c.id IN ({marks}) AND {conflicts_condition(store.dialect)}",
        claim_ids,
    )
    return {r["id"] for r in rows}


# -- the review queue -------------------------------------------------------------------

_QUEUE_FROM = """FROM claims c JOIN articles a ON a.id = c.article_id
                 LEFT JOIN verdicts v ON v.claim_id = c.id
                 WHERE c.checkworthy = 1 AND v.verdict IS NULL AND a.status = 'inbox'"""


def remaining_count(store: Store) -> int:
    """Check-worthy claims without a verdict in articles still in the inbox."""
    return store.query(f"SELECT count(*) AS n {_QUEUE_FROM}")[0]["n"]


def my_open_count(store: Store, checker: str) -> int:
    """Open claims in the review queue of the articles assigned to `checker`."""
    return store.query(
        f"""SELECT count(*) AS n {_QUEUE_FROM}
            AND a.id IN (SELECT article_id FROM assignments WHERE checker = ?)""",
        [checker],
    )[0]["n"]


def open_claim_count(store: Store, claim_ids: tuple[int, ...] | list[int]) -> int:
    """How many of these claims are in the review queue: the desk adjusts its counter
    by the difference before and after a write instead of counting the whole store."""
    if not claim_ids:
        return 0
    marks = ", ".join("?" for _ in claim_ids)
    return store.query(
        f"SELECT count(*) AS n {_QUEUE_FROM} AND c.id IN ({marks})", list(claim_ids)
    )[0]["n"]


def next_unjudged(
    store: Store, current_claim_id: int | None = None, *, backwards: bool = False,
    mine: str = "",
) -> QueueItem | None:
    """The next (or previous) claim without a verdict in queue order: newest article
    first, then position in the article. Wraps around; None when nothing remains.
    With `mine` (a checker's name), the open claims of the articles assigned to that
    checker come first, and the rest of the queue once none of those is left."""
    if mine:
        item = _next_open(store, current_claim_id, backwards,
                          "AND a.id IN (SELECT article_id FROM assignments WHERE checker = ?)", [mine])
        if item is not None:
            return item
    return _next_open(store, current_claim_id, backwards)


def _next_open(store: Store, current_claim_id: int | None, backwards: bool,
               scope: str = "", scope_params: list | None = None) -> QueueItem | None:
    scope_params = scope_params or []
    position = None
    if current_claim_id is not None:
        rows = store.query(
            "SELECT article_id, position FROM claims WHERE id = ?", [current_claim_id]
        )
        position = (rows[0]["article_id"], rows[0]["position"]) if rows else None
    order = "a.id ASC, c.position DESC" if backwards else "a.id DESC, c.position ASC"
    if position is not None:
        article_id, pos = position
        if backwards:
            after = "(a.id > ? OR (a.id = ? AND c.position < ?))"
        else:
            after = "(a.id < ? OR (a.id = ? AND c.position > ?))"
        rows = store.query(
            f"SELECT c.id, c.article_id {_QUEUE_FROM} {scope} AND {after} ORDER BY {order} LIMIT 1",
            [*scope_params, article_id, article_id, pos],
        )
        if rows:
            return QueueItem(rows[0]["id"], rows[0]["article_id"])
    rows = store.query(f"SELECT c.id, c.article_id {_QUEUE_FROM} {scope} ORDER BY {order} LIMIT 1",
                       scope_params)
    return QueueItem(rows[0]["id"], rows[0]["article_id"]) if rows else None


def sources(store: Store) -> list[str]:
    return [r["source"] for r in store.query(
        "SELECT source FROM articles WHERE source != '' GROUP BY source "
        f"ORDER BY {store.dialect.nocase('source')}, source"
    )]


def speakers(store: Store) -> list[str]:
    """The speakers of the stored transcripts' check-worthy lines, most of them first."""
    return [r["speaker"] for r in store.query(
        f"""SELECT speaker FROM claims WHERE speaker != '' AND checkworthy = 1
           GROUP BY speaker ORDER BY count(*) DESC, {store.dialect.nocase('speaker')}"""
    )]


def near_duplicates(store: Store, claim_id: int, min_score: float = 90.0) -> list[int]:
    """Claims of other articles saved as close matches of this claim that have no verdict."""
    rows = store.query(
        """SELECT m.match_id AS id FROM claim_matches m
           JOIN claims c ON c.id = m.match_id
           LEFT JOIN verdicts v ON v.claim_id = c.id
           WHERE m.claim_id = ? AND m.kind = 'claim' AND m.score >= ?
             AND v.verdict IS NULL
             AND c.article_id != (SELECT article_id FROM claims WHERE id = ?)
           UNION
           SELECT m.claim_id AS id FROM claim_matches m
           JOIN claims c ON c.id = m.claim_id
           LEFT JOIN verdicts v ON v.claim_id = c.id
           WHERE m.match_id = ? AND m.kind = 'claim' AND m.score >= ?
             AND v.verdict IS NULL
             AND c.article_id != (SELECT article_id FROM claims WHERE id = ?)""",
        [claim_id, min_score, claim_id, claim_id, min_score, claim_id],
    )
    return sorted(r["id"] for r in rows)

