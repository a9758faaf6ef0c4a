"""Verdicts: each claim's current verdict and note with their append-only history, the
evidence attached to claims, the records reports are written from, and undo/redo of
verdict changes; the query area of `store.db.Store` the desk's verdict keys write through.

Undo and redo are themselves verdict changes: undoing batch B writes a new batch
`undo:B:<n>` restoring each claim's previous verdict and note, redoing writes
`redo:B:<n>` with B's values again. The stacks are replayed from the append-only
history, so they survive a restart and a second desk on the same store sees them.
Each checker undoes their own changes only, and a claim someone else has changed since
is left as they made it (the undo says how many were kept).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from store.articles import ArticleQueries
from store.changes import log_change
from store.connection import now_iso
from store.errors import StoreError, UnknownIdError, VerdictConflict
from store.filters import VERDICT_SET, filter_conditions
from store.models import VERDICTS, Evidence, VerdictChange, VerdictClash, VerdictRecord


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


@dataclass(frozen=True)
class RecordedVerdict:
    """What `record_verdict_counted` wrote: the history rows' batch id, and how many
    claims the review queue gained (negative: lost) by it."""

    batch: str
    queue_change: int


# Claims read per statement when a verdict's claims are looked up (SQLite allows 32766
# parameters; a bulk verdict on more claims is read in parts).
READ_ROWS = 500


def _stored_states(conn: sqlite3.Connection, claim_ids: list[int]) -> dict[int, tuple]:
    """Claim id -> (article id, verdict, note, checker, updated_at, queued) of the claims
    that exist, in one statement per READ_ROWS claims (on PostgreSQL each is a round trip
    made while the write lock is held). `queued`: the claim counts in the review queue
    when it has no verdict (check-worthy, its article in the inbox; `store.inbox`)."""
    found: dict[int, tuple] = {}
    unique = list(dict.fromkeys(claim_ids))
    for start in range(0, len(unique), READ_ROWS):
        part = unique[start:start + READ_ROWS]
        marks = ", ".join("?" for _ in part)
        for row in conn.execute(
            f"""SELECT c.id, c.article_id, v.verdict, coalesce(v.note, ''),
                       coalesce(v.checker, ''), coalesce(v.updated_at, ''),
                       CASE WHEN c.checkworthy = 1 AND a.status = 'inbox' THEN 1 ELSE 0 END
                FROM claims c JOIN articles a ON a.id = c.article_id
                LEFT JOIN verdicts v ON v.claim_id = c.id
                WHERE c.id IN ({marks})""",
            part,
        ).fetchall():
            found[row[0]] = tuple(row[1:])
    return found


def _clashes(stored: Mapping[int, tuple], verdict: str | None, checker: str,
             seen: Mapping[int, str | None], seen_notes: Mapping[int, str], note: str | None,
             ) -> list[VerdictClash]:
    """The claims whose stored verdict (or note) another checker changed away from what
    `seen` (`seen_notes`) says this checker saw; a value equal to the one asked for is
    agreement, not a clash."""
    clashes = []
    for claim_id, (_, stored_verdict, stored_note, by, at, _) in stored.items():
        if by == checker:
            continue
        if claim_id in seen and stored_verdict != seen[claim_id] and stored_verdict != verdict:
            clashes.append(VerdictClash(claim_id, seen[claim_id], verdict, stored_verdict, by, at,
                                        stored_note))
        elif (note is not None and claim_id in seen_notes and stored_note != seen_notes[claim_id]
              and stored_note != note):
            clashes.append(VerdictClash(claim_id, stored_verdict, stored_verdict, stored_verdict, by,
                                        at, stored_note, seen_note=seen_notes[claim_id],
                                        wanted_note=note))
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


class VerdictQueries(ArticleQueries):
    """Verdicts, their history and evidence, as methods of `store.db.Store`."""

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
        seen_notes: Mapping[int, str] | None = None,
    ) -> str:
        """Set the verdict (see `record_verdict_counted`); returns the batch id shared by
        the history rows (used by undo)."""
        return self.record_verdict_counted(
            claim_ids, verdict, note=note, checker=checker, batch=batch, note_only=note_only,
            seen=seen, seen_notes=seen_notes,
        ).batch

    def record_verdict_counted(
        self,
        claim_ids: int | Sequence[int],
        verdict: str | None,
        *,
        note: str | None = None,
        checker: str = "",
        batch: str | None = None,
        note_only: bool = False,
        seen: Mapping[int, str | None] | None = None,
        seen_notes: Mapping[int, str] | None = None,
    ) -> RecordedVerdict:
        """Set the verdict (and optionally the note) of one or more claims in one
        transaction, appending a history row for each. `verdict=None` clears it.
        `note_only` keeps each claim's stored verdict (`verdict` is not used); a verdict
        (not `note_only`) clears the claims' new-evidence flags.
        `seen` holds the verdicts the checker's desk showed, `seen_notes` the notes: if
        another checker has since set a different one (and not the one asked for),
        nothing is written and VerdictConflict says which claims, so no one overwrites a
        colleague unseen. Returns the batch id shared by the history rows (used by undo)
        and how the review queue's count moved, read in the same statement as the claims'
        stored verdicts (the desk's counter needs no queries of its own)."""
        if verdict is not None and verdict not in VERDICTS:
            raise StoreError(
                f"Unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}."
            )
        ids = [claim_ids] if isinstance(claim_ids, int) else list(claim_ids)
        batch = batch or uuid.uuid4().hex
        stamp = now_iso()
        with self.write(pipelined=True) as conn:
            stored = _stored_states(conn, ids)
            missing = next((claim_id for claim_id in ids if claim_id not in stored), None)
            if missing is not None:
                raise UnknownIdError(f"No claim with id {missing} in the store.")
            if seen is not None or seen_notes is not None:
                clashes = _clashes(stored, verdict, checker, seen or {}, seen_notes or {}, note)
                if clashes:
                    raise VerdictConflict(clashes)
            queue_change = 0
            for claim_id in ids:
                article_id, old_verdict, old_note, _, _, queued = stored[claim_id]
                log_change(conn, "note" if note_only else "verdict", article_id=article_id,
                           claim_id=claim_id, checker=checker)
                new_verdict = old_verdict if note_only else verdict
                new_note = old_note if note is None else note
                conn.execute(
                    """INSERT INTO verdicts (claim_id, verdict, note, checker, updated_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (claim_id) DO UPDATE SET verdict = excluded.verdict,
                           note = excluded.note, checker = excluded.checker,
                           updated_at = excluded.updated_at""",
                    [claim_id, new_verdict, new_note, checker, stamp],
                )
                _append_history(conn, claim_id, new_verdict, new_note, checker, stamp,
                                old_verdict, old_note, batch)
                if queued:
                    queue_change += (new_verdict is None) - (old_verdict is None)
                stored[claim_id] = (article_id, new_verdict, new_note, checker, stamp, queued)
                if not note_only:
                    # Judged again: the checker has weighed the evidence that flagged it.
                    conn.execute("DELETE FROM new_evidence WHERE claim_id = ?", [claim_id])
        return RecordedVerdict(batch, queue_change)

    def record_unchanged(self, claim_id: int, *, checker: str, batch: str) -> None:
        """Append a history row that changes nothing for `claim_id`: an undo or redo in
        `batch` that left someone else's later change in place."""
        with self.write() as conn:
            verdict, note = _verdict_and_note(conn, claim_id)
            _append_history(conn, claim_id, verdict, note, checker, now_iso(), verdict, note, batch)

    def set_note(self, claim_id: int, note: str, checker: str = "",
                 seen: str | None = None) -> str:
        """Change a claim's note, keeping its verdict (read in the same transaction).
        `seen` is the note the checker's desk showed when they began editing: if another
        checker has since changed it, nothing is written and VerdictConflict holds both
        notes (`VerdictClash.wanted_note`)."""
        return self.record_verdict(claim_id, None, note=note, checker=checker, note_only=True,
                                   seen_notes=None if seen is None else {claim_id: seen})

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
            speaker=f.speaker, reviewed_only=f.reviewed_only, dialect=self.dialect,
        )
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

    def remove_evidence(self, claim_id: int, url: str, checker: str = "") -> bool:
        """Take an evidence URL off a claim (a link attached by mistake); returns False if
        the claim did not have it."""
        self.get_claim(claim_id)
        with self.write() as conn:
            cursor = conn.execute("DELETE FROM evidence WHERE claim_id = ? AND url = ?", [claim_id, url])
            if cursor.rowcount:
                log_change(conn, "evidence", claim_id=claim_id, checker=checker)
            return bool(cursor.rowcount)

    def evidence_for(self, claim_id: int) -> list[Evidence]:
        rows = self.query(
            "SELECT id, claim_id, url, checker, added_at FROM evidence WHERE claim_id = ? ORDER BY id",
            [claim_id],
        )
        return [Evidence(**row) for row in rows]


