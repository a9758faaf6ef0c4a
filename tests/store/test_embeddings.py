"""Reference embeddings: stored after an import by the embedding run, read when matching,
and never needed for a reference claim to match."""

from __future__ import annotations


import pytest

from matchers import semantic
from store import Store
from store.engine import database_errors
from store.models import ReferenceDraft
from tests.conftest import FIXTURES
import operations
import operations.matching

REFERENCES = [
    ReferenceDraft(text="The president deployed 15 troops to the border.", source="Checker A",
                   url="https://a.example/troops"),
    ReferenceDraft(text="A new bakery opened downtown selling sourdough bread.", source="Checker B"),
    ReferenceDraft(text="The city council cut the library budget by 40 percent.", source="Checker C"),
]


def test_embedding_run_stores_one_vector_per_reference_and_resumes(store: Store) -> None:
    store.add_reference_claims(REFERENCES)
    model = semantic.load_model()
    assert store.embedding_progress(model.name) == (0, 3)
    seen: list[tuple[int, int]] = []
    assert operations.embed_references(store, on_progress=lambda d, t: seen.append((d, t))) == 3
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert store.embedding_progress(model.name) == (3, 3)
    rows = store.query("SELECT reference_id, model, length(vector) AS size FROM reference_embeddings")
    assert {row["reference_id"] for row in rows} == {1, 2, 3}
    assert all(row["model"] == model.name and row["size"] == 2 * model.dimensions for row in rows)
    # The stored vector is the claim's embedding.
    stored = store.reference_embeddings(model.name, [1])[1]
    fresh = semantic.embed_texts([REFERENCES[0].text])[0]
    assert float(semantic.unpack_vector(stored) @ fresh) == pytest.approx(1.0, abs=1e-3)
    # New references only are embedded by the next run.
    store.add_reference_claims([ReferenceDraft(text="Unemployment fell to 3.5 percent.")])
    assert operations.embed_references(store) == 1
    assert store.embedding_progress(model.name) == (4, 4)


