"""A ClaimReview export imports back into a fresh store with the same claims and verdicts."""

from __future__ import annotations

from pathlib import Path

from store import Store
from store import inbox
from tests.conftest import SAMPLE_ARTICLE
from tui.cli import main


def test_claimreview_export_round_trips_through_import(tmp_path: Path, capsys) -> None:
    desk = str(tmp_path / "desk.db")
    assert main(["--db", desk, "ingest", str(SAMPLE_ARTICLE), "--no-match"]) == 0
    store = Store(desk)
    claims = store.claims_for_article(inbox.inbox_page(store)[0].id)
    judged = {claims[0].id: "contested", claims[1].id: "corroborated", claims[2].id: "unverified"}
    for claim_id, verdict in judged.items():
        store.record_verdict(claim_id, verdict, checker="ana")
    store.close()

    export = tmp_path / "reviews.jsonld"
    assert main(["--db", desk, "export", "--format", "claimreview", "--include-unverified",
                 "--base-url", "https://desk.example/reviews", "--organisation", "Example Desk",
                 "--out", str(export)]) == 0

    fresh = str(tmp_path / "fresh.db")
    assert main(["--db", fresh, "import", str(export)]) == 0
    assert "3 added" in capsys.readouterr().out
    imported = Store(fresh).query(
        "SELECT text, source, url, normalised_rating FROM reference_claims ORDER BY id"
    )
    by_text = {row["text"]: row for row in imported}
    for claim_id, verdict in judged.items():
        text = next(c.text for c in claims if c.id == claim_id)
        row = by_text[text]
        assert row["normalised_rating"] == verdict
        assert row["url"] == f"https://desk.example/reviews#claim-{claim_id}"
        assert row["source"] == "Example Desk"

    # importing the same export again adds nothing
    assert main(["--db", fresh, "import", str(export)]) == 0
    assert capsys.readouterr().out.startswith("0 added, 3 skipped")
