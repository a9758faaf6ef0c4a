"""Candidate retrieval for matching, with a bounded amount of work per search.

- `search_by_terms(store, terms, limit)`: the stored claims sharing the most informative
  of `terms`, searched per kind (reference claims, other articles' claims) and fused.
- `search_fts(store, fts_query, limit)`: the same for a ready FTS5 expression.
- `term_document_counts(store, terms)`: how many stored claims hold each term, up to
  `COUNT_CAP`.
- `index_new_references(conn, bulk)`: defers the full-text indexing of a large batch of
  reference claims to one statement after the insert.
- `search_desk(store, text)`: what the desk's `/` search lists, as the checker types:
  articles by title and text, then check-worthy claims.

Why not one FTS5 query OR-ing every term: BM25 scores every row holding any of the
terms, so at a million stored claims a query with a common word reads hundreds of
thousands of postings. When the query's postings (known from the counts) stay under
`POSTINGS_BUDGET`, that exact BM25 query runs; beyond it, candidates are gathered from
the postings of the rarer terms (each under `COUNT_CAP` rows), scored by the summed
inverse document frequency of the terms they hold, plus the rows holding all of each
three of the commoner terms (an AND, which FTS5 answers by skipping through the posting
lists rather than reading them).

BM25 (or the summed rarity) is on a different scale in each full-text table, so each
kind's scores are divided by the best score of that kind before the kinds are merged.

On PostgreSQL the same choice of terms runs over the `search` tsvector columns, with the
queries of `store.pgsearch` (ranked by rarity-weighted ts_rank in place of BM25).
"""

from __future__ import annotations

import itertools
import math
import re
import sqlite3
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store import pgsearch
from store.engine import SQLITE
from store.errors import StoreError
from store.models import Candidate

if TYPE_CHECKING:
    from store.db import Store

# Batches of at least this many reference claims are indexed after insertion.
BULK_INDEX_ROWS = 500
# Page cache during a bulk import, in KiB (negative: SQLite's unit for a size). It holds
# the unique index on the 16-byte keys of a couple of million claims; 128 MB made no
# measurable difference into a store of a million, and the command's memory is capped.
BULK_CACHE_KIB = -65_536
# FTS5 buffers this many bytes of new postings before writing them out as a segment
# (FTS5's own default: 1 MiB). During a bulk import, larger segments mean fewer merges:
# indexing a million claims takes 30% less time.
BULK_HASH_BYTES = 32 * 1024 * 1024
FTS5_DEFAULT_HASH_BYTES = 1024 * 1024
# Counting stops here: beyond it a term is common, and its exact count does not matter.
COUNT_CAP = 5_001
# Exact BM25 ranks a query by its rarest terms whose postings together stay under this
# budget, when they are all its terms or at least `EXACT_MIN_TERMS` of them.
POSTINGS_BUDGET = 6_000
EXACT_MIN_TERMS = 8
# Postings the gathering path may read from rare terms.
GATHER_BUDGET = 10_000
# Beyond the budget: the postings of at most this many rare terms are read ...
RARE_TERMS = 10
# ... plus the rows holding each three of this many of the least common common terms.
COMMON_AND_TERMS = 4
# Common terms also counted for the rows a rare term found (see `_gathered_rows`),
# among the rows of the rarest terms whose postings fit this budget. Each is one more
# pass over those rows; 5 (was 8) finds the same at a million claims (bench/NOTES.md).
COMMON_WITH_RARE_TERMS = 5
COMMON_WITH_RARE_BUDGET = 4_000
# Rows gathered per kind before the best `limit` are kept.
GATHER_ROWS = 200
# Column weights of reference claims' BM25: text, title.
TEXT_WEIGHT, TITLE_WEIGHT = 1.0, 0.7
# Where the tokenizers split text into tokens: at anything not a letter or digit. A term
# holding a separator ("al-Duhur", "7.7") is a phrase of several tokens to FTS5.
FTS_SEPARATORS = re.compile(r"[\W_]+")


def quote_term(term: str) -> str:
    """`term` as an FTS5 string literal, so no FTS5 operator in it is interpreted."""
    return '"' + term.replace('"', '""') + '"'


# -- bulk import ----------------------------------------------------------------------


