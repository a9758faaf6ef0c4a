"""Articles and their claims, and the matches saved for each claim: the query area of
`store.db.Store` that ingest writes and the desk reads an article through."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence

from store.changes import log_change
from store.connection import StoreConnection, now_iso
from store.errors import UnknownIdError
from store.models import Article, ArticleDraft, ArticleSummary, Candidate, Claim, ClaimDraft, Match
from store.search import search_fts


def content_hash(text: str) -> str:
    """The article identity used to skip re-ingesting the same text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()



ARTICLE_COLUMNS = ", ".join(field.name for field in dataclasses.fields(Article))

# An inbox row: the article with its check-worthy claims and how many of them are judged
# (fields of `ArticleSummary`); callers add the WHERE clause after `FROM articles a`.
ARTICLE_SUMMARY_SELECT = """SELECT a.id, a.title, a.source, a.published, a.added_at, a.status,
        (SELECT count(*) FROM claims c WHERE c.article_id = a.id AND c.checkworthy = 1) AS claims,
        (SELECT count(*) FROM claims c JOIN verdicts v ON v.claim_id = c.id
             WHERE c.article_id = a.id AND c.checkworthy = 1 AND v.verdict IS NOT NULL) AS judged
    FROM articles a"""




# Claims whose saved matches are read in one statement (`saved_matches_of`).
SAVED_MATCHES_READ = 500
# A saved match with the fields of its candidate (those `get_candidate` reads), for either
# kind; the other kind's columns are NULL, and so are both when the candidate is gone.
_SAVED_MATCH_SELECT = """SELECT m.claim_id, m.kind, m.score, m.explanation,
        r.id AS reference_id, r.text AS reference_text, r.title AS reference_title,
        r.source AS reference_source, r.url AS reference_url, r.rating AS reference_rating,
        r.normalised_rating AS reference_normalised_rating, r.date AS reference_date,
        r.claimant AS reference_claimant,
        mc.id AS claim_match_id, ma.id AS claim_article_id, mc.text AS claim_text,
        ma.source AS claim_source, ma.url AS claim_url, ma.published AS claim_date,
        mc.speaker AS claim_claimant
    FROM claim_matches m
    LEFT JOIN reference_claims r ON m.kind = 'reference' AND r.id = m.match_id
    LEFT JOIN claims mc ON m.kind != 'reference' AND mc.id = m.match_id
    LEFT JOIN articles ma ON ma.id = mc.article_id"""


def _saved_candidate(row: dict) -> Candidate | None:
    """The candidate of a `_SAVED_MATCH_SELECT` row, as `get_candidate` reads it; None when
    it is no longer stored."""
    if row["kind"] == "reference":
        if row["reference_id"] is None:
            return None
        return Candidate(
            kind="reference", id=row["reference_id"], text=row["reference_text"],
            title=row["reference_title"], source=row["reference_source"], url=row["reference_url"],
            rating=row["reference_rating"], normalised_rating=row["reference_normalised_rating"],
            date=row["reference_date"], claimant=row["reference_claimant"])
    if row["claim_match_id"] is None or row["claim_article_id"] is None:  # claim or article gone
        return None
    return Candidate(
        kind=row["kind"], id=row["claim_match_id"], text=row["claim_text"], source=row["claim_source"],
        url=row["claim_url"], rating="", date=row["claim_date"], claimant=row["claim_claimant"])


