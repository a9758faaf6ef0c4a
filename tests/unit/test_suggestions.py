"""What matches say together: same claim or related, agreeing and disputing sources, and a
suggested verdict that follows the rating of the match it cites."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from ingest.ratings import normalise_rating
from matchers import (
    SAME_CLAIM_SCORE,
    TRANSCRIPT_SAME_CLAIM_SCORE,
    Corroboration,
    Suggestion,
    corroboration,
    is_same_claim,
    mark_same_fact_check,
    same_claim_first,
    same_claim_score,
    suggest_verdict,
)
from matchers.verdict import QUERY_KIND, TRANSCRIPT_LINE
from store.models import Candidate, Match

NUMBER = {"kind": "number", "query": "15", "match": "50"}
_ids = itertools.count(1)


def match(score: float, source: str = "Snopes", rating: str = "", date: str = "", conflicts=(),
          title: str = "", url: str = "", kind: str = "reference", transcript: bool = False) -> Match:
    """A reference match whose rating is normalised as `claimdesk import` normalises it;
    `transcript`: found for a transcript's line, as the ranking marks it."""
    candidate = Candidate(id=next(_ids), kind=kind, text="x", source=source, date=date, title=title, url=url,
                          rating=rating, normalised_rating=normalise_rating(rating))
    explanation = {"shared": [], "only_query": [], "only_match": [], "conflicts": list(conflicts)}
    if transcript:
        explanation[QUERY_KIND] = TRANSCRIPT_LINE
    return Match(candidate, score, explanation)


SAME = SAME_CLAIM_SCORE + 5
BELOW = SAME_CLAIM_SCORE - 5


def test_same_claim_needs_the_threshold_and_no_conflict() -> None:
    assert is_same_claim(match(SAME_CLAIM_SCORE))
    assert not is_same_claim(match(BELOW))
    assert not is_same_claim(match(99, conflicts=[NUMBER]))


# Between the two thresholds: the same claim for a tweet, related for a transcript's line.
BETWEEN = (SAME_CLAIM_SCORE + TRANSCRIPT_SAME_CLAIM_SCORE) / 2


def test_a_transcript_lines_match_between_the_two_thresholds_is_related_not_the_same_claim() -> None:
    assert SAME_CLAIM_SCORE < BETWEEN < TRANSCRIPT_SAME_CLAIM_SCORE
    line = match(BETWEEN, "PolitiFact", "False", "2016-10-09", transcript=True)
    related_high = match(TRANSCRIPT_SAME_CLAIM_SCORE - 1, "PolitiFact", "True", transcript=True)
    same = match(TRANSCRIPT_SAME_CLAIM_SCORE, "PolitiFact", "Pants on Fire", "2016-10-10", transcript=True)
    assert same_claim_score(line) == TRANSCRIPT_SAME_CLAIM_SCORE
    assert not is_same_claim(line) and is_same_claim(same)
    assert suggest_verdict([line]) == Suggestion(None, "no match close enough to be the same claim")
    assert corroboration([line]) == Corroboration(0, 0, "")
    assert same_claim_first([line, related_high, same]) == [same, line, related_high]
    suggestion = suggest_verdict([related_high, line, same])
    assert (suggestion.verdict, suggestion.match) == ("contested", same)
    assert corroboration([related_high, line, same]) == Corroboration(0, 1, "2016-10-10")
    # A same-topic conflict is held to the same threshold: between the two, it settles nothing.
    contradicted = match(BETWEEN, "PolitiFact", "True", conflicts=[NUMBER], transcript=True)
    assert suggest_verdict([contradicted]).verdict is None
    assert corroboration([contradicted]).dispute == 0


def test_a_tweet_or_articles_match_between_the_two_thresholds_is_still_the_same_claim() -> None:
    tweet = match(BETWEEN, "Snopes", "False", "2019-03-02")
    assert same_claim_score(tweet) == SAME_CLAIM_SCORE
    assert is_same_claim(tweet)
    assert suggest_verdict([tweet]).verdict == "contested"
    assert corroboration([tweet]) == Corroboration(0, 1, "2019-03-02")
    contradicted = match(BETWEEN, "PolitiFact", "True", conflicts=[NUMBER])
    assert suggest_verdict([contradicted]).verdict == "contested"


HEADLINE = "Did Nikita Khrushchev Say 'Small Doses of Socialism'?"


