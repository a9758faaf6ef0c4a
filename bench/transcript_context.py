"""Transcript mode: do a line's context, turn and speaker say more than the shipped roles?

Run from the project root (about 2 CPU minutes; 4 more with --lexical):
    nice -n 10 .venv/bin/python bench/transcript_context.py [--lexical]

CheckThat! 2020 task 5 train only (../shared/data/, never copied), 4 folds of whole transcripts
(`ingest.model.train`'s folds). The sentence scores are the out-of-fold scores of the shipped
training with the two rules applied (`cross_validate`, `sentence_scores`). Rows, in MAP over the
transcripts (the task's metric), all computed in this run:
- baselines: every sentence (random order), the sentence model alone, and the shipped transcript
  mode (`cross_validate_transcripts`: its five weights chosen on the other folds' transcripts);
- the shipped five plus one context feature, all six weights chosen per fold by a coordinate
  search for MAP over the other folds' transcripts, from the shipped weights;
- a logistic regression over every feature (fitted on the other folds' lines; positives x10);
- with --lexical: a model of the sentence's words trained on the other folds of CheckThat! 2020
  alone, or with CheckThat! 2024 train, added as a seventh weighted score.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.checkworthy import _QUESTION_ENDS, _REACTION_SPEAKERS, transcript_adjustments  # noqa: E402
from ingest.model import tokens  # noqa: E402
from ingest.model.train import (  # noqa: E402
    CT20_TRAIN,
    CT24_TRAIN,
    DEFAULT_DATA,
    FOLDS,
    MODERATOR_GRID,
    QUESTION_GRID,
    REPEAT_GRID,
    ROLE_NAMES,
    SHARE_GRID,
    SWEEPING_GRID,
    _logit,
    cross_validate,
    cross_validate_transcripts,
    load_training,
    sentence_scores,
)


def context_features(speakers: list[str], texts: list[str], base: np.ndarray) -> dict[str, np.ndarray]:
    """Per line of one transcript: turn, neighbours, speaker and position features."""
    n = len(texts)
    reaction = np.array([s.strip().lower() in _REACTION_SPEAKERS or t.strip().startswith(("(", "["))
                         for s, t in zip(speakers, texts)])
    question = np.array([t.rstrip().endswith(_QUESTION_ENDS) for t in texts], float)
    turn = np.zeros(n, int)
    position = np.zeros(n)
    current, previous_speaker, place = -1, None, 0
    for k, speaker in enumerate(speakers):
        if not reaction[k]:
            if speaker != previous_speaker:
                current, previous_speaker, place = current + 1, speaker, 0
            else:
                place += 1
        turn[k], position[k] = current, place
    turn_length = np.array([np.sum(turn == t) for t in turn], float)
    spoken = base[~reaction] if (~reaction).any() else base
    mean = spoken.mean()
    before, after, after_question = np.zeros(n), np.zeros(n), np.zeros(n)
    for k in range(n):
        if k > 0 and turn[k - 1] == turn[k] and not reaction[k - 1]:
            before[k] = base[k - 1] - mean
        if k + 1 < n and turn[k + 1] == turn[k] and not reaction[k + 1]:
            after[k] = base[k + 1] - mean
        if position[k] == 0:
            j = k - 1
            while j >= 0 and reaction[j]:
                j -= 1
            after_question[k] = question[j] if j >= 0 else 0.0
    by_speaker: dict[str, list[int]] = {}
    for k, speaker in enumerate(speakers):
        by_speaker.setdefault(speaker, []).append(k)
    speaker_mean, percentile = np.zeros(n), np.zeros(n)
    for lines in by_speaker.values():
        values = base[lines]
        speaker_mean[lines] = values.mean() - mean
        percentile[lines] = (values.argsort().argsort() + 1) / len(lines)
    names = {s: {w for w in re.findall(r"[a-z]+", s.lower()) if len(w) > 2} for s in by_speaker}
    other_named = np.array([
        any(names[o] & set(tokens(t)) for o in names if o != s and o.strip().lower() not in _REACTION_SPEAKERS)
        for s, t in zip(speakers, texts)], float)
    return {
        "reaction line": reaction.astype(float),
        "first line of a turn": (position == 0).astype(float),
        "log place in turn": np.log1p(position),
        "log turn length": np.log1p(turn_length),
        "previous line's score": before,
        "next line's score": after,
        "answers a question": after_question,
        "speaker's mean score": speaker_mean,
        "percentile within speaker": percentile,
        "names another speaker": other_named,
        "log words": np.log1p([len(tokens(t)) for t in texts]),
        "first 5% of transcript": (np.arange(n) < 0.05 * n).astype(float),
        "next line a reaction": np.r_[reaction[1:], False].astype(float),
        "question": question,
    }


class Evaluation:
    """MAP over transcripts with a positive, ties broken as `ingest.model.train.average_precision`."""

    def __init__(self, labels: np.ndarray, groups: np.ndarray) -> None:
        self.transcripts = []
        for g in np.unique(groups):
            idx = np.where(groups == g)[0]
            if labels[idx].sum():
                k = np.arange(len(idx))
                self.transcripts.append((g, idx, labels[idx], (k * 2654435761) % 4294967296))

    def map(self, scores: np.ndarray, keep=None) -> float:
        aps = []
        for g, idx, labels, ties in self.transcripts:
            if keep is not None and g not in keep:
                continue
            ranked = labels[np.lexsort((ties, -scores[idx]))]
            aps.append((np.cumsum(ranked) / np.arange(1, len(ranked) + 1))[ranked == 1].mean())
        return float(np.mean(aps))


SHIPPED_GRIDS = (MODERATOR_GRID, SHARE_GRID, QUESTION_GRID, REPEAT_GRID, SWEEPING_GRID)


def coordinate_cv(evaluation: Evaluation, columns: np.ndarray, start: list[float], grids: list[tuple],
                  folds: np.ndarray, groups: np.ndarray) -> float:
    """Held-out MAP when the weights of `columns` (the first, the sentence log-odds, fixed at 1)
    are chosen per fold by two passes of coordinate search over `grids` on the other folds."""
    scores = np.zeros(len(columns))
    for fold in range(FOLDS):
        keep = {g for g in np.unique(groups[folds != fold])}
        weights = np.array(start, float)
        best = evaluation.map(columns @ weights, keep)
        for _ in range(2):
            for j in range(1, len(start)):
                for value in grids[j]:
                    trial = weights.copy()
                    trial[j] = value
                    found = evaluation.map(columns @ trial, keep)
                    if found > best + 1e-4:
                        best, weights = found, trial
        scores[folds == fold] = columns[folds == fold] @ weights
    return evaluation.map(scores)


def logistic_cv(evaluation: Evaluation, columns: np.ndarray, labels: np.ndarray, folds: np.ndarray,
                l2: float = 30.0, positive_weight: float = 10.0) -> float:
    """Held-out MAP of a logistic regression (Newton steps) fitted on the other folds' lines."""
    scores = np.zeros(len(columns))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        mu, sd = columns[train].mean(0), columns[train].std(0) + 1e-9
        z = np.hstack([(columns - mu) / sd, np.ones((len(columns), 1))])
        w = np.zeros(z.shape[1])
        sample = np.where(labels[train] == 1, positive_weight, 1.0)
        penalty = l2 * np.r_[np.ones(len(w) - 1), 0.0]
        for _ in range(25):
            p = 1 / (1 + np.exp(-z[train] @ w))
            gradient = z[train].T @ (sample * (p - labels[train])) + penalty * w
            hessian = (z[train] * (sample * p * (1 - p))[:, None]).T @ z[train] + np.diag(penalty)
            w -= np.linalg.solve(hessian, gradient)
        scores[test] = z[test] @ w
    return evaluation.map(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexical", action="store_true", help="also stack word models trained on CheckThat! 2020")
    args = parser.parse_args()
    if not DEFAULT_DATA.is_dir():
        print(f"Skipped: the public data folder {DEFAULT_DATA} is absent.")
        return
    data = load_training(DEFAULT_DATA)
    rows = data[CT20_TRAIN]
    out_of_fold = cross_validate(data)
    from ingest.checkworthy import threshold

    sentence = sentence_scores(rows, out_of_fold[CT20_TRAIN], threshold())
    shipped = cross_validate_transcripts(rows, sentence)[0]
    labels = np.array([e.label for e in rows], float)
    folds = np.array([e.fold for e in rows])
    groups = np.array([e.group for e in rows])
    base = np.array([_logit(s) for s in sentence])
    evaluation = Evaluation(labels, groups)

    transcripts: dict[str, list[int]] = {}
    for i, e in enumerate(rows):
        transcripts.setdefault(e.group, []).append(i)
    units = np.zeros((len(rows), len(ROLE_NAMES)))
    extra: dict[str, np.ndarray] = {}
    for indices in transcripts.values():
        speakers = [rows[i].speaker for i in indices]
        texts = [rows[i].text for i in indices]
        for j, name in enumerate(ROLE_NAMES):
            units[indices, j] = [c for c, *_ in transcript_adjustments(speakers, texts, {name: 1.0})]
        for name, values in context_features(speakers, texts, base[indices]).items():
            extra.setdefault(name, np.zeros(len(rows)))[indices] = values
    if args.lexical:
        for name, weights in [("words, CheckThat! 2020 alone", {CT20_TRAIN: 5000.0}),
                              ("words, CheckThat! 2020 + 2024", {CT20_TRAIN: 5000.0, CT24_TRAIN: 5000.0})]:
            scored = cross_validate({k: data[k] for k in weights}, set_weights=weights)[CT20_TRAIN]
            extra[name] = np.array([_logit(p) for p in scored])

    print(f"{CT20_TRAIN}: {len(rows)} lines, {int(labels.sum())} checked, {len(transcripts)} transcripts; "
          f"MAP, {FOLDS} folds of whole transcripts")
    print(f"  {'baseline: every sentence (random order)':58} {evaluation.map(np.zeros(len(rows))):.4f}")
    print(f"  {'sentence model alone':58} {evaluation.map(base):.4f}")
    print(f"  {'shipped transcript mode (roles, repeats, sweeping)':58} {evaluation.map(np.array(shipped)):.4f}")
    roles = np.hstack([base[:, None], units])
    start = [1.0, 0.0, 8.0, -20.0, 1.0, 1.0]
    grids = [()] + [tuple(g) for g in SHIPPED_GRIDS]
    print(f"  {'the five by coordinate search':58} {coordinate_cv(evaluation, roles, start, grids, folds, groups):.4f}")
    for name, values in extra.items():
        spread = values.std() or 1.0
        grid = tuple(v / spread for v in (-1.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5))
        columns = np.hstack([roles, values[:, None]])
        found = coordinate_cv(evaluation, columns, start + [0.0], grids + [grid], folds, groups)
        print(f"  {'the five + ' + name:58} {found:.4f}")
    everything = np.hstack([roles] + [v[:, None] for v in extra.values()])
    print(f"  {'logistic regression over the five':58} {logistic_cv(evaluation, roles, labels, folds):.4f}")
    print(f"  {'logistic regression over every feature':58} {logistic_cv(evaluation, everything, labels, folds):.4f}")


if __name__ == "__main__":
    main()
