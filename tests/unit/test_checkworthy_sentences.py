"""Check-worthiness on sentences written for these tests (none comes from the training or dev data):
what fact-checkers pick lands above the threshold, what they pass over below it."""

from __future__ import annotations

import pytest

from ingest import checkworthy
from ingest.model import load_model

WORTH_CHECKING = [
    # A named person's deeds and sayings.
    "Senator Okafor voted against the school meals bill three times last year.",
    "The mayor told reporters the new bridge cost taxpayers $40 million.",
    "Marta Lindqvist was fired from the health ministry for falsifying waiting-list figures.",
    # Harms, health, crime.
    "Air pollution kills more people in this city every year than road accidents.",
    "Drinking two glasses of red wine a day prevents heart disease.",
    "Burglaries in the county doubled after the police station closed.",
    # Money, laws, records, sweeping statements.
    "The pension reform cut the average teacher's pay by 8% in two years.",
    "The new law makes it illegal to film police officers on duty.",
    "Our region has the highest rate of child poverty in the whole country.",
    "Nobody in this government has ever paid back a single penny of the loan.",
]

# Bare counts of routine events: verifiable, so flagged, but what fact-checkers check last.
ROUTINE_COUNTS = [
    "The Riverside clinic gave 1,204 vaccine doses on Tuesday.",
    "County pharmacies have administered 52,310 doses of the flu vaccine so far.",
    "Hillcrest pharmacies gave 8,730 booster shots to over-65s in the first week of the campaign.",
]

NOT_WORTH_CHECKING = [
    # Greetings, questions, opinions, jokes.
    "Good morning, everyone, and welcome back to the show!",
    "Thank you so much for having me tonight.",
    "What would you do about the price of petrol?",
    "I think this is a wonderful day for our town.",
    "Why did the scarecrow win a prize? Because he was outstanding in his field!",
]


@pytest.mark.parametrize("text", WORTH_CHECKING)
def test_claims_fact_checkers_pick_are_check_worthy(text: str):
    assessment = checkworthy.score_sentence(text)
    assert assessment.checkworthy, assessment
    assert assessment.score >= checkworthy.threshold()


@pytest.mark.parametrize("text", NOT_WORTH_CHECKING)
def test_greetings_questions_opinions_and_jokes_are_not(text: str):
    assessment = checkworthy.score_sentence(text)
    assert not assessment.checkworthy, assessment
    assert assessment.score < checkworthy.threshold()


@pytest.mark.parametrize("text", ROUTINE_COUNTS)
def test_a_routine_count_stays_a_claim_but_ranks_below_the_claims_checkers_pick(text: str):
    assessment = checkworthy.score_sentence(text)
    assert assessment.checkworthy and "routine count" in assessment.reasons, assessment
    lowest_claim = min(checkworthy.score_sentence(claim).score for claim in WORTH_CHECKING)
    assert checkworthy.threshold() <= assessment.score < lowest_claim
    assert assessment.score > max(checkworthy.score_sentence(other).score for other in NOT_WORTH_CHECKING)


def test_a_routine_count_says_why_it_was_lowered():
    assessment = checkworthy.score_sentence("The Riverside clinic gave 1,204 vaccine doses on Tuesday.")
    assert assessment.reasons[0] == "routine count" and assessment.contributions[0] < 0
    # What the doses did is a claim again.
    harm = checkworthy.score_sentence("Three patients died after the clinic gave 1,204 vaccine doses on Tuesday.")
    assert "routine count" not in harm.reasons


TWEET_CLAIM = "Measles cases in the region tripled this spring, health officials say."


@pytest.mark.parametrize("dressed", [
    TWEET_CLAIM + " #measles #publichealth",
    "#Measles cases in the region tripled this spring, health officials say.",
    TWEET_CLAIM + " https://t.co/Ab12Cd34 via @RegionalNews",
    "RT @HealthDesk: " + TWEET_CLAIM + " \U0001f637\U0001f4c8",
    "@DrPatel " + TWEET_CLAIM + " &amp; more at https://example.org/measles",
])
def test_hashtags_handles_links_and_emoji_neither_raise_nor_sink_a_claim(dressed: str):
    plain = checkworthy.score_sentence(TWEET_CLAIM)
    tweet = checkworthy.score_sentence(dressed)
    assert tweet.checkworthy == plain.checkworthy
    assert tweet.score == pytest.approx(plain.score, abs=0.03)