@contextmanager
def index_new_references(conn: sqlite3.Connection, bulk: bool) -> Iterator[None]:
    """Around an insert of reference claims inside an open transaction: for a large
    (`bulk`) one, the per-row index trigger is taken away and the new rows are indexed
    with one statement at the end (the trigger is back before the transaction ends)."""
    if not bulk or not isinstance(conn, sqlite3.Connection):  # PostgreSQL's search column is generated
        yield
        return
    last_id = conn.execute("SELECT coalesce(max(rowid), 0) FROM reference_claims").fetchone()[0]
    # The unique key index takes inserts at random places: a larger page cache for the
    # batch keeps its pages in memory instead of re-reading them.
    cache_pages = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    # The insert trigger is dropped for the batch and made again before it commits (so no
    # other connection ever sees it missing): even when it does nothing, evaluating its
    # condition for every row costs a sixth of the insert.
    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'reference_claims_ai'"
    ).fetchone()[0]
    conn.execute('DROP TRIGGER "reference_claims_ai"')
    try:
        try:
            yield
        finally:
            # After some errors (a full disk) SQLite has already rolled back, trigger and all.
            if conn.in_transaction:
                conn.execute(trigger)
        hash_bytes = conn.execute(
            "SELECT v FROM reference_claims_fts_config WHERE k = 'hashsize'"
        ).fetchone()
        _set_fts_option(conn, "hashsize", BULK_HASH_BYTES)
        added = conn.execute(
            """INSERT INTO reference_claims_fts (rowid, text, title)
               SELECT id, text, title FROM reference_claims WHERE id > ?""",
            [last_id],
        ).rowcount
        if added and added >= last_id:
            # The table at least doubled: one merged index segment keeps searches fast.
            conn.execute(
                "INSERT INTO reference_claims_fts (reference_claims_fts) VALUES ('optimize')"
            )
        # Back to what it was, and the stored option as it was (FTS5 stores the value set).
        _set_fts_option(conn, "hashsize", hash_bytes[0] if hash_bytes else FTS5_DEFAULT_HASH_BYTES)
        if hash_bytes is None:
            conn.execute("DELETE FROM reference_claims_fts_config WHERE k = 'hashsize'")
    finally:
        conn.execute(f"PRAGMA cache_size = {cache_pages}")


def _set_fts_option(conn: sqlite3.Connection, name: str, value: object) -> None:
    conn.execute(
        "INSERT INTO reference_claims_fts (reference_claims_fts, rank) VALUES (?, ?)",
        [name, value],
    )


# -- document counts ------------------------------------------------------------------

_FTS_TABLES = {"reference": "reference_claims_fts", "claim": "claims_fts"}


class _CountCache:
    """Counts per full-text table, each kept until its own table changes: an article's
    new claims leave the reference claims' counts (most of a search's) as they are."""

    def __init__(self) -> None:
        self.stamps: dict[str, object] = {}
        self.counts: dict[str, dict[str, int]] = {}


_caches: "weakref.WeakKeyDictionary[Store, _CountCache]" = weakref.WeakKeyDictionary()
_CONTENT_TABLES = {"reference": "reference_claims", "claim": "claims"}


def _table_stamp(store: "Store", kind: str) -> object:
    """What changes whenever a kind's claims do. The highest id moves when claims are
    added; on SQLite, FTS5's averages record (row and token totals, record 1 of the
    index's data table) changes with every insert and delete too. One seek each."""
    table = _CONTENT_TABLES[kind]
    if store.engine != SQLITE:
        return store.db.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    return store.db.conn.execute(
        f"SELECT (SELECT max(id) FROM {table}), (SELECT block FROM {_FTS_TABLES[kind]}_data WHERE id = 1)"
    ).fetchone()


