"""The store: articles, claims, reference claims, verdicts with their append-only
history, and saved matches, in one SQLite file or one PostgreSQL database.

`Store` is the one object the other layers hold: the connection (`store.connection`)
with the query areas as its methods. Every SQL statement in claimdesk lives in this
package.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from store.articles import ArticleQueries
from store.changes import log_change
from store.connection import now_iso
from store.engine import is_database_url, location_name
from store.errors import StoreError, UnknownIdError, VerdictConflict
from store.filters import VERDICT_SET, filter_conditions
from store.models import (
    VERDICTS,
    Evidence,
    ReferenceDraft,
    VerdictChange,
    VerdictClash,
    VerdictRecord,
)
from store.search import BULK_INDEX_ROWS, index_new_references

# Reference claims are turned into rows and inserted this many at a time.
INSERT_ROWS = 10_000


def reference_key(draft: ReferenceDraft) -> bytes:
    """Identity of a reference claim: the same text from the same source and URL (the
    first 16 bytes of a SHA-256, plenty against accidental collisions, and a small index)."""
    parts = (" ".join(draft.text.split()).casefold(), draft.source.strip(), draft.url.strip())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:16]


def _reference_rows(drafts: Iterator[ReferenceDraft], stamp: str) -> list[tuple]:
    """The next `INSERT_ROWS` drafts as rows of reference_claims."""
    return [
        (draft.text, draft.title, draft.source, draft.url, draft.rating, draft.date,
         draft.external_id, draft.language, draft.normalised_rating, draft.claimant,
         reference_key(draft), stamp)
        for draft in itertools.islice(drafts, INSERT_ROWS)
    ]


@dataclass(frozen=True)
class ExportFilter:
    """Which verdicts a report covers; empty fields mean no restriction."""

    article_id: int | None = None
    source: str | None = None
    verdicts: tuple[str, ...] = ()
    checker: str | None = None
    since: str | None = None
    until: str | None = None
    speaker: str | None = None  # one speaker's lines of the stored transcripts
    reviewed_only: bool = False  # only verdicts an editor settled in review (store.team)


def _verdict_and_note(conn: sqlite3.Connection, claim_id: int) -> tuple[str | None, str]:
    row = conn.execute("SELECT verdict, note FROM verdicts WHERE claim_id = ?", [claim_id]).fetchone()
    return (row[0], row[1]) if row else (None, "")


# A claim whose verdict is still the one an editor settled in review (`store.team`).
REVIEWED_CONDITION = """EXISTS (SELECT 1 FROM reviews r WHERE r.claim_id = v.claim_id
                        AND r.reviewed_at != '' AND r.reviewed_verdict = v.verdict)"""


def _clashes(conn: sqlite3.Connection, claim_ids: list[int], verdict: str | None, checker: str,
             seen: Mapping[int, str | None]) -> list[VerdictClash]:
    """The claims whose stored verdict another checker changed away from what `seen`
    says this checker saw (a verdict equal to the one asked for is agreement, not a clash)."""
    clashes = []
    for claim_id in claim_ids:
        if claim_id not in seen:
            continue
        row = conn.execute(
            "SELECT verdict, checker, updated_at, note FROM verdicts WHERE claim_id = ?", [claim_id]
        ).fetchone()
        stored, by, at, note = row if row else (None, "", "", "")
        if stored != seen[claim_id] and stored != verdict and by != checker:
            clashes.append(VerdictClash(claim_id, seen[claim_id], verdict, stored, by, at, note))
    return clashes


def _append_history(conn: sqlite3.Connection, claim_id: int, verdict: str | None, note: str,
                    checker: str, at: str, previous_verdict: str | None, previous_note: str,
                    batch: str) -> None:
    conn.execute(
        """INSERT INTO verdict_history (claim_id, verdict, note, checker, at,
               previous_verdict, previous_note, batch)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [claim_id, verdict, note, checker, at, previous_verdict, previous_note, batch],
    )