def test_only_the_best_ranked_version_of_a_fact_check_is_the_same_claim() -> None:
    """Snopes states one checked claim in several versions under one headline and page: the
    first ranked speaks for the fact-check, the versions after it are related."""
    best = match(SAME + 10, "Snopes", "False", title=HEADLINE)
    version = match(SAME + 5, "snopes", "False", title=f"  {HEADLINE.upper()} ")
    same_page = match(SAME + 4, "Snopes", "False", url="https://www.snopes.com/fact-check/a/")
    first_of_page = match(SAME + 8, "Snopes", "False", url="https://www.snopes.com/fact-check/a/")
    other_source = match(SAME + 3, "AFP", "False", title=HEADLINE)
    marked = mark_same_fact_check([best, first_of_page, version, same_page, other_source])
    assert [is_same_claim(m) for m in marked] == [True, True, False, False, True]
    assert marked[2].explanation["same_fact_check_as"] == best.candidate.id
    assert marked[3].explanation["same_fact_check_as"] == first_of_page.candidate.id
    # The inputs are left as they were, and the related versions are listed after.
    assert is_same_claim(version) and "same_fact_check_as" not in version.explanation
    assert same_claim_first(marked) == [marked[0], marked[1], marked[4], marked[2], marked[3]]
    assert corroboration(marked).dispute == 2


def test_marks_follow_the_order_given_and_a_home_page_or_an_article_claim_groups_nothing() -> None:
    first, second = match(SAME, title=HEADLINE), match(SAME, title=HEADLINE)
    assert [is_same_claim(m) for m in mark_same_fact_check([first, second])] == [True, False]
    again = mark_same_fact_check(mark_same_fact_check([second, first]))
    assert [(m.candidate.id, is_same_claim(m)) for m in again] == [
        (second.candidate.id, True), (first.candidate.id, False)]
    home = [match(SAME, url="https://www.snopes.com/"), match(SAME, url="https://www.snopes.com")]
    assert all(is_same_claim(m) for m in mark_same_fact_check(home))
    claims = [match(SAME, title="Debate", kind="claim"), match(SAME, title="Debate", kind="claim")]
    assert all(is_same_claim(m) for m in mark_same_fact_check(claims))


def test_same_claim_matches_come_first_and_the_related_keep_their_order() -> None:
    related_high = match(99, source="A", conflicts=[NUMBER])
    same = match(SAME, source="B")
    related_low = match(BELOW, source="C")
    assert same_claim_first([related_high, same, related_low]) == [same, related_high, related_low]


def test_a_true_rated_same_claim_match_suggests_corroborated_and_says_why() -> None:
    suggestion = suggest_verdict([match(SAME, "Snopes", "True", "2019-03-02"), match(BELOW, "AFP", "False")])
    assert suggestion.verdict == "corroborated"
    assert suggestion.because == "same claim as Snopes, rated True, 2019-03-02"
    assert suggestion.match.candidate.source == "Snopes"


def test_a_false_rated_same_claim_match_suggests_contested() -> None:
    suggestion = suggest_verdict([match(SAME, "PolitiFact", "Pants on Fire")])
    assert (suggestion.verdict, suggestion.because) == ("contested", "same claim as PolitiFact, rated Pants on Fire")


def test_a_half_true_same_claim_match_suggests_unverified() -> None:
    assert suggest_verdict([match(SAME, "PolitiFact", "Half True")]).verdict == "unverified"


def test_mixed_ratings_give_no_suggestion_and_say_the_sources_disagree() -> None:
    suggestion = suggest_verdict([match(SAME, "Snopes", "False"), match(SAME + 1, "Reuters", "True")])
    assert suggestion.verdict is None
    assert suggestion.match is None
    assert suggestion.because.startswith("sources disagree")
    assert "Snopes rated False" in suggestion.because and "Reuters rated True" in suggestion.because


def test_a_true_rated_match_contradicted_in_its_core_suggests_contested_naming_the_conflict() -> None:
    suggestion = suggest_verdict([match(SAME, "PolitiFact", "True", "2020-01-06", conflicts=[NUMBER])])
    assert suggestion.verdict == "contested"
    assert suggestion.because == "differs from PolitiFact's claim rated True, 2020-01-06: number 15 ≠ 50"


def test_a_contradicted_false_or_unrated_claim_settles_nothing() -> None:
    false = suggest_verdict([match(SAME, rating="False", conflicts=[NUMBER])])
    assert false == Suggestion(None, "closest claim differs (number 15 ≠ 50) and is rated False: it settles nothing")
    assert suggest_verdict([match(SAME, rating="", conflicts=[NUMBER])]).verdict is None


