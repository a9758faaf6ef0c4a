"""Claim extraction benchmark: check-worthiness on public data and clean-and-split throughput.

Run from the project root:
    .venv/bin/python bench/extraction.py              # everything (under a minute on two cores)
    .venv/bin/python bench/extraction.py --quick      # no cross-validation, no 10 MB timing
    .venv/bin/python bench/extraction.py --repeat 9   # more runs per timing
    .venv/bin/python bench/extraction.py --throughput-only --quick   # timings alone, 1 MB

Check-worthiness (data read from ../shared/data/, never copied; skipped when absent):
- CheckThat! 2024 task 1 dev (debate sentences) and CheckThat! 2022 1B dev (tweets): never
  trained on; the threshold is chosen on the training sets' cross-validated predictions;
- CheckThat! 2024 task 1 train and CheckThat! 2022 1B train (trained on: cross-validated);
- CheckThat! 2020 task 5 train (debate transcripts): average precision per transcript, then
  the mean (MAP); precision, recall and F1 pooled over all its sentences.
For each: precision, recall, F1 of the check-worthy class and average precision (AP) of the
score, for the shipped scorer and, computed in the same run, the baselines "every sentence",
"random order" and "digit count" (flagged from one digit). On a set the shipped model was trained on,
its own figure is not a fair one; the row "model, cross-validated" gives the out-of-fold
figure of the same training (`ingest.model.train.cross_validate`: 4 folds, CheckThat! 2020
folds are whole transcripts, held-out duplicates removed from training) with the shipped
threshold and the reported-event rule. On CheckThat! 2020 the transcript mode
(`checkworthy.score_transcript`: lines lowered for the moderator, for speakers who ask many
questions and for minor speakers, raised for claims the transcript repeats and for sweeping
claims) is shown too; its cross-validated row chooses the five transcript weights without the
held-out transcripts.

Throughput: median and p95 seconds to clean (`extract_article`) and split (`sentence_spans`)
1 MB and 10 MB of article text (`split.make_article`: real Snopes and PolitiFact claim
sentences in a fixed order, each once within 1 MB, and every 20th paragraph one of four
synthetic ones with abbreviations, lists and other scripts; without the shared data, those 15
synthetic sentences repeated, which the first line of the timings says), and with scoring (`split_claims`), against a naive regex
split measured in the same run (ratio column); the last column is the median CPU time of the
process (`time.process_time`) over as many further runs, less disturbed by other jobs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkworthiness import (  # noqa: E402
    DATA,
    average_precision,
    digit_count,
    every_sentence,
    load_ct20,
    load_ct22,
    load_ct24,
    prf,
    random_order,
    signals_only,
)
from split import _NAIVE, clean_and_split, clean_and_split_only, describe_article, make_article  # noqa: E402
from timing import p95, timed  # noqa: E402

from ingest import checkworthy  # noqa: E402
from ingest.model import MODEL_PATH, load_model  # noqa: E402

Scores = list[float]


def shipped(text: str) -> float:
    return checkworthy.score_sentence(text).score


def model_without_rules(text: str) -> float:
    """The model's own probability, without the reported-event and routine-count rules."""
    model = load_model()
    clean = checkworthy.scoring_text(text)
    return model.probability(clean, checkworthy.signals(clean)) if model else 0.0


def model_load_seconds(runs: int = 7) -> list[float]:
    return timed(load_model, runs, setup=load_model.cache_clear)


def baselines(texts: list[str]) -> list[tuple[str, Scores, float]]:
    return [
        (f"signals only (threshold {checkworthy.THRESHOLD})", [signals_only(t) for t in texts], checkworthy.THRESHOLD),
        ("baseline: every sentence", [every_sentence(t) for t in texts], 0.5),
        ("baseline: random order", [random_order(t) for t in texts], 0.5),
        ("baseline: digit count (flagged from one digit)", [digit_count(t) for t in texts], 0.5),
    ]


def print_binary(title: str, labels: list[int], rows: list[tuple[str, Scores, float]],
                 groups: list[str] | None = None) -> None:
    """P/R/F1 at each row's threshold and AP (or, with `groups`, MAP over the groups too)."""
    print(f"\n{title}: {len(labels)} sentences, {sum(labels)} check-worthy")
    header = f"  {'scorer':56} {'P':>6} {'R':>6} {'F1':>6} {'AP':>6}"
    print(header + (f" {'MAP':>6}" if groups else ""))
    for name, scores, threshold in rows:
        p, r, f = prf(labels, [s >= threshold for s in scores])
        line = f"  {name:56} {p:6.3f} {r:6.3f} {f:6.3f} {average_precision(labels, scores):6.3f}"
        if groups:
            line += f" {mean_average_precision(labels, scores, groups):6.3f}"
        print(line)


def mean_average_precision(labels: list[int], scores: Scores, groups: list[str]) -> float:
    """AP within each group (transcript) that has a positive, then the mean."""
    by_group: dict[str, tuple[list[int], Scores]] = {}
    for label, score, group in zip(labels, scores, groups):
        ys, ss = by_group.setdefault(group, ([], []))
        ys.append(label)
        ss.append(score)
    aps = [average_precision(ys, ss) for ys, ss in by_group.values() if sum(ys)]
    return sum(aps) / len(aps) if aps else 0.0


TRANSCRIPT_CV = "transcript mode (roles, repeats, sweeping), cross-validated"