def term_document_counts(
    store: "Store", terms: Sequence[str], *, kind: str = "reference", cap: int = COUNT_CAP
) -> dict[str, int]:
    """How many stored claims of `kind` ("reference" or "claim") hold each term (as the
    index stems it), up to `cap`. On PostgreSQL, reference claims' counts are read from
    the term counts the store keeps (`store.pgsearch.document_counts`), one query for
    all the terms; other counts are cached per store and kind until that kind's claims
    change."""
    table = _FTS_TABLES[kind]
    with store.lock:
        if store.engine != SQLITE and pgsearch.keeps_term_counts(kind):
            counts = pgsearch.document_counts(store, kind, terms, cap)
            return {term: min(counts[term], cap) for term in terms}
        conn = store.db.conn
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = _CountCache()
        stamp = _table_stamp(store, kind)
        if kind not in cache.stamps or stamp != cache.stamps[kind]:
            cache.stamps[kind], cache.counts[kind] = stamp, {}
        cached = cache.counts[kind]
        counts = {}
        if store.engine != SQLITE:
            cached.update(pgsearch.document_counts(store, kind, [t for t in terms if t not in cached], cap))
        elif not _holds_rows(stamp):
            # An empty index (no article claims yet: a store of imported references)
            # holds no term; a new term costs one statement a kind otherwise.
            cached.update((term, 0) for term in terms if term not in cached)
        for term in terms:
            if term not in cached:
                try:
                    cached[term] = conn.execute(
                        f"SELECT count(*) FROM (SELECT rowid FROM {table} "
                        f"WHERE {table} MATCH ? LIMIT ?)",
                        [quote_term(term), cap],
                    ).fetchone()[0]
                except sqlite3.OperationalError:  # nothing the tokenizer keeps
                    cached[term] = 0
            counts[term] = min(cached[term], cap)
        return counts


def _holds_rows(stamp: tuple) -> bool:
    """Whether a full-text index may hold a row, from its averages record (`_table_stamp`):
    FTS5 reads an empty record, or one starting with a row count of 0 (a one-byte
    varint), as no rows."""
    averages = stamp[1]
    return averages is None or averages[:1] not in (b"", b"\x00")


# -- retrieval ------------------------------------------------------------------------


def search_by_terms(
    store: "Store",
    terms: Sequence[str],
    limit: int = 100,
    *,
    exclude_article_id: int | None = None,
    kinds: Sequence[str] = ("reference", "claim"),
) -> list[Candidate]:
    """Candidates sharing the most informative of `terms` (most informative first, as
    `matchers.query_terms` gives them), best first; `bm25` holds minus the retrieval
    score relative to the best of the same kind, so it lies in [-1, 0)."""
    unique = list(dict.fromkeys(t for t in terms if t.strip()))
    if not unique or limit <= 0:
        return []
    found: list[tuple[float, Candidate]] = []
    with store.lock:
        for kind in kinds:
            if kind not in _FTS_TABLES:
                continue
            counts = term_document_counts(store, unique, kind=kind)
            present = sorted((t for t in unique if counts[t] > 0), key=lambda t: counts[t])
            if not present:
                continue
            # The rarest terms whose postings fit the budget together (at least one).
            within = list(itertools.takewhile(
                lambda n: n <= POSTINGS_BUDGET, itertools.accumulate(counts[t] for t in present)
            ))
            if len(within) == len(present) or len(within) >= EXACT_MIN_TERMS:
                chosen = present[: max(1, len(within))]
                if store.engine == SQLITE:
                    query = " OR ".join(quote_term(t) for t in chosen)
                    scored = _bm25_rows(store, kind, query, limit, exclude_article_id)
                else:
                    scored = pgsearch.ranked_rows(store, kind, chosen, counts, limit,
                                                  exclude_article_id)
            else:
                scored = _gathered_rows(store, kind, present, counts, limit, exclude_article_id)
            found.extend(_normalised(kind, scored))
    return _merged(found, limit)


def search_fts(
    store: "Store",
    fts_query: str,
    limit: int = 100,
    *,
    exclude_article_id: int | None = None,
    kinds: Sequence[str] = ("reference", "claim"),
) -> list[Candidate]:
    """Candidates for a query in FTS5 syntax, ranked by BM25 within each kind, kinds
    fused by relative score (see the module docstring)."""
    if not fts_query.strip() or limit <= 0:
        return []
    found: list[tuple[float, Candidate]] = []
    with store.lock:
        for kind in kinds:
            if kind not in _FTS_TABLES:
                continue
            if store.engine == SQLITE:
                scored = _bm25_rows(store, kind, fts_query, limit, exclude_article_id)
            else:
                scored = _postgres_fts_rows(store, kind, fts_query, limit, exclude_article_id)
            found.extend(_normalised(kind, scored))
    return _merged(found, limit)


