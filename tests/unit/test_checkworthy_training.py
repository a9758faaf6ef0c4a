"""The training script's cross-validation: held-out sentences never reach a fold's training."""

from __future__ import annotations

import pytest

from ingest.model import train as training
from ingest.model.train import CT20_TRAIN, CT22_TRAIN, CT24_TRAIN, Example


def test_cross_validation_leaves_out_each_fold_and_its_duplicates_in_other_sets(monkeypatch: pytest.MonkeyPatch):
    seen: list[dict[str, list[tuple[str, int]]]] = []

    def recording_train(sets, **options):
        seen.append(sets)
        return {}, 0.0

    monkeypatch.setattr(training, "train", recording_train)
    data = {
        CT22_TRAIN: [Example("Prices rose 5% in 2020.", 1, 0, ""), Example("Good morning!", 0, 1, "")],
        CT24_TRAIN: [Example("prices ROSE 5% in 2020", 1, 1, ""), Example("We will win.", 0, 2, "")],
        CT20_TRAIN: [Example("Taxes fell.", 1, 3, "debate-a"), Example("Thank you.", 0, 3, "debate-a")],
    }
    scored = training.cross_validate(data)
    assert {name: len(values) for name, values in scored.items()} == {name: len(rows) for name, rows in data.items()}
    assert len(seen) == training.FOLDS
    fold0 = {text for rows in seen[0].values() for text, _ in rows}
    # Fold 0 holds out the tweet, and its duplicate in CheckThat! 2024 (fold 1) is left out too.
    assert "Prices rose 5% in 2020." not in fold0 and "prices ROSE 5% in 2020" not in fold0
    assert "We will win." in fold0 and "Taxes fell." in fold0
    fold3 = {text for rows in seen[3].values() for text, _ in rows}
    assert not fold3 & {"Taxes fell.", "Thank you."}  # a whole transcript at a time


def test_set_weights_sum_to_the_set_weight_and_boost_rare_positives():
    examples = [("a", 1)] + [("b", 0)] * 99
    weights = training.example_weights(CT20_TRAIN, examples, {CT20_TRAIN: 100.0}, positive_boost=8.0)
    assert sum(weights) == pytest.approx(100.0)
    assert weights[0] == pytest.approx(8 * weights[1])
    assert training.example_weights(CT20_TRAIN, examples, {}, 8.0) == [0.0] * 100


PLACES = ("Ohio", "Texas", "Iowa", "Utah", "Maine", "Idaho", "Kansas", "Nevada", "Oregon", "Alaska", "Hawaii", "Vermont")


def test_transcript_role_weights_lower_the_moderator_and_are_cross_validated_by_transcript():
    rows = []
    for fold in range(training.FOLDS):
        for n in range(12):
            rows.append(Example(f"Question {n}?", 0, fold, f"debate-{fold}", "MODERATOR"))
            # One content word each: no line repeats another, so only the roles can rank them.
            rows.append(Example(f"Up {n}% in {PLACES[n]}.", int(n == 3), fold, f"debate-{fold}", "CANDIDATE"))
    # The moderator's lines score highest by sentence: only the role weights can fix that.
    scores = [0.9 if e.speaker == "MODERATOR" else 0.5 for e in rows]
    out, weights = training.cross_validate_transcripts(rows, scores)
    assert len(out) == len(rows) and weights["moderator"] < 0
    # Every held-out fold's weights come from the other folds, which all say the same here.
    assert training.mean_average_precision(rows, out) > training.mean_average_precision(rows, scores)


def test_log_count_ratios_favour_features_of_positives():
    prepared = [([0, 1], 1, 1.0), ([0, 1], 1, 1.0), ([0, 2], 0, 1.0), ([0, 2], 0, 1.0)]
    ratios = training.log_count_ratios(prepared, 3, alpha=1.0)
    assert ratios[0] == pytest.approx(0.0)  # in every example: no evidence either way
    assert ratios[1] > 0 > ratios[2] and ratios[1] == pytest.approx(-ratios[2])


def test_nbsvm_share_folds_into_one_weight_per_feature():
    sets = {CT22_TRAIN: [("Prices rose 5% in 2020.", 1), ("Good morning to you all!", 0),
                         ("Unemployment fell to 3% last year.", 1), ("What a lovely day.", 0)] * 5}
    options = dict(set_weights={CT22_TRAIN: 20.0}, min_count=1, epochs=3)
    plain, plain_bias = training.train(sets, nb_share=0.0, **options)
    nbsvm, nbsvm_bias = training.train(sets, nb_share=1.0, **options)
    blend, blend_bias = training.train(sets, nb_share=0.25, **options)
    assert blend_bias == pytest.approx(0.75 * plain_bias + 0.25 * nbsvm_bias, abs=2e-3)
    for name in set(plain) & set(nbsvm) & set(blend):
        assert blend[name] == pytest.approx(0.75 * plain[name] + 0.25 * nbsvm[name], abs=2e-3)
    assert blend["w:rose"] > 0 > blend["w:good"]


@pytest.mark.slow
def test_the_shipped_model_rebuilds_byte_for_byte(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys):
    """The training script, run on the public data, writes exactly the shipped file (two minutes
    of one core: five fits over 25,000 sentences)."""
    from ingest.model import MODEL_PATH

    if not (training.DEFAULT_DATA / "clef2024-checkthat-1-en").is_dir():
        pytest.skip(f"the public data folder {training.DEFAULT_DATA} is absent")
    out = tmp_path / "checkworthy.json"
    monkeypatch.setattr("sys.argv", ["train", "--out", str(out)])
    training.main()
    assert out.read_bytes() == MODEL_PATH.read_bytes()
    assert "with speaker roles, repeats and sweeping claims" in capsys.readouterr().out


def test_training_never_sees_a_dev_sentence():
    if not (training.DEFAULT_DATA / "clef2024-checkthat-1-en").is_dir():
        pytest.skip(f"the public data folder {training.DEFAULT_DATA} is absent")
    held_out = training.held_out_texts(training.DEFAULT_DATA)
    data = training.load_training(training.DEFAULT_DATA)
    assert len(held_out) > 1000
    for name in (CT22_TRAIN, CT24_TRAIN):
        assert data[name] and not {training.normalised(e.text) for e in data[name]} & held_out
