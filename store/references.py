"""Reference claims (fact-checks imported from files and feeds) and the embeddings made
of them: the query area of `store.db.Store` that imports write and matching reads."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence

from store.connection import StoreConnection, now_iso
from store.engine import POSTGRESQL
from store.models import ReferenceDraft
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


class ReferenceQueries(StoreConnection):
    """Reference claims and their embeddings, as methods of `store.db.Store`."""

    def add_reference_claims(self, drafts: Iterable[ReferenceDraft]) -> tuple[int, int]:
        """Store reference claims in one transaction; returns (added, skipped as duplicates).

        `drafts` is read lazily, `INSERT_ROWS` at a time, so a long iterator does not fill
        memory. Large batches are inserted without the per-row index trigger and indexed
        with one statement afterwards (see `store.search.index_new_references`); on
        PostgreSQL they go through COPY (`store.pgbulk`)."""
        stamp = now_iso()
        drafts = iter(drafts)
        if self.engine == POSTGRESQL:
            from store.pgbulk import copy_reference_rows, tidy_after_copy

            with self.write() as conn:
                added, skipped = copy_reference_rows(conn, iter(lambda: _reference_rows(drafts, stamp), []))
            if added >= BULK_INDEX_ROWS:
                tidy_after_copy(self)
            return added, skipped
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
        # `e.reference_id > ?` says again what `r.id > ?` implies: without it PostgreSQL
        # merges with the embeddings from the first one on, reading every stored
        # embedding for each batch.
        rows = self.query(
            """SELECT r.id, r.text, r.title FROM reference_claims r
               WHERE r.id > ? AND NOT EXISTS (SELECT 1 FROM reference_embeddings e
                                              WHERE e.reference_id = r.id AND e.reference_id > ?
                                                    AND e.model = ?)
               ORDER BY r.id LIMIT ?""",
            [after_id, after_id, model, limit],
        )
        return [(row["id"], row["text"], row["title"]) for row in rows]

    def save_reference_embeddings(self, model: str, vectors: Iterable[tuple[int, bytes]]) -> int:
        """Store embeddings made by `model` (replacing any older model's) in one
        transaction; a reference claim no longer stored is skipped. Returns how many.
        On PostgreSQL the batch goes in one COPY or one statement (`store.pgbulk`)."""
        if self.engine == POSTGRESQL:
            from store.pgbulk import save_embeddings

            rows = list(vectors)
            with self.write() as conn:
                return save_embeddings(conn, model, rows)
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
