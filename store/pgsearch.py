"""Full-text search on PostgreSQL: the `search` tsvector columns the schema adds, and the
queries `store/search.py` runs on them in place of FTS5's.

Each searched table has a stored generated column `search` (title and text weighted
apart, as FTS5's column weights do) with a GIN index; the server keeps it current, so
there are no triggers and no index to rebuild. Words are stemmed with the Snowball
English stemmer and no stop words are dropped, as SQLite's porter tokenizer does.

Ranking stands in for BM25: each query term counts its rarity (log(1 + N / documents
holding it), from `term_document_counts`) times `ts_rank` of that term alone, which
weighs where the term is (text or title) and how often, with diminishing returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.db import Store

TS_CONFIG = "claimdesk_english"
# Articles are indexed up to this many characters: a tsvector holds at most 1 MB, and a
# 20 MB article would not fit.
ARTICLE_INDEX_CHARS = 200_000
# The weight letter of each searched column, per table (A counts most).
COLUMN_WEIGHTS: dict[str, dict[str, str]] = {
    "claims": {"text": "A"},
    "reference_claims": {"text": "A", "title": "B"},
    "articles": {"title": "A", "text": "B"},
}
# ts_rank's weights for the letters {D, C, B, A}: reference claims' text 1.0, title 0.7
# (FTS5's bm25 column weights), articles' title 5 times their text (at most 1 each).
REFERENCE_RANK_WEIGHTS = "{0.1, 0.2, 0.7, 1.0}"
# ts_rank's length normalisation of a term's rank (0: none; 1: divided by 1 + log of the
# row's length, as BM25 discounts long texts).
RANK_NORMALISATION = 1
ARTICLE_RANK_WEIGHTS = "{0.02, 0.04, 0.2, 1.0}"


# -- schema -----------------------------------------------------------------------------


def create_text_search_configuration(db) -> None:
    """English stemming without a stop-word list, under the store's own name."""
    db.execute_raw(
        f"CREATE TEXT SEARCH DICTIONARY {TS_CONFIG}_stem (TEMPLATE = snowball, Language = english)"
    )
    db.execute_raw(f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = english)")
    db.execute_raw(
        f"""ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} ALTER MAPPING FOR
                asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH {TS_CONFIG}_stem"""
    )


def add_search_column(db, table: str, columns: Sequence[str]) -> None:
    """(Re)create `table.search`, the weighted tsvector of `columns`, and its GIN index."""
    weights = COLUMN_WEIGHTS[table]
    parts = []
    for column in columns:
        source = f"left({column}, {ARTICLE_INDEX_CHARS})" if table == "articles" else column
        parts.append(f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, {source}), '{weights[column]}')")
    db.execute_raw(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search")
    db.execute_raw(
        f"ALTER TABLE {table} ADD COLUMN search tsvector "
        f"GENERATED ALWAYS AS ({' || '.join(parts)}) STORED"
    )
    db.execute_raw(f"CREATE INDEX {table}_search ON {table} USING gin (search)")


# -- queries ----------------------------------------------------------------------------

TABLES = {"reference": "reference_claims", "claim": "claims"}
# A term's tsquery is parsed once (`tsqueries`) and passed as a value: a function call
# in the statement could run for every row the plan visits.
TERM_QUERY = "?::tsquery"

_parsed: dict[str, str] = {}


def tsqueries(store: "Store", terms: Sequence[str]) -> list[str]:
    """Each term as the text of its tsquery (a phrase when the parser splits it; "" when
    nothing of it is indexed), cached."""
    missing = [t for t in dict.fromkeys(terms) if t not in _parsed]
    if missing:
        for row in store.query(
            f"SELECT t, phraseto_tsquery('{TS_CONFIG}', t)::text AS q FROM unnest(?::text[]) AS t",
            [missing],
        ):
            _parsed[row["t"]] = row["q"]
        if len(_parsed) > 100_000:
            _parsed.clear()
    return [_parsed.get(t, "") for t in terms]


def count_term(store: "Store", kind: str, term: str, cap: int) -> int:
    [query] = tsqueries(store, [term])
    if not query:
        return 0
    table = TABLES[kind]
    return store.query(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {table} WHERE search @@ {TERM_QUERY} LIMIT ?) AS t",
        [query, cap],
    )[0]["n"]


