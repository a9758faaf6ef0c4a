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
import weakref
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


# Per-lexeme document counts of a table's `search` column, kept by triggers (see
# `create_term_counts`).
TERM_COUNT_TABLES = {"reference_claims": "reference_claims_term_counts"}


# A lexeme held by at most this many rows keeps their ids beside its count: the rare
# terms whose rows a search gathers (those under `store.search.COUNT_CAP`) are read
# from there rather than from the GIN index, which finds a row's id only by visiting
# the row itself (one heap page per row: most of a search's time at a million claims).
IDS_KEPT_UP_TO = 5_000
# A stored lexeme as the tsquery of that lexeme alone: quoted, its backslashes and
# quotes escaped (chr(39) is a quote, chr(92) a backslash).
LEXEME_QUERY = ("(chr(39) || replace(replace(locked.lexeme, chr(92), chr(92) || chr(92)), "
                "chr(39), chr(39) || chr(39)) || chr(39))::tsquery")


def create_term_counts(db, table: str) -> None:
    """(Re)create the table of how many rows of `table` hold each lexeme of `search`
    (and, for a lexeme in at most `IDS_KEPT_UP_TO` rows, their ids), filled from the
    rows there, and the statement triggers that keep it exact in the same transaction
    as every insert, delete, update, COPY or TRUNCATE of `table`: a term's document
    count, and a rare term's rows, are then one index lookup. A GIN index can only
    count a term's rows by building the bitmap of all of them (15-70 ms for a term in a
    few thousand rows at a million claims). Lexemes are written in sorted order, so two
    writers never wait on each other's rows in opposite orders."""
    counts = TERM_COUNT_TABLES[table]
    db.execute_raw(f"DROP TABLE IF EXISTS {counts}")
    db.execute_raw(
        f"""CREATE TABLE {counts} (lexeme text COLLATE "C" PRIMARY KEY,
                                   documents bigint NOT NULL, ids bigint[])"""
    )
    # Ids are stored uncompressed: compressing every changed list again made keeping
    # them cost three to nine times the server time (bench/NOTES.md).
    db.execute_raw(f"ALTER TABLE {counts} ALTER COLUMN ids SET STORAGE EXTERNAL")
    create_term_count_triggers(db, table)
    db.execute_raw("SET LOCAL work_mem = '64MB'")
    db.execute_raw(
        f"""INSERT INTO {counts} (lexeme, documents, ids)
            SELECT lexeme, count(*), {_kept_ids()} FROM {table} AS changed, {LEXEMES} AS lexeme
            GROUP BY lexeme"""
    )


LEXEMES = "unnest(tsvector_to_array(changed.search))"


def _kept_ids() -> str:
    """A lexeme's ids, aggregated over `changed`, when it is kept in few enough rows."""
    return f"CASE WHEN count(*) <= {IDS_KEPT_UP_TO} THEN array_agg(changed.id) END"


def term_count_function(table: str) -> str:
    """The name of the trigger function keeping `table`'s term counts."""
    return f"{TERM_COUNT_TABLES[table]}_kept"


