"""`claimdesk assign`, `export --reviewed`, `verdict --evidence` and `evidence`, on a real store
file and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import Store, team
from tests.cli.test_cli import json_lines, one_error_line, run
from tests.tui.conftest import seed_store


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, dict[str, int]]:
    path = tmp_path / "team.db"
    store = Store(path)
    ids = seed_store(store)
    store.close()
    return str(path), ids


def test_assign_gives_an_article_to_a_checker_and_takes_it_back(capsys, db) -> None:
    path, ids = db
    code, out, _ = run(capsys, "assign", str(ids["first"]), "ana", "--db", path)
    assert code == 0 and out == f"article {ids['first']}: assigned to ana\n"
    store = Store(path)
    try:
        assert team.assignees(store, [ids["first"]]) == {ids["first"]: "ana"}
        run(capsys, "assign", str(ids["first"]), "bo", "--db", path)
        assert team.assignees(store, [ids["first"]]) == {ids["first"]: "bo"}
        code, out, _ = run(capsys, "assign", str(ids["first"]), "", "--db", path)
        assert code == 0 and out.endswith("unassigned\n")
        assert team.assignees(store, [ids["first"]]) == {}
    finally:
        store.close()


def test_assign_names_an_unknown_article_or_store(capsys, db, tmp_path: Path) -> None:
    path, _ = db
    code, _, err = run(capsys, "assign", "999", "ana", "--db", path)
    assert code == 1
    one_error_line(err, "999")
    missing = tmp_path / "nowhere.db"
    code, _, err = run(capsys, "assign", "1", "ana", "--db", str(missing))
    assert code == 1 and not missing.exists()
    one_error_line(err, str(missing))


def test_export_reviewed_keeps_only_verdicts_an_editor_settled(capsys, db) -> None:
    path, ids = db
    store = Store(path)
    try:
        claims = store.claims_for_article(ids["first"])
        store.record_verdict(claims[0].id, "contested", checker="ana")
        store.record_verdict(claims[1].id, "corroborated", checker="ana")
        store.record_verdict(claims[2].id, "unverified", checker="ana")
        team.settle_review(store, [(claims[1].id, "corroborated")], "ed")
        team.settle_review(store, [(claims[2].id, "unverified")], "ed")
        store.record_verdict(claims[2].id, "contested", checker="bo")  # changed after review
    finally:
        store.close()
    code, out, _ = run(capsys, "export", "--format", "jsonl", "--reviewed", "--db", path)
    assert code == 0
    assert [(r["claim_id"], r["verdict"], r["checker"]) for r in json_lines(out)] == [
        (claims[1].id, "corroborated", "ed")]
    code, out, _ = run(capsys, "export", "--format", "jsonl", "--db", path)
    assert len(json_lines(out)) == 3


def test_a_wrong_database_name_says_how_to_create_or_correct_it(capsys, postgres_server) -> None:
    url = postgres_server.url("newsrom")
    code, _, err = run(capsys, "list", "--db", url)
    assert code == 1
    one_error_line(err, 'database "newsrom" does not exist', "createdb newsrom",
                   "correct the database name")
    assert "FATAL" not in err and "fATAL" not in err and "server is running" not in err
    code, _, err = run(capsys, "assign", "1", "ana", "--db", postgres_server.url(),
                       "--db", postgres_server.url("newsrom"))
    assert code == 1
    one_error_line(err, "createdb newsrom")


def test_assign_to_a_name_new_to_the_store_says_so_and_names_the_known_ones(capsys, db) -> None:
    path, ids = db
    store = Store(path)
    try:
        store.record_verdict(store.claims_for_article(ids["first"])[0].id, "contested",
                             checker="ana")
    finally:
        store.close()
    code, out, err = run(capsys, "assign", str(ids["first"]), "anna", "--db", path)
    assert code == 0 and out == f"article {ids['first']}: assigned to anna\n"
    one_error_line(err, "anna", "known: ana", f"assign article {ids['first']} again")
    code, out, err = run(capsys, "assign", str(ids["first"]), "ana", "--db", path)
    assert code == 0 and err == ""
    # Once given an article, a new name is known: no second warning.
    run(capsys, "assign", str(ids["second"]), "anna", "--db", path)
    code, _, err = run(capsys, "assign", str(ids["second"]), "anna", "--db", path)
    assert code == 0 and err == ""
    store = Store(path)
    try:
        assert team.assignees(store, [ids["first"], ids["second"]]) == {
            ids["first"]: "ana", ids["second"]: "anna"}
    finally:
        store.close()


def test_a_url_libpq_refuses_asks_for_the_url_to_be_corrected(capsys, postgres_server) -> None:
    for extra, named in (("&foo=bar", '"foo"'), ("&sslmode=bogus", '"bogus"')):
        code, _, err = run(capsys, "list", "--db", postgres_server.url() + extra)
        assert code == 1
        one_error_line(err, named, "correct that part of the URL")
        assert "server is running" not in err


def test_a_verdict_and_its_evidence_land_together_on_postgresql(capsys, postgres_url) -> None:
    store = Store(postgres_url)
    try:
        ids = seed_store(store)
        claim_id = store.claims_for_article(ids["first"])[0].id
    finally:
        store.close()
    code, _, err = run(capsys, "verdict", str(claim_id), "contested", "--evidence", "ftp://x.example/a",
                       "--db", postgres_url)
    assert code == 1
    one_error_line(err, "ftp://x.example/a")
    code, out, _ = run(capsys, "verdict", str(claim_id), "contested", "--evidence", "https://x.example/a",
                       "--db", postgres_url)
    assert code == 0 and out.strip() == f"claim {claim_id}: contested, 1 evidence link added"
    store = Store(postgres_url)
    try:
        assert store.get_claim(claim_id).verdict == "contested"
        assert [e.url for e in store.evidence_for(claim_id)] == ["https://x.example/a"]
        assert len(store.verdict_history(claim_id)) == 1  # the refused call recorded nothing
    finally:
        store.close()
    code, _, err = run(capsys, "evidence", str(claim_id), "--add", "https://x.example/b",
                       "--remove", "https://x.example/never", "--db", postgres_url)
    assert code == 1 and "never" in err
    code, out, _ = run(capsys, "evidence", str(claim_id), "--remove", "https://x.example/a", "--db", postgres_url)
    assert code == 0 and out == f"claim {claim_id}: 0 links added, 1 link removed\n"  # and b was never added