_FTS5_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"\*?|(\()|(\))|([^\s()"]+))')


def fts5_disjunction(fts_query: str) -> list[list[str]]:
    """An FTS5 query of quoted or bare terms joined by OR, AND or nothing (AND), as a
    list of alternatives, each the terms it needs; parentheses are read as grouping a
    disjunction of single terms ("(a OR b) AND c" becomes [[a, c], [b, c]])."""
    alternatives: list[list[str]] = [[]]
    group: list[str] | None = None
    operator = "AND"
    position = 0
    text = fts_query.strip()
    while position < len(text):
        match = _FTS5_TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"unexpected {text[position:position + 10]!r}")
        position = match.end()
        quoted, opening, closing, bare = match.groups()
        if opening:
            group = []
            continue
        if closing:
            if group is None:
                raise ValueError("unbalanced parenthesis")
            if operator == "OR":
                alternatives.append([])
            alternatives = [a + [t] for a in alternatives for t in group] or alternatives
            group, operator = None, "AND"
            continue
        if bare in ("OR", "AND", "NOT", "NEAR"):
            if bare in ("NOT", "NEAR"):
                raise ValueError(f"{bare} is not supported")
            operator = bare
            continue
        term = quoted.replace('""', '"') if quoted is not None else bare.rstrip("*")
        if group is not None:
            group.append(term)
        elif operator == "OR":
            alternatives.append([term])
        else:
            alternatives[-1].append(term)
        operator = "AND"
    if group is not None:
        raise ValueError("unbalanced parenthesis")
    return [a for a in alternatives if a]


def _postgres_fts_rows(
    store: "Store", kind: str, fts_query: str, limit: int, exclude_article_id: int | None
) -> list[tuple[float, dict]]:
    try:
        alternatives = fts5_disjunction(fts_query)
    except ValueError as exc:
        raise StoreError(f"The search {fts_query!r} is not valid: {exc}.") from exc
    terms = list(dict.fromkeys(t for a in alternatives for t in a))
    if not terms:
        return []
    counts = term_document_counts(store, terms, kind=kind)
    if all(len(a) == 1 for a in alternatives):
        return pgsearch.ranked_rows(store, kind, terms, counts, limit, exclude_article_id)
    return pgsearch.ranked_rows(store, kind, terms, counts, limit, exclude_article_id,
                                required=alternatives)


def _bm25_rows(
    store: "Store", kind: str, fts_query: str, limit: int, exclude_article_id: int | None
) -> list[tuple[float, dict]]:
    if kind == "reference":
        # Ranked inside the index first: joining before the LIMIT would read every
        # matching row's text (half the time of a search over 10,000 postings).
        sql = f"""SELECT r.id, r.text, r.title, r.source, r.url, r.rating, r.normalised_rating,
                         r.date, r.claimant, best.rank
                  FROM (SELECT rowid,
                               bm25(reference_claims_fts, {TEXT_WEIGHT}, {TITLE_WEIGHT}) AS rank
                        FROM reference_claims_fts WHERE reference_claims_fts MATCH ?
                        ORDER BY rank LIMIT ?) AS best
                  JOIN reference_claims r ON r.id = best.rowid
                  ORDER BY best.rank"""
        params: list = [fts_query, limit]
    else:
        sql = """SELECT c.id, c.text, '' AS title, a.source, a.url, '' AS rating,
                        '' AS normalised_rating, a.published AS date, c.speaker AS claimant,
                        bm25(claims_fts) AS rank
                 FROM claims_fts
                 JOIN claims c ON c.id = claims_fts.rowid
                 JOIN articles a ON a.id = c.article_id
                 WHERE claims_fts MATCH ? AND c.checkworthy AND c.article_id IS NOT ?
                 ORDER BY rank LIMIT ?"""
        params = [fts_query, exclude_article_id, limit]
    rows = _query(store, sql, params, fts_query)
    # bm25() is lower for better matches; scores here are higher for better ones.
    return [(-row.pop("rank"), row) for row in rows]