def test_no_suggestion_from_related_or_unrated_matches() -> None:
    assert suggest_verdict([match(BELOW, rating="False")]).verdict is None
    unrated = suggest_verdict([match(SAME)])
    assert unrated.verdict is None and "no source rated it" in unrated.because
    assert suggest_verdict([]).verdict is None


def test_corroboration_separates_agreeing_and_disputing_sources() -> None:
    matches = [
        match(SAME, "Reuters", "True", "2020-03-05"),
        match(SAME, "reuters", "Mostly True", "2019-01-01"),  # the same source again
        match(SAME, "AFP", "", "January 2, 2018"),  # unrated: carries the same claim
        match(SAME, "Snopes", "False", "2021-01-01"),
        match(SAME, "PolitiFact", "Half True"),  # neither
        match(SAME, "BBC", "True", "1999-01-01", conflicts=[NUMBER]),  # holds another figure
        match(SAME, "Hoaxes", "False", conflicts=[NUMBER]),  # contradicts a false claim: nothing
        match(BELOW, "Blog", "True", "1990-01-01"),  # related only
    ]
    counted = corroboration(matches)
    assert (counted.agree, counted.dispute, counted.first_seen, counted.undecided) == (2, 2, "January 2, 2018", 1)
    assert counted.describe() == "2 sources agree · 2 dispute · 1 undecided · first seen January 2, 2018"
    # Beside "sources disagree", the source that rated the same claim Unproven is named.
    mixed = [match(SAME, "A", "True"), match(SAME, "B", "Unproven")]
    assert suggest_verdict(mixed).verdict is None
    assert corroboration(mixed).describe() == "1 source agrees · 0 dispute · 1 undecided"
    one = corroboration([match(SAME, "A", "True"), match(SAME, "B", "False")])
    assert one.describe() == "1 source agrees · 1 disputes"
    assert corroboration([]).describe() == "no source agrees or disputes"
    assert corroboration([match(BELOW, "Blog", "True")]).describe() == "no source agrees or disputes"
    assert corroboration([match(SAME, "A", "False")]).describe() == "0 sources agree · 1 disputes"


RATINGS = ["True", "Mostly True", "False", "Pants on Fire", "Half True", "Unproven", "", "Satire"]


@st.composite
def match_lists(draw) -> list[Match]:
    count = draw(st.integers(0, 6))
    return [
        match(draw(st.floats(0, 100)), draw(st.sampled_from(["A", "B", "C"])), draw(st.sampled_from(RATINGS)),
              conflicts=draw(st.sampled_from([(), (NUMBER,)])))
        for _ in range(count)
    ]


@given(match_lists(), st.sampled_from(["True", "Mostly True"]))
def test_a_true_rated_same_claim_match_never_gives_contested(matches: list[Match], rating: str) -> None:
    matches = [*matches, match(SAME, "Fact checker", rating)]
    assert suggest_verdict(matches).verdict != "contested"


@given(match_lists())
def test_a_suggestion_never_contradicts_the_rating_of_the_match_it_cites(matches: list[Match]) -> None:
    suggestion = suggest_verdict(matches)
    if suggestion.verdict is None:
        assert suggestion.match is None
        return
    cited = suggestion.match
    assert cited in matches and cited.score >= SAME_CLAIM_SCORE
    if is_same_claim(cited):
        assert suggestion.verdict == cited.candidate.normalised_rating
    else:  # the claim contradicts a claim rated true
        assert (suggestion.verdict, cited.candidate.normalised_rating) == ("contested", "corroborated")
        assert "15 ≠ 50" in suggestion.because


def test_the_desk_marks_conflicts_from_matches_as_close_as_the_same_claim() -> None:
    from store import inbox

    assert inbox.CONFLICT_MIN_SCORE == SAME_CLAIM_SCORE
    from store import filters

    assert filters.TRANSCRIPT_CONFLICT_MIN_SCORE == TRANSCRIPT_SAME_CLAIM_SCORE
    assert filters.TRANSCRIPT_LINE == TRANSCRIPT_LINE