@pytest.mark.parametrize("chatter", ["I'm going to bed now, see you all tomorrow!",
                                     "What a lovely afternoon at the beach with the kids."])
def test_tags_do_not_lift_chatter(chatter: str):
    plain = checkworthy.score_sentence(chatter)
    tagged = checkworthy.score_sentence(chatter + " #COVID19 #vaccine #Breaking @WHO https://t.co/x1 \U0001f525")
    assert not tagged.checkworthy and tagged.score == pytest.approx(plain.score, abs=0.03)


@pytest.mark.parametrize("signature", ["RT @HealthDesk:", "RT @HealthDesk", "RT", "#breaking #news", "@DrPatel https://t.co/x"])
def test_a_retweet_signature_or_bare_tags_are_not_a_claim(signature: str):
    assert checkworthy.scoring_text(signature) in {"", "RT"}
    assert not checkworthy.score_sentence(signature).checkworthy


def test_scoring_text_keeps_a_hashtags_word_inside_a_sentence_and_plain_sentences_untouched():
    assert checkworthy.scoring_text("#Measles cases tripled #now in #Ohio.") == "Measles cases tripled now in Ohio."
    plain = "Prices rose 5% in 2022, the statistics office said."
    assert checkworthy.scoring_text(plain) is plain


@pytest.mark.parametrize("text", WORTH_CHECKING + ROUTINE_COUNTS + NOT_WORTH_CHECKING)
def test_reasons_come_in_order_of_how_much_they_moved_the_score(text: str):
    assessment = checkworthy.score_sentence(text)
    assert len(assessment.contributions) == len(assessment.reasons)
    sizes = [abs(c) for c in assessment.contributions]
    assert sizes == sorted(sizes, reverse=True)
    model = load_model()
    for reason, change in zip(assessment.reasons, assessment.contributions):
        if reason not in {"reported event", "routine count"}:
            assert change == pytest.approx(model.weights.get("s:" + reason, 0.0), abs=1e-3)


def test_the_reason_listed_first_is_the_largest_signal_weight():
    model = load_model()
    assessment = checkworthy.score_sentence("The mayor told reporters the new bridge cost taxpayers $40 million.")
    weights = {r: abs(model.weights.get("s:" + r, 0.0)) for r in assessment.reasons}
    assert weights[assessment.reasons[0]] == max(weights.values())
    assert {"quantity", "money", "attribution"} <= set(assessment.reasons)


def test_the_new_topic_signals_fire_on_their_words():
    cases = {
        "harm": "The floods killed 40 people.",
        "health": "The vaccine causes autism.",
        "crime": "The minister was convicted of fraud.",
        "money": "The budget deficit tripled.",
        "sweeping claim": "He has never lost an election.",
        "named entity with action": "Hunter got thrown out of the army.",
    }
    for reason, text in cases.items():
        assert reason in checkworthy.signals(text), reason
    assert "named entity with action" not in checkworthy.signals("However got thrown out of it.")


# Each sentence holds its signal only as a phrase (no single word of the signal's own list),
# so the phrase patterns must still run when one of their words is present.
PHRASE_ONLY = [
    ("Ferry fares went up due to the harbour works.", "causation"),
    ("The closure was associated with a rise in flooding.", "causation"),
    ("The council is set to approve the new depot.", "prediction"),
    ("Bus lanes come to the ring road by 2031.", "prediction"),
    ("Lighthouse keepers earned more in the past.", "date"),
    ("Turnout in the ward jumped this year.", "date"),
    ("The depot opens at 6 am.", "date"),
    ("The old quay has been a car park.", "past event"),
    ("We have to talk about the ferry timetable.", "opinion"),
    ("In my view the harbour plan goes too far.", "opinion"),
]


@pytest.mark.parametrize(("text", "reason"), PHRASE_ONLY)
def test_signals_found_through_a_phrase_alone(text: str, reason: str):
    assert reason in checkworthy.signals(text)


def test_phrase_words_alone_do_not_make_the_phrase_signal():
    assert "causation" not in checkworthy.signals("The ferry was due at noon, so we waited.")
    assert "prediction" not in checkworthy.signals("The set was built by hand.")
    assert "past event" not in checkworthy.signals("Been there, seen the quay.")
