"""Fixtures for the desk's Pilot tests: a small seeded store with fixed dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store
from tests.conftest import copy_store
from store.models import ArticleDraft, ClaimDraft, ReferenceDraft

ARTICLE_TEXT = (
    "Rebels announce offensive\n\n"
    "On January 11, rebel groups announced a large counter-offensive near Abu al-Duhur. "
    "Militants killed at least 15 soldiers and destroyed a BMP vehicle.\n\n"
    "The zone was agreed at the Astana talks by Turkey, Iran and Russia. "
    "Nobody knows what happens next."
)


def claim_drafts(text: str, sentences: list[str], checkworthy: tuple[bool, ...] = ()) -> list[ClaimDraft]:
    drafts = []
    for index, sentence in enumerate(sentences):
        start = text.index(sentence)
        worthy = checkworthy[index] if checkworthy else True
        drafts.append(ClaimDraft(sentence, start, start + len(sentence), 0.8 if worthy else 0.1,
                                 worthy, ("has a number",) if any(ch.isdigit() for ch in sentence)
                                 else ("names a place",)))
    return drafts


def seed_store(store: Store) -> dict[str, int]:
    """One article with three check-worthy claims, a second article, reference claims."""
    sentences = [
        "On January 11, rebel groups announced a large counter-offensive near Abu al-Duhur.",
        "Militants killed at least 15 soldiers and destroyed a BMP vehicle.",
        "The zone was agreed at the Astana talks by Turkey, Iran and Russia.",
        "Nobody knows what happens next.",
    ]
    first, _ = store.add_article(
        ArticleDraft(title="Rebels announce offensive", text=ARTICLE_TEXT, source="Front News",
                     url="https://example.org/a1", published="2018-01-11"),
        claim_drafts(ARTICLE_TEXT, sentences, (True, True, True, False)),
    )
    second_text = "Other report\n\nMilitants killed at least 50 soldiers near the airbase."
    second, _ = store.add_article(
        ArticleDraft(title="Other report", text=second_text, source="Wire",
                     url="https://example.org/a2", published="2018-01-12"),
        claim_drafts(second_text, ["Militants killed at least 50 soldiers near the airbase."]),
    )
    store.add_reference_claims([
        ReferenceDraft("Militants killed at least 50 Syrian Arab Army troops and destroyed a BMP vehicle.",
                       source="Demo checks", url="https://example.org/check/1", rating="Unproven",
                       normalised_rating="unverified", date="2018-01-13"),
        ReferenceDraft("The Idlib zone was agreed by Turkey, Iran and Russia at the Astana talks.",
                       source="Demo checks", url="https://example.org/check/2", rating="True",
                       normalised_rating="corroborated", date="2017-09-15"),
    ])
    # Fixed timestamps keep the screens (and their snapshots) the same on every run.
    store.db.conn.execute("UPDATE articles SET added_at = '2018-01-20T00:00:00+00:00'")
    return {"first": first, "second": second}


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The seeded store, built once per test process and closed, to be copied per test."""
    path = tmp_path_factory.mktemp("seeded-template") / "claimdesk.db"
    s = Store(path)
    try:
        ids = seed_store(s)
    finally:
        s.close()
    return path, ids


@pytest.fixture
def seeded(tmp_path: Path, seeded_store_file: tuple[Path, dict[str, int]]) -> tuple[Store, dict[str, int]]:
    template, ids = seeded_store_file
    s = copy_store(template, tmp_path / "claimdesk.db")
    yield s, dict(ids)
    s.close()