def cross_validated_scores() -> dict[str, Scores]:
    """Out-of-fold scores of the shipped training, reported-event rule applied, per training set;
    and CheckThat! 2020's transcript-mode scores, role weights chosen without the held-out fold."""
    from ingest.model.train import CT20_TRAIN, cross_validate, cross_validate_transcripts, load_training, sentence_scores

    data = load_training(DATA)
    out_of_fold = cross_validate(data)
    threshold = checkworthy.threshold()
    scores = {name: sentence_scores(data[name], out_of_fold[name], threshold) for name in data}
    scores[TRANSCRIPT_CV] = cross_validate_transcripts(data[CT20_TRAIN], scores[CT20_TRAIN])[0]
    return scores


def shipped_transcript_scores() -> Scores:
    """`score_transcript` over each CheckThat! 2020 transcript, with the speakers of its lines."""
    from ingest.model.train import CT20_TRAIN, load_training

    rows = load_training(DATA)[CT20_TRAIN]
    transcripts: dict[str, list[tuple[str, str]]] = {}
    for e in rows:
        transcripts.setdefault(e.group, []).append((e.speaker, e.text))
    return [score for lines in transcripts.values() for score, _ in checkworthy.score_transcript(lines)]


def report_checkworthiness(cross_validate: bool) -> None:
    from ingest.model.train import CT20_TRAIN, CT22_TRAIN, CT24_TRAIN, load_training

    model = load_model()
    trained_on = set(model.trained_on) if model else set()
    print(f"Model: {model.description if model else 'absent, signal weights only'}")
    if model:
        loads = model_load_seconds()
        size = MODEL_PATH.stat().st_size / 1e6
        print(f"Model file {size:.2f} MB; load median {statistics.median(loads) * 1000:.0f} ms, "
              f"p95 {p95(loads) * 1000:.0f} ms")
    threshold = checkworthy.threshold()
    cv = cross_validated_scores() if cross_validate and model else {}
    cv_name = f"model, cross-validated (threshold {threshold})"

    def model_rows(texts: list[str], set_name: str | None) -> list[tuple[str, Scores, float]]:
        rows = []
        if set_name in cv:
            rows.append((cv_name, cv[set_name], threshold))
        if set_name in trained_on:
            rows.append(("shipped model, trained on this set: not a fair figure", [shipped(t) for t in texts],
                         threshold))
        else:
            rows.append((f"shipped model (threshold {threshold})", [shipped(t) for t in texts], threshold))
            if set_name is None and model:
                rows.append(("model without the reported-event and routine-count rules",
                             [model_without_rules(t) for t in texts], threshold))
        return rows

    for title, rows in [("CheckThat! 2024 task 1 dev (debate sentences; never trained on)", load_ct24("dev")),
                        ("CheckThat! 2022 1B dev (tweets; never trained on)", load_ct22("dev"))]:
        texts = [t for t, _ in rows]
        print_binary(title, [y for _, y in rows], model_rows(texts, None) + baselines(texts))

    if cv:
        data = load_training(DATA)
        for name in (CT24_TRAIN, CT22_TRAIN):
            texts = [e.text for e in data[name]]
            print_binary(f"{name} (trained on; dev sentences left out; 4 folds)", [e.label for e in data[name]],
                         model_rows(texts, name) + baselines(texts))

    debates = load_ct20()
    texts = [t for rows in debates.values() for t, _ in rows]
    labels = [y for rows in debates.values() for _, y in rows]
    groups = [name for name, rows in debates.items() for _ in rows]
    trained = "trained on" if CT20_TRAIN in trained_on else "not trained on"
    transcript_rows = []
    if TRANSCRIPT_CV in cv:
        transcript_rows.append((TRANSCRIPT_CV, cv[TRANSCRIPT_CV], threshold))
    if model:
        transcript_rows.append(("transcript mode, weights fitted on this set", shipped_transcript_scores(),
                                threshold))
    print_binary(f"CheckThat! 2020 task 5 train, {len(debates)} transcripts (the sentence model is {trained} it; "
                 "cross-validation leaves whole transcripts out)", labels,
                 model_rows(texts, CT20_TRAIN) + transcript_rows + baselines(texts), groups)


def report_throughput(repeat: int, large: bool) -> None:
    print(f"\nArticle text: {describe_article()}")
    inputs = [("1 MB article", make_article(1_000_000), repeat)]
    if large:
        inputs.append(("10 MB article", make_article(10_000_000), max(1, repeat // 2)))
    print(f"\nThroughput, one core: {'input':14} {'what':36} {'median s':>9} {'p95 s':>9} {'x naive':>8} "
          f"{'CPU s':>7}")
    for label, text, runs in inputs:
        naive = timed(_NAIVE.split, runs, text)
        base = statistics.median(naive)
        for what, function, times in [
            ("naive regex split (baseline)", _NAIVE.split, naive),
            ("clean + split", clean_and_split_only, None),
            ("clean + split + score", clean_and_split, None),
        ]:
            times = times or timed(function, runs, text)
            median = statistics.median(times)
            cpu = statistics.median(timed(function, runs, text, clock=time.process_time))
            print(f"  {label:33} {what:36} {median:9.3f} {p95(times):9.3f} {median / base:8.1f} {cpu:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip cross-validation and the 10 MB timing")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (default 5; half for 10 MB)")
    parser.add_argument("--no-throughput", action="store_true", help="only the check-worthiness figures")
    parser.add_argument("--throughput-only", action="store_true",
                        help="only the timings (reads no dev split: not a look at dev)")
    args = parser.parse_args()
    if args.throughput_only:
        pass
    elif DATA.is_dir():
        report_checkworthiness(cross_validate=not args.quick)
    else:
        print(f"Check-worthiness skipped: the public data folder {DATA} is absent.")
    if not args.no_throughput:
        report_throughput(args.repeat, large=not args.quick)


if __name__ == "__main__":
    main()
