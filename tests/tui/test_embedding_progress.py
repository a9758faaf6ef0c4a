"""The desk embeds reference claims imported without embeddings in a worker after it
opens, and its status bar shows the progress while that runs."""

from __future__ import annotations

from matchers import semantic
from store import Store
from store.models import ReferenceDraft
from tests.tui.helpers import running_desk, settle, static_text
from tui.messages import EmbeddingProgress
from tui.settings import Settings
from tui.widgets.filter_bar import FilterBar

REFERENCES = [ReferenceDraft(text=f"The council spent {n} dollars on bridge number {n}.", source="Desk")
              for n in range(1, 1_201)]


async def test_the_desk_embeds_new_references_and_shows_progress(store: Store) -> None:
    store.add_reference_claims(REFERENCES)
    model = semantic.model_name()
    assert store.embedding_progress(model) == (0, 1_200)
    async with running_desk(store, Settings(checker="ana")) as (app, pilot):
        await settle(pilot)
        assert store.embedding_progress(model) == (1_200, 1_200)
        bar = app.screen.query_one(FilterBar)
        assert "Embedding" not in static_text(bar)
        app.post_message(EmbeddingProgress(400, 1_200))
        await pilot.pause()
        assert "Embedding references 400/1,200" in static_text(bar)
        app.post_message(EmbeddingProgress(1_200, 1_200, finished=True))
        await pilot.pause()
        assert "Embedding" not in static_text(bar)


async def test_with_semantic_matching_off_nothing_is_embedded(store: Store) -> None:
    store.add_reference_claims(REFERENCES[:10])
    async with running_desk(store, Settings(checker="ana", semantic=False)) as (app, pilot):
        await settle(pilot)
        assert store.embedding_progress(semantic.model_name()) == (0, 10)
