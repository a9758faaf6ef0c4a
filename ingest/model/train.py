"""Training the check-worthiness model shipped in `ingest/model/checkworthy.json`.

Run from the project root:  .venv/bin/python -m ingest.model.train [--data ../shared/data]

Data sources (public, read in place, never copied; see each folder's PROVENANCE.md):
- `clef2022-checkthat-1b-en-claim-detection/CT22_english_1B_claim_train.tsv`: CheckThat! 2022
  task 1B tweets, "contains a verifiable factual claim" (Nakov et al., CLEF 2022).
- `claimbuster-2.5xncs/kfold_25ncs.json`: ClaimBuster check-worthy factual sentences from US
  presidential debates (Arslan et al., ICWSM 2020), from utaresearch/claimbuster-spotter.
The dev splits and CheckThat! 2020 task 5 are never trained on; `bench/checkworthiness.py`
evaluates on them. Each training set counts equally. The threshold is the one that maximises
the mean F1 of the two sets on out-of-fold predictions of a 4-fold cross-validation.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from collections import Counter
from pathlib import Path

from ingest.checkworthy import signals
from ingest.model import MODEL_PATH, Model, features

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
Example = tuple[str, int, int]  # text, label, fold


def load_training(data: Path) -> dict[str, list[Example]]:
    ct22 = []
    path = data / "clef2022-checkthat-1b-en-claim-detection" / "CT22_english_1B_claim_train.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
            ct22.append((row["tweet_text"], int(row["class_label"]), i % 4))
    rows = json.loads((data / "claimbuster-2.5xncs" / "kfold_25ncs.json").read_text(encoding="utf-8"))
    claimbuster = [(r["text"], int(r["label"]), r["sentence_id"] % 4) for r in rows]
    return {"CheckThat! 2022 1B train": ct22, "ClaimBuster 2.5xNCS": claimbuster}


def train(sets: dict[str, list[tuple[str, int]]], *, epochs: int = 6, l2: float = 2e-5,
          rate: float = 0.2, min_count: int = 2, seed: int = 13) -> tuple[dict[str, float], float]:
    """Logistic regression by AdaGrad SGD; each set weighs the same in the loss."""
    counts: Counter[str] = Counter()
    prepared = []
    for examples in sets.values():
        weight = 5000.0 / len(examples)
        for text, label in examples:
            feats = features(text, signals(text))
            counts.update(feats)
            prepared.append((feats, label, weight))
    keep = {f for f, c in counts.items() if c >= min_count or f.startswith(("s:", "len:", "caps:"))}
    prepared = [([f for f in feats if f in keep], y, w) for feats, y, w in prepared]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 1e-8
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(prepared)
        for feats, y, w in prepared:
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - y) * w
            bias_square += g * g
            bias -= rate * g / math.sqrt(bias_square)
            for f in feats:
                old = weights.get(f, 0.0)
                gf = g + l2 * old * len(prepared)
                squares[f] = squares.get(f, 1e-8) + gf * gf
                weights[f] = old - rate * gf / math.sqrt(squares[f])
    weights = {f: round(v, 3) for f, v in weights.items() if abs(v) >= 0.02}
    return weights, round(bias, 3)


def best_threshold(scored: dict[str, list[tuple[float, int]]]) -> tuple[float, float]:
    best = (0.0, 0.5)
    for step in range(5, 96):
        threshold = step / 100
        f1s = []
        for pairs in scored.values():
            tp = sum(1 for p, y in pairs if y and p >= threshold)
            fp = sum(1 for p, y in pairs if not y and p >= threshold)
            fn = sum(1 for p, y in pairs if y and p < threshold)
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        best = max(best, (sum(f1s) / len(f1s), threshold))
    return best


def cross_validate(data: dict[str, list[Example]], **options) -> dict[str, list[tuple[float, int]]]:
    """Out-of-fold (probability, label) pairs for every example of every set."""
    scored: dict[str, list[tuple[float, int]]] = {name: [] for name in data}
    for fold in range(4):
        train_sets = {name: [(t, y) for t, y, f in rows if f != fold] for name, rows in data.items()}
        weights, bias = train(train_sets, **options)
        model = Model(weights, bias, 0.5, "")
        for name, rows in data.items():
            for text, label, f in rows:
                if f == fold:
                    z = model.logit(text, signals(text))
                    scored[name].append((1.0 / (1.0 + math.exp(-z)), label))
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the shipped check-worthiness model.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public data folder")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    args = parser.parse_args()
    data = load_training(args.data)
    scored = cross_validate(data)
    mean_f1, threshold = best_threshold(scored)
    print(f"4-fold cross-validated mean F1 {mean_f1:.3f} at threshold {threshold}")
    for name, pairs in scored.items():
        print(f"  {name}: F1 {best_threshold({name: pairs})[0]:.3f} at its own best threshold")
    weights, bias = train({name: [(t, y) for t, y, _ in rows] for name, rows in data.items()})
    model = {
        "description": "logistic regression over words, word pairs, rule signals and length; trained on "
                       "CheckThat! 2022 1B train and ClaimBuster 2.5xNCS by ingest/model/train.py",
        "threshold": threshold,
        "cross_validated_mean_f1": round(mean_f1, 3),
        "bias": bias,
        "weights": dict(sorted(weights.items())),
    }
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"Wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(weights)} weights).")


if __name__ == "__main__":
    main()
