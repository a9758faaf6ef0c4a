"""The command line finishes the loop and says what it did: matches stay current as
references and articles arrive, verdicts new evidence disagrees with are listed, claim
ids are listed, and bad input gets one line naming it."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from ingest.sources import MAX_SOURCE_BYTES
from store import Store
from tests.cli.test_cli import REFERENCES, json_lines, one_error_line, run
from tests.conftest import PROJECT_ROOT, SAMPLE_ARTICLE

ASTANA_FALSE = {"text": "The Idlib de-escalation zone was agreed by Turkey, Iran and Russia at the Astana talks.",
                "source": "Checker C", "url": "https://c.example/3", "rating": "False", "date": "2017-10-01"}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "loop.db")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def astana_claim_id(db: str) -> int:
    store = Store(db)
    try:
        [claim] = [c for c in store.claims_for_article(store.list_articles()[0].id) if "Astana" in c.text]
        return claim.id
    finally:
        store.close()


# -- matches stay current ---------------------------------------------------------------


def test_references_imported_after_the_article_reach_its_claims_and_the_export(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    claim_id = astana_claim_id(db)
    run(capsys, "--db", db, "verdict", str(claim_id), "corroborated")

    code, out, err = run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", REFERENCES)))
    assert code == 0 and err == ""
    added, rematched = out.splitlines()
    assert added == "2 added, 0 skipped as duplicates" and rematched.startswith("re-matched ")

    _, out, _ = run(capsys, "--db", db, "export", "--format", "json")
    [record] = json.loads(out)
    assert record["claim_id"] == claim_id
    assert record["best_match_source"] == "Checker B" and record["best_match_rating"] == "True"
    assert record["corroborating_sources"] == 1 and record["earliest_seen"] == "2017-09-15"


def test_an_article_arriving_later_reaches_the_claims_it_repeats(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    claim_id = astana_claim_id(db)
    later = tmp_path / "later.txt"
    later.write_text("Ceasefire talks\n\nThe Idlib de-escalation zone was agreed by Turkey, Iran and Russia "
                     "at the Astana talks on Syria.\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "ingest", str(later), "--json")
    assert code == 0
    [row] = json_lines(out)
    store = Store(db)
    later_claims = {c.id for c in store.claims_for_article(row["article_id"])}
    best = store.saved_matches(claim_id)[0]
    assert best.candidate.kind == "claim" and best.candidate.id in later_claims
    store.close()


# -- new evidence --------------------------------------------------------------------------


def test_a_false_rating_arriving_for_a_corroborated_claim_is_listed_as_stale(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", REFERENCES)))
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    claim_id = astana_claim_id(db)
    run(capsys, "--db", db, "verdict", str(claim_id), "corroborated")
    code, out, _ = run(capsys, "--db", db, "stale", "--json")
    assert code == 0 and out == ""  # the true rating was there before the verdict

    _, out, _ = run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "more.jsonl", [ASTANA_FALSE])))
    assert "1 judged claim(s) have new evidence" in out
    code, out, _ = run(capsys, "--db", db, "stale", "--json")
    assert code == 0
    [stale] = json_lines(out)
    assert stale["claim_id"] == claim_id and stale["verdict"] == "corroborated"
    assert stale["match_source"] == "Checker C" and stale["match_rating"] == "False"
    _, out, _ = run(capsys, "--db", db, "stale")
    assert out.startswith(f"{claim_id}\tcorroborated\t") and "Checker C [False]" in out

    # Judged again: the checker has weighed it, and it leaves the list.
    run(capsys, "--db", db, "verdict", str(claim_id), "contested")
    assert run(capsys, "--db", db, "stale", "--json")[1] == ""


def test_agreeing_evidence_does_not_flag_a_verdict(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    run(capsys, "--db", db, "verdict", str(astana_claim_id(db)), "corroborated")
    run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", REFERENCES)))
    assert run(capsys, "--db", db, "stale", "--json")[1] == ""


# -- list -----------------------------------------------------------------------------------


def test_list_gives_articles_and_the_claim_ids_verdict_takes(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", REFERENCES)))
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    claim_id = astana_claim_id(db)
    run(capsys, "--db", db, "verdict", str(claim_id), "corroborated")

    code, out, _ = run(capsys, "--db", db, "list", "--json")
    assert code == 0
    [article] = json_lines(out)
    assert {k: article[k] for k in ("source", "date", "judged")} == {
        "source": "Global Research", "date": "2018-01-11", "judged": 1}
    assert "Idlib" in article["title"] and article["claims"] >= 4
    code, out, _ = run(capsys, "--db", db, "list")
    assert out.startswith(f"{article['id']}\t") and "1 judged" in out

    code, out, _ = run(capsys, "--db", db, "list", "--article", str(article["id"]), "--json")
    claims = json_lines(out)
    assert len(claims) == article["claims"]
    [astana] = [c for c in claims if c["id"] == claim_id]
    assert astana["verdict"] == "corroborated" and 0 < astana["score"] <= 1
    assert astana["best_match"]["source"] == "Checker B" and astana["best_match"]["rating"] == "True"
    # What the desk suggests for the claim, from the same saved matches.
    assert astana["suggested"]["verdict"] == "corroborated"
    assert "Checker B" in astana["suggested"]["because"] and "True" in astana["suggested"]["because"]
    assert astana["suggested"]["match_kind"] == "reference"
    assert astana["corroboration"]["agree"] >= 1 and astana["corroboration"]["dispute"] == 0
    _, out, _ = run(capsys, "--db", db, "list", "--article", str(article["id"]))
    [line] = [x for x in out.splitlines() if x.startswith(f"{claim_id}\t")]
    assert "\tcorroborated\t" in line and "Checker B [True]" in line


def test_list_of_an_articles_claims_carries_each_verdicts_note_and_evidence(capsys, db) -> None:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE), "--no-match")
    claim_id = astana_claim_id(db)
    run(capsys, "--db", db, "verdict", str(claim_id), "contested", "--note", "Only one side quoted",
        "--evidence", "https://example.org/astana")
    _, out, _ = run(capsys, "--db", db, "list", "--article", "1", "--json")
    rows = {c["id"]: c for c in json_lines(out)}
    assert (rows[claim_id]["note"], rows[claim_id]["evidence"]) == ("Only one side quoted", ["https://example.org/astana"])
    other = next(c for i, c in rows.items() if i != claim_id)
    assert (other["note"], other["evidence"], other["best_match"]) == ("", [], None)
    assert other["suggested"]["verdict"] is None and other["corroboration"]["agree"] == 0


def test_list_of_an_unknown_article_is_one_line(capsys, db) -> None:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    code, out, err = run(capsys, "--db", db, "list", "--article", "99")
    assert code == 1 and out == ""
    one_error_line(err, "99")


# -- bad input is never silent -------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-13-45", "yesterday", "20240301"])
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_export_refuses_a_date_that_is_not_one(capsys, db, option, value) -> None:
    code, out, err = run(capsys, "--db", db, "export", "--format", "json", option, value)
    assert code == 1 and out == ""
    one_error_line(err, option, value, "YYYY-MM-DD")


def test_export_takes_a_real_date(capsys, db) -> None:
    code, out, _ = run(capsys, "--db", db, "export", "--format", "json", "--since", "2024-02-29")
    assert code == 0 and json.loads(out) == []


def test_a_short_latin1_text_is_read_as_windows_1252_and_says_so(capsys, db, tmp_path) -> None:
    text = "Le ministre a déclaré que le chômage a baissé de 3 % en 2023."
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode("latin-1"))
    code, out, err = run(capsys, "--db", db, "ingest", str(path), "--json")
    assert code == 0
    [row] = json_lines(out)
    store = Store(db)
    assert store.get_article(row["article_id"]).text == text
    store.close()
    [warning] = err.strip().splitlines()
    assert "note.txt" in warning and "Windows-1252" in warning and "guess" in warning


def test_a_utf8_text_gets_no_encoding_warning(capsys, db, tmp_path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Le ministre a déclaré que le chômage a baissé de 3 % en 2023.", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "ingest", str(path))
    assert code == 0 and err == ""


def test_a_one_line_file_is_an_article_with_one_claim(capsys, db, tmp_path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Unemployment fell to 4.1 percent in May", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "ingest", str(path), "--json")
    assert code == 0, err
    [row] = json_lines(out)
    store = Store(db)
    claims = store.claims_for_article(row["article_id"], checkworthy_only=False)
    assert [c.text for c in claims] == ["Unemployment fell to 4.1 percent in May"]
    store.close()


def test_one_line_on_stdin_is_an_article_with_one_claim(capsys, db, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Crime rose 20 percent in Leeds in 2023")))
    code, out, err = run(capsys, "--db", db, "ingest", "-", "--json")
    assert code == 0, err
    [row] = json_lines(out)
    store = Store(db)
    [claim] = store.claims_for_article(row["article_id"], checkworthy_only=False)
    assert claim.text == "Crime rose 20 percent in Leeds in 2023"
    store.close()


def test_doctor_on_a_missing_store_says_so_and_creates_nothing(capsys, tmp_path) -> None:
    missing = tmp_path / "nowhere" / "claimdesk.db"
    code, out, err = run(capsys, "doctor", "--db", str(missing))
    assert code == 1 and out == ""
    one_error_line(err, str(missing), "no store")
    assert not missing.parent.exists()


def test_import_help_names_urls() -> None:
    from tui.cli import build_parser

    usage = build_parser()._subparsers._group_actions[0].choices["import"].format_usage()
    assert "FILE|URL" in usage


def test_the_readme_names_the_size_limit_of_one_article() -> None:
    limit = f"{MAX_SOURCE_BYTES // (1024 * 1024)} MB"
    assert limit in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_ctrl_c_after_the_article_was_stored_says_so(capsys, db, tmp_path) -> None:
    import signal
    import sqlite3
    import subprocess
    import time

    # Enough claims that matching them takes seconds: the interrupt lands while it runs.
    places = ["Leeds", "Lyon", "Porto", "Graz", "Turin", "Bergen", "Ghent", "Cork"]
    references = [{"text": f"Unemployment in {places[i % 8]} rose by {i % 90} percent in {1990 + i % 30}.",
                   "source": f"Checker {i % 7}", "rating": "False"} for i in range(400)]
    run(capsys, "--db", db, "import", str(write_jsonl(tmp_path / "refs.jsonl", references)))
    sentences = [f"The budget of {places[i % 8]} rose by {i % 90} percent in {1990 + i % 30}, the council said."
                 for i in range(240)]
    article = tmp_path / "long.txt"
    article.write_text("Budgets\n\n" + "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, 240, 4)),
                       encoding="utf-8")

    process = subprocess.Popen([sys.executable, "-m", "tui.cli", "--db", db, "ingest", str(article)],
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    reader = sqlite3.connect(db)
    while time.monotonic() < deadline and process.poll() is None:
        if reader.execute("SELECT count(*) FROM articles").fetchone()[0]:
            break
        time.sleep(0.005)
    reader.close()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out.startswith("1\tBudgets\t")
    [line] = err.strip().splitlines()
    assert line.startswith("claimdesk: interrupted: article 1 (Budgets) was stored") and "Traceback" not in err
    assert Store(db).count("articles") == 1
