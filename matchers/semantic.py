"""Semantic reranking of matches with static sentence embeddings (on by default).

- `load_model()`: the embedding model shipped in `matchers/model/static_minilm/`, loaded
  once (a token table and a tokenizer: no network, no torch).
- `embed_texts(texts)`: unit-length float32 embeddings, one row per text (zeros for a
  text with nothing to embed).
- `pack_vectors(vectors)` / `unpack_vector(blob)`: the bytes stored with a reference claim.
- `semantic_scores(query, texts)`: the cosine similarity of the query's embedding to each
  text's, in [-1, 1].
- `fuse_semantic(matches, scores, weight)`: the matches scored
  `(1 - weight) * score + weight * 100 * max(0, similarity)`, a 0-100 score again, and
  re-sorted by it plus their `rank_bonus` (speaker and date priors, `matchers.rank`).
- `rerank_semantic(query, matches, stored)`: the two together, with the weight tuned on
  train; `stored` holds reference claims' embeddings read from the store, the others
  are embedded on the spot (`candidate_similarities`).
- `fused_score(score, similarity, coverage=...)`: one match's fused score
  (`operations.find_matches` fuses the lexical pool this way before explaining it,
  `matchers.select`), with the containment floor below when the candidate's coverage is given.

The model is a static version of all-MiniLM-L6-v2 (Apache-2.0): each word piece of
MiniLM's vocabulary has one vector, and a text's embedding is the mean of its pieces'
vectors. The vectors start as model2vec's distillation (MiniLM's output for each piece)
and are then fitted so that the mean over a text points where MiniLM's own sentence
embedding of that text points, over claims, headlines, statements, tweets and debate
sentences like the ones matched. `bench/build_embedding_model.py` rebuilds it (it needs
the `distill` extra); bench/NOTES.md has the measured comparison with MiniLM itself. Inference is the
lookup and mean written here over `tokenizers` and `safetensors`: model2vec's own
loader imports huggingface_hub, which alone took longer than the 1 s budget for loading.

Texts are embedded after `clean_surface` (URLs and tweet signatures dropped, @handles
turned into names), cut to `MAX_EMBED_CHARS`.

The similarity reranks the lexical matcher's best `SEMANTIC_POOL` matches, not the
full-text candidates: the lexical score keeps the conflict penalties and the
explanation.

A mean over word pieces is swamped by a long query's extra words (a list of place
names), so it can sink a reference the query nearly repeats. The containment floor
keeps such a match where the lexical matcher put it: a match scoring at least the
plain-text same-claim threshold (`matchers.verdict.SAME_CLAIM_SCORE`), whose words
(weighted by their rarity among the candidates, `matchers.rank`'s `match_coverage`) the
query holds at least `CONTAINED_COVERAGE` of, is never fused below its lexical score;
the similarity may still lift it. `operations.find_matches` gives the coverage for a
plain text only: a transcript line's matches are fused as before.

`DEFAULT_SEMANTIC_WEIGHT`, `SEMANTIC_POOL` and `SEMANTIC_MIN_SCORE` were chosen on the
CheckThat! 2020 task 2 train split by `bench/matching_semantic.py`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from matchers.normalise import clean_surface
from matchers.verdict import SAME_CLAIM_SCORE
from store.models import Candidate, Match

# The lexical matches reranked per claim, the weight of the similarity in the fused
# score, and the "same claim" threshold on the fused score: chosen on CheckThat! 2020
# train (bench/matching_semantic.py --train-only); figures in bench/NOTES.md.
SEMANTIC_POOL = 20
DEFAULT_SEMANTIC_WEIGHT = 0.75
SEMANTIC_MIN_SCORE = 53.0
# The containment floor's coverage (see above): chosen on CheckThat! 2020 train and 2022
# 2B train sentences as plain text, the lowest keeping same-claim precision
# (bench/fusion_rules.py; figures in bench/NOTES.md).
CONTAINED_COVERAGE = 0.5
# Where the model lives (package data), and the name stored with each embedding: a
# rebuilt model gets a new name, so embeddings made by the old one are made again.
MODEL_DIR = Path(__file__).resolve().parent / "model" / "static_minilm"
# Longer texts are cut before tokenising; the mean over a claim's first 2,000
# characters is what a pasted article costs at most.
MAX_EMBED_CHARS = 2_000
MAX_TOKENS = 512
# Texts tokenised per batch: bounds the gathered token vectors' memory (about 10 MB).
EMBED_BATCH = 1_024
# Word pieces remembered per word for printable ASCII texts (`StaticModel.token_ids`): the
# words of a million claims repeat, and a dictionary look-up costs a fraction of running
# the tokenizer's normaliser and pre-tokeniser over each text again. About 100 bytes each.
WORD_CACHE_SIZE = 200_000
# Printable ASCII, and how MiniLM's BERT pre-tokeniser splits it once lower-cased: runs of
# letters and digits, and every other printable character (all ASCII punctuation to
# BERT) alone. Any other text goes through the tokenizer whole.
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*\Z")
_ASCII_PIECES = re.compile(r"[a-z0-9]+|[^ a-z0-9]")
# Embeddings kept for texts seen recently (article claims are not stored with one):
# 1 KB each at 256 dimensions, so about 20 MB when full.
EMBEDDING_CACHE_SIZE = 20_000


class SemanticUnavailableError(RuntimeError):
    """The embedding model's files are missing or damaged.

    Its message is one sentence naming the folder and the fix; `title` matches the
    `ClaimdeskError` convention so the desk can show it the same way.
    """

    title = "Semantic matching"


@dataclass(frozen=True)
class StaticModel:
    """A token table and its tokenizer: a text's embedding is the normalised mean of its
    word pieces' rows (unknown pieces skipped, as model2vec does)."""

    name: str
    table: np.ndarray  # (vocabulary, dimensions), float16 as stored (half the memory)
    tokenizer: object  # tokenizers.Tokenizer
    unknown_id: int | None
    # Texts of the tokenizer's added tokens ("[UNK]"): matched before any splitting, so a
    # text holding one goes through the tokenizer.
    added_tokens: tuple[str, ...] = ()
    _word_ids: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            out[start : start + len(batch)] = self._embed_batch(batch)
        return out

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The word-piece ids of each text, as the tokenizer gives them (no special
        tokens, at most `MAX_TOKENS`). A printable ASCII text is split into words here
        and each word's pieces are remembered: the same ids (BERT's WordPiece splits each
        word on its own), several times faster over a large import. Other texts go
        through the tokenizer in one batch."""
        out: list[list[int] | None] = [None] * len(texts)
        others: list[int] = []
        known = self._word_ids
        for index, text in enumerate(texts):
            if not _PRINTABLE_ASCII.match(text) or any(t in text for t in self.added_tokens):
                others.append(index)
                continue
            ids: list[int] = []
            for word in _ASCII_PIECES.findall(text.lower()):
                pieces = known.get(word)
                if pieces is None:
                    if len(known) >= WORD_CACHE_SIZE:
                        known.clear()
                    pieces = known[word] = tuple(
                        self.tokenizer.encode(word, add_special_tokens=False).ids)
                ids.extend(pieces)
            out[index] = ids[:MAX_TOKENS]
        if others:
            encodings = self.tokenizer.encode_batch_fast([texts[i] for i in others],
                                                         add_special_tokens=False)
            for index, encoding in zip(others, encodings):
                out[index] = encoding.ids
        return out  # type: ignore[return-value]

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        ids = self.token_ids(texts)
        if self.unknown_id is not None:
            ids = [[i for i in row if i != self.unknown_id] if self.unknown_id in row else row
                   for row in ids]
        lengths = [len(row) for row in ids]
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=sum(lengths))
        # Summed in float32. Each distinct piece is converted from float16 once (numpy's
        # float16 conversion is slow, and a batch repeats its common pieces many times);
        # a sum per text is faster than one `np.add.reduceat` over the batch (whose loop
        # along rows is several times slower), and agrees with it within 1e-5.
        distinct, where = np.unique(flat, return_inverse=True)
        rows = self.table[distinct].astype(np.float32)[where]
        sums = np.zeros((len(ids), self.dimensions), dtype=np.float32)
        start = 0
        for index, length in enumerate(lengths):
            if length:
                rows[start : start + length].sum(axis=0, out=sums[index])
                start += length
        # The mean's direction is the sum's: normalising the sum is the normalised mean.
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return sums / np.maximum(norms, 1e-12)


_lock = threading.Lock()
_model: StaticModel | None = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def load_model(folder: Path | None = None) -> StaticModel:
    """The model in `folder` (default: the shipped one, loaded once and kept)."""
    global _model
    with _lock:
        if folder is None and _model is not None:
            return _model
        model = _read_model(folder or MODEL_DIR)
        if folder is None:
            _model = model
        return model


def _read_model(folder: Path) -> StaticModel:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        table = load_file(str(folder / "model.safetensors"))["embeddings"]
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except (OSError, ValueError, KeyError, Exception) as exc:  # tokenizers raises plain Exception
        raise SemanticUnavailableError(
            f"The sentence-embedding model in {folder} cannot be read ({exc}); reinstall "
            "claimdesk, or turn semantic matching off with `semantic = false` in the settings."
        ) from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    unknown = tokenizer.token_to_id(config.get("unk_token") or "[UNK]")
    name = config.get("claimdesk_model_name") or folder.name
    added = tuple(token.content for token in tokenizer.get_added_tokens_decoder().values())
    return StaticModel(name=name, table=np.asarray(table, dtype=np.float16),
                       tokenizer=tokenizer, unknown_id=unknown, added_tokens=added)


def model_name() -> str:
    """The name stored with embeddings made by the shipped model."""
    return load_model().name


def embedding_text(text: str) -> str:
    """What is embedded for `text`: its surface cleaned of links and signatures, names
    kept, cut to `MAX_EMBED_CHARS`."""
    return clean_surface(text[: MAX_EMBED_CHARS * 2], keep_names=True, expand_numbers=False)[
        :MAX_EMBED_CHARS
    ]


def embed_texts(texts: Sequence[str], model: StaticModel | None = None) -> np.ndarray:
    """Unit-length embeddings of `texts` (rows of zeros for texts with nothing to embed)."""
    model = model or load_model()
    return model.embed([embedding_text(text) for text in texts])


def pack_vectors(vectors: np.ndarray) -> list[bytes]:
    """Each row as the bytes stored with a reference claim (float16: half the space,
    and cosine similarities within 0.001 of float32's)."""
    return [row.tobytes() for row in np.asarray(vectors, dtype=np.float16)]


def unpack_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


def _cached_embeddings(texts: Sequence[str]) -> list[np.ndarray]:
    """Embeddings of texts already through `embedding_text`, from the cache when seen."""
    model = load_model()
    with _lock:
        missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    vectors = model.embed(missing) if missing else ()
    with _lock:
        for text, vector in zip(missing, vectors):
            _cache[text] = vector
        out = []
        for text in texts:
            vector = _cache.get(text)
            if vector is None:  # evicted by another thread meanwhile
                vector = model.embed([text])[0]
            else:
                _cache.move_to_end(text)
            out.append(vector)
        while len(_cache) > max(EMBEDDING_CACHE_SIZE, len(texts)):
            _cache.popitem(last=False)
    return out


def clear_embedding_cache() -> None:
    """Forget the cached embeddings (the model stays loaded)."""
    with _lock:
        _cache.clear()


def semantic_scores(
    query: str, texts: Sequence[str], stored: Sequence[bytes | None] | None = None
) -> list[float]:
    """Cosine similarity, in [-1, 1], of the query's embedding to each text's; an empty
    text (after cleaning) scores 0. `stored[i]`, when given, is text i's stored
    embedding (`pack_vectors`), used instead of embedding it again."""
    if not texts:
        return []
    query_key = embedding_text(query)
    if not query_key:
        return [0.0] * len(texts)
    stored = stored or [None] * len(texts)
    keys = [embedding_text(text) if blob is None else "" for text, blob in zip(texts, stored)]
    query_vector, *embedded = _cached_embeddings([query_key, *filter(None, keys)])
    fresh = iter(embedded)
    scores = []
    for key, blob in zip(keys, stored):
        if blob is not None:
            vector = unpack_vector(blob)
        elif key:
            vector = next(fresh)
        else:
            scores.append(0.0)
            continue
        scores.append(max(-1.0, min(1.0, float(query_vector @ vector))))
    return scores


def reference_text(text: str, title: str = "") -> str:
    """What is embedded for a reference claim: its headline, then the claim (chosen on
    train over the claim alone, the headline alone and the better of the two; see
    bench/NOTES.md)."""
    return f"{title}. {text}" if title else text


def match_texts(matches: Sequence[Match]) -> list[str]:
    """The text embedded for each match (`reference_text`)."""
    return [reference_text(match.candidate.text, match.candidate.title) for match in matches]


def fused_score(score: float, similarity: float, weight: float = DEFAULT_SEMANTIC_WEIGHT,
                coverage: float = 0.0) -> float:
    """`(1 - weight) * score + weight * 100 * max(0, similarity)`, in 0-100, one decimal;
    never under `score` when `score` is at least `SAME_CLAIM_SCORE` and `coverage` (the
    share of the candidate's words the query holds) at least `CONTAINED_COVERAGE`."""
    fused = (1.0 - weight) * score + weight * 100.0 * max(0.0, min(1.0, similarity))
    fused = round(max(0.0, min(100.0, fused)), 1)
    if score >= SAME_CLAIM_SCORE and coverage >= CONTAINED_COVERAGE:
        return max(fused, score)
    return fused


def fuse_semantic(
    matches: Sequence[Match], scores: Sequence[float], weight: float = DEFAULT_SEMANTIC_WEIGHT,
    coverages: Sequence[float] | None = None,
) -> list[Match]:
    """The matches with their scores replaced by `fused_score` (`(1 - weight) * score +
    weight * 100 * max(0, similarity)`, 0-100, one decimal; with `coverages`, one per
    match, the containment floor), best first by that score plus each match's
    `rank_bonus` (the lexical ranking's priors, which order but never enter a score);
    ties keep the input order. Explanations are kept as they are."""
    if len(scores) != len(matches):
        raise ValueError(
            f"fuse_semantic got {len(scores)} similarities for {len(matches)} matches."
        )
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"The semantic weight must be between 0 and 1, not {weight}.")
    coverages = coverages if coverages is not None else [0.0] * len(matches)
    if len(coverages) != len(matches):
        raise ValueError(f"fuse_semantic got {len(coverages)} coverages for {len(matches)} matches.")
    fused = [(fused_score(match.score, similarity, weight, coverage), index, match)
             for index, (match, similarity, coverage) in enumerate(zip(matches, scores, coverages))]
    fused.sort(key=lambda item: (-(item[0] + item[2].rank_bonus), item[1]))
    return [replace(match, score=score) for score, _, match in fused]


def rerank_semantic(
    query: str,
    matches: Sequence[Match],
    weight: float = DEFAULT_SEMANTIC_WEIGHT,
    stored: Mapping[int, bytes] | None = None,
) -> list[Match]:
    """`matches` (the lexical matcher's, best first) reranked with the semantic
    similarity of `query` to each match's text. `stored` maps reference claim ids to
    their stored embeddings; any other match (an article's claim, a reference not
    embedded yet) is embedded now, so the ranking is the same either way."""
    if not matches:
        return []
    return fuse_semantic(matches, candidate_similarities(query, [m.candidate for m in matches], stored), weight)


def candidate_similarities(query: str, candidates: Sequence[Candidate],
                           stored: Mapping[int, bytes] | None = None) -> list[float]:
    """The semantic similarity of `query` to each candidate's text (`reference_text`),
    from `stored` embeddings of reference claims (by id) when there, else embedded now."""
    if not candidates:
        return []
    stored = stored or {}
    blobs = [stored.get(c.id) if c.kind == "reference" else None for c in candidates]
    return semantic_scores(query, [reference_text(c.text, c.title) for c in candidates], blobs)
