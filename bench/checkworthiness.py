"""Check-worthiness benchmark on public data, against simple baselines measured in the same run.

Run from the project root:
    .venv/bin/python bench/checkworthiness.py          # evaluate the shipped weights
    .venv/bin/python bench/checkworthiness.py --fit    # refit weights and threshold, print them

Data (read from ../shared/data/, never copied into the project; see each PROVENANCE.md):
- CheckThat! 2022 task 1B (English tweets): F1 of the positive class on dev; train is used by --fit.
- CheckThat! 2024 task 1 (debate sentences, drawn from ClaimBuster): F1 of the positive class on
  dev; train's cross-validated (out-of-fold) figure.
- ClaimBuster 2.5xNCS: what --fit fits the signal weights on (three quarters of it).
(bench/extraction.py is the fuller benchmark: the same figures plus throughput.)
- CheckThat! 2020 task 5 (debate transcripts), train split: average precision per transcript,
  then the mean (MAP). Not used by --fit.
Baselines: "every sentence", "random order", "digit count" (flagged from one digit), "digit or
capitalised word after the first" and, for ranking, "longer sentences first" (score = number of words).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import checkworthy  # noqa: E402
from ingest.model import load_model  # noqa: E402
from ingest.model.train import average_precision  # noqa: E402  (one definition, shared with training)

DATA = ROOT.parent / "shared" / "data"
CT22 = DATA / "clef2022-checkthat-1b-en-claim-detection"
CLAIMBUSTER = DATA / "claimbuster-2.5xncs" / "kfold_25ncs.json"
CT20 = DATA / "clef2020-checkthat-task5-debates" / "train"
CT24 = DATA / "clef2024-checkthat-1-en"

Example = tuple[str, int]


def load_ct22(split: str) -> list[Example]:
    path = CT22 / f"CT22_english_1B_claim_{split}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["tweet_text"], int(row["class_label"])) for row in reader]


def load_ct24(split: str) -> list[Example]:
    """CheckThat! 2024 task 1 English, "train" or "dev" (label 1 for "Yes")."""
    from ingest.model.train import read_ct24

    return [(text, label) for _, text, label in read_ct24(CT24 / f"CT24_checkworthy_english_{split}.tsv")]


def load_claimbuster(held_out: bool | None = None) -> list[Example]:
    """All sentences (None), only the held-out quarter (True) or only the fitting part (False)."""
    rows = json.loads(CLAIMBUSTER.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        in_held_out = row["sentence_id"] % 4 == 0
        if held_out is None or held_out == in_held_out:
            out.append((row["text"], int(row["label"])))
    return out


def load_ct20() -> dict[str, list[Example]]:
    debates = {}
    for path in sorted(CT20.glob("*.tsv")):
        rows = []
        with path.open(encoding="utf-8", newline="") as handle:
            for fields in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(fields) >= 4:
                    rows.append((fields[2], int(fields[3])))
        debates[path.stem] = rows
    return debates


# --- scorers -----------------------------------------------------------------------------
_CAPITALISED_LATER = re.compile(r"\S\s+[\"'(\u201c]?[A-Z]")


def shipped(text: str) -> float:
    return checkworthy.score_sentence(text).score


def signals_only(text: str) -> float:
    return 1.0 / (1.0 + math.exp(-checkworthy.rule_logit(checkworthy.signals(text))))


def every_sentence(text: str) -> float:
    return 1.0


def random_order(text: str) -> float:
    """A fixed pseudo-random score in [0, 1) per text: the ranking of a coin."""
    return zlib.crc32(text.encode("utf-8")) / 2**32


def digit_count(text: str) -> float:
    """The number of digits, flagged from one digit on (score 1 at 0.5): "numbers are claims"."""
    return float(sum(c.isdigit() for c in text))


def digit_or_capital(text: str) -> float:
    return 1.0 if re.search(r"\d", text) or _CAPITALISED_LATER.search(text) else 0.0


def longer_first(text: str) -> float:
    return float(len(text.split()))


# --- metrics -----------------------------------------------------------------------------
def prf(labels: list[int], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def report_binary(title: str, examples: list[Example], extra: list[tuple[str, list[float]]] = ()) -> None:
    texts = [t for t, _ in examples]
    labels = [y for _, y in examples]
    print(f"\n{title}: {len(examples)} sentences, {sum(labels)} check-worthy")
    print(f"  {'scorer':52} {'P':>6} {'R':>6} {'F1':>6} {'AP':>6}")
    model_threshold = checkworthy.threshold()
    rows = [(f"shipped model (threshold {model_threshold})", [shipped(t) for t in texts], model_threshold)]
    rows += [(name, scores, model_threshold) for name, scores in extra]
    rows += [
        (f"signals only (threshold {checkworthy.THRESHOLD})", [signals_only(t) for t in texts], checkworthy.THRESHOLD),
        ("baseline: every sentence", [every_sentence(t) for t in texts], 0.5),
        ("baseline: random order", [random_order(t) for t in texts], 0.5),
        ("baseline: digit count", [digit_count(t) for t in texts], 0.5),
        ("baseline: digit or capitalised word after the first", [digit_or_capital(t) for t in texts], 0.5),
    ]
    for name, scores, threshold in rows:
        p, r, f = prf(labels, [s >= threshold for s in scores])
        print(f"  {name:52} {p:6.3f} {r:6.3f} {f:6.3f} {average_precision(labels, scores):6.3f}")


def report_ranking(debates: dict[str, list[Example]]) -> None:
    total = sum(len(v) for v in debates.values())
    positives = sum(y for v in debates.values() for _, y in v)
    print(f"\nCheckThat! 2020 task 5 train: {len(debates)} transcripts, {total} sentences, {positives} check-worthy")
    print(f"  {'scorer':52} {'MAP':>6}")
    for name, scorer in [("shipped model", shipped), ("signals only", signals_only),
                         ("baseline: every sentence", every_sentence),
                         ("baseline: random order", random_order), ("baseline: digit count", digit_count),
                         ("baseline: digit or capitalised word after the first", digit_or_capital),
                         ("baseline: longer sentences first", longer_first)]:
        aps = []
        for rows in debates.values():
            labels = [y for _, y in rows]
            if sum(labels):
                aps.append(average_precision(labels, [scorer(t) for t, _ in rows]))
        print(f"  {name:52} {sum(aps) / len(aps):6.3f}")


# --- fitting -----------------------------------------------------------------------------
FEATURES = tuple(checkworthy.POSITIVE + checkworthy.NEGATIVE)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems are 20x20)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[col][col]:
                factor = a[r][col] / a[col][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] if a[i][i] else 0.0 for i in range(n)]


def fit_logistic(rows: list[tuple[list[int], int, float]], n: int, l2: float = 1.0) -> list[float]:
    """Weighted L2-regularised logistic regression by Newton's method; index 0 is the bias."""
    w = [0.0] * n
    for _ in range(25):
        grad = [0.0] * n
        hess = [[0.0] * n for _ in range(n)]
        for active, y, weight in rows:
            z = sum(w[i] for i in active)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - y) * weight
            h = p * (1 - p) * weight
            for i in active:
                grad[i] += g
                row = hess[i]
                for j in active:
                    row[j] += h
        for i in range(1, n):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def fit() -> None:
    index = {name: i + 1 for i, name in enumerate(FEATURES)}
    sets = {"CheckThat! 2022 1B train": load_ct22("train"), "ClaimBuster fitting part": load_claimbuster(held_out=False)}
    rows = []
    for examples in sets.values():
        weight = 1.0 / len(examples)  # each set counts equally
        for text, label in examples:
            active = [0] + [index[s] for s in checkworthy.signals(text) if s in index]
            rows.append((active, label, weight * 5000))
    w = fit_logistic(rows, len(FEATURES) + 1)
    weights = {name: round(w[index[name]], 3) for name in FEATURES}
    bias = round(w[0], 3)

    def score(text: str) -> float:
        z = bias + sum(weights.get(s, 0.0) for s in checkworthy.signals(text))
        return 1.0 / (1.0 + math.exp(-z))

    scored = {name: [(score(t), y) for t, y in examples] for name, examples in sets.items()}
    best = (0.0, 0.5)
    for step in range(5, 96):
        threshold = step / 100
        f1s = [prf([y for _, y in s], [p >= threshold for p, _ in s])[2] for s in scored.values()]
        best = max(best, (sum(f1s) / len(f1s), threshold))
    print("WEIGHTS = " + json.dumps(weights, indent=4))
    print(f"BIAS = {bias}")
    print(f"THRESHOLD = {best[1]}  # mean F1 on the fitting sets {best[0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the signal weights and threshold and print them")
    parser.add_argument("--quick", action="store_true", help="skip the cross-validated model on CheckThat! 2024 train (a few minutes)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"Skipped: the public data folder {DATA} is absent.")
        return
    if args.fit:
        fit()
        return
    model = load_model()
    print(f"Model: {model.description if model else 'absent, signal weights only'}")
    print(f"Signal weights: fitted on {checkworthy.FITTED_ON}")
    report_binary("CheckThat! 2022 1B dev (never trained on)", load_ct22("dev"))
    extra = []
    if not args.quick:
        from ingest.model.train import CT24_TRAIN, cross_validate, load_training, sentence_scores

        data = load_training(DATA)
        out_of_fold = cross_validate(data)[CT24_TRAIN]
        extra = [("model, 4-fold cross-validated (out-of-fold)",
                  sentence_scores(data[CT24_TRAIN], out_of_fold, checkworthy.threshold()))]
        report_binary("CheckThat! 2024 task 1 train (the shipped model was trained on it; dev sentences left out)",
                      [(e.text, e.label) for e in data[CT24_TRAIN]], extra)
    report_binary("CheckThat! 2024 task 1 dev (never trained on)", load_ct24("dev"))
    report_ranking(load_ct20())


if __name__ == "__main__":
    main()