def test_a_stopped_run_keeps_what_it_stored(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(operations.matching, "EMBED_ROWS_PER_WRITE", 2)
    store.add_reference_claims(REFERENCES)
    batches = []
    made = operations.embed_references(store, on_progress=lambda d, t: batches.append(d),
                                       should_stop=lambda: len(batches) > 1)
    assert made == 2 and store.embedding_progress(semantic.model_name()) == (2, 3)
    assert operations.embed_references(store) == 1


def test_references_without_embedding_resume_past_an_id_among_embedded_ones(store: Store) -> None:
    drafts = [ReferenceDraft(text=f"Claim number {i} about the harbour.", source="S") for i in range(1, 9)]
    store.add_reference_claims(drafts)
    store.save_reference_embeddings("m", [(i, b"\x00\x00") for i in (1, 2, 4, 7)])
    store.save_reference_embeddings("old", [(5, b"\x00\x00")])
    assert [row[0] for row in store.references_without_embedding("m")] == [3, 5, 6, 8]
    assert [row[0] for row in store.references_without_embedding("m", after_id=3)] == [5, 6, 8]
    assert [row[0] for row in store.references_without_embedding("m", after_id=4, limit=2)] == [5, 6]
    assert store.references_without_embedding("m", after_id=8) == []
    assert store.references_without_embedding("m", after_id=5)[0] == (6, drafts[5].text, "")


def test_a_failed_write_ends_the_run_and_keeps_the_batches_stored_before_it(store: Store, monkeypatch) -> None:
    from store import StoreError

    monkeypatch.setattr(operations.matching, "EMBED_ROWS_PER_WRITE", 1)
    store.add_reference_claims(REFERENCES)
    writes = []

    def failing_second(change):
        writes.append(change)
        if len(writes) == 2:
            raise StoreError("Cannot write to the store: the disk is full; nothing was changed.")
        return change(store)

    with pytest.raises(StoreError, match="disk is full"):
        operations.embed_references(store, write=failing_second)
    assert len(writes) == 2
    assert store.embedding_progress(semantic.model_name()) == (1, 3)
    assert operations.embed_references(store) == 2


def test_embeddings_of_another_model_are_replaced_and_not_read(store: Store) -> None:
    store.add_reference_claims(REFERENCES[:1])
    store.save_reference_embeddings("an-older-model", [(1, b"\x00\x00" * 8)])
    model = semantic.model_name()
    assert store.reference_embeddings(model, [1]) == {}
    assert store.references_without_embedding(model) == [(1, REFERENCES[0].text, "")]
    operations.embed_references(store)
    [row] = store.query("SELECT model FROM reference_embeddings")
    assert row["model"] == model


def test_an_embedding_for_a_reference_no_longer_stored_is_skipped(store: Store) -> None:
    store.add_reference_claims(REFERENCES[:1])
    assert store.save_reference_embeddings("m", [(1, b"\x00\x00"), (99, b"\x00\x00")]) == 1
    with pytest.raises(database_errors()):  # the foreign key holds on both engines
        with store.write() as conn:
            conn.execute("INSERT INTO reference_embeddings VALUES (?, ?, ?)", [98, "m", b"\x00"])


def _stored_embeddings(store: Store) -> list[tuple[int, str, bytes]]:
    rows = store.query("SELECT reference_id, model, vector FROM reference_embeddings ORDER BY reference_id")
    return [(row["reference_id"], row["model"], bytes(row["vector"])) for row in rows]


def test_a_batch_of_new_embeddings_is_stored_whole(store: Store) -> None:
    # On PostgreSQL, a batch of claims none of which is embedded yet goes in by COPY.
    store.add_reference_claims(REFERENCES)
    vectors = [(3, b"\x03\x00" * 4), (1, b"\x01\x00" * 4), (2, b"\x02\x00" * 4)]
    assert store.save_reference_embeddings("m", iter(vectors)) == 3
    assert _stored_embeddings(store) == [(i, "m", v) for i, v in sorted(vectors)]
    assert store.save_reference_embeddings("m", []) == 0


def test_a_mixed_batch_replaces_older_vectors_and_skips_claims_no_longer_stored(store: Store) -> None:
    store.add_reference_claims(REFERENCES)
    store.save_reference_embeddings("old", [(1, b"\x00\x01")])
    with store.write() as conn:
        conn.execute("DELETE FROM reference_claims WHERE id = 3")
    # Claim 1 embedded before (another model), 2 new, 3 gone, 2 given twice: the last wins.
    batch = [(1, b"\x11\x11"), (2, b"\x22\x22"), (3, b"\x33\x33"), (2, b"\x2f\x2f")]
    assert store.save_reference_embeddings("new", batch) == 3
    assert _stored_embeddings(store) == [(1, "new", b"\x11\x11"), (2, "new", b"\x2f\x2f")]
    # All of a batch no longer stored: nothing written.
    assert store.save_reference_embeddings("new", [(3, b"\x00\x00"), (7, b"\x00\x00")]) == 0
    assert len(_stored_embeddings(store)) == 2


@pytest.mark.parametrize("embedded_before", [False, True])
def test_a_batch_that_fails_part_way_stores_nothing(store: Store, embedded_before: bool) -> None:
    store.add_reference_claims(REFERENCES)
    if embedded_before:  # the upsert's path on PostgreSQL, else COPY's
        store.save_reference_embeddings("old", [(1, b"\x00\x01")])
    before = _stored_embeddings(store)
    with pytest.raises(database_errors()):  # a vector is required
        store.save_reference_embeddings("m", [(1, b"\x01\x00"), (2, b"\x02\x00"), (3, None)])
    assert _stored_embeddings(store) == before
    assert store.save_reference_embeddings("m", [(2, b"\x02\x00")]) == 1


def test_semantic_matching_is_on_by_default_and_uses_the_stored_embeddings(store: Store) -> None:
    store.add_reference_claims(REFERENCES)
    operations.embed_references(store)
    query = "Fifteen soldiers were sent to the border by the president."
    default = operations.find_matches(store, query, min_score=0)
    lexical = operations.find_matches(store, query, min_score=0, semantic=False)
    assert default[0].candidate.text == REFERENCES[0].text
    # The fused score mixes in the similarity: not the lexical score any more.
    assert default[0].score != lexical[0].score
    similarity = semantic.semantic_scores(query, [REFERENCES[0].text])[0]
    expected = ((1 - semantic.DEFAULT_SEMANTIC_WEIGHT) * lexical[0].score
                + semantic.DEFAULT_SEMANTIC_WEIGHT * 100 * similarity)
    assert default[0].score == pytest.approx(expected, abs=0.3)


def test_a_reference_not_embedded_yet_still_matches_and_ranks_the_same(tmp_path) -> None:
    embedded, fresh = Store(tmp_path / "embedded.db"), Store(tmp_path / "fresh.db")
    for s in (embedded, fresh):
        s.add_reference_claims(REFERENCES)
    operations.embed_references(embedded)
    assert fresh.embedding_progress(semantic.model_name()) == (0, 3)
    for query in ("Fifteen soldiers were sent to the border by the president.",
                  "library budget cut by the council"):
        with_vectors = operations.find_matches(embedded, query, min_score=0)
        without = operations.find_matches(fresh, query, min_score=0)
        assert without, query
        assert [(m.candidate.id, round(m.score)) for m in without] == [
            (m.candidate.id, round(m.score)) for m in with_vectors]
    embedded.close()
    fresh.close()


def test_import_command_embeds_after_the_claims_are_stored(tmp_path, capsys) -> None:
    from tui.cli import main

    db = tmp_path / "cli.db"
    assert main(["--db", str(db), "import", str(FIXTURES / "references" / "plain.jsonl")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 added")
    store = Store(db)
    assert store.embedding_progress(semantic.model_name()) == (3, 3)
    store.close()


def test_a_long_embedding_stage_says_on_stderr_when_it_starts_and_ends(tmp_path, capsys, monkeypatch) -> None:
    # stderr is not a terminal here (captured), as in a log or a pipe: no progress line
    # rewritten in place, but a stage long enough to look like a hang names itself.
    import tui.cli
    from tui.cli import main

    monkeypatch.setattr(tui.cli, "ANNOUNCED_STAGE_CLAIMS", 3)
    db = tmp_path / "cli.db"
    assert main(["--db", str(db), "import", str(FIXTURES / "references" / "plain.jsonl")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("3 added")
    lines = captured.err.splitlines()
    assert len(lines) == 2, captured.err
    assert lines[0].startswith("claimdesk: embedding reference claims for semantic matching: 3 to do")
    assert "ctrl+c" in lines[0] and "\r" not in captured.err
    assert lines[1].startswith("claimdesk: embedded reference claims: 3 in ") and lines[1].endswith("(3 of 3)")

    # Below the threshold (and with nothing left to embed) the command stays quiet.
    monkeypatch.setattr(tui.cli, "ANNOUNCED_STAGE_CLAIMS", 4)
    more = tmp_path / "more.jsonl"
    more.write_text('{"text": "The ferry to Skye was free in 1995."}\n', encoding="utf-8")
    assert main(["--db", str(db), "import", str(more)]) == 0
    assert capsys.readouterr().err == ""