# -- undo and redo ------------------------------------------------------------------------


@dataclass
class UndoState:
    undo: list[str] = field(default_factory=list)
    redo: list[str] = field(default_factory=list)


def _batches(store: VerdictQueries, checker: str) -> list[str]:
    """Every batch id of `checker`'s changes, in the order they were written."""
    rows = store.query(
        "SELECT batch, max(id) AS last FROM verdict_history WHERE batch != '' AND checker = ? "
        "GROUP BY batch ORDER BY last",
        [checker],
    )
    return [r["batch"] for r in rows]


def undo_state(store: VerdictQueries, checker: str = "") -> UndoState:
    """Replay `checker`'s history into undo and redo stacks of original batch ids."""
    state = UndoState()
    for batch in _batches(store, checker):
        kind, _, rest = batch.partition(":")
        if kind in ("undo", "redo"):
            original = rest.rsplit(":", 1)[0]
            source, target = (state.undo, state.redo) if kind == "undo" else (state.redo, state.undo)
            if original in source:
                source.remove(original)
            target.append(original)
        else:
            state.undo.append(batch)
            state.redo.clear()
    return state


@dataclass(frozen=True)
class UndoOutcome:
    """What an undo or redo did: the claims it changed, and those it left alone because
    someone else changed them after the change being undone or redone."""

    changed: list[int]
    kept: list[int]


