"""Tweets: can a head on the model's log-odds lift CheckThat! 2022 1B's F1 over flagging every tweet?

Run from the project root (about 3 CPU minutes):
    nice -n 10 .venv/bin/python bench/tweet_claims.py

CheckThat! 2022 1B train only (../shared/data/, never copied; the dev split is not read), 4 folds
by row (`ingest.model.train`'s folds). `z` is the out-of-fold log-odds of the shipped training
(`cross_validate`). Each row gives the F1 of the check-worthy class pooled over the folds, each
fold flagged at the threshold that maximises F1 on the other three, and, in brackets, at the
single best pooled threshold (optimistic: chosen on the figures it reports). Rows, all computed
in this run:
- baselines: every tweet; the shipped scorer (rules applied) at the shipped threshold;
- logistic heads fitted on the other folds (l2 over a grid) on `z`; on `z`, the signals and six
  tweet marks (link, handle, hashtag, retweet, non-ASCII, digit); the same with the matcher's
  sentence embeddings; embeddings and marks without `z`;
- word models trained on CheckThat! 2022 alone, or with CheckThat! 2024 at a small weight, and
  their probabilities averaged with the shipped training's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import checkworthy  # noqa: E402
from ingest.model.train import (  # noqa: E402
    CT20_TRAIN,
    CT22_TRAIN,
    CT24_TRAIN,
    DEFAULT_DATA,
    FOLDS,
    cross_validate,
    load_training,
    sentence_scores,
)
from matchers.semantic import embed_texts  # noqa: E402

GRID = [step / 100 for step in range(5, 96)]


def f1(labels: np.ndarray, flagged: np.ndarray) -> float:
    tp = int((flagged & (labels == 1)).sum())
    wrong = int((flagged & (labels == 0)).sum()) + int((~flagged & (labels == 1)).sum())
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    return max((f1(labels, scores >= t), t) for t in GRID)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 30) -> np.ndarray:
    """Newton's method for an l2-penalised logistic regression (the bias unpenalised)."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    penalty = l2 * np.r_[np.ones(x.shape[1]), 0.0]
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        q = 1.0 / (1.0 + np.exp(-x1 @ w))
        gradient = x1.T @ (q - y) + penalty * w
        hessian = (x1 * (q * (1 - q))[:, None]).T @ x1 + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    return w


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))


def fold_flags(labels: np.ndarray, folds: np.ndarray, scores_of_fold) -> tuple[np.ndarray, np.ndarray]:
    """Pooled out-of-fold scores, and flags at each fold's threshold chosen on the other folds."""
    scores = np.zeros(len(labels))
    flagged = np.zeros(len(labels), bool)
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        train_scores, scores[test] = scores_of_fold(train, test)
        flagged[test] = scores[test] >= best_threshold(labels[train], train_scores)[1]
    return scores, flagged


def row(name: str, labels: np.ndarray, flagged: np.ndarray, scores: np.ndarray) -> None:
    best, at = best_threshold(labels, scores)
    print(f"  {name:62} {f1(labels, flagged):6.3f} ({best:.3f} at {at:.2f})")


def main() -> None:
    data = load_training(DEFAULT_DATA)
    rows = data[CT22_TRAIN]
    labels = np.array([e.label for e in rows])
    folds = np.array([e.fold for e in rows])
    shipped = np.array(cross_validate(data)[CT22_TRAIN])
    threshold = checkworthy.threshold()
    ruled = np.array(sentence_scores(rows, list(shipped), threshold))
    print(f"CheckThat! 2022 1B train: {len(rows)} tweets, {labels.mean():.3f} check-worthy; F1 (best pooled)")
    print(f"  {'baseline: every tweet':62} {f1(labels, np.ones(len(rows), bool)):6.3f}")
    print(f"  {f'shipped scorer, rules applied, threshold {threshold}':62} {f1(labels, ruled >= threshold):6.3f}")

    clipped = np.clip(shipped, 1e-6, 1 - 1e-6)
    z = np.log(clipped / (1 - clipped))[:, None]
    clean = [checkworthy.scoring_text(e.text) for e in rows]
    names = checkworthy.POSITIVE + checkworthy.NEGATIVE
    found = [set(checkworthy.signals(text)) for text in clean]
    signal_columns = np.array([[name in present for name in names] for present in found], float)
    marks = np.array([["http" in t, "@" in t, "#" in t, t.lstrip().startswith("RT"), not t.isascii(),
                       any(c.isdigit() for c in t)] for t in (e.text for e in rows)], float)
    embeddings = embed_texts(clean)

    def head(x: np.ndarray, l2: float):
        def scores_of_fold(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            mean, spread = x[train].mean(0), x[train].std(0) + 1e-9
            w = fit_logistic((x[train] - mean) / spread, labels[train], l2)
            return predict((x[train] - mean) / spread, w), predict((x[test] - mean) / spread, w)
        return scores_of_fold

    for name, x, grid in [
        ("head on z", z, (1, 10, 100)),
        ("head on z, signals, tweet marks", np.hstack([z, signal_columns, marks]), (1, 10, 100)),
        ("head on z, signals, marks, embeddings", np.hstack([z, signal_columns, marks, embeddings]),
         (1, 10, 100, 1000, 10000)),
        ("head on signals, marks, embeddings (no z)", np.hstack([signal_columns, marks, embeddings]),
         (10, 100, 1000)),
    ]:
        for l2 in grid:
            scores, flagged = fold_flags(labels, folds, head(x, l2))
            row(f"{name}, l2 {l2}", labels, flagged, scores)

    for ct24_weight in (0.0, 1000.0):
        sets = {CT22_TRAIN: rows, CT24_TRAIN: data[CT24_TRAIN]} if ct24_weight else {CT22_TRAIN: rows}
        own = np.array(cross_validate(sets, set_weights={CT22_TRAIN: 5000.0, CT24_TRAIN: ct24_weight,
                                                         CT20_TRAIN: 0.0})[CT22_TRAIN])
        for share in (1.0, 0.3, 0.5):
            mixed = share * own + (1 - share) * shipped

            def scores_of_fold(train: np.ndarray, test: np.ndarray, mixed=mixed):
                return mixed[train], mixed[test]

            scores, flagged = fold_flags(labels, folds, scores_of_fold)
            row(f"word model, CheckThat! 2024 at {ct24_weight:.0f}, share {share} with the shipped",
                labels, flagged, scores)


if __name__ == "__main__":
    main()