def term_count_function_body(table: str) -> str:
    """The body of `term_count_function(table)`, as the server stores it (`doctor`
    compares the two).

    An insert's lexemes are counted, and the ids of those that stay under the limit
    gathered, in one pass over the new rows (a pass for the counts, then one for the
    ids, took a tenth to twice as long: bench/NOTES.md). The tables are found in the store's own
    schema whatever the writer's search path. A lexeme whose rows fall back under the
    limit (a delete) has its ids gathered again from the table, through the GIN index."""
    counts = TERM_COUNT_TABLES[table]
    lexemes = LEXEMES
    kept_ids = _kept_ids()
    return f"""
            BEGIN
                IF TG_OP = 'TRUNCATE' THEN
                    TRUNCATE {counts};
                    RETURN NULL;
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO {counts} AS kept (lexeme, documents, ids)
                    SELECT lexeme, count(*), {kept_ids}
                    FROM new_rows AS changed, {lexemes} AS lexeme
                    GROUP BY lexeme ORDER BY lexeme
                    ON CONFLICT (lexeme) DO UPDATE SET
                        documents = kept.documents + excluded.documents,
                        ids = CASE WHEN kept.documents + excluded.documents <= {IDS_KEPT_UP_TO}
                                   THEN coalesce(kept.ids, '{{}}') || excluded.ids END;
                END IF;
                IF TG_OP IN ('DELETE', 'UPDATE') THEN
                    WITH gone AS (
                        SELECT lexeme, count(*) AS documents, array_agg(changed.id) AS ids
                        FROM old_rows AS changed, {lexemes} AS lexeme GROUP BY lexeme),
                    locked AS (
                        SELECT kept.lexeme, kept.documents - gone.documents AS documents,
                               kept.ids AS ids_were, gone.ids AS ids_gone
                        FROM {counts} AS kept JOIN gone USING (lexeme)
                        ORDER BY kept.lexeme FOR UPDATE OF kept),
                    emptied AS (
                        DELETE FROM {counts} AS kept USING locked
                        WHERE kept.lexeme = locked.lexeme AND locked.documents <= 0)
                    UPDATE {counts} AS kept SET
                        documents = locked.documents,
                        ids = CASE
                            WHEN locked.documents > {IDS_KEPT_UP_TO} THEN NULL
                            WHEN locked.ids_were IS NOT NULL THEN ARRAY(
                                SELECT unnest(locked.ids_were) EXCEPT ALL SELECT unnest(locked.ids_gone))
                            ELSE ARRAY(
                                SELECT held.id FROM {table} AS held
                                WHERE held.search @@ {LEXEME_QUERY})
                            END
                    FROM locked
                    WHERE kept.lexeme = locked.lexeme AND locked.documents > 0;
                END IF;
                RETURN NULL;
            END """