def estimated_counts(store: "Store", kind: str, terms: Sequence[str]) -> dict[str, float]:
    """Document counts of those `terms` that the table's statistics list among the
    commonest lexemes of `search` (ANALYZE's sample: the share of rows holding the
    lexeme, times the table's estimated rows); terms it does not list, or whose query is
    more than one lexeme, are left out. Empty before the table's first ANALYZE."""
    if not terms:
        return {}
    table = TABLES[kind]
    rows = store.query(
        f"""WITH wanted AS (
                SELECT t, (tsvector_to_array(to_tsvector('{TS_CONFIG}', t)))[1] AS lexeme
                FROM unnest(?::text[]) AS t
                WHERE numnode(phraseto_tsquery('{TS_CONFIG}', t)) = 1),
            common AS (
                SELECT e.lexeme, e.share
                FROM pg_stats AS s,
                     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                         AS e(lexeme, share)
                WHERE s.schemaname = current_schema() AND s.tablename = ?
                  AND s.attname = 'search')
            SELECT w.t, c.share * greatest(r.reltuples, 0) AS n
            FROM wanted AS w
            JOIN common AS c ON c.lexeme = w.lexeme
            CROSS JOIN (SELECT reltuples FROM pg_class WHERE oid = ?::regclass) AS r""",
        [list(terms), table, table],
    )
    return {row["t"]: row["n"] for row in rows}


def max_id(store: "Store", kind: str) -> int:
    return store.query(f"SELECT coalesce(max(id), 0) AS n FROM {TABLES[kind]}")[0]["n"]


def _score_sql(store: "Store", terms: Sequence[str], rarity: Mapping[str, float], kind: str) -> tuple[str, list]:
    weights = REFERENCE_RANK_WEIGHTS
    column = "r.search" if kind == "reference" else "c.search"
    parts, params = [], []
    for term, query in zip(terms, tsqueries(store, terms)):
        parts.append(f"? * ts_rank('{weights}', {column}, {TERM_QUERY}, {RANK_NORMALISATION})")
        params.extend([rarity[term], query])
    return " + ".join(parts) or "0", params


def _any_of(store: "Store", terms: Sequence[str]) -> tuple[str, list]:
    return "(" + " || ".join(TERM_QUERY for _ in terms) + ")", tsqueries(store, terms)


def ranked_rows(
    store: "Store",
    kind: str,
    terms: Sequence[str],
    counts: Mapping[str, int],
    limit: int,
    exclude_article_id: int | None,
    required: Sequence[Sequence[str]] | None = None,
) -> list[tuple[float, dict]]:
    """The rows holding any of `terms` (or, given `required`, all the terms of one of its
    alternatives), ranked by summed rarity-weighted ts_rank."""
    total = max(max_id(store, kind), 1)
    rarity = {t: math.log(1.0 + total / max(counts.get(t, 1), 1)) for t in terms}
    score, score_params = _score_sql(store, terms, rarity, kind)
    if required:
        match = "(" + " || ".join(
            "(" + " && ".join(TERM_QUERY for _ in alternative) + ")" for alternative in required
        ) + ")"
        match_params = tsqueries(store, [t for alternative in required for t in alternative])
    else:
        match, match_params = _any_of(store, terms)
    if kind == "reference":
        sql = f"""SELECT r.id, r.text, r.title, r.source, r.url, r.rating, r.normalised_rating,
                         r.date, {score} AS rank
                  FROM reference_claims r WHERE r.search @@ {match}
                  ORDER BY rank DESC, r.id LIMIT ?"""
        params = [*score_params, *match_params, limit]
    else:
        sql = f"""SELECT c.id, c.text, '' AS title, a.source, a.url, '' AS rating,
                         '' AS normalised_rating, a.published AS date, {score} AS rank
                  FROM claims c JOIN articles a ON a.id = c.article_id
                  WHERE c.search @@ {match} AND c.checkworthy = 1
                    AND c.article_id != coalesce(?, 0)
                  ORDER BY rank DESC, c.id LIMIT ?"""
        params = [*score_params, *match_params, exclude_article_id, limit]
    return [(row.pop("rank"), row) for row in store.query(sql, params)]


