"""The command line, command by command, including the failure cases."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from store import inbox
from tests.conftest import SAMPLE_ARTICLE
from tui.cli import build_parser, main

REFERENCES = [
    {"id": "r1", "text": "Militants killed at least 50 Syrian Arab Army troops near Abu al-Duhur.",
     "source": "Checker A", "url": "https://a.example/1", "rating": "False", "date": "2018-01-13"},
    {"id": "r2", "text": "The Idlib de-escalation zone was agreed by Turkey, Iran and Russia at the Astana talks.",
     "source": "Checker B", "url": "https://b.example/2", "rating": "True", "date": "2017-09-15"},
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


@pytest.fixture
def references_file(tmp_path: Path) -> Path:
    path = tmp_path / "refs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in REFERENCES) + "\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def one_error_line(err: str, *names: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0]
    assert "Traceback" not in err


# -- claims ------------------------------------------------------------------


def test_claims_of_the_sample_article_are_its_factual_sentences(capsys) -> None:
    code, out, _ = run(capsys, "claims", str(SAMPLE_ARTICLE), "--json")
    assert code == 0
    claims = json_lines(out)
    texts = " ".join(c["text"] for c in claims)
    for expected in ("counter-offensive", "Faylaq al-Sham", "15 SAA troops", "Astana"):
        assert expected in texts
    for footer in ("Copyright", "Disclaimer", "Global Research", "media inquiries", "All images", "Become a Member"):
        assert footer not in texts
    assert all("](" not in c["text"] for c in claims)
    assert all(c["checkworthy"] for c in claims)
    assert set(claims[0]) == {"text", "start", "end", "checkworthy", "score"}


def test_claims_offsets_point_into_the_cleaned_text(capsys) -> None:
    import ingest

    draft, _ = ingest.load_source(str(SAMPLE_ARTICLE))
    code, out, _ = run(capsys, "claims", str(SAMPLE_ARTICLE), "--json", "--all")
    assert code == 0
    every = json_lines(out)
    assert any(not c["checkworthy"] for c in every) or len(every) >= 5
    for c in every:
        assert draft.text[c["start"] : c["end"]] == c["text"]


def test_claims_of_a_missing_file_is_one_line_naming_it(capsys, tmp_path) -> None:
    missing = tmp_path / "nope.txt"
    code, out, err = run(capsys, "claims", str(missing))
    assert code != 0 and out == ""
    one_error_line(err, "nope.txt")


def test_claims_reads_stdin(monkeypatch, capsys) -> None:
    text = "The council approved a budget of 3.5 million euros on 12 March 2024. Hello there."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, _ = run(capsys, "claims", "-", "--json")
    assert code == 0
    assert any("3.5 million euros" in c["text"] for c in json_lines(out))


# -- ingest ------------------------------------------------------------------


def test_ingest_stores_the_article_once(capsys, db) -> None:
    code, out, _ = run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE), "--json")
    assert code == 0
    [row] = json_lines(out)
    assert set(row) == {"article_id", "title", "claims"} and row["claims"] >= 4
    assert "Idlib" in row["title"]
    code, out, _ = run(capsys, "ingest", "--db", db, str(SAMPLE_ARTICLE))
    assert code == 0 and "already stored" in out
    store = Store(db)
    assert store.count("articles") == 1
    assert len(store.claims_for_article(row["article_id"])) == row["claims"]


def test_ingest_reports_a_bad_source_and_keeps_the_good_one(capsys, db, tmp_path) -> None:
    code, out, err = run(capsys, "--db", db, "ingest", str(tmp_path / "missing.md"), str(SAMPLE_ARTICLE))
    assert code != 0
    one_error_line(err, "missing.md")
    assert "Idlib" in out
    assert Store(db).count("articles") == 1


# -- import ------------------------------------------------------------------


def test_import_counts_added_and_duplicates(capsys, db, references_file) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(references_file))
    assert code == 0 and out.strip() == "2 added, 0 skipped as duplicates"
    code, out, _ = run(capsys, "--db", db, "import", str(references_file))
    assert out.strip() == "0 added, 2 skipped as duplicates"


def test_import_csv_with_source_option(capsys, db, tmp_path) -> None:
    path = tmp_path / "refs.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "rating"])
        writer.writerow(["Turkey supplied vehicles to Faylaq al-Sham.", "Unproven"])
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--source", "Desk notes")
    assert code == 0 and out.startswith("1 added")
    [row] = Store(db).query("SELECT source, rating FROM reference_claims")
    assert row == {"source": "Desk notes", "rating": "Unproven"}


def test_import_reports_each_bad_row_and_keeps_the_good_ones(capsys, db, references_file, tmp_path) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "A fine claim about 12 bridges."}\n{not json\n{"text": 7}\n', encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "import", str(broken))
    assert code != 0
    assert out.strip() == "1 added, 0 skipped as duplicates"
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all("broken.jsonl" in line for line in lines)
    assert "2" in lines[0] and "3" in lines[1]
    assert Store(db).count("reference_claims") == 3


def test_import_of_a_csv_with_an_unterminated_quote_names_the_row_and_imports_the_rest(
    capsys, db, tmp_path
) -> None:
    path = tmp_path / "refs.csv"
    path.write_text(
        'text,rating\n"Ferry fares doubled in 2023,False\nBus fares rose 5 percent.,True\n'
        "The bridge reopened in May.,Mostly False\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", db, "import", str(path))
    assert code != 0
    assert out.strip() == "2 added, 0 skipped as duplicates"
    one_error_line(err, "refs.csv", "Line 2")
    texts = [r["text"] for r in Store(db).query("SELECT text FROM reference_claims ORDER BY id")]
    assert texts == ["Bus fares rose 5 percent.", "The bridge reopened in May."]


def test_import_of_a_missing_file_changes_nothing(capsys, db, references_file, tmp_path) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    code, _, err = run(capsys, "--db", db, "import", str(tmp_path / "gone.csv"))
    assert code != 0
    one_error_line(err, "gone.csv")
    assert Store(db).count("reference_claims") == 2


# -- match -------------------------------------------------------------------


def test_match_finds_the_reference_claim(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    code, out, _ = run(capsys, "--db", db, "match", "militants killed 15 SAA troops near Abu al-Duhur", "--json")
    assert code == 0
    [result] = json_lines(out)
    assert result["query"].startswith("militants killed")
    best = result["matches"][0]
    assert best["source"] == "Checker A" and best["rating"] == "False"
    assert {"id", "text", "score", "source", "url", "rating"} <= set(best)
    assert 0 <= best["score"] <= 100


def test_match_json_carries_the_suggestion_corroboration_and_same_claim(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    text = REFERENCES[0]["text"]
    code, out, _ = run(capsys, "--db", db, "match", text, "--json")
    assert code == 0
    [result] = json_lines(out)
    best = result["matches"][0]
    assert best["text"] == text and best["same_claim"] is True
    assert all(isinstance(m["same_claim"], bool) for m in result["matches"])
    assert result["suggested"] == {
        "verdict": "contested", "because": "same claim as Checker A, rated False, 2018-01-13",
        "match_id": best["id"], "match_kind": "reference"}
    assert result["corroboration"] == {"agree": 0, "dispute": 1, "first_seen": "2018-01-13"}


def test_match_text_names_each_match_by_kind_and_id(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    code, out, _ = run(capsys, "--db", db, "match", REFERENCES[0]["text"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Suggested: contested (same claim as Checker A, rated False, 2018-01-13)"
    assert lines[1] == "0 sources agree · 1 disputes · first seen 2018-01-13"
    assert "same claim  reference 1  Checker A [False]" in lines[2]


def test_match_lists_ranked_candidates_under_the_same_claim_threshold(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    code, out, _ = run(capsys, "--db", db, "match", "Russia sent troops to Syria", "--json")
    [result] = json_lines(out)
    assert sorted((m["source"], m["same_claim"]) for m in result["matches"]) == [
        ("Checker A", False), ("Checker B", False)]
    assert all(m["score"] < 65 for m in result["matches"])
    assert result["suggested"]["verdict"] is None and result["suggested"]["match_id"] is None


def test_match_holds_a_transcript_line_to_its_own_same_claim_threshold(capsys, db, references_file) -> None:
    """--speaker makes the text a transcript's line: a match scoring between the tweet
    threshold and the transcript one is related (no suggestion, nothing counted), and
    the same text without --speaker keeps it as the same claim."""
    from matchers import SAME_CLAIM_SCORE, TRANSCRIPT_SAME_CLAIM_SCORE

    run(capsys, "--db", db, "import", str(references_file))
    query = "The Idlib de-escalation zone was agreed in Astana"
    _, out, _ = run(capsys, "--db", db, "match", query, "--json")
    [plain] = json_lines(out)
    best = plain["matches"][0]
    assert best["source"] == "Checker B" and best["score"] >= SAME_CLAIM_SCORE
    assert best["same_claim"] is True and plain["suggested"]["verdict"] == "corroborated"
    assert "query_kind" not in best["explanation"]
    code, out, _ = run(capsys, "--db", db, "match", query, "--json", "--speaker", "TRUMP")
    assert code == 0
    [line] = json_lines(out)
    said = line["matches"][0]
    assert said["id"] == best["id"] and SAME_CLAIM_SCORE <= said["score"] < TRANSCRIPT_SAME_CLAIM_SCORE
    # The plain text keeps the lexical score of a reference it nearly contains (the
    # semantic stage's containment floor); a line's match is fused as before.
    assert said["score"] <= best["score"]
    assert said["same_claim"] is False and said["explanation"]["query_kind"] == "transcript line"
    assert line["suggested"] == {"verdict": None, "because": "no match close enough to be the same claim",
                                 "match_id": None, "match_kind": None}
    assert line["corroboration"] == {"agree": 0, "dispute": 0, "first_seen": ""}
    _, out, _ = run(capsys, "--db", db, "match", query, "--speaker", "TRUMP")
    assert out.splitlines()[0].startswith("No suggestion")
    assert any("related" in row and "Checker B" in row for row in out.splitlines()[2:])


def test_match_lists_a_claim_of_the_lines_year_first_with_its_score_and_says_why(capsys, db,
                                                                                   references_file) -> None:
    """--date: a claim stated that year or the year before is ranked up, with the score it
    has without --date, marked "prior" in JSON; the same claim stays first."""
    run(capsys, "--db", db, "import", str(references_file))
    query = "Militants near Idlib: Turkey, Iran and Russia agreed a de-escalation zone at the Astana talks"
    _, out, _ = run(capsys, "--db", db, "match", query, "--json")
    plain = json_lines(out)[0]["matches"]
    assert [m["source"] for m in plain] == ["Checker B", "Checker A"]
    assert all(m["prior"] == [] for m in plain)
    code, out, _ = run(capsys, "--db", db, "match", query, "--json", "--date", "2019-05-01")
    assert code == 0
    dated = json_lines(out)[0]["matches"]
    # The recent claim is ranked up, but never above the same claim (Checker B's).
    assert [m["source"] for m in dated] == ["Checker B", "Checker A"]
    assert dated[0]["same_claim"] and not dated[1]["same_claim"]
    assert dated[0]["prior"] == [] and dated[1]["prior"] == ["same or prior year"]
    assert {m["id"]: m["score"] for m in dated} == {m["id"]: m["score"] for m in plain}
    _, out, _ = run(capsys, "--db", db, "match", query, "--date", "2019-05-01")
    assert any("(ranked up: same or prior year)" in line and "Checker A" in line for line in out.splitlines())


def test_match_batch_gives_one_object_per_line(capsys, db, references_file, tmp_path) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    batch = tmp_path / "batch.txt"
    batch.write_text("Astana talks de-escalation zone Idlib\n\nsomething unrelated entirely\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "match", "--batch", str(batch), "--limit", "1", "--json")
    assert code == 0
    results = json_lines(out)
    assert [r["query"] for r in results] == ["Astana talks de-escalation zone Idlib", "something unrelated entirely"]
    assert results[0]["matches"][0]["source"] == "Checker B"
    assert len(results[0]["matches"]) == 1


@pytest.mark.parametrize(
    "argv, words",
    [
        (["match"], ["TEXT"]),
        (["match", "--batch", "x.txt"], ["--json"]),
        (["match", "--batch", "missing-batch.txt", "--json"], ["missing-batch.txt"]),
        (["match", "x", "--limit", "0"], ["--limit"]),
        (["match", "x", "--date", "last spring"], ["--date", "YYYY-MM-DD", "last spring"]),
    ],
)
def test_match_usage_errors(capsys, db, argv, words) -> None:
    code, _, err = run(capsys, "--db", db, *argv)
    assert code != 0
    one_error_line(err, *words)


# -- verdict and export ------------------------------------------------------


def _ingested_claim(capsys, db) -> int:
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE), "--no-match")
    store = Store(db)
    return store.claims_for_article(inbox.inbox_page(store)[0].id)[0].id


def test_verdict_is_recorded_with_history(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    code, out, _ = run(capsys, "--db", db, "verdict", str(claim_id), "contested", "--note", "No source for 15")
    assert code == 0
    store = Store(db)
    assert store.get_claim(claim_id).verdict == "contested"
    [change] = store.verdict_history(claim_id)
    assert (change.verdict, change.note, change.checker) == ("contested", "No source for 15", "test-checker")


def test_verdict_keeps_its_evidence_links(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    code, out, _ = run(capsys, "--db", db, "verdict", str(claim_id), "contested",
                       "--evidence", "https://example.org/memo", "--evidence", "https://example.org/data")
    assert code == 0
    assert "2 evidence links added" in out
    code, out, _ = run(capsys, "--db", db, "verdict", str(claim_id), "contested",
                       "--evidence", "https://example.org/memo")
    assert code == 0 and "0 evidence links added (1 already attached)" in out
    store = Store(db)
    assert [e.url for e in store.evidence_for(claim_id)] == ["https://example.org/memo", "https://example.org/data"]
    _, report, _ = run(capsys, "--db", db, "export", "--format", "json")
    assert json.loads(report)[0]["evidence"] == ["https://example.org/memo", "https://example.org/data"]


def test_verdict_with_a_bad_evidence_address_records_nothing(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    code, _, err = run(capsys, "--db", db, "verdict", str(claim_id), "contested",
                       "--evidence", "https://example.org/ok", "--evidence", "example.org/report")
    assert code != 0
    one_error_line(err, "--evidence", "example.org/report", "https://")
    store = Store(db)
    assert store.get_claim(claim_id).verdict is None
    assert store.evidence_for(claim_id) == []


def test_evidence_lists_adds_and_takes_off_a_claims_links(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    run(capsys, "--db", db, "verdict", str(claim_id), "contested", "--evidence", "https://example.org/wrong")
    code, out, _ = run(capsys, "--db", db, "evidence", str(claim_id), "--add", "https://example.org/right",
                       "--remove", "https://example.org/wrong")
    assert code == 0
    assert out.splitlines() == [f"claim {claim_id}: 1 link added, 1 link removed", "https://example.org/right"]
    assert run(capsys, "--db", db, "evidence", str(claim_id))[1] == "https://example.org/right\n"


def test_evidence_that_cannot_be_taken_off_changes_nothing(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    code, _, err = run(capsys, "--db", db, "evidence", str(claim_id), "--add", "https://example.org/new",
                       "--remove", "https://example.org/never-attached")
    assert code != 0
    one_error_line(err, "never-attached", f"claimdesk evidence {claim_id}")
    assert Store(db).evidence_for(claim_id) == []  # the link to add was not added either
    code, _, err = run(capsys, "--db", db, "evidence", "4242")
    assert code != 0
    one_error_line(err, "4242", "claimdesk list --article ID")


def test_verdict_on_unknown_claim_fails_cleanly(capsys, db) -> None:
    code, _, err = run(capsys, "--db", db, "verdict", "4242", "contested")
    assert code != 0
    one_error_line(err, "4242")


def test_verdict_rejects_unknown_verdict(capsys, db) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db, "verdict", "1", "maybe"])
    assert exit_info.value.code != 0
    assert "maybe" in capsys.readouterr().err


@pytest.mark.parametrize("argv, usage, unknown", [
    (["verdict", "1", "contested", "--source", "x"], "usage: claimdesk verdict", "--source x"),
    (["feed", "add", "https://example.org/feed", "--all"], "usage: claimdesk feed add", "--all"),
])
def test_an_option_the_command_does_not_take_is_shown_with_that_commands_usage(
        capsys, db, argv, usage, unknown) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db, *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage)
    assert err.strip().endswith(f"error: unrecognized arguments: {unknown}")


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_export_lists_judged_claims(capsys, db, fmt) -> None:
    claim_id = _ingested_claim(capsys, db)
    run(capsys, "--db", db, "verdict", str(claim_id), "corroborated")
    code, out, err = run(capsys, "--db", db, "export", "--format", fmt)
    assert code == 0 and err == ""
    claim_text = Store(db).get_claim(claim_id).text
    if fmt == "json":
        [record] = json.loads(out)
        assert record["claim_text"] == claim_text and record["verdict"] == "corroborated"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
        assert len(rows) == 1 and "corroborated" in rows[0].values()
    else:
        assert "corroborated" in out.lower() and claim_text.split()[0] in out


def test_export_to_a_file_and_a_bad_folder(capsys, db, tmp_path) -> None:
    claim_id = _ingested_claim(capsys, db)
    run(capsys, "--db", db, "verdict", str(claim_id), "contested")
    target = tmp_path / "report.md"
    code, out, err = run(capsys, "--db", db, "export", "--format", "md", "--out", str(target))
    assert code == 0 and out == "" and "1 claim written to" in err
    assert "contested" in target.read_text(encoding="utf-8").lower()
    code, _, err = run(capsys, "--db", db, "export", "--format", "md", "--out", str(tmp_path / "no" / "such" / "r.md"))
    assert code != 0
    one_error_line(err, "r.md")


# -- store, demo, help -------------------------------------------------------


def test_a_file_that_is_not_a_store_is_refused_untouched(capsys, tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 512)
    before = junk.read_bytes()
    code, _, err = run(capsys, "--db", str(junk), "import", "whatever.jsonl")
    assert code != 0
    one_error_line(err, "junk.db")
    assert junk.read_bytes() == before


def test_demo_seeds_article_and_labelled_references(capsys, db) -> None:
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0
    store = Store(db)
    assert store.count("articles") == 1
    sources = {r["source"] for r in store.query("SELECT DISTINCT source FROM reference_claims")}
    assert sources and all("demo" in s.lower() for s in sources)
    claims = store.claims_for_article(inbox.inbox_page(store)[0].id)
    assert any(store.saved_matches(c.id) for c in claims)


def test_every_command_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, type(parser._subparsers._group_actions[0])))
    for name, choice in subparsers.choices.items():
        assert choice.description or subparsers._choices_actions, name
    helps = {a.dest: a.help for a in subparsers._choices_actions}
    assert set(helps) == set(subparsers.choices) and all(helps.values())


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("claimdesk")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "ingest" in result.stdout


def test_claimreview_export_carries_the_publisher_and_rating(capsys, db) -> None:
    claim_id = _ingested_claim(capsys, db)
    run(capsys, "--db", db, "verdict", str(claim_id), "contested")
    code, out, _ = run(capsys, "--db", db, "export", "--format", "claimreview",
                       "--base-url", "https://desk.example/r", "--organisation", "Desk")
    assert code == 0
    [review] = json.loads(out)["@graph"]
    assert review["url"] == f"https://desk.example/r#claim-{claim_id}"
    assert review["author"]["name"] == "Desk"
    assert review["reviewRating"]["alternateName"] == "Contested"


def test_json_export_counts_corroborating_sources(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    run(capsys, "--db", db, "ingest", str(SAMPLE_ARTICLE))
    store = Store(db)
    [astana] = [c for c in store.claims_for_article(inbox.inbox_page(store)[0].id) if "Astana" in c.text]
    run(capsys, "--db", db, "verdict", str(astana.id), "corroborated")
    _, out, _ = run(capsys, "--db", db, "export", "--format", "json")
    [record] = json.loads(out)
    assert record["best_match_source"] == "Checker B"
    assert record["corroborating_sources"] == 1 and record["earliest_seen"] == "2017-09-15"


def test_claims_lines_and_reasons(capsys, tmp_path) -> None:
    transcript = tmp_path / "debate.txt"
    transcript.write_text(
        "We cut unemployment by 3 percent in 2019. And thank you\nThank you all for coming.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "claims", str(transcript), "--json", "--all", "--lines", "--reasons")
    assert code == 0
    rows = json_lines(out)
    assert [r["text"] for r in rows] == ["We cut unemployment by 3 percent in 2019. And thank you",
                                         "Thank you all for coming."]
    assert "quantity" in rows[0]["reasons"] and rows[0]["checkworthy"]
    assert not rows[1]["checkworthy"]


def test_repeated_sentences_are_one_claim_with_all_offsets(capsys, db, tmp_path) -> None:
    article = tmp_path / "repeat.txt"
    lede = "The army said it killed 15 fighters near the airbase on Monday."
    article.write_text(f"Airbase clash\n\n{lede} Residents disputed the figure.\n\n"
                       f"{lede.upper()}\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "ingest", str(article), "--no-match", "--json")
    assert code == 0
    store = Store(db)
    text = store.get_article(json_lines(out)[0]["article_id"]).text
    claims = [c for c in store.claims_for_article(json_lines(out)[0]["article_id"], checkworthy_only=False)
              if "15 fighters" in c.text]
    assert len(claims) == 1
    [(start, end)] = claims[0].also_at
    assert text[start:end] == lede.upper()


def test_claims_lines_reads_a_transcript_with_speakers(capsys, tmp_path) -> None:
    lines = ["MODERATOR: Welcome to the debate. What is your plan for jobs?"] * 6 + [
        "MODERATOR: Thank you. Next question, what about taxes?",
        "SMITH: We created 2.3 million jobs in 2019 and cut the deficit by 12 percent.",
        "MODERATOR: Is that right, Senator?",
        "JONES: Unemployment rose to 7 percent in Ohio last year.",
        "SMITH: Thank you.",
    ] + ["MODERATOR: Why does that matter to voters tonight?"] * 5
    path = tmp_path / "debate.txt"
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "claims", str(path), "--json", "--all", "--lines", "--reasons")
    assert code == 0
    rows = json_lines(out)
    assert len(rows) == len(lines)
    jobs = next(r for r in rows if "2.3 million" in r["text"])
    assert jobs["text"].startswith("We created") and text[jobs["start"]:jobs["end"]] == jobs["text"]
    assert all(r["speaker"] == line.split(": ", 1)[0] for r, line in zip(rows, lines))
    assert jobs["checkworthy"]
    assert all("moderator" in r["reasons"] for r in rows if r["text"].startswith(("Welcome", "Why does")))


def test_ingest_lines_stores_a_transcript_one_claim_per_line(capsys, db, tmp_path) -> None:
    repeated = "We lost 70,000 factories since China entered the World Trade Organization."
    lines = ["HOLT: Good evening. Why are you running for president?",
             f"TRUMP: {repeated}",
             "CLINTON: I have a plan to create 10 million new jobs by 2020.",
             "HOLT: Secretary Clinton, what do you say to that?",
             "TRUMP: This is the worst trade deal ever signed, anywhere.",
             "CLINTON: Our jobs plan is paid for by taxing the wealthy.",
             f"TRUMP: {repeated}"] + ["HOLT: And what would you cut first, and when?"] * 4
    path = tmp_path / "first-debate.txt"
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    code, out, err = run(capsys, "--db", db, "ingest", "--lines", str(path), "--no-match", "--json")
    assert code == 0, err
    [row] = json_lines(out)
    assert row["title"] == "first-debate.txt"
    store = Store(db)
    article = store.get_article(row["article_id"])
    assert article.text == text.replace("\r\n", "\n")  # the file as it is, line endings made "\n"
    claims = store.claims_for_article(row["article_id"], checkworthy_only=False)
    # One claim per distinct line, the speaker's name left out; repeats merged with every offset.
    assert [c.text for c in claims] == [line.split(": ", 1)[1] for line in lines[:6]] + [lines[7].split(": ", 1)[1]]
    for claim in claims:
        for start, end in ((claim.start, claim.end), *claim.also_at):
            assert article.text[start:end] == claim.text
    by_text = {c.text: c for c in claims}
    assert len(by_text[repeated].also_at) == 1 and "repeated claim" in by_text[repeated].reasons
    assert by_text[repeated].checkworthy and row["claims"] == sum(c.checkworthy for c in claims)
    assert "sweeping claim" in by_text["This is the worst trade deal ever signed, anywhere."].reasons
    assert not any(c.checkworthy for c in claims if c.text.endswith("?"))
    assert [c.speaker for c in claims] == [line.split(": ", 1)[0] for line in lines[:6]] + ["HOLT"]
    # A ClaimReview of a transcript's line names the speaker as the claim's author.
    run(capsys, "--db", db, "verdict", str(by_text[repeated].id), "contested")
    code, out, err = run(capsys, "--db", db, "export", "--format", "claimreview",
                         "--base-url", "https://desk.example/reviews")
    assert code == 0, err
    [review] = json.loads(out)["@graph"]
    assert review["claimReviewed"] == repeated
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "TRUMP"}
    clinton = next(c for c in claims if c.speaker == "CLINTON")
    run(capsys, "--db", db, "verdict", str(clinton.id), "corroborated")
    for speaker, expected in (("TRUMP", [by_text[repeated].id]), ("CLINTON", [clinton.id]), ("HOLT", [])):
        code, out, _ = run(capsys, "--db", db, "export", "--format", "jsonl", "--speaker", speaker)
        assert code == 0 and [row["claim_id"] for row in json_lines(out)] == expected


def test_ingest_transcript_splits_each_speakers_turn_into_sentences(capsys, db, tmp_path) -> None:
    path = tmp_path / "town-hall.txt"
    text = ("Chris Wallace: (01:20)\n"
            "Good evening. Our first topic is jobs. Mr. President, what is your record?\n"
            "Donald Trump: (02:10)\n"
            "We built the biggest economy in history. Unemployment fell to 3.5% in 2019. "
            "Then the plague came in from China.\n")
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "ingest", "--transcript", str(path), "--no-match", "--json")
    assert code == 0, err
    store = Store(db)
    article_id = json_lines(out)[0]["article_id"]
    claims = store.claims_for_article(article_id, checkworthy_only=False)
    assert [(c.speaker, c.text) for c in claims] == [
        ("Chris Wallace", "Good evening."), ("Chris Wallace", "Our first topic is jobs."),
        ("Chris Wallace", "Mr. President, what is your record?"),
        ("Donald Trump", "We built the biggest economy in history."),
        ("Donald Trump", "Unemployment fell to 3.5% in 2019."),
        ("Donald Trump", "Then the plague came in from China."),
    ]
    assert all(text[c.start:c.end] == c.text for c in claims)
    biggest = claims[3]
    assert "sweeping claim" in biggest.reasons and "minor speaker" not in biggest.reasons
    with pytest.raises(SystemExit):
        run(capsys, "--db", db, "ingest", "--transcript", "--lines", str(path))
    assert "not allowed with" in capsys.readouterr().err
    code, out, _ = run(capsys, "claims", str(path), "--transcript", "--json", "--all")
    assert code == 0
    assert [(r["speaker"], r["text"]) for r in json_lines(out)] == [(c.speaker, c.text) for c in claims]


def test_ingest_lines_of_an_empty_file_is_one_line_and_stores_nothing(capsys, db, tmp_path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n  \n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "ingest", "--lines", str(path))
    assert code != 0 and out == ""
    one_error_line(err, "blank.txt")
    assert Store(db).count("articles") == 0


def test_match_reranks_semantically_by_default_and_not_with_no_semantic(capsys, db, references_file) -> None:
    run(capsys, "--db", db, "import", str(references_file))
    # A paraphrase: the similarity lifts it (a reference the text nearly repeats would
    # keep its lexical score, `matchers.semantic`'s containment floor).
    query = "Russia, Iran and Turkey set up a de-escalation area around Idlib"
    code, out, err = run(capsys, "--db", db, "match", query, "--json", "--min-score", "0")
    assert code == 0, err
    [semantic] = json_lines(out)
    assert semantic["matches"][0]["source"] == "Checker B"
    code, out, err = run(capsys, "--db", db, "match", query, "--json", "--min-score", "0", "--no-semantic")
    assert code == 0, err
    [lexical] = json_lines(out)
    assert [m["id"] for m in lexical["matches"]] and (
        [m["score"] for m in lexical["matches"]] != [m["score"] for m in semantic["matches"]])


def test_semantic_setting_is_on_by_default_and_off_is_kept_when_saving(tmp_path) -> None:
    from tui.settings import SettingsError, load_settings, save_settings

    path = tmp_path / "settings.toml"
    assert load_settings(path).semantic
    path.write_text('checker = "ana"\nsemantic = false\n', encoding="utf-8")
    settings = load_settings(path)
    assert not settings.semantic
    save_settings(settings.with_checker("ben"))
    assert not load_settings(path).semantic
    save_settings(settings.with_checker("ben").__class__(checker="ben", path=path))
    assert load_settings(path).semantic
    path.write_text('semantic = "yes"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="true or false"):
        load_settings(path)