class Store(ArticleQueries):
    """A claimdesk database: see `StoreConnection` for opening it and its transactions."""

    def count(self, table: str) -> int:
        if table not in {"articles", "claims", "reference_claims", "verdicts", "verdict_history"}:
            raise ValueError(table)
        return self.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]

    # -- reference claims ------------------------------------------------------

    def add_reference_claims(self, drafts: Iterable[ReferenceDraft]) -> tuple[int, int]:
        """Store reference claims in one transaction; returns (added, skipped as duplicates).

        `drafts` is read lazily, `INSERT_ROWS` at a time, so a long iterator does not fill
        memory. Large batches are inserted without the per-row index trigger and indexed
        with one statement afterwards (see `store.search.index_new_references`)."""
        stamp = now_iso()
        drafts = iter(drafts)
        rows = _reference_rows(drafts, stamp)
        total = added = 0
        with self.write() as conn:
            with index_new_references(conn, len(rows) >= BULK_INDEX_ROWS):
                while rows:
                    total += len(rows)
                    added += conn.executemany(
                        """INSERT INTO reference_claims
                               (text, title, source, url, rating, date, external_id, language,
                                normalised_rating, claimant, content_key, added_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                           ON CONFLICT DO NOTHING""",
                        rows,
                    ).rowcount
                    rows = _reference_rows(drafts, stamp) if len(rows) == INSERT_ROWS else []
        return added, total - added

    # -- reference embeddings ------------------------------------------------------

    def references_without_embedding(
        self, model: str, *, after_id: int = 0, limit: int = 2_000
    ) -> list[tuple[int, str, str]]:
        """Reference claims (id, text, title) past `after_id` with no embedding made by
        `model`, in id order: a worker resumes from the last id it saw."""
        rows = self.query(
            """SELECT r.id, r.text, r.title FROM reference_claims r
               WHERE r.id > ? AND NOT EXISTS (SELECT 1 FROM reference_embeddings e
                                              WHERE e.reference_id = r.id AND e.model = ?)
               ORDER BY r.id LIMIT ?""",
            [after_id, model, limit],
        )
        return [(row["id"], row["text"], row["title"]) for row in rows]

    def save_reference_embeddings(self, model: str, vectors: Iterable[tuple[int, bytes]]) -> int:
        """Store embeddings made by `model` (replacing any older model's) in one
        transaction; a reference claim no longer stored is skipped. Returns how many."""
        with self.write() as conn:
            return conn.executemany(
                """INSERT INTO reference_embeddings (reference_id, model, vector)
                   SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM reference_claims WHERE id = ?)
                   ON CONFLICT (reference_id) DO UPDATE SET model = excluded.model,
                       vector = excluded.vector""",
                [(reference_id, model, vector, reference_id) for reference_id, vector in vectors],
            ).rowcount

    def reference_embeddings(self, model: str, reference_ids: Sequence[int]) -> dict[int, bytes]:
        """The stored embeddings made by `model` of these reference claims, by id (claims
        not embedded yet are absent)."""
        ids = list(dict.fromkeys(reference_ids))
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.query(
            f"""SELECT reference_id, vector FROM reference_embeddings
                WHERE reference_id IN ({marks}) AND model = ?""",
            [*ids, model],
        )
        return {row["reference_id"]: row["vector"] for row in rows}

    def embedding_progress(self, model: str) -> tuple[int, int]:
        """(reference claims embedded by `model`, reference claims stored)."""
        row = self.query(
            """SELECT (SELECT count(*) FROM reference_embeddings WHERE model = ?) AS embedded,
                      (SELECT count(*) FROM reference_claims) AS total""",
            [model],
        )[0]
        return row["embedded"], row["total"]

    # -- verdicts --------------------------------------------------------------

    def record_verdict(
        self,
        claim_ids: int | Sequence[int],
        verdict: str | None,
        *,
        note: str | None = None,
        checker: str = "",
        batch: str | None = None,
        note_only: bool = False,
        seen: Mapping[int, str | None] | None = None,
    ) -> str:
        """Set the verdict (and optionally the note) of one or more claims in one
        transaction, appending a history row for each. `verdict=None` clears it.
        A verdict (not `note_only`) clears the claims' new-evidence flags.
        `seen` holds the verdicts the checker's desk showed: if another checker has
        since set a different one (and not the one asked for), nothing is written and
        VerdictConflict says which claims, so no one overwrites a colleague unseen.
        Returns the batch id shared by the history rows (used by undo)."""
        if verdict is not None and verdict not in VERDICTS:
            raise StoreError(
                f"Unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}."
            )
        ids = [claim_ids] if isinstance(claim_ids, int) else list(claim_ids)
        batch = batch or uuid.uuid4().hex
        stamp = now_iso()
        with self.write() as conn:
            if seen is not None:
                clashes = _clashes(conn, ids, verdict, checker, seen)
                if clashes:
                    raise VerdictConflict(clashes)
            for claim_id in ids:
                found = conn.execute("SELECT article_id FROM claims WHERE id = ?", [claim_id]).fetchone()
                if not found:
                    raise UnknownIdError(f"No claim with id {claim_id} in the store.")
                log_change(conn, "note" if note_only else "verdict", article_id=found[0],
                           claim_id=claim_id, checker=checker)
                old_verdict, old_note = _verdict_and_note(conn, claim_id)
                new_note = old_note if note is None else note
                conn.execute(
                    """INSERT INTO verdicts (claim_id, verdict, note, checker, updated_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict,
                           note = excluded.note, checker = excluded.checker,
                           updated_at = excluded.updated_at""",
                    [claim_id, verdict, new_note, checker, stamp],
                )
                _append_history(conn, claim_id, verdict, new_note, checker, stamp,
                                old_verdict, old_note, batch)
                if not note_only:
                    # Judged again: the checker has weighed the evidence that flagged it.
                    conn.execute("DELETE FROM new_evidence WHERE claim_id = ?", [claim_id])
        return batch

    def record_unchanged(self, claim_id: int, *, checker: str, batch: str) -> None:
        """Append a history row that changes nothing for `claim_id`: an undo or redo in
        `batch` that left someone else's later change in place."""
        with self.write() as conn:
            verdict, note = _verdict_and_note(conn, claim_id)
            _append_history(conn, claim_id, verdict, note, checker, now_iso(), verdict, note, batch)

    def set_note(self, claim_id: int, note: str, checker: str = "") -> str:
        """Change a claim's note, keeping its verdict."""
        current = self.get_claim(claim_id)
        return self.record_verdict(claim_id, current.verdict, note=note, checker=checker, note_only=True)

    def verdict_history(self, claim_id: int) -> list[VerdictChange]:
        rows = self.query(
            """SELECT id, claim_id, verdict, note, checker, at, previous_verdict, previous_note
               FROM verdict_history WHERE claim_id = ? ORDER BY id""",
            [claim_id],
        )
        return [VerdictChange(**row) for row in rows]

    def verdict_records(self, filters: ExportFilter | None = None) -> list[VerdictRecord]:
        """Every claim with a verdict, with its article and best saved match."""
        f = filters or ExportFilter()
        # A report's dates are when each verdict was last set.
        where, params = filter_conditions(
            dates=VERDICT_SET, since=f.since, until=f.until, source=f.source,
            verdicts=f.verdicts, judged_only=True, article_id=f.article_id, checker=f.checker,
            speaker=f.speaker, dialect=self.dialect,
        )
        if f.reviewed_only:
            where += f" AND {REVIEWED_CONDITION}"
        rows = self.query(
            f"""SELECT c.id AS claim_id, c.text AS claim_text, c.speaker AS claim_speaker,
                       v.verdict, v.note, v.checker,
                       v.updated_at AS at, a.id AS article_id, a.title AS article_title,
                       a.url AS article_url, a.source AS article_source,
                       a.published AS article_published,
                       m.kind AS match_kind, m.match_id, m.score AS best_match_score
                FROM verdicts v
                JOIN claims c ON c.id = v.claim_id
                JOIN articles a ON a.id = c.article_id
                LEFT JOIN claim_matches m ON m.claim_id = c.id AND m.rank = 0
                WHERE {where}
                ORDER BY a.id, c.position""",
            params,
        )
        records = []
        for row in rows:
            kind, match_id = row.pop("match_kind"), row.pop("match_id")
            best: dict = {}
            if kind is not None:
                try:
                    c = self.get_candidate(kind, match_id)
                    best = {"best_match_text": c.text, "best_match_source": c.source,
                            "best_match_url": c.url, "best_match_rating": c.rating}
                except UnknownIdError:
                    row["best_match_score"] = None
            evidence = tuple(e.url for e in self.evidence_for(row["claim_id"]))
            records.append(VerdictRecord(**row, **best, evidence=evidence))
        return records

    # -- evidence --------------------------------------------------------------

    def add_evidence(self, claim_id: int, url: str, checker: str = "") -> bool:
        """Attach an evidence URL to a claim; returns False if it was already there."""
        self.get_claim(claim_id)
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO evidence (claim_id, url, checker, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [claim_id, url, checker, now_iso()],
            )
            if cursor.rowcount:
                log_change(conn, "evidence", claim_id=claim_id, checker=checker)
            return bool(cursor.rowcount)

    def evidence_for(self, claim_id: int) -> list[Evidence]:
        rows = self.query(
            "SELECT id, claim_id, url, checker, added_at FROM evidence WHERE claim_id = ? ORDER BY id",
            [claim_id],
        )
        return [Evidence(**row) for row in rows]


def default_db_location() -> str | Path:
    """`CLAIMDESK_DB` if set (a path or a postgresql:// URL), else claimdesk.db in the
    platform's user-data folder."""
    env = os.environ.get("CLAIMDESK_DB")
    if env:
        return env if is_database_url(env) else Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("claimdesk", appauthor=False)) / "claimdesk.db"


def default_db_path() -> Path:
    """The default store's file path (`default_db_location`), for an SQLite store."""
    location = default_db_location()
    if isinstance(location, str):
        raise StoreError(f"The default store ($CLAIMDESK_DB) is {location_name(location)}, not a file.")
    return location


def store_exists(location: str | Path | None = None) -> bool:
    """Whether a store is there: an SQLite file exists (a PostgreSQL server is asked when
    the store is opened, so a URL counts as there)."""
    target = location or default_db_location()
    return is_database_url(target) or Path(target).expanduser().exists()


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating or upgrading) the store at `path` (a file path or a postgresql://
    URL), or at the default location."""
    location = path or default_db_location()
    if is_database_url(location):
        return Store(str(location))
    target = Path(location).expanduser()
    if target.exists() and target.is_dir():
        raise StoreError(f"The store path {target} is a folder, not a database file.")
    return Store(target)