def _gathered_rows(
    store: "Store",
    kind: str,
    present: Sequence[str],
    counts: Mapping[str, int],
    limit: int,
    exclude_article_id: int | None,
) -> list[tuple[float, dict]]:
    """Candidates from the rare terms' postings and ANDs of the common terms, scored by
    the summed rarity of the terms they were found by."""
    table = _FTS_TABLES[kind]
    total = max(pgsearch.max_id(store, kind), 1)
    rarity = {t: math.log(1.0 + total / counts[t]) for t in present}
    rare = [t for t in present if counts[t] < COUNT_CAP][:RARE_TERMS]
    # Postings read are bounded too: the rarest terms first, while they fit the budget.
    budgeted = itertools.accumulate(counts[t] for t in rare)
    rare = [t for t, read in zip(rare, budgeted) if read <= GATHER_BUDGET] or rare[:1]
    common = [t for t in present if counts[t] >= COUNT_CAP]
    scores: dict[int, float] = {}
    if rare:
        # Each common term counts for the rows holding a rare term too: FTS5 answers
        # "(rare OR ...) AND common" by skipping through the common term's postings, and
        # the rarity it adds breaks the ties among the many rows sharing one rare term.
        # A term the tokenizer splits ("1.2", "florida's") is a phrase, which FTS5 answers
        # by reading its words' postings ("1", "2", "s": among the longest), once per AND
        # below; it still counts on its own, but does not lead the ANDs.
        single = [t for t in rare if not FTS_SEPARATORS.search(t)] or rare[:1]
        rarest = [t for t, read in zip(single, itertools.accumulate(counts[t] for t in single))
                  if read <= COMMON_WITH_RARE_BUDGET] or single[:1]
        if store.engine == SQLITE:
            any_rare = "(" + " OR ".join(quote_term(t) for t in rarest) + ")"
            matches = [(rarity[t], quote_term(t)) for t in rare] + [
                (rarity[t], f"{any_rare} AND {quote_term(t)}")
                for t in common[:COMMON_WITH_RARE_TERMS]
            ]
            postings = " UNION ALL ".join(
                f"SELECT rowid, ? AS weight FROM {table} WHERE {table} MATCH ?" for _ in matches
            )
            params: list = [value for pair in matches for value in pair]
            for row in store.query(
                f"""SELECT rowid, sum(weight) AS score FROM ({postings})
                    GROUP BY rowid ORDER BY score DESC LIMIT ?""",
                [*params, GATHER_ROWS],
            ):
                scores[row["rowid"]] = row["score"]
        else:
            scores.update(pgsearch.posting_ids(
                store, kind,
                [(rarity[t], [t], []) for t in rare]
                + [(rarity[t], rarest, [t]) for t in common[:COMMON_WITH_RARE_TERMS]],
                GATHER_ROWS,
            ))
    common = common[:COMMON_AND_TERMS]
    if len(common) >= 2:
        for group in itertools.combinations(common, min(3, len(common))):
            weight = sum(rarity[t] for t in group)
            if store.engine == SQLITE:
                found = [row["rowid"] for row in store.query(
                    f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?",
                    [" AND ".join(quote_term(t) for t in group), GATHER_ROWS],
                )]
            else:
                found = pgsearch.all_of_ids(store, kind, group, GATHER_ROWS)
            for rowid in found:
                scores[rowid] = scores.get(rowid, 0.0) + weight
    best = sorted(scores, key=lambda rowid: -scores[rowid])[: max(limit, GATHER_ROWS)]
    # Only the best `limit` rows that the kind's conditions keep are returned: their
    # text is read in rank order, a batch at a time, rather than all gathered rows'.
    best.sort(key=lambda rowid: (-scores[rowid], rowid))
    rows: list[dict] = []
    start = 0
    while len(rows) < limit and start < len(best):
        batch = best[start : start + limit - len(rows)]
        start += len(batch)
        marks = ", ".join("?" for _ in batch)
        if kind == "reference":
            sql = f"""SELECT id, text, title, source, url, rating, normalised_rating, date,
                             claimant
                      FROM reference_claims WHERE id IN ({marks})"""
            params = list(batch)
        else:
            sql = f"""SELECT c.id, c.text, '' AS title, a.source, a.url, '' AS rating,
                             '' AS normalised_rating, a.published AS date, c.speaker AS claimant
                      FROM claims c JOIN articles a ON a.id = c.article_id
                      WHERE c.id IN ({marks}) AND c.checkworthy = 1
                        AND c.article_id != coalesce(?, 0)"""
            params = [*batch, exclude_article_id]
        rows.extend(store.query(sql, params))
    ranked = sorted(rows, key=lambda row: (-scores[row["id"]], row["id"]))
    return [(scores[row["id"]], row) for row in ranked]