def posting_ids(
    store: "Store", kind: str, matches: Sequence[tuple[float, Sequence[str], Sequence[str]]],
    limit: int,
) -> dict[int, float]:
    """Rows scored by the summed weights of the matches they satisfy; a match is
    (weight, any of these terms, and all of these terms)."""
    table = TABLES[kind]
    selects, params = [], []
    for weight, any_terms, all_terms in matches:
        conditions = []
        if any_terms:
            expr, expr_params = _any_of(store, any_terms)
            conditions.append(f"search @@ {expr}")
            params_here = [weight, *expr_params]
        else:
            params_here = [weight]
        for query in tsqueries(store, all_terms):
            conditions.append(f"search @@ {TERM_QUERY}")
            params_here.append(query)
        selects.append(f"SELECT id, ?::float8 AS weight FROM {table} WHERE {' AND '.join(conditions)}")
        params.extend(params_here)
    if not selects:
        return {}
    rows = store.query(
        f"""SELECT id, sum(weight) AS score FROM ({' UNION ALL '.join(selects)}) AS p
            GROUP BY id ORDER BY score DESC, id LIMIT ?""",
        [*params, limit],
    )
    return {row["id"]: row["score"] for row in rows}


def all_of_ids(store: "Store", kind: str, terms: Sequence[str], limit: int) -> list[int]:
    table = TABLES[kind]
    conditions = " AND ".join(f"search @@ {TERM_QUERY}" for _ in terms)
    return [row["id"] for row in store.query(
        f"SELECT id FROM {table} WHERE {conditions} LIMIT ?", [*tsqueries(store, terms), limit]
    )]


# -- the desk's search --------------------------------------------------------------------


def typed_words_query(words: Sequence[str]) -> str:
    """Typed words (letters and digits only) as to_tsquery input: all of them, the last
    as a prefix, as the desk's FTS5 query does."""
    parts = [f"'{w}'" for w in words]
    parts[-1] += ":*"
    return " & ".join(parts)


def search_claims(store: "Store", words: Sequence[str], limit: int) -> list[dict]:
    return store.query(
        f"""SELECT c.id, c.article_id, c.text, a.title FROM claims c
            JOIN articles a ON a.id = c.article_id
            WHERE c.search @@ to_tsquery('{TS_CONFIG}', ?) AND c.checkworthy = 1
              AND a.status != 'archived'
            ORDER BY ts_rank(c.search, to_tsquery('{TS_CONFIG}', ?)) DESC, c.id LIMIT ?""",
        [typed_words_query(words), typed_words_query(words), limit],
    )


def search_articles(store: "Store", words: Sequence[str], limit: int, snippet_words: int) -> list[dict]:
    query = typed_words_query(words)
    options = (f"StartSel=\"\", StopSel=\"\", MaxWords={snippet_words}, "
               f"MinWords={max(1, snippet_words // 2)}, ShortWord=0")
    rows = store.query(
        f"""SELECT a.id, a.title,
                   ts_headline('{TS_CONFIG}', left(a.text, {ARTICLE_INDEX_CHARS}),
                               to_tsquery('{TS_CONFIG}', ?), ?) AS snippet
            FROM articles a
            WHERE a.search @@ to_tsquery('{TS_CONFIG}', ?) AND a.status != 'archived'
            ORDER BY ts_rank('{ARTICLE_RANK_WEIGHTS}', a.search, to_tsquery('{TS_CONFIG}', ?)) DESC,
                     a.id
            LIMIT ?""",
        [query, options, query, query, limit],
    )
    for row in rows:
        row["snippet"] = f"…{row['snippet']}…"
    return rows
