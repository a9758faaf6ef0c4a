"""The store on PostgreSQL, where it differs from SQLite: opening and upgrading a
database, the server's errors as sentences (never with a password), other writers, a
server that goes away, the command line with a URL, and `claimdesk copy` both ways.

Each test gets a new database on the throwaway server of `tests/pgserver.py`.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import operations
from store import Store, StoreError, engine, search, verdicts
from store import schema as schema_module
from store.doctor import check_store
from store.errors import StoreUnreachable
from store.models import ArticleDraft, ReferenceDraft
from store.schema import SCHEMA_VERSION
from tui.cli import main


def _seed(store: Store) -> None:
    """The demo store (references, an article matched against them) with verdicts,
    notes, evidence, an undo and a feed: something in every table."""
    operations.seed_demo(store)
    claims = [c for a in store.list_articles() for c in store.claims_for_article(a.id)]
    store.record_verdict(claims[0].id, "contested", note="no source — “quoted”", checker="ana")
    store.record_verdict(claims[1].id, "corroborated", checker="ben")
    store.record_verdict(claims[1].id, "unverified", checker="ben")
    verdicts.undo_last(store, "ben")
    store.add_evidence(claims[0].id, "https://example.org/evidence", checker="ana")
    from store import feeds

    feed, _ = feeds.add_feed(store, "https://example.org/feed.xml", "Example")
    feeds.mark_entries_seen(store, feed.id, [("entry-1", claims[0].article_id)])


def test_a_new_database_is_migrated_to_the_current_version_once(postgres_url: str) -> None:
    store = Store(postgres_url)
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    again = Store(postgres_url)  # nothing left to migrate: no error for existing tables
    assert again.schema_version == SCHEMA_VERSION
    assert all(f.ok for f in check_store(again))
    again.close()


def test_a_newer_store_is_refused_and_left_as_it_is(postgres_url: str) -> None:
    Store(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE claimdesk_schema SET version = %s", [SCHEMA_VERSION + 1])
    with pytest.raises(StoreError, match="newer than this claimdesk knows"):
        Store(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version FROM claimdesk_schema").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_database_of_another_program_is_not_turned_into_a_store(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id integer)")
    with pytest.raises(StoreError, match="holds tables but is not a claimdesk store"):
        Store(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("payroll",)]


def test_a_failing_migration_leaves_the_database_at_its_old_version(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(db) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema_module, "MIGRATIONS", [*schema_module.MIGRATIONS[:2], half_done])
    monkeypatch.setattr("store.connection.MIGRATIONS", schema_module.MIGRATIONS)
    monkeypatch.setattr("store.connection.SCHEMA_VERSION", 3)
    with pytest.raises(RuntimeError, match="migration bug"):
        Store(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version FROM claimdesk_schema").fetchone()[0] == 2
        assert conn.execute("SELECT to_regclass('half_done')").fetchone()[0] is None


def test_errors_that_are_bugs_surface_as_themselves(postgres_url: str) -> None:
    store = Store(postgres_url)
    with pytest.raises(psycopg.errors.UndefinedTable):
        store.query("SELECT * FROM no_such_table")
    with pytest.raises(psycopg.errors.CheckViolation):
        with store.write() as conn:
            conn.execute("INSERT INTO verdicts (claim_id, verdict, updated_at) VALUES (1, 'maybe', 'x')")
    store.record_verdict([], "contested")  # the connection is usable after the rollback
    store.close()


def test_a_password_is_never_in_a_message(postgres_server) -> None:
    url = postgres_server.url("no_such_db").replace("@", ":hunter2secret@", 1)
    url = url.replace(f"//{postgres_server.user}", "//nobody", 1)
    with pytest.raises(StoreError) as caught:
        Store(url)
    assert "hunter2secret" not in str(caught.value)
    assert "nobody:***@" in str(caught.value)
    assert engine.redact("postgresql://u@h/db?password=hunter2secret&sslmode=require") == (
        "postgresql://u@h/db?password=***&sslmode=require"
    )


def test_a_writer_waits_for_another_then_says_busy(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Store(postgres_url)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    second = Store(postgres_url)
    article = first.add_article
    with first.write():
        with pytest.raises(StoreError, match="is busy: another claimdesk kept it locked"):
            second.add_reference_claims([])
    second.add_reference_claims([])  # free again: the write goes through
    assert article  # the first store's transaction committed normally
    first.close()
    second.close()


def test_a_dropped_connection_is_one_sentence_then_opened_again(postgres_url: str, postgres_server) -> None:
    store = Store(postgres_url)
    pid = store.query("SELECT pg_backend_pid() AS pid")[0]["pid"]
    postgres_server.admin(f"SELECT pg_terminate_backend({pid})")
    with pytest.raises(StoreUnreachable, match=r"^The store postgresql://\S+ cannot be reached \(terminating"):
        store.query("SELECT count(*) FROM articles")
    # The statement that met the loss failed; the next one gets a new connection.
    assert store.query("SELECT count(*) AS n FROM articles") == [{"n": 0}]
    assert store.query("SELECT pg_backend_pid() AS pid")[0]["pid"] != pid
    store.close()


def test_the_command_line_takes_a_url_from_db_or_the_environment(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--db", postgres_url, "demo"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CLAIMDESK_DB", postgres_url)
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    store = Store(postgres_url)
    assert store.list_articles()[0].title in listed
    store.close()
    assert main(["doctor"]) == 0
    assert "PROBLEM" not in capsys.readouterr().out


def _export(location: str | Path, capsys: pytest.CaptureFixture) -> dict[str, str]:
    exports = {}
    for form in ("json", "csv", "md"):
        assert main(["--db", str(location), "export", "--format", form]) == 0
        exports[form] = capsys.readouterr().out
    return exports


def test_copy_round_trip_sqlite_postgres_sqlite_keeps_every_row_and_export(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture
) -> None:
    original = tmp_path / "original.db"
    store = Store(original)
    _seed(store)
    counts = {t: store.query(f'SELECT count(*) AS n FROM "{t}"')[0]["n"]
              for t in ("articles", "claims", "reference_claims", "verdicts", "verdict_history",
                        "claim_matches", "evidence", "feeds", "feed_entries")}
    store.close()
    assert all(counts.values()), counts
    before = _export(original, capsys)
    assert "contested" in before["json"] and "ben" in before["csv"]

    assert main(["copy", str(original), postgres_url]) == 0
    assert "counts equal and doctor passes" in capsys.readouterr().out
    assert _export(postgres_url, capsys) == before
    back = tmp_path / "back.db"
    assert main(["copy", postgres_url, str(back)]) == 0
    capsys.readouterr()
    assert _export(back, capsys) == before

    copied = Store(back)
    assert {t: copied.query(f'SELECT count(*) AS n FROM "{t}"')[0]["n"] for t in counts} == counts
    assert all(f.ok for f in check_store(copied))
    # The copies are stores to work on: search finds, and new rows get new ids.
    claim = copied.claims_for_article(copied.list_articles()[0].id)[0]
    assert search.search_claims(copied, claim.text.split()[0])
    copied.close()
    on_server = Store(postgres_url)
    article_id, created = on_server.add_article(ArticleDraft(title="New", text="A new article."), [])
    assert created and article_id == counts["articles"] + 1
    on_server.close()


def test_copy_refuses_a_target_that_holds_data_and_changes_nothing(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture
) -> None:
    source = tmp_path / "source.db"
    store = Store(source)
    _seed(store)
    store.close()
    target = Store(postgres_url)
    target.add_reference_claims([ReferenceDraft("Kept.")])
    target.close()
    assert main(["copy", str(source), postgres_url]) == 1
    assert "already holds data (reference_claims)" in capsys.readouterr().err
    target = Store(postgres_url)
    assert target.count("reference_claims") == 1 and target.count("articles") == 0
    target.close()
    assert main(["copy", str(tmp_path / "missing.db"), postgres_url]) == 1
    assert "There is no store at" in capsys.readouterr().err


RECOUNT = """SELECT lexeme, count(*) AS documents, array_agg(id ORDER BY id) AS ids
             FROM reference_claims, unnest(tsvector_to_array(search)) AS lexeme
             GROUP BY lexeme ORDER BY lexeme"""


def _kept_counts_equal_a_recount(store: Store, ids_up_to: int = search.pgsearch.IDS_KEPT_UP_TO) -> bool:
    kept = store.query("""SELECT lexeme, documents, ARRAY(SELECT unnest(ids) ORDER BY 1) AS ids
                          FROM reference_claims_term_counts ORDER BY lexeme""")
    recounted = store.query(RECOUNT)
    for row in recounted:
        if row["documents"] > ids_up_to:
            row["ids"] = []  # not kept: ARRAY() of NULL's elements
    return kept == recounted


def test_the_kept_term_counts_equal_a_recount_after_every_kind_of_write(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ids kept up to 50 rows a lexeme here, so that lexemes cross the limit both ways.
    monkeypatch.setattr(search.pgsearch, "IDS_KEPT_UP_TO", 50)
    store = Store(postgres_url)
    try:
        store.add_reference_claims(
            ReferenceDraft(f"{'Ferries' if i % 3 else 'Buses'} run late in town{i % 50} today",
                           title="Transport" if i % 7 == 0 else "", url=f"https://t.example/{i}")
            for i in range(2_000)
        )
        assert len(store.query(RECOUNT)) > 50
        assert _kept_counts_equal_a_recount(store, 50)
        assert store.query("SELECT ids FROM reference_claims_term_counts WHERE lexeme = 'ferri'"
                           ) == [{"ids": None}]
        # Written by hand, as another program might: row by row, edits, deletes, COPY.
        with store.write() as conn:
            conn.execute("INSERT INTO reference_claims (text, content_key, added_at) VALUES (?, ?, ?)",
                         ["Trams run early, it's O'Neil\\'s", b"t" * 16, "2026-01-01"])
            conn.execute("UPDATE reference_claims SET title = 'Ferries' WHERE id % 9 = 0")
            conn.execute("DELETE FROM reference_claims WHERE text LIKE 'Buses%' AND id % 2 = 0")
            with conn.raw.cursor().copy(
                "COPY reference_claims (text, content_key, added_at) FROM STDIN"
            ) as copy:
                copy.write_row(["Trams run late", b"u" * 16, "2026-01-01"])
        assert _kept_counts_equal_a_recount(store, 50)
        assert store.query("SELECT documents FROM reference_claims_term_counts WHERE lexeme = 'tram'"
                           ) == [{"documents": 2}]
        # Most lexemes fall back under the limit: their ids are gathered again.
        with store.write() as conn:
            conn.execute("DELETE FROM reference_claims WHERE id > 45 AND id < 2000")
        assert _kept_counts_equal_a_recount(store, 50)
        assert search.term_document_counts(store, ["ferries"])["ferries"] < 50  # its lexeme, and ids kept
        assert search.pgsearch.posting_ids(store, "reference", [(1.0, ["ferries"], [])], 100) == {
            row["id"]: 1.0 for row in store.query(
                "SELECT id FROM reference_claims WHERE text LIKE 'Ferries%' OR title = 'Ferries'")}
        with store.write() as conn:
            conn.execute("TRUNCATE reference_claims CASCADE")
        assert store.query("SELECT count(*) AS n FROM reference_claims_term_counts") == [{"n": 0}]
    finally:
        store.close()


def test_a_store_copied_into_postgresql_has_its_term_counts(postgres_url: str, tmp_path: Path) -> None:
    source = Store(tmp_path / "source.db")
    source.add_reference_claims(ReferenceDraft(f"Ferries run late in town{i}") for i in range(600))
    source.close()
    assert main(["copy", str(tmp_path / "source.db"), postgres_url]) == 0
    target = Store(postgres_url)
    try:
        assert _kept_counts_equal_a_recount(target)
        assert search.term_document_counts(target, ["ferries", "town7"]) == {"ferries": 600, "town7": 1}
    finally:
        target.close()
    # Back to SQLite: the counts are the PostgreSQL store's own, not a table to copy.
    assert main(["copy", postgres_url, str(tmp_path / "back.db")]) == 0
