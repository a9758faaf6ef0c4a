"""Upgrades and refusals: a version-1 store is upgraded (after a backup) with its data kept;
a newer, empty, random, truncated or foreign file is refused with its bytes unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import store.connection as store_connection
import store.references as store_references
from store import Store, StoreError, open_store, search
from store.models import ReferenceDraft
from store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import FIXTURES
from tests.fixtures.make_store_v1 import write_v1_store

V1_FIXTURE = FIXTURES / "store-v1.db"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master"))
    finally:
        conn.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(V1_FIXTURE, target)
    return target


def test_fixture_is_exactly_the_first_schema(tmp_path: Path) -> None:
    fresh = write_v1_store(tmp_path / "fresh-v1.db")
    assert schema_of(V1_FIXTURE) == schema_of(fresh)
    conn = sqlite3.connect(V1_FIXTURE)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    finally:
        conn.close()


def test_v1_store_is_upgraded_after_a_backup_and_keeps_its_data(v1_copy: Path) -> None:
    before = digest(v1_copy)
    s = Store(v1_copy)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert s.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
        article = s.get_article(1)
        assert article.title == "Rebuilding report"
        assert article.canonical_url == ""  # a column added by a later migration
        claims = s.claims_for_article(1, checkworthy_only=False)
        assert [c.text for c in claims] == [
            "The ministry said 1,200 homes were rebuilt in 2023.",
            "Officials blamed the delay on rain.",
            "Critics called the figure inflated.",
        ]
        assert all(article.text[c.start : c.end] == c.text for c in claims)
        assert claims[0].reasons == ("quantity", "date")
        assert {c.speaker for c in claims} == {""}  # a column added by a later migration
        assert (claims[0].verdict, claims[0].note) == ("corroborated", "Matches the ministry PDF.")
        assert [(h.verdict, h.previous_verdict) for h in s.verdict_history(1)] == [
            ("contested", None),
            ("corroborated", "contested"),
        ]
        assert [m.score for m in s.saved_matches(1)] == [87.5]
        # The full-text indexes came through the upgrade and still find old rows.
        assert [c.id for c in s.search_candidates('"ministry"', kinds=("reference",))] == [1]
        assert {c.id for c in s.search_candidates('"inflated"', kinds=("claim",))} == {3}
        # Every full-text index, including any a later migration added, covers the old rows.
        for row in s.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"):
            fts = row["name"]
            content = fts.removesuffix("_fts")
            with s.write() as conn:
                # rank = 1: also compare the index with its external content table.
                conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
            assert s.query(f"SELECT count(*) AS n FROM {content}")[0]["n"] > 0, fts
        # The upgraded store takes new writes.
        s.record_verdict(4, "unverified", checker="cy")
        assert s.get_claim(4).verdict == "unverified"
    finally:
        s.close()

    backup = v1_copy.with_name("old.db.v1.bak")
    assert backup.exists()
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM verdict_history").fetchone()[0] == 3
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert schema_of(backup) == schema_of(V1_FIXTURE)
    assert digest(v1_copy) != before  # sanity: the original really was upgraded in place


def test_upgrade_runs_once(v1_copy: Path) -> None:
    Store(v1_copy).close()
    backup = v1_copy.with_name("old.db.v1.bak")
    stamp = backup.stat().st_mtime_ns
    s = Store(v1_copy)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert s.count("verdict_history") == 3
    finally:
        s.close()
    assert backup.stat().st_mtime_ns == stamp
    assert not list(v1_copy.parent.glob("*.bak.old"))


def test_a_failing_migration_leaves_the_store_at_its_old_version(
    v1_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_migration(db) -> None:
        db.execute("ALTER TABLE articles ADD COLUMN half_done TEXT")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(store_connection, "MIGRATIONS", [*MIGRATIONS, broken_migration])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match=str(v1_copy)):
        Store(v1_copy)
    monkeypatch.undo()

    conn = sqlite3.connect(v1_copy)
    try:
        # Every migration commits on its own: the good ones stay, the broken one left nothing.
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [row[1] for row in conn.execute("PRAGMA table_info(articles)")]
        assert "half_done" not in columns
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert v1_copy.with_name("old.db.v1.bak").exists()


def test_newer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError) as raised:
        open_store(path)
    message = str(raised.value)
    assert str(path) in message and f"{SCHEMA_VERSION + 1}" in message
    assert "\n" not in message
    assert digest(path) == before
    assert not list(tmp_path.glob("*.bak"))


def _valid_store_bytes(tmp_path: Path) -> bytes:
    from store.models import ReferenceDraft

    source = tmp_path / "source.db"
    s = Store(source)
    s.add_reference_claims(
        ReferenceDraft(text=f"Reference claim {i} about harbour tolls and rates", source="x")
        for i in range(2000)
    )
    s.close()
    return source.read_bytes()


def _bad_files(tmp_path: Path) -> dict[str, bytes]:
    import random

    valid = _valid_store_bytes(tmp_path)
    rng = random.Random(8)
    return {
        "empty": b"",
        "random": bytes(rng.randrange(256) for _ in range(8192)),
        "text": b"not a database at all\n",
        "short header": b"SQLite format 3\x00" + b"\x00" * 20,
        "truncated to a tenth": valid[: len(valid) // 10],
        "truncated to half": valid[: len(valid) // 2],
        "truncated to 90%": valid[: len(valid) * 9 // 10],
    }


@pytest.mark.timeout(60)
def test_bad_store_files_are_refused_with_their_bytes_unchanged(tmp_path: Path) -> None:
    for name, content in _bad_files(tmp_path).items():
        path = tmp_path / f"{name.replace(' ', '-')}.db"
        path.write_bytes(content)
        with pytest.raises(StoreError) as raised:
            open_store(path)
        message = str(raised.value)
        assert str(path) in message, name
        assert "\n" not in message, name
        assert path.read_bytes() == content, f"{name}: the file was changed"
        assert not list(tmp_path.glob(f"{path.name}.v*.bak")), name


def test_foreign_sqlite_database_is_not_turned_into_a_store(tmp_path: Path) -> None:
    path = tmp_path / "someone-elses.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ana', '555-0100')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a claimdesk store"):
        open_store(path)
    assert path.read_bytes() == before


def test_store_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="not a regular file"):
        Store(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.timeout(20)
def test_store_path_that_is_a_pipe_or_device_is_refused_without_a_journal(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    with pytest.raises(StoreError, match="not a regular file"):
        open_store(pipe)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.db"]
    if Path(os.devnull).exists() and not Path(f"{os.devnull}-journal").exists():
        with pytest.raises(StoreError, match=os.devnull):
            open_store(os.devnull)
        assert not Path(f"{os.devnull}-journal").exists()
        assert not Path(f"{os.devnull}-wal").exists()


def _hex_reference_key(draft: ReferenceDraft) -> str:
    """How stores before version 10 keyed a reference claim."""
    parts = (" ".join(draft.text.split()).casefold(), draft.source.strip(), draft.url.strip())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def test_hex_reference_keys_become_binary_and_still_find_duplicates(
    store_location: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = ReferenceDraft(text="The bridge cost  4 million.", source="Checker", url="https://c.example/1")
    monkeypatch.setattr(store_connection, "MIGRATIONS", MIGRATIONS[:9])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", 9)
    monkeypatch.setattr(store_references, "reference_key", _hex_reference_key)
    old = Store(store_location)
    assert old.add_reference_claims([stored]) == (1, 0)
    old.close()
    monkeypatch.undo()

    s = Store(store_location)
    try:
        assert s.schema_version == SCHEMA_VERSION
        key = s.query("SELECT content_key FROM reference_claims")[0]["content_key"]
        assert bytes(key) == bytes.fromhex(_hex_reference_key(stored)[:32])
        same = ReferenceDraft(text="the bridge cost 4 million.", source="Checker", url="https://c.example/1")
        other = ReferenceDraft(text="The bridge cost 5 million.", source="Checker", url="https://c.example/1")
        assert s.add_reference_claims([same, other]) == (1, 1)
        assert s.count("reference_claims") == 2
    finally:
        s.close()
    if isinstance(store_location, Path):
        assert store_location.with_name(f"{store_location.name}.v9.bak").exists()


def test_a_version_10_store_gets_term_counts_of_the_claims_it_holds(
    store_location: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_connection, "MIGRATIONS", MIGRATIONS[:10])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", 10)
    old = Store(store_location)
    old.add_reference_claims(ReferenceDraft(f"Ferries run late in town{i}") for i in range(30))
    old.add_reference_claims([ReferenceDraft("The ferry is on time", title="Ferries")])
    old.close()
    monkeypatch.undo()

    s = Store(store_location)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert search.term_document_counts(s, ["ferries", "town7", "time", "absent"]) == {
            "ferries": 31, "town7": 1, "time": 1, "absent": 0}
        s.add_reference_claims([ReferenceDraft("Ferries are on time")])
        assert search.term_document_counts(s, ["ferries", "time"]) == {"ferries": 32, "time": 2}
        if s.engine != "sqlite":
            assert s.query("SELECT documents FROM reference_claims_term_counts WHERE lexeme = 'ferri'"
                           ) == [{"documents": 32}]
    finally:
        s.close()
    if isinstance(store_location, Path):
        assert store_location.with_name(f"{store_location.name}.v10.bak").exists()


# How version 11 kept the term counts on an insert: the counts, then the rare lexemes'
# ids in a second pass over the new rows.
V11_INSERT_COUNTS = """INSERT INTO reference_claims_term_counts AS kept (lexeme, documents)
                    SELECT lexeme, count(*) FROM new_rows AS changed, unnest(tsvector_to_array(changed.search)) AS lexeme
                    GROUP BY lexeme ORDER BY lexeme
                    ON CONFLICT (lexeme) DO UPDATE SET
                        documents = kept.documents + excluded.documents,
                        ids = CASE WHEN kept.documents + excluded.documents <= 5000 THEN kept.ids END;
                    UPDATE reference_claims_term_counts AS kept SET ids = coalesce(kept.ids, '{}') || added.ids
                    FROM (SELECT lexeme, array_agg(changed.id) AS ids
                          FROM new_rows AS changed, unnest(tsvector_to_array(changed.search)) AS lexeme
                          WHERE lexeme IN (SELECT lexeme FROM reference_claims_term_counts WHERE documents <= 5000)
                          GROUP BY lexeme) AS added
                    WHERE kept.lexeme = added.lexeme;
                END IF;
                IF TG_OP IN ('DELETE', 'UPDATE') THEN"""


def _kept_term_counts(store: Store) -> list[dict]:
    return store.query(
        """SELECT lexeme, documents, ARRAY(SELECT unnest(ids) ORDER BY 1) AS ids
           FROM reference_claims_term_counts ORDER BY lexeme""")


def _recounted_term_counts(store: Store) -> list[dict]:
    return store.query(
        """SELECT lexeme, count(*) AS documents,
                  CASE WHEN count(*) <= 5000 THEN array_agg(id ORDER BY id) END AS ids
           FROM reference_claims, unnest(tsvector_to_array(search)) AS lexeme
           GROUP BY lexeme ORDER BY lexeme""")


def test_a_version_11_postgres_store_gets_the_one_pass_term_count_trigger(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import pgsearch
    from store.doctor import check_store

    monkeypatch.setattr(store_connection, "MIGRATIONS", MIGRATIONS[:11])
    monkeypatch.setattr(store_connection, "SCHEMA_VERSION", 11)
    old = Store(postgres_url)
    body = pgsearch.term_count_function_body("reference_claims")
    start = body.index("INSERT INTO reference_claims_term_counts")
    end = body.index("IF TG_OP IN ('DELETE', 'UPDATE') THEN") + len("IF TG_OP IN ('DELETE', 'UPDATE') THEN")
    with old.write() as conn:
        conn.execute(f"""CREATE OR REPLACE FUNCTION reference_claims_term_counts_kept() RETURNS trigger
                         LANGUAGE plpgsql SET search_path FROM CURRENT
                         AS $${body[:start]}{V11_INSERT_COUNTS}{body[end:]}$$""")
    old.add_reference_claims(ReferenceDraft(f"Ferries run late in town{i % 40}") for i in range(120))
    old.close()
    monkeypatch.undo()

    s = Store(postgres_url)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert s.query("SELECT prosrc FROM pg_proc WHERE proname = 'reference_claims_term_counts_kept'"
                       ) == [{"prosrc": body}]
        assert all(f.ok for f in check_store(s))
        s.add_reference_claims([ReferenceDraft("Ferries are on time"),
                                ReferenceDraft("Ferries run late in town3")])
        s.add_reference_claims(ReferenceDraft(f"Ferries run late in town{i}") for i in range(30, 70))
        assert s.count("reference_claims") == 40 + 1 + 30
        assert _kept_term_counts(s) == _recounted_term_counts(s)
    finally:
        s.close()