def create_term_count_triggers(db, table: str) -> None:
    """(Re)create the function and the statement triggers that keep `table`'s term
    counts (`create_term_counts`). The aggregate of a large import holds a few hundred
    thousand lexemes: in memory rather than spilled to disk."""
    counts = TERM_COUNT_TABLES[table]
    function = term_count_function(table)
    db.execute_raw(
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql
            SET work_mem = '64MB' SET search_path FROM CURRENT AS $${term_count_function_body(table)}$$"""
    )
    for event, transitions in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        db.execute_raw(f"DROP TRIGGER IF EXISTS {counts}_{event.lower()} ON {table}")
        db.execute_raw(
            f"""CREATE TRIGGER {counts}_{event.lower()} AFTER {event} ON {table}
                REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""
        )
    db.execute_raw(f"DROP TRIGGER IF EXISTS {counts}_truncate ON {table}")
    db.execute_raw(
        f"""CREATE TRIGGER {counts}_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""
    )


# -- queries ----------------------------------------------------------------------------

TABLES = {"reference": "reference_claims", "claim": "claims"}
# A term's tsquery is parsed once (`tsqueries`) and passed as a value: a function call
# in the statement could run for every row the plan visits.
TERM_QUERY = "?::tsquery"

_parsed: dict[str, str] = {}
# Each term's lexeme, for a term of one (None for a phrase), as `document_counts` found.
_lexemes: dict[str, str | None] = {}


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
            _lexemes.clear()
    return [_parsed.get(t, "") for t in terms]


def count_terms(store: "Store", kind: str, terms: Sequence[str], cap: int) -> dict[str, int]:
    """How many rows of `kind` hold each term, counted from the GIN index up to `cap`, all
    the terms in one statement."""
    terms = list(dict.fromkeys(terms))
    queries = tsqueries(store, terms)
    counts = {term: 0 for term, query in zip(terms, queries) if not query}
    asked = [(term, query) for term, query in zip(terms, queries) if query]
    if asked:
        table = TABLES[kind]
        for row in store.query(
            f"""SELECT w.t, (SELECT count(*) FROM (SELECT 1 FROM {table}
                             WHERE search @@ w.q::tsquery LIMIT ?) AS held) AS n
                FROM unnest(?::text[], ?::text[]) AS w (t, q)""",
            [cap, [t for t, _ in asked], [q for _, q in asked]],
        ):
            counts[row["t"]] = row["n"]
    return counts


# A phrase's count (a term the parser splits: "obama's") is read from the GIN index,
# which re-checks the words' positions in every row holding all of them (up to 50 ms for
# a phrase of two common words at a million claims). Counted phrases are kept per store,
# keyed by the table's highest id and the kept counts of the phrase's lexemes: a row
# holding every word of the phrase cannot be added or removed without changing those.
_phrase_counts: "weakref.WeakKeyDictionary[Store, dict[tuple, int]]" = weakref.WeakKeyDictionary()
PHRASE_COUNTS_KEPT = 10_000


def keeps_term_counts(kind: str) -> bool:
    """Whether the store keeps per-lexeme document counts of `kind`'s table."""
    return TABLES[kind] in TERM_COUNT_TABLES


def document_counts(store: "Store", kind: str, terms: Sequence[str], cap: int) -> dict[str, int]:
    """How many rows of `kind` hold each term: for a term of one lexeme, the count kept
    in the table's term counts (exact, one lookup for them all); for a term the parser
    splits into a phrase ("al-Duhur"), or a table without term counts, counted from the
    GIN index up to `cap`."""
    table = TABLES[kind]
    counts_table = TERM_COUNT_TABLES.get(table)
    if counts_table is None:
        return count_terms(store, kind, terms, cap)
    counts: dict[str, int] = {}
    rows = store.query(
        f"""SELECT w.t, w.q::text AS q, numnode(w.q) AS nodes, w.lexemes[1] AS lexeme,
                   coalesce(c.documents, 0) AS documents,
                   CASE WHEN numnode(w.q) > 1 THEN ARRAY(
                       SELECT coalesce(k.documents, 0) FROM unnest(w.lexemes) AS l (lexeme)
                       LEFT JOIN {counts_table} AS k ON k.lexeme = l.lexeme ORDER BY l.lexeme)
                   END AS phrase_documents,
                   (SELECT max(id) FROM {table}) AS last_id
            FROM (SELECT t, phraseto_tsquery('{TS_CONFIG}', t) AS q,
                         tsvector_to_array(to_tsvector('{TS_CONFIG}', t)) AS lexemes
                  FROM unnest(?::text[]) AS t) AS w
            LEFT JOIN {counts_table} AS c ON numnode(w.q) = 1 AND c.lexeme = w.lexemes[1]""",
        [list(dict.fromkeys(terms))],
    )
    kept = _phrase_counts.setdefault(store, {})
    phrases: dict[str, tuple] = {}
    for row in rows:
        _parsed[row["t"]] = row["q"]
        _lexemes[row["t"]] = row["lexeme"] if row["nodes"] == 1 else None
        if row["nodes"] <= 1:
            counts[row["t"]] = row["documents"] if row["nodes"] else 0
        elif min(row["phrase_documents"], default=0) == 0:
            counts[row["t"]] = 0  # a word of the phrase is in no row
        else:
            key = (row["t"], cap, row["last_id"], tuple(row["phrase_documents"]))
            if key in kept:
                counts[row["t"]] = kept[key]
            else:
                phrases[row["t"]] = key
    if phrases:
        if len(kept) > PHRASE_COUNTS_KEPT:
            kept.clear()
        for term, count in count_terms(store, kind, list(phrases), cap).items():
            counts[term] = kept[phrases[term]] = count
    return counts


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
    (weight, any of these terms, and all of these terms). A match of one term of one
    lexeme whose ids the term counts keep reads them there (the GIN index, which finds
    ids only by visiting each row, is read for it only if they are not kept)."""
    table = TABLES[kind]
    counts_table = TERM_COUNT_TABLES.get(table)
    selects, params = [], []
    for weight, any_terms, all_terms in matches:
        lexeme = _lexemes.get(any_terms[0]) if len(any_terms) == 1 and not all_terms else None
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
        if counts_table is not None and lexeme is not None:
            kept = f"SELECT 1 FROM {counts_table} WHERE lexeme = ? AND ids IS NOT NULL"
            selects.append(f"SELECT unnest(ids) AS id, ?::float8 AS weight FROM {counts_table} "
                           "WHERE lexeme = ? AND ids IS NOT NULL")
            params.extend([weight, lexeme])
            conditions.insert(0, f"NOT EXISTS ({kept})")
            params_here.insert(1, lexeme)
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