def test_a_debate_line_is_matched_with_its_speaker_and_the_line_it_leans_on() -> None:
    from matchers.context import query_with_context, speaker_name

    assert speaker_name("PRESIDENT OBAMA") == "Obama"
    assert speaker_name("MR. ROMNEY") == "Romney"
    assert speaker_name("Donald Trump") == "Donald Trump"
    before = "Unemployment fell to 3.5 percent last year."
    assert query_with_context("He said that too.", "MR. ROMNEY", before) == f"Romney {before} He said that too."
    standalone = "Unemployment in Ohio fell to 3.5 percent in 2019 under this administration."
    assert query_with_context(standalone, "MR. ROMNEY", before) == f"Romney {standalone}"
    assert query_with_context(standalone) == standalone


def test_matching_lists_a_second_version_of_the_same_fact_check_as_related(store) -> None:
    """Through the store and both stages, as `claimdesk match` and the desk run it."""
    import operations
    from store.models import ReferenceDraft

    url = "https://www.snopes.com/fact-check/khrushchev-small-doses/"
    store.add_reference_claims([
        ReferenceDraft("Nikita Khrushchev said Americans would be fed small doses of socialism until they "
                       "wake up in communism.", title=HEADLINE, source="Snopes", url=url, rating="False",
                       normalised_rating="contested"),
        ReferenceDraft("Khrushchev said socialism would come to America in small doses.", title=HEADLINE,
                       source="Snopes", url=url, rating="False", normalised_rating="contested"),
        ReferenceDraft("Nikita Khrushchev said Americans would be fed small doses of socialism.",
                       title="Khrushchev quote", source="AFP", url="https://factcheck.afp.com/khrushchev",
                       rating="False", normalised_rating="contested"),
    ])
    query = "Nikita Khrushchev said Americans would be fed small doses of socialism until they wake up in communism."
    found = operations.find_matches(store, query)
    assert len(found) == 3 and found[0].candidate.text == query
    same = [m.candidate.source for m in found if is_same_claim(m)]
    version = next(m for m in found if m.candidate.source == "Snopes" and m is not found[0])
    # Close enough to be the same claim by its score: the mark alone makes it related.
    assert "Snopes" in same and version.score >= SAME_CLAIM_SCORE and not is_same_claim(version)
    assert version.explanation["same_fact_check_as"] == found[0].candidate.id
    assert found.index(version) == len(same)  # listed first among the related
    assert corroboration(found).dispute == len(set(same))


DEMO_CLAIM = ("Clashes between militants and government troops were reported in Tell Salmo, Atshan, "
              "Jaish al-Ahrar, Khuwayn al-Kabir, Zarzour, Umm al-Khalakhi and near the Abu al-Duhur Airbase.")
DEMO_REFERENCES = [
    ("Clashes between militants and government troops were reported in Tell Salmo and Atshan in "
     "southern Idlib.", "True"),
    ("Militants killed at least 50 Syrian Arab Army troops and destroyed a BMP vehicle near Abu al-Duhur "
     "airbase.", "Unproven"),
    ("Free Syrian Army groups announced a counter-offensive against the Syrian Arab Army near Abu al-Duhur "
     "in southern Idlib on January 11, 2018.", "Mostly True"),
]


def test_a_long_sentence_keeps_the_reference_it_nearly_repeats_as_the_same_claim(store) -> None:
    """The semantic stage's mean over word pieces is swamped by the sentence's list of
    places; its containment floor keeps the lexical match, through the store and both
    stages as `claimdesk match` and the desk run them."""
    import operations
    from store.models import ReferenceDraft

    store.add_reference_claims(
        ReferenceDraft(text, source="Demo", url=f"https://example.org/{i}", rating=rating,
                       normalised_rating=normalise_rating(rating))
        for i, (text, rating) in enumerate(DEMO_REFERENCES))
    found = operations.find_matches(store, DEMO_CLAIM)
    assert found[0].candidate.text == DEMO_REFERENCES[0][0] and is_same_claim(found[0])
    lexical = operations.find_matches(store, DEMO_CLAIM, semantic=False)
    assert found[0].score == next(m.score for m in lexical if m.candidate.id == found[0].candidate.id)
    suggestion = suggest_verdict(found)
    assert suggestion.verdict == "corroborated" and suggestion.match.candidate.rating == "True"
    # The other references are still reranked by their similarity (not floored).
    assert not any(is_same_claim(m) for m in found[1:])
    # A transcript's line is fused as before: the same words are not the same claim there.
    as_line = operations.find_matches(store, DEMO_CLAIM, speaker="MR. SMITH")
    assert not any(is_same_claim(m) for m in as_line)
