"""The one filter-to-SQL builder, for the desk's claim filter and the exports' filter.

The two read dates differently, so the date field is a parameter: the desk bounds the
article's publication date (end bound included: the filter form makes it the end of the
day), a report bounds when the verdict was last set (end bound excluded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.engine import SQLITE_DIALECT, Dialect
from store.models import VERDICTS

UNJUDGED = "none"  # the verdict value for "no verdict yet"


@dataclass(frozen=True)
class DateField:
    column: str
    until_included: bool


PUBLISHED = DateField("a.published", until_included=True)
VERDICT_SET = DateField("v.updated_at", until_included=False)

# A claim whose saved matches flag a conflict. A conflict counts only on a match close
# enough to be about the same thing: the saved matches include every ranked candidate, and
# a conflict with an unrelated claim says nothing. The matcher's same-claim thresholds
# (`matchers.verdict.SAME_CLAIM_SCORE`, and `TRANSCRIPT_SAME_CLAIM_SCORE` for a match
# marked as found for a transcript's line; a test keeps them equal).
CONFLICT_MIN_SCORE = 70.0
TRANSCRIPT_CONFLICT_MIN_SCORE = 90.0
TRANSCRIPT_LINE = "transcript line"


def conflicts_condition(dialect: Dialect) -> str:
    """The condition over claims `c` in the SQL of `dialect`'s engine."""
    kind = dialect.json_text("m.explanation", "query_kind")
    return f"""EXISTS (SELECT 1 FROM claim_matches m WHERE m.claim_id = c.id
                 AND m.score >= CASE WHEN {kind} = '{TRANSCRIPT_LINE}'
                                THEN {TRANSCRIPT_CONFLICT_MIN_SCORE} ELSE {CONFLICT_MIN_SCORE} END
                 AND {dialect.json_list_not_empty("m.explanation", "conflicts")})"""


CONFLICTS = conflicts_condition(SQLITE_DIALECT)


# A verdict an editor settled in the review queue (`store.team`) and nobody changed since.
REVIEWED_CONDITION = """EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = v.claim_id
                        AND r.reviewed_at != '' AND r.reviewed_verdict = v.verdict)"""


def filter_conditions(
    *,
    dates: DateField,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    verdicts: Sequence[str] = (),
    judged_only: bool = False,
    article_id: int | None = None,
    checker: str | None = None,
    speaker: str | None = None,
    min_score: float | None = None,
    conflicts_only: bool = False,
    new_evidence_only: bool = False,
    reviewed_only: bool = False,
    include_archived: bool = True,
    dialect: Dialect = SQLITE_DIALECT,
) -> tuple[str, list]:
    """A WHERE clause (and its parameters) over articles `a`, and, for the fields that
    need them, claims `c` and verdicts `v`; empty fields mean no restriction.
    `verdicts` may hold UNJUDGED; `judged_only` keeps only claims with a verdict."""
    conditions: list[str] = []
    params: list = []

    def add(condition: str, *values: object) -> None:
        conditions.append(condition)
        params.extend(values)

    if not include_archived:
        add("a.status != 'archived'")
    if judged_only:
        add("v.verdict IS NOT NULL")
    if article_id is not None:
        add("a.id = ?", article_id)
    if source:
        add("a.source = ?", source)
    if verdicts:
        named = [v for v in verdicts if v in VERDICTS]
        alternatives = []
        if named:
            alternatives.append(f"v.verdict IN ({', '.join('?' for _ in named)})")
            params.extend(named)
        if UNJUDGED in verdicts:
            alternatives.append("v.verdict IS NULL")
        add("(" + " OR ".join(alternatives or ["1 = 0"]) + ")")
    if checker:
        add("v.checker = ?", checker)
    if since:
        add(f"{dates.column} >= ?", since)
    if until:
        add(f"{dates.column} {'<=' if dates.until_included else '<'} ?", until)
    if min_score is not None:
        add("c.score >= ?", min_score)
    if conflicts_only:
        add(conflicts_condition(dialect))
    if speaker:
        add("c.speaker = ?", speaker)
    if new_evidence_only:
        add("EXISTS (SELECT 1 FROM new_evidence n WHERE n.claim_id = c.id)")
    if reviewed_only:
        add(REVIEWED_CONDITION)
    return " AND ".join(conditions) or "1 = 1", params
