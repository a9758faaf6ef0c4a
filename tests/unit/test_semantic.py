"""The semantic reranker: fusing, the shipped static model, stored embeddings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matchers import SAME_CLAIM_SCORE, rank_candidates, semantic
from matchers.semantic import (
    CONTAINED_COVERAGE,
    SemanticUnavailableError,
    fuse_semantic,
    fused_score,
    match_texts,
    rerank_semantic,
    semantic_scores,
)
from store.models import Candidate, Match
from tests.unit.test_matching import CORE_CONFLICT_PAIRS

def make_match(id: int, text: str, score: float, title: str = "") -> Match:
    candidate = Candidate(id=id, kind="reference", text=text, title=title)
    return Match(candidate=candidate, score=score, explanation={"shared": [str(id)]})


# -- fusing (no model needed) ---------------------------------------------------------


def test_fuse_weight_zero_keeps_the_lexical_order_and_scores() -> None:
    matches = [make_match(1, "a", 80.0), make_match(2, "b", 60.0), make_match(3, "c", 40.0)]
    fused = fuse_semantic(matches, [0.1, 0.9, 0.5], weight=0.0)
    assert [m.candidate.id for m in fused] == [1, 2, 3]
    assert [m.score for m in fused] == [80.0, 60.0, 40.0]


def test_fuse_weight_one_orders_by_similarity() -> None:
    matches = [make_match(1, "a", 80.0), make_match(2, "b", 60.0), make_match(3, "c", 40.0)]
    fused = fuse_semantic(matches, [0.1, 0.9, 0.5], weight=1.0)
    assert [m.candidate.id for m in fused] == [2, 3, 1]
    assert [m.score for m in fused] == [90.0, 50.0, 10.0]


def test_fuse_mixes_the_two_scores_and_keeps_explanations() -> None:
    matches = [make_match(1, "a", 70.0), make_match(2, "b", 60.0)]
    fused = fuse_semantic(matches, [0.2, 0.9], weight=0.5)
    assert [(m.candidate.id, m.score) for m in fused] == [(2, 75.0), (1, 45.0)]
    assert fused[0].explanation == {"shared": ["2"]}
    # The inputs are frozen dataclasses and stay as they were.
    assert matches[0].score == 70.0


def test_fuse_scores_stay_within_0_and_100_for_negative_or_excess_similarity() -> None:
    matches = [make_match(1, "a", 100.0), make_match(2, "b", 0.0)]
    fused = fuse_semantic(matches, [1.5, -0.7], weight=0.6)
    assert [m.score for m in fused] == [100.0, 0.0]


def test_fuse_ties_keep_the_input_order() -> None:
    matches = [make_match(i, str(i), 50.0) for i in range(5)]
    fused = fuse_semantic(matches, [0.5] * 5, weight=0.3)
    assert [m.candidate.id for m in fused] == [0, 1, 2, 3, 4]


def test_fuse_refuses_mismatched_lengths_and_weights_outside_0_1() -> None:
    matches = [make_match(1, "a", 50.0)]
    with pytest.raises(ValueError, match="2 similarities for 1 matches"):
        fuse_semantic(matches, [0.1, 0.2], weight=0.5)
    with pytest.raises(ValueError, match="between 0 and 1, not 1.5"):
        fuse_semantic(matches, [0.1], weight=1.5)


def test_fuse_of_nothing_is_nothing() -> None:
    assert fuse_semantic([], [], weight=0.5) == []
    assert rerank_semantic("anything", []) == []


# -- the containment floor -------------------------------------------------------------

# The demo article's third claim against a reference it nearly repeats (lexical 71, the
# query holding most of its words) and an unrelated one the embedding prefers.
STRONG, STRONG_SIMILARITY = 71.0, 0.467
WEAK, WEAK_SIMILARITY = 44.8, 0.624


def test_a_strong_match_the_query_contains_is_not_sunk_by_the_similarity() -> None:
    assert fused_score(STRONG, STRONG_SIMILARITY) == 52.8  # the plain fusion sinks it
    assert fused_score(STRONG, STRONG_SIMILARITY, coverage=0.85) == STRONG
    assert fused_score(STRONG, STRONG_SIMILARITY, coverage=CONTAINED_COVERAGE) == STRONG
    # The similarity may still lift it.
    assert fused_score(STRONG, 0.95, coverage=0.85) == round(0.25 * STRONG + 75 * 0.95, 1)


def test_the_floor_needs_both_a_same_claim_score_and_a_contained_candidate() -> None:
    assert fused_score(SAME_CLAIM_SCORE - 0.1, 0.2, coverage=1.0) == round(0.25 * 69.9 + 75 * 0.2, 1)
    assert fused_score(90.0, 0.2, coverage=CONTAINED_COVERAGE - 0.01) == round(0.25 * 90 + 75 * 0.2, 1)


def test_a_weak_match_is_still_reranked_above_a_strong_uncontained_one() -> None:
    matches = [make_match(1, "strong", STRONG), make_match(2, "weak", WEAK),
               make_match(3, "strong, other words", 80.0)]
    fused = fuse_semantic(matches, [STRONG_SIMILARITY, WEAK_SIMILARITY, 0.2], coverages=[0.85, 0.9, 0.3])
    assert [(m.candidate.id, m.score) for m in fused] == [(1, STRONG), (2, 58.0), (3, 35.0)]
    # Without coverages (the plain fusion) the weak match goes first.
    assert [m.candidate.id for m in fuse_semantic(matches, [STRONG_SIMILARITY, WEAK_SIMILARITY, 0.2])] == [2, 1, 3]
    with pytest.raises(ValueError, match="1 coverages for 3 matches"):
        fuse_semantic(matches, [0.1, 0.2, 0.3], coverages=[0.5])


@pytest.mark.parametrize("coverage", [0.0, CONTAINED_COVERAGE, 1.0])
@pytest.mark.parametrize("similarity", [-0.3, 0.0, 0.4, 0.7, 1.0])
def test_the_fused_score_never_falls_as_the_lexical_score_rises(coverage: float, similarity: float) -> None:
    # `matchers.select` bounds a fused score by fusing its lexical bounds.
    fused = [fused_score(step / 10, similarity, coverage=coverage) for step in range(1001)]
    assert all(a <= b for a, b in zip(fused, fused[1:]))


def test_match_texts_are_the_headline_then_the_claim() -> None:
    matches = [
        make_match(1, "Crowds filled the mall.", 50.0, title="Inauguration crowd size"),
        make_match(2, "No title here.", 50.0),
    ]
    assert match_texts(matches) == ["Inauguration crowd size. Crowds filled the mall.", "No title here."]


def test_embedding_text_drops_links_and_caps_length() -> None:
    assert "https" not in semantic.embedding_text("Look at this https://example.com/x now")
    assert len(semantic.embedding_text("word " * 5_000)) <= semantic.MAX_EMBED_CHARS


def test_no_texts_needs_no_model(monkeypatch) -> None:
    monkeypatch.setattr(semantic, "load_model", None)  # would fail if called
    assert semantic_scores("a claim", []) == []


# -- the shipped model ------------------------------------------------------------------


def test_the_model_loads_offline_from_the_package_data(monkeypatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the model must not reach the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(semantic, "_model", None)
    model = semantic.load_model()
    assert semantic.MODEL_DIR.is_relative_to(Path(semantic.__file__).parent)
    assert (semantic.MODEL_DIR / "model.safetensors").is_file()
    assert model.dimensions == model.table.shape[1] >= 64
    vectors = semantic.embed_texts(["A claim about 15 troops.", ""])
    assert vectors.shape == (2, model.dimensions)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any()
    assert semantic.load_model() is model


def test_the_shipped_model_stays_small_and_names_itself_from_its_config() -> None:
    import json

    files = [semantic.MODEL_DIR / name for name in ("config.json", "model.safetensors", "tokenizer.json")]
    assert sum(path.stat().st_size for path in files) < 20_000_000
    config = json.loads(files[0].read_text(encoding="utf-8"))
    model = semantic.load_model()
    # Stored embeddings carry this name: a rebuilt model must bring a new one.
    assert model.name == config["claimdesk_model_name"] != semantic.MODEL_DIR.name
    assert model.table.shape == (model.tokenizer.get_vocab_size(), config["hidden_dim"])


def test_a_damaged_model_folder_is_one_sentence_naming_it(tmp_path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "model.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(SemanticUnavailableError) as caught:
        semantic.load_model(tmp_path)
    message = str(caught.value)
    assert str(tmp_path) in message and "semantic = false" in message
    assert message.endswith(".") and "\n" not in message
    assert SemanticUnavailableError.title == "Semantic matching"


def test_stored_vectors_round_trip_and_rank_as_fresh_ones() -> None:
    texts = ["Swallowing bleach is a cure for COVID-19.", "A viral post says the virus came from a lab."]
    vectors = semantic.embed_texts(texts)
    blobs = semantic.pack_vectors(vectors)
    assert all(len(blob) == 2 * vectors.shape[1] for blob in blobs)
    assert np.allclose(semantic.unpack_vector(blobs[0]), vectors[0], atol=1e-3)
    query = "Drinking bleach cures the coronavirus, says a viral post."
    fresh = semantic_scores(query, texts)
    stored = semantic_scores(query, texts, [blobs[0], None])
    assert stored == pytest.approx(fresh, abs=2e-3)
    matches = [make_match(1, texts[0], 50.0), make_match(2, texts[1], 50.0)]
    with_stored = rerank_semantic(query, matches, stored={1: blobs[0], 2: blobs[1]})
    assert [m.candidate.id for m in with_stored] == [m.candidate.id for m in rerank_semantic(query, matches)]


# -- embeddings -------------------------------------------------------------------------


TOKENIZER_EDGE_TEXTS = [
    "Says 30,000 people (1.2%) got the \"vaccine\" - 100% SAFE!?",
    "a-b_c`d^e~f|g\\h{i}j@k#l$m&n*o+p=q<r>s/t;u:v'w",
    "internationalisation " + "x" * 130 + " supercalifragilistic",
    "Tabs\tand\nnewlines go through the tokenizer",
    "Café, naïve Zürich; ÉCOLE and Ünïcode",
    "Full-width ＦＵＬＬ and emoji 😀 and zero\u200bwidth",
    "An [UNK] token, [CLS] and [unk] written out",
    "",
    "   ",
    "A claim about 15 troops.",
]


def test_token_ids_are_the_tokenizers_own() -> None:
    # Printable ASCII is split and looked up word by word; the ids must be exactly what
    # the tokenizer gives for the whole text, twice (the second time from the word memory).
    model = semantic.load_model()
    expected = [e.ids for e in model.tokenizer.encode_batch(TOKENIZER_EDGE_TEXTS, add_special_tokens=False)]
    assert model.token_ids(TOKENIZER_EDGE_TEXTS) == expected
    assert model.token_ids(TOKENIZER_EDGE_TEXTS) == expected
    long_text = "word " * (semantic.MAX_TOKENS + 50)
    assert model.token_ids([long_text]) == [model.tokenizer.encode(long_text, add_special_tokens=False).ids]
    assert len(model.token_ids([long_text])[0]) == semantic.MAX_TOKENS


def test_embeddings_are_the_normalised_mean_of_the_known_pieces() -> None:
    model = semantic.load_model()
    vectors = model.embed(TOKENIZER_EDGE_TEXTS)
    for text, vector in zip(TOKENIZER_EDGE_TEXTS, vectors):
        ids = [i for i in model.tokenizer.encode(text, add_special_tokens=False).ids if i != model.unknown_id]
        if not ids:
            assert not vector.any()
            continue
        mean = model.table[ids].astype(np.float64).mean(axis=0)
        assert np.allclose(vector, mean / np.linalg.norm(mean), atol=1e-5)
    # One text alone embeds as it does in a batch.
    assert np.allclose(model.embed(TOKENIZER_EDGE_TEXTS[:1])[0], vectors[0], atol=1e-6)




def test_a_paraphrase_is_closer_than_a_claim_on_another_topic() -> None:
    scores = semantic_scores(
        "Fifteen soldiers were sent to the border by the president.",
        [
            "The president deployed 15 troops to the border.",
            "A new bakery opened downtown selling sourdough bread.",
        ],
    )
    assert len(scores) == 2
    assert scores[0] > 0.6 > 0.2 > scores[1]


def test_scores_are_cosines_and_empty_texts_score_zero() -> None:
    text = "Vaccines cause autism according to a new study."
    scores = semantic_scores(text, [text, "", "https://example.com/only-a-link", "Cats purr."])
    assert scores[0] == pytest.approx(1.0, abs=1e-4)
    assert scores[1] == 0.0 and scores[2] == 0.0
    assert all(-1.0 <= s <= 1.0 for s in scores)
    assert semantic_scores("", ["anything at all"]) == [0.0]


def test_the_model_is_loaded_once_and_embeddings_are_cached() -> None:
    semantic_scores("first", ["second"])
    model = semantic._model
    semantic_scores("third", ["second"])
    assert semantic._model is model
    assert "second" in semantic._cache
    semantic.clear_embedding_cache()
    assert len(semantic._cache) == 0
    assert semantic._model is model


def test_scoring_writes_nothing_to_the_terminal(capfd) -> None:
    semantic_scores("Nothing printed while embedding.", ["No progress bars either."])
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_rerank_lifts_a_paraphrase_above_a_lexical_lookalike() -> None:
    query = "Fifteen soldiers were sent to the border by the president."
    matches = [
        # Shares words, says something else.
        make_match(1, "The president visited the border town with his family.", 60.0),
        # Says the same with other words.
        make_match(2, "The president deployed 15 troops to the border.", 50.0),
    ]
    reranked = rerank_semantic(query, matches, weight=0.5)
    assert [m.candidate.id for m in reranked] == [2, 1]
    assert all(0.0 <= m.score <= 100.0 for m in reranked)


@pytest.mark.parametrize(("query", "other"), CORE_CONFLICT_PAIRS)
def test_pairs_differing_in_their_core_stay_below_the_same_claim(query: str, other: str) -> None:
    # Embeddings barely see a number, a date, a negation or the actor; the lexical score
    # with its conflict penalty must keep the identical claim first, flags intact.
    pool = [
        Candidate(id=1, kind="reference", text=other, bm25=-5.0),
        Candidate(id=2, kind="reference", text=query, bm25=-5.0),
    ]
    reranked = rerank_semantic(query, rank_candidates(query, pool, min_score=0))
    assert [m.candidate.id for m in reranked] == [2, 1]
    assert reranked[0].score == 100.0 and not reranked[0].explanation["conflicts"]
    assert reranked[1].explanation["conflicts"] and reranked[1].score < 100.0
