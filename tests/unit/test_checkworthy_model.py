"""The shipped check-worthiness model: small, in the package, and optional."""

from __future__ import annotations

import pytest

from ingest import checkworthy
from ingest.model import MODEL_PATH, features, load_model


def test_model_ships_inside_the_package_and_is_small():
    assert MODEL_PATH.exists()
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    model = load_model()
    assert model is not None and 0.0 < model.threshold < 1.0
    assert any(name.startswith("s:") for name in model.weights)  # the signals are features too


def test_features_fold_numbers_and_keep_signals():
    feats = features("Prices rose 3.5% in 2022.", ("quantity",))
    assert "w:<num>" in feats and "w:<year>" in feats and "s:quantity" in feats


def test_scoring_falls_back_to_signal_weights_without_the_model(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checkworthy, "load_model", lambda: None)
    fact = checkworthy.score_sentence("Unemployment fell to 3.5% in 2019, the lowest rate since 1969, officials said.")
    chat = checkworthy.score_sentence("Thank you all so much.")
    assert fact.checkworthy and not chat.checkworthy
    assert checkworthy.threshold() == checkworthy.THRESHOLD


def test_reported_event_rule_lifts_sourced_events_and_says_so():
    text = ("Clashes between militants and government troops were reported in Tell Salmo, Atshan "
            "and near the Abu al-Duhur Airbase.")
    assessment = checkworthy.score_sentence(text)
    assert assessment.checkworthy
    assert {"named entity with action", "past event", "attribution"} <= set(assessment.reasons)
