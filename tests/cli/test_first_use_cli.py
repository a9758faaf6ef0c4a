"""The command line as a checker meets it first: a wrong store address, an unknown id,
a ClaimReview export without its page, a feed file given to ingest, a feed whose entries
are stored already. Each failure is one line naming the input and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import Store
from tests.conftest import FIXTURES, SAMPLE_ARTICLE
from tests.localserver import LocalServer, send
from tui.cli import main


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("address", ["mysql://ana:secret@db.example/desk", "https://example.org/claimdesk.db",
                                     "postgressql://ana@db.example/desk"])
@pytest.mark.parametrize("command", [["import", str(FIXTURES / "references" / "claimreview-single.json")], ["list"]])
def test_a_store_address_of_another_kind_is_refused_and_nothing_is_created(
        capsys, tmp_path, monkeypatch, address, command) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--db", address, *command)
    assert code == 1 and out == ""
    line = one_line(err)
    assert "is not a store claimdesk can open" in line and "postgresql://" in line
    assert address.split("://")[0] in line and "secret" not in line
    assert list(tmp_path.iterdir()) == []  # no folder named after the address


def test_claimdesk_db_of_another_kind_is_refused(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMDESK_DB", "mysql://db.example/desk")
    code, _, err = run(capsys, "demo")
    assert code == 1 and "mysql://db.example/desk is not a store" in one_line(err)
    assert list(tmp_path.iterdir()) == []


def test_a_postgresql_server_that_is_not_there_is_named_in_one_sentence_with_the_fix(
        capsys, tmp_path) -> None:
    # A socket folder with no server in it: the connection is refused at once.
    address = f"postgresql://ana:secret@/desk?host={tmp_path}"
    code, out, err = run(capsys, "--db", address, "list")
    assert code == 1 and out == ""
    line = one_line(err)
    assert line.startswith("claimdesk: Cannot open the store postgresql://ana:***@/desk")
    assert "no such file or directory; check that its PostgreSQL server is running" in line
    assert "secret" not in line and "Is the server running" not in line  # libpq's hint, run on


def test_copy_to_an_address_of_another_kind_creates_nothing(capsys, tmp_path, monkeypatch) -> None:
    source = tmp_path / "source.db"
    assert main(["--db", str(source), "demo"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "copy", str(source), "https://backup.example/claimdesk.db")
    assert code == 1 and "https://backup.example/claimdesk.db is not a store" in one_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.db"]


def test_export_of_an_unknown_article_is_an_error_naming_it_and_where_ids_are(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--db", db, "export", "--format", "md", "--article", "999")
    assert code == 1 and out == ""
    assert one_line(err) == ("claimdesk: No article with id 999 in the store; "
                             "`claimdesk list` lists the articles with their ids.")


def test_unknown_ids_say_where_the_ids_are_listed(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    _, _, err = run(capsys, "--db", db, "verdict", "4242", "contested")
    assert "4242" in one_line(err) and "`claimdesk list --article ID` lists an article's claims" in err
    _, _, err = run(capsys, "--db", db, "list", "--article", "77")
    assert "77" in one_line(err) and "`claimdesk list` lists the articles" in err
    _, _, err = run(capsys, "--db", db, "assign", "77", "ana")
    assert "77" in one_line(err) and "`claimdesk list` lists the articles" in err


def test_claimreview_export_without_its_page_names_the_option(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo"]) == 0
    claim_id = Store(db).claims_for_article(1)[0].id
    assert main(["--db", db, "verdict", str(claim_id), "contested"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--db", db, "export", "--format", "claimreview")
    assert code == 1 and out == ""
    assert "--base-url" in one_line(err) and "https://desk.example/reviews" in err
    code, out, _ = run(capsys, "--db", db, "export", "--format", "claimreview",
                       "--base-url", "https://desk.example/reviews")
    assert code == 0 and f"https://desk.example/reviews#claim-{claim_id}" in out


def test_ingest_of_a_feed_file_says_to_follow_it_and_stores_nothing(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    code, out, err = run(capsys, "--db", db, "ingest", str(FIXTURES / "feeds" / "rss.xml"))
    assert code == 1 and out == ""
    line = one_line(err)
    assert "rss.xml is an RSS or Atom feed, not an article" in line and "claimdesk feed add" in line and "F then a on the desk" in line
    assert Store(db).count("articles") == 0


def test_feed_fetch_counts_the_entries_stored_already(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    page = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    with LocalServer() as server:
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
                f'<link>{server.base}/</link><description>d</description>'
                f'<item><title>Idlib</title><link>{server.url("/story")}</link></item>'
                f'</channel></rss>').encode()
        server.routes.update({"/feed": send(feed, "application/rss+xml"),
                              "/story": send(f"<html><body><article>{page}</article></body></html>".encode())})
        assert main(["--db", db, "ingest", server.url("/story"), "--no-match"]) == 0
        assert main(["--db", db, "feed", "add", server.url("/feed")]) == 0
        capsys.readouterr()
        code, out, _ = run(capsys, "--db", db, "feed", "fetch", "--no-match")
    assert code == 0
    assert out.strip() == f"{server.url('/feed')}: 0 new articles, 1 already stored"
    assert Store(db).count("articles") == 1


def test_verdicts_and_assignments_on_the_command_line_carry_the_desks_checker_name(
        capsys, tmp_path, monkeypatch) -> None:
    import os

    monkeypatch.delenv("CLAIMDESK_CHECKER")
    settings = Path(os.environ["CLAIMDESK_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('checker = "ana"\n', encoding="utf-8")  # as the desk saves it when asked
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo"]) == 0
    claim_id = Store(db).claims_for_article(1)[0].id
    assert main(["--db", db, "verdict", str(claim_id), "contested"]) == 0
    assert main(["--db", db, "assign", "1", "bo"]) == 0
    capsys.readouterr()
    store = Store(db)
    assert store.verdict_history(claim_id)[0].checker == "ana"
    assert store.query("SELECT assigned_by FROM assignments WHERE article_id = 1")[0]["assigned_by"] == "ana"
    code, out, _ = run(capsys, "--db", db, "export", "--format", "csv", "--checker", "ana")
    assert code == 0 and out.count("\n") == 2  # the header and the verdict given above
    monkeypatch.setenv("CLAIMDESK_CHECKER", "bo")  # the environment still wins, as on the desk
    assert main(["--db", db, "verdict", str(claim_id), "corroborated"]) == 0
    assert store.verdict_history(claim_id)[-1].checker == "bo"


def test_match_of_an_empty_text_asks_for_the_text(capsys, tmp_path) -> None:
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--db", db, "match", "  ")
    assert code == 1 and out == ""
    assert one_line(err) == "claimdesk: Give the TEXT to match, or --batch FILE --json."


def test_import_of_json_ld_without_a_claimreview_says_so(capsys, tmp_path) -> None:
    article = tmp_path / "article.jsonld"
    article.write_text('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge costs soar"}',
                       encoding="utf-8")
    db = str(tmp_path / "cli.db")
    code, out, err = run(capsys, "--db", db, "import", str(article))
    assert code == 1 and out == ""
    assert one_line(err) == f"claimdesk: {article} has JSON-LD but no ClaimReview in it."


@pytest.mark.parametrize("size", [100, 9 * 1024 * 1024])  # read whole, and streamed (over 8 MB)
def test_import_of_a_spreadsheet_says_to_save_it_as_csv(capsys, tmp_path, size) -> None:
    sheet = tmp_path / "factchecks.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + bytes(range(256)) * (size // 256))
    db = str(tmp_path / "cli.db")
    code, out, err = run(capsys, "--db", db, "import", str(sheet))
    assert code == 1 and out == ""
    line = one_line(err)
    assert "factchecks.xlsx" in line and "cannot be imported; save a spreadsheet as CSV" in line
    assert "article" not in line


def test_ingest_reads_a_file_whose_lines_name_their_speakers_as_a_transcript(capsys, tmp_path) -> None:
    path = tmp_path / "debate.txt"
    path.write_text("MODERATOR: Welcome to the debate. Let's begin with the economy.\n"
                    "SMITH: Unemployment fell to 3.1 percent last year. We created 40,000 jobs.\n"
                    "JONES: That's not true. The council raised property taxes by 12 percent in 2024.\n",
                    encoding="utf-8")
    db = str(tmp_path / "cli.db")
    code, out, err = run(capsys, "--db", db, "ingest", str(path), "--no-match")
    assert code == 0, err
    assert out.split("\t")[1] == "debate.txt"  # titled with its name, as the desk's `i` stores it
    store = Store(db)
    claims = store.claims_for_article(1, checkworthy_only=False)
    assert ("SMITH", "Unemployment fell to 3.1 percent last year.") in [(c.speaker, c.text) for c in claims]
    assert not any(c.text.startswith(("SMITH:", "JONES:")) for c in claims)
    # --article still stores it as prose, should the guess be wrong.
    other = tmp_path / "other.txt"
    other.write_text(path.read_text(encoding="utf-8").replace("3.1", "3.2"), encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "ingest", "--article", str(other), "--no-match")
    assert code == 0
    assert all(c.speaker == "" for c in store.claims_for_article(2, checkworthy_only=False))


def test_claims_splits_a_transcript_file_as_ingest_stores_it(capsys, tmp_path) -> None:
    path = tmp_path / "debate.txt"
    path.write_text("MODERATOR: Good evening. Our first question is on housing.\n"
                    "LEE: Rents rose 14 percent in two years while wages stood still.\n"
                    "PARK: My opponent voted against the housing bill three times.\n", encoding="utf-8")
    code, out, err = run(capsys, "claims", str(path), "--all", "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert ("LEE", "Rents rose 14 percent in two years while wages stood still.") in \
        [(row.get("speaker"), row["text"]) for row in rows]
    assert not any(row["text"].startswith(("LEE:", "PARK:")) for row in rows)
    code, out, _ = run(capsys, "claims", str(path), "--all", "--json", "--article")
    assert code == 0 and not any("speaker" in json.loads(line) for line in out.splitlines())


def test_copy_names_an_unusable_source_or_target_with_a_fix_it_takes(capsys, tmp_path,
                                                                   postgres_server) -> None:
    source = tmp_path / "source.db"
    assert main(["--db", str(source), "demo"]) == 0
    capsys.readouterr()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    text = tmp_path / "notes.db"
    text.write_bytes(b"not a database at all\n")
    cases = [
        ((str(source), str(empty)), f"The copy's target: the store {empty} is an empty file"),
        ((str(source), str(text)),
         f"The copy's target: the file {text} is not an SQLite database"),
        ((str(text), str(tmp_path / "new.db")),
         f"The copy's source: the file {text} is not an SQLite database"),
        ((str(source), postgres_server.url("newsrom")), "createdb newsrom"),
    ]
    for argv, expected in cases:
        code, out, err = run(capsys, "copy", *argv)
        line = one_line(err)
        assert code == 1 and out == "", argv
        assert expected in line and line.endswith("Nothing was copied."), line
        assert "--db" not in line and "Traceback" not in err, line
    assert empty.read_bytes() == b"" and text.read_bytes() == b"not a database at all\n"
    assert not (tmp_path / "new.db").exists()