class ArticleQueries(StoreConnection):
    """Articles, claims and saved matches, as methods of `store.db.Store`."""

    def add_article(self, draft: ArticleDraft, claims: Sequence[ClaimDraft]) -> tuple[int, bool]:
        """Store an article with its claims in one transaction.

        Returns (article id, created); an article whose text is already stored is not
        stored again and keeps its id.
        """
        digest = content_hash(draft.text)
        with self.write() as conn:
            existing = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?", [digest]
            ).fetchone()
            if existing:
                return existing[0], False
            article_id = conn.execute(
                """INSERT INTO articles (title, source, url, canonical_url, published, author,
                       text, content_hash, added_at, dropped_count, dropped_preview)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [draft.title, draft.source, draft.url, draft.canonical_url, draft.published,
                 draft.author, draft.text, digest, now_iso(), draft.dropped_count,
                 draft.dropped_preview],
            ).fetchone()[0]
            log_change(conn, "article", article_id=article_id)
            conn.executemany(
                """INSERT INTO claims (article_id, position, text, start, "end", score,
                       checkworthy, reasons, also_at, speaker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (article_id, position, c.text, c.start, c.end, c.score,
                     int(c.checkworthy), json.dumps(list(c.reasons)),
                     json.dumps([list(span) for span in c.also_at]), c.speaker)
                    for position, c in enumerate(claims)
                ],
            )
            return article_id, True

    def list_articles(self, include_archived: bool = False) -> list[ArticleSummary]:
        where = "" if include_archived else "WHERE a.status != 'archived'"
        rows = self.query(f"{ARTICLE_SUMMARY_SELECT} {where} ORDER BY a.id DESC")
        return [ArticleSummary(**row) for row in rows]

    def get_article(self, article_id: int) -> Article:
        rows = self.query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", [article_id])
        if not rows:
            raise UnknownIdError(f"No article with id {article_id} in the store.")
        return Article(**rows[0])

    def set_article_status(self, article_id: int, status: str) -> None:
        self.get_article(article_id)
        with self.write() as conn:
            conn.execute("UPDATE articles SET status = ? WHERE id = ?", [status, article_id])
            log_change(conn, "status", article_id=article_id)

    _CLAIM_SELECT = """SELECT c.id, c.article_id, c.position, c.text, c.start, c."end",
                              c.score, c.checkworthy, c.reasons, c.also_at, c.speaker, v.verdict,
                              coalesce(v.note, '') AS note
                       FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"""

    @staticmethod
    def _claim(row: dict) -> Claim:
        row = dict(row)
        row["checkworthy"] = bool(row["checkworthy"])
        row["reasons"] = tuple(json.loads(row["reasons"] or "[]"))
        row["also_at"] = tuple(tuple(span) for span in json.loads(row["also_at"] or "[]"))
        return Claim(**row)

    def claims_for_article(self, article_id: int, checkworthy_only: bool = True) -> list[Claim]:
        condition = "AND c.checkworthy = 1" if checkworthy_only else ""
        rows = self.query(
            f"{self._CLAIM_SELECT} WHERE c.article_id = ? {condition} ORDER BY c.position",
            [article_id],
        )
        return [self._claim(r) for r in rows]

    def get_claim(self, claim_id: int) -> Claim:
        rows = self.query(f"{self._CLAIM_SELECT} WHERE c.id = ?", [claim_id])
        if not rows:
            raise UnknownIdError(f"No claim with id {claim_id} in the store.")
        return self._claim(rows[0])

    # -- matching support --------------------------------------------------------

    def search_candidates(
        self,
        fts_query: str,
        limit: int = 100,
        exclude_article_id: int | None = None,
        kinds: Sequence[str] = ("reference", "claim"),
    ) -> list[Candidate]:
        """FTS5 candidates for a query in FTS5 syntax, best first: BM25 within each kind,
        kinds fused by relative score (see `store.search`)."""
        return search_fts(
            self, fts_query, limit, exclude_article_id=exclude_article_id, kinds=kinds
        )

    def get_candidate(self, kind: str, candidate_id: int) -> Candidate:
        if kind == "reference":
            rows = self.query(
                "SELECT id, text, title, source, url, rating, normalised_rating, date, claimant "
                "FROM reference_claims WHERE id = ?",
                [candidate_id],
            )
        else:
            rows = self.query(
                """SELECT c.id, c.text, a.source, a.url, '' AS rating, a.published AS date,
                          c.speaker AS claimant
                   FROM claims c JOIN articles a ON a.id = c.article_id WHERE c.id = ?""",
                [candidate_id],
            )
        if not rows:
            raise UnknownIdError(f"No {kind} claim with id {candidate_id} in the store.")
        return Candidate(kind=kind, **rows[0])

    def save_matches(self, claim_id: int, matches: Sequence[Match]) -> None:
        """Replace the saved matches of a claim (recomputed whenever the store grows)."""
        self.save_many_matches([(claim_id, matches)])

    def save_many_matches(self, claims: Sequence[tuple[int, Sequence[Match]]]) -> None:
        """Replace the saved matches of several claims in one transaction: one commit (and
        one fsync) for a whole batch instead of one per claim."""
        with self.write() as conn:
            conn.executemany("DELETE FROM claim_matches WHERE claim_id = ?",
                             [(claim_id,) for claim_id, _ in claims])
            conn.executemany(
                """INSERT INTO claim_matches (claim_id, rank, kind, match_id, score, explanation)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    (claim_id, rank, m.candidate.kind, m.candidate.id, m.score,
                     json.dumps(m.explanation))
                    for claim_id, matches in claims
                    for rank, m in enumerate(matches)
                ],
            )

    def saved_matches(self, claim_id: int) -> list[Match]:
        """The matches saved for a claim, best first; a match whose claim is no longer
        stored is left out."""
        return self.saved_matches_of([claim_id])[claim_id]

    def saved_matches_of(self, claim_ids: Sequence[int]) -> dict[int, list[Match]]:
        """`saved_matches` of each claim, by id, read with their candidates in one
        statement per `SAVED_MATCHES_READ` claims rather than one per match."""
        ids = list(dict.fromkeys(claim_ids))
        found: dict[int, list[Match]] = {claim_id: [] for claim_id in ids}
        for start in range(0, len(ids), SAVED_MATCHES_READ):
            chunk = ids[start : start + SAVED_MATCHES_READ]
            rows = self.query(
                f"""{_SAVED_MATCH_SELECT} WHERE m.claim_id IN ({", ".join("?" for _ in chunk)})
                    ORDER BY m.claim_id, m.rank""",
                chunk,
            )
            for row in rows:
                candidate = _saved_candidate(row)
                if candidate is not None:
                    found[row["claim_id"]].append(
                        Match(candidate, row["score"], json.loads(row["explanation"])))
        return found

    def has_saved_matches(self, claim_id: int) -> bool:
        return bool(self.query("SELECT 1 FROM claim_matches WHERE claim_id = ? LIMIT 1", [claim_id]))