def _normalised(kind: str, scored: list[tuple[float, dict]]) -> list[tuple[float, Candidate]]:
    best = max((score for score, _ in scored), default=0.0)
    out = []
    for score, row in scored:
        relative = score / best if best > 0 else 0.0
        out.append((relative, Candidate(kind=kind, bm25=-relative, **row)))
    return out


def _merged(found: list[tuple[float, Candidate]], limit: int) -> list[Candidate]:
    # Stable: within equal relative scores, reference claims (searched first) lead.
    found.sort(key=lambda item: -item[0])
    return [candidate for _, candidate in found[:limit]]


def _query(store: "Store", sql: str, params: list, fts_query: str) -> list[dict]:
    try:
        return store.query(sql, params)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"The search {fts_query!r} is not valid: {exc}.") from exc


# -- the desk's search -------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A claim, or an article (`kind` "article", no claim: `text` is a snippet of the
    article around the words found)."""

    claim_id: int | None
    article_id: int
    text: str
    article_title: str
    kind: str = "claim"


def fts_phrase_query(text: str) -> str:
    """Typed words as an FTS5 query: each word quoted (so no FTS5 syntax can be
    injected), the last one a prefix so results come as the checker types. Words are
    split where the index's tokenizer splits them (at anything not a letter or digit),
    so "al-Duhur" finds "al-Duhur"."""
    words = [w for w in FTS_SEPARATORS.split(text) if w]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_claims(store: "Store", text: str, limit: int = 100) -> list[SearchHit]:
    """Check-worthy claims whose text holds the typed words (full-text index), best first."""
    query = fts_phrase_query(text)
    if not query:
        return []
    if store.engine != SQLITE:
        rows = pgsearch.search_claims(store, [w for w in FTS_SEPARATORS.split(text) if w], limit)
        return [SearchHit(row["id"], row["article_id"], row["text"], row["title"]) for row in rows]
    return [
        SearchHit(row["id"], row["article_id"], row["text"], row["title"])
        for row in store.query(
            """SELECT c.id, c.article_id, c.text, a.title FROM claims_fts
               JOIN claims c ON c.id = claims_fts.rowid JOIN articles a ON a.id = c.article_id
               WHERE claims_fts MATCH ? AND c.checkworthy = 1 AND a.status != 'archived'
               ORDER BY bm25(claims_fts) LIMIT ?""",
            [query, limit],
        )
    ]


# A title match counts five times a match in the body.
ARTICLE_WEIGHTS = (5.0, 1.0)
SNIPPET_WORDS = 16


def search_articles(store: "Store", text: str, limit: int = 20) -> list[SearchHit]:
    """Articles whose title or text holds the typed words (the articles_fts index),
    best first, each with a snippet of its text around them."""
    query = fts_phrase_query(text)
    if not query:
        return []
    if store.engine != SQLITE:
        words = [w for w in FTS_SEPARATORS.split(text) if w]
        rows = pgsearch.search_articles(store, words, limit, SNIPPET_WORDS)
        return [SearchHit(None, row["id"], row["snippet"], row["title"], kind="article")
                for row in rows]
    return [
        SearchHit(None, row["id"], row["snippet"], row["title"], kind="article")
        for row in store.query(
            f"""SELECT a.id, a.title,
                       snippet(articles_fts, 1, '', '', '…', {SNIPPET_WORDS}) AS snippet
                FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                WHERE articles_fts MATCH ? AND a.status != 'archived'
                ORDER BY bm25(articles_fts, ?, ?) LIMIT ?""",
            [query, *ARTICLE_WEIGHTS, limit],
        )
    ]


def search_desk(store: "Store", text: str, claim_limit: int = 100,
                article_limit: int = 20) -> list[SearchHit]:
    """What the desk's `/` search lists: matching articles first, then claims."""
    return search_articles(store, text, article_limit) + search_claims(store, text, claim_limit)
