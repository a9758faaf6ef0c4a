"""What a checker meets on first use of the desk, driven with real keys: exporting
ClaimReview from the desk, the footer at 80 columns, the reasons behind a score."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from store import Store
from tests.tui.helpers import running_desk, settle, static_text


async def test_desk_exports_claimreview_after_asking_for_the_review_page(seeded, tmp_path: Path) -> None:
    store, ids = seeded
    claim = store.claims_for_article(ids["first"])[0]
    store.record_verdict(claim.id, "contested")
    target = tmp_path / "reviews.jsonld"
    async with running_desk(store) as (app, pilot):
        await pilot.press("E")
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "page that will publish these reviews" in static_text(app.screen.query_one(".dialog-title"))
        await pilot.press(*"desk.example", "enter")  # not a URL: refused, the dialog stays
        await settle(pilot)
        assert "not an absolute http(s) URL" in static_text(app.screen.query_one("#prompt-error"))
        app.screen.query_one(Input).value = ""
        await pilot.press(*"https://desk.example/reviews", "enter")
        await settle(pilot)
        assert any("Wrote 1 claim" in n.message for n in app._notifications)
    document = json.loads(target.read_text(encoding="utf-8"))
    [review] = document["@graph"]
    assert review["url"] == f"https://desk.example/reviews#claim-{claim.id}"
    assert review["reviewRating"]["alternateName"] == "Contested"
