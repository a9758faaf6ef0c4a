"""The shipped check-worthiness model: small, in the package, and optional."""

from __future__ import annotations

import pytest

from ingest import checkworthy
from ingest.model import LEXICAL_SCALE, MODEL_PATH, feature_values, features, load_model, lowered, lowered_tokens


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


def test_links_and_handles_fold_to_one_token_each():
    assert features("Read https://t.co/AbC123 from @WHO now.", ()).count("w:<url>") == 1
    words = {f for f in features("Read https://t.co/AbC123 from @WHO now.", ()) if f.startswith("w:")}
    assert words == {"w:read", "w:<url>", "w:from", "w:<user>", "w:now"}
    # A word that merely starts like a link stays a word.
    assert "w:https" in features("Is https safer?", ())


def test_words_and_pairs_share_a_value_falling_with_their_number_and_the_rest_count_one():
    valued = dict(feature_values("The the the the.", ("too short",)))
    # One distinct word, two distinct pairs ("<s> the", "the the"): three lexical features.
    each = pytest.approx(LEXICAL_SCALE / 3 ** 0.5)
    assert valued == {"w:the": each, "b:<s> the": each, "b:the the": each,
                      "s:too short": 1.0, "len:<5": 1.0, "caps:0": 1.0}
    assert feature_values("", ()) == [("len:<5", 1.0), ("caps:0", 1.0)]


def test_logit_is_the_bias_plus_the_weights_of_the_features_times_their_values():
    model = load_model()
    assert model.lexical_scale == LEXICAL_SCALE  # the model was trained with the scale scoring uses
    for text in ["Unemployment fell to 3.5% in 2019, officials said.", "Thank you.", "@WHO says https://x.y 40% of cases",
                 "The the the the.", ""]:
        found = checkworthy.signals(text)
        expected = model.bias + sum(model.weights.get(f, 0.0) * v for f, v in feature_values(text, found))
        assert model.logit(text, found) == pytest.approx(expected)


def test_reported_event_rule_is_for_third_person_reports_only():
    found = ("named entity with action", "past event", "attribution")
    report = "Officials said troops killed 15 fighters in Tell Salmo."
    assert checkworthy.apply_reported_event_rule(0.1, found, 0.3, report)[1][-1] == "reported event"
    for text in ["We said troops killed 15 fighters in Tell Salmo.",
                 "You said troops killed 15 fighters in Tell Salmo.",
                 "Officials said troops killed 15 fighters https://t.co/x",
                 "@Reuters said troops killed 15 fighters in Tell Salmo."]:
        score, reasons = checkworthy.apply_reported_event_rule(0.1, found, 0.3, text)
        assert score == 0.1 and "reported event" not in reasons, text


@pytest.mark.parametrize("text", [
    "Unemployment fell to 3.5% in 2019, officials said.",
    "It\u2019s the 2nd time abc123def rock'n'roll won 4-3 at 9:30, 1,200.50 $5 \u20ac6?!",
    "@WHO says www.who.int and https://x.y/z show e-mail@host.org counts",
    "HTTPS://EXAMPLE.COM/A was cited",
    "",
])
def test_scoring_reads_the_same_words_from_the_model_tokens_as_the_signals_do(text: str):
    lower = lowered(text)
    assert checkworthy._signal_words(lower, lowered_tokens(lower)) == checkworthy._WORD.findall(lower)
    model = load_model()
    assessment = checkworthy.score_sentence(text)
    clean = checkworthy.scoring_text(text)
    found = checkworthy.signals(clean)
    score = checkworthy.apply_rules(model.probability(clean, found), found, model.threshold, clean)[0]
    assert assessment.score == round(score, 4)