def _batch_states(store: VerdictQueries, batch: str) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Each claim's (verdict, note) before and after `batch` (several rows for one claim:
    the earliest holds the state before, the latest the state after)."""
    before: dict[int, tuple[str | None, str]] = {}
    after: dict[int, tuple[str | None, str]] = {}
    for row in store.query(
        "SELECT claim_id, verdict, note, previous_verdict, previous_note "
        "FROM verdict_history WHERE batch = ? ORDER BY id",
        [batch],
    ):
        before.setdefault(row["claim_id"], (row["previous_verdict"], row["previous_note"]))
        after[row["claim_id"]] = (row["verdict"], row["note"])
    return before, after


def _current_states(store: VerdictQueries, claim_ids: list[int]) -> dict[int, tuple[str | None, str]]:
    marks = ", ".join("?" for _ in claim_ids)
    rows = store.query(f"SELECT claim_id, verdict, note FROM verdicts WHERE claim_id IN ({marks})", claim_ids)
    found = {r["claim_id"]: (r["verdict"], r["note"]) for r in rows}
    return {cid: found.get(cid, (None, "")) for cid in claim_ids}


def _restore(store: VerdictQueries, prefix: str, original: str, expected: dict[int, tuple],
             wanted: dict[int, tuple], checker: str) -> UndoOutcome:
    """Set each claim to `wanted` where it still holds `expected`; keep the others as
    they are, with a history row that changes nothing, so the undo batch names every
    claim of the original and the stacks move past it even when nothing changed."""
    current = _current_states(store, list(wanted))
    changed = [cid for cid in wanted if current[cid] == expected[cid]]
    kept = [cid for cid in wanted if current[cid] != expected[cid]]
    batch = f"{prefix}:{original}:{uuid.uuid4().hex[:8]}"
    with store.write():
        for claim_id in changed:
            verdict, note = wanted[claim_id]
            store.record_verdict(claim_id, verdict, note=note, checker=checker, batch=batch)
        for claim_id in kept:
            store.record_unchanged(claim_id, checker=checker, batch=batch)
    return UndoOutcome(changed, kept)


def undo_last(store: VerdictQueries, checker: str = "") -> UndoOutcome:
    """Undo `checker`'s latest verdict change not yet undone."""
    return _take_step(store, checker, "undo")


def redo_last(store: VerdictQueries, checker: str = "") -> UndoOutcome:
    """Redo `checker`'s latest undone change."""
    return _take_step(store, checker, "redo")


def _take_step(store: VerdictQueries, checker: str, direction: str) -> UndoOutcome:
    """Move the newest batch of `checker`'s `direction` stack ("undo" or "redo") back to the
    states before it (undo) or forward to the states after it (redo)."""
    with store.write():
        state = undo_state(store, checker)
        stack = state.undo if direction == "undo" else state.redo
        if not stack:
            return UndoOutcome([], [])
        original = stack[-1]
        before, after = _batch_states(store, original)
        expected, wanted = (after, before) if direction == "undo" else (before, after)
        return _restore(store, direction, original, expected, wanted, checker)
