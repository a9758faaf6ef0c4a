"""Conflict flags: what true pairs say differently is no conflict, a changed core is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import find_conflicts
from matchers.explain import possible_conflict_kinds
from matchers.normalise import analyse


def kinds(query: str, text: str) -> list[str]:
    return [flag["kind"] for flag in find_conflicts(query, text)]


# -- the same claim, written differently: no flag ----------------------------------------

SAME_CLAIM_PAIRS = [
    # A tweet's signature names who posted it, not who acted.
    ("Iran offered an $80 million bounty for the head of Trump. — Jane Roe (@janeroe) January 6, 2020",
     "Iran offered an $80 million bounty for the head of Donald Trump."),
    # A handle tagged in the tweet.
    ("@CNN Obama banned the pledge of allegiance in schools",
     "Barack Obama banned the pledge of allegiance in schools."),
    # "According to" and a source word opening a sentence.
    ("According to officials, the Idlib zone collapsed in January.",
     "The de-escalation zone in Idlib collapsed in January, Russian officials said."),
    # A common noun opening a sentence against a name.
    ("Video shows Pelosi slurring her words at a press conference.",
     "Speaker Nancy Pelosi was filmed slurring her words."),
    ("Woman arrested for feeding the homeless in Texas.", "Texas arrested a woman for feeding homeless people."),
    # A negation of something the other side does not say.
    ("Minecraft is NOT stopping, Mojang is NOT closing.",
     "The popular video game Minecraft is shutting down in 2020."),
    # The same figure rounded, and a figure inside a listed range.
    ("Trump's golf trips cost taxpayers $3.6 million.", "Trump's golf trips cost taxpayers $4 million."),
    ("Manufacturing is down 30, 40, sometimes 50 percent.", "Manufacturing is down 35 percent."),
    # A country written as its name and its adjective, an acronym and its words.
    ("America has more governors who wore blackface than black governors.",
     "The U.S. has more governors who have worn blackface than black governors."),
    ("Militants killed at least 15 SAA troops.", "Militants killed at least 15 Syrian Arab Army troops."),
    # A name in a different passage of a longer text.
    ("Clashes were reported in Tell Salmo, Atshan, Jaish al-Ahrar and near the Abu al-Duhur Airbase.",
     "Clashes were reported in Tell Salmo and Atshan in southern Idlib."),
]


@pytest.mark.parametrize(("query", "text"), SAME_CLAIM_PAIRS)
def test_the_same_claim_written_differently_is_not_a_conflict(query: str, text: str) -> None:
    assert find_conflicts(query, text) == []
    assert find_conflicts(text, query) == []


def test_signature_and_handle_words_are_not_names_of_the_claim() -> None:
    tweet = "Pelosi signed the bill into law. — Ilhan Omar (@IlhanMN) January 6, 2020"
    assert kinds(tweet, "Pelosi signed the bill into law.") == []
    # The signature's name does not stand in for the actor either.
    assert kinds("@SchumerFan signed the bill into law", "Pelosi signed the bill into law") == []


# -- a changed core: flagged, with the right kind and both sides named -------------------

BUILT_CONTRADICTIONS = [
    ("number", "Militants killed at least 15 troops near the airbase.",
     "Militants killed at least 50 troops near the airbase.", ("15", "50")),
    ("number", "Iran offered an $80 million bounty for the head of Donald Trump.",
     "Iran offered a $240 million bounty for the head of Donald Trump.", ("80 million", "240 million")),
    ("date", "In 1998, Chuck Schumer was caught taking $1 million in excessive contributions.",
     "In 2001, Senator Chuck Schumer was caught taking $1 million in excessive contributions.", ("1998", "2001")),
    ("date", "Elections were held in March", "Elections were held in November", ("march", "november")),
    ("entity", "Obama signed the bill into law", "Trump signed the bill into law", ("obama", "trump")),
    ("entity", "The senate was told by Pelosi", "The senate was told by Schumer", ("pelosi", "schumer")),
    ("entity", "The FBI arrested three men in Ohio.", "The CIA arrested three men in Ohio.", ("fbi", "cia")),
    ("negation", "The vaccine was approved by the FDA", "The vaccine was not approved by the FDA",
     ("approved", "not approved")),
    ("negation", "The de-escalation zone de-facto collapsed.",
     "The de-escalation zone in Idlib has not collapsed, according to Russian officials.",
     ("collapsed", "not collapsed")),
    ("negation", "Trump never paid back the $33 million bond.", "Trump paid back the $33 million bond.",
     ("never paid", "paid")),
]


@pytest.mark.parametrize(("kind", "query", "text", "sides"), BUILT_CONTRADICTIONS)
def test_a_changed_core_is_flagged_with_its_kind_and_both_sides(kind, query, text, sides) -> None:
    flags = find_conflicts(query, text)
    assert {"kind": kind, "query": sides[0], "match": sides[1]} in flags
    # The same pair the other way round names the sides the other way round.
    assert {"kind": kind, "query": sides[1], "match": sides[0]} in find_conflicts(text, query)


def test_a_negation_on_both_sides_is_agreement() -> None:
    assert kinds("Masks don't work", "Masks do not work") == []
    assert kinds("The vaccine was never approved", "The vaccine was not approved") == []


def test_a_number_that_is_a_day_or_a_jersey_number_is_not_a_quantity() -> None:
    assert kinds("Free cone day is on 20 March.", "Free cone day is on March 21st, 4 cones each.") == []
    assert kinds("His jersey changed from No. 13 to No. 14.", "His jersey number changed from 13 to 14.") == []


# -- names after a title, accents, "without" ---------------------------------------------


def test_a_different_name_after_the_same_title_is_a_different_actor() -> None:
    flags = find_conflicts('President Gates: "I am the chosen one."',
                           'On Aug. 21, 2019, U.S. President Donald Trump said he is "the chosen one."')
    assert {"kind": "entity", "query": "gates", "match": "donald trump"} in flags


def test_a_title_before_a_name_the_other_side_mentions_is_no_conflict() -> None:
    assert kinds("Obama met President Rouhani in person",
                 "Barack Obama shook hands with Iranian President Hassan Rouhani") == []


def test_a_name_with_and_without_accents_is_one_name() -> None:
    assert kinds("Migrants crossed into Ciudad Juárez on Monday.",
                 "Migrants crossed into Ciudad Juarez on Monday.") == []
    # Folding accents does not make different names the same.
    assert "entity" in kinds("The mayor of Juárez resigned on Monday.", "The mayor of Tijuana resigned on Monday.")


def test_without_leaves_out_a_thing_and_denies_no_predicate() -> None:
    assert kinds("Any Bahamian without a US visa was ordered to disembark the ferry.",
                 "Bahamians were forced to leave a boat to the U.S. because they lacked visas.") == []
    # A predicate negated with "not" still is.
    assert "negation" in kinds("Bahamians were not ordered to leave the ferry.",
                               "Bahamians were ordered to leave the ferry.")


# -- every flag names both sides --------------------------------------------------------

_WORDS = st.sampled_from(
    "not no never Trump Obama signed the bill 15 50 2019 2020 March May troops killed "
    "— (@handle) @user according to Iran said didn't does 3.6 million percent , . SAA "
    "Syrian Arab Army images show Idlib".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=14), st.lists(_WORDS, max_size=14))
def test_no_flag_has_an_empty_side(query_words: list[str], text_words: list[str]) -> None:
    for flag in find_conflicts(" ".join(query_words), " ".join(text_words)):
        assert set(flag) == {"kind", "query", "match"}
        assert flag["kind"] in {"number", "date", "negation", "entity"}
        assert flag["query"].strip() and flag["match"].strip()


def _possible(query: str, text: str) -> int:
    return possible_conflict_kinds(analyse(query).normalised, analyse(text).normalised)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=14), st.lists(_WORDS, max_size=14))
def test_the_kinds_flagged_never_exceed_those_the_words_make_possible(query_words, text_words) -> None:
    query, text = " ".join(query_words), " ".join(text_words)
    assert len(set(kinds(query, text))) <= _possible(query, text)


@pytest.mark.parametrize(("kind", "query", "text", "sides"), BUILT_CONTRADICTIONS)
def test_a_built_contradiction_is_within_the_possible_kinds(kind, query, text, sides) -> None:
    assert 1 <= len(set(kinds(query, text))) <= _possible(query, text)


def test_only_a_name_is_possible_between_texts_without_figures_months_or_negations() -> None:
    assert _possible("Obama signed the bill in March", "Trump signed the bill") == 1
    assert _possible("Obama signed the bill in March", "Trump signed it in May") == 2
    assert _possible("15 troops were killed in 2019", "50 troops were killed") == 3
    assert _possible("15 troops were not killed in 2019", "50 troops were killed") == 4


# -- numbers and dates written differently, one figure a side, lists ------------------------


def test_numbers_in_different_formats_are_compared_as_values() -> None:
    assert {"kind": "number", "query": "1.5 million", "match": "2 million"} in find_conflicts(
        "The rally drew 1.5 million people to the capital.", "The rally drew 2 million people to the capital.")
    assert {"kind": "number", "query": "50", "match": "60"} in find_conflicts(
        "Unemployment among youth is 50% in the city.", "Unemployment among youth is 60 percent in the city.")
    assert kinds("The rally drew 1.5 million people to the capital.",
                 "The rally drew 1,500,000 people to the capital.") == []
    assert {"kind": "number", "query": "12,500", "match": "125,000"} in find_conflicts(
        "Police counted 12,500 marchers in the city.", "Police counted 125,000 marchers in the city.")


def test_an_amount_after_a_currency_sign_is_no_year() -> None:
    flags = find_conflicts("He got a $400 fine and will not have to register.",
                           "Jacob Anderson received only a $2000 fine and deferred probation.")
    assert {"kind": "number", "query": "400", "match": "2000"} in flags


def test_one_figure_on_each_side_is_one_quantity_however_worded() -> None:
    flags = find_conflicts("Marilyn Monroe had an IQ of 336.", "Marilyn Monroe's intelligence quotient was measured at 168.")
    assert {"kind": "number", "query": "336", "match": "168"} in flags
    # The same figure, and figures an order of magnitude apart, are not set against each other.
    assert kinds("Marilyn Monroe had an IQ of 168.", "Marilyn Monroe's intelligence quotient was measured at 168.") == []
    assert kinds("Puerto Rico was already suffering, and Trump walked away after 13 years of promises.",
                 "Donald Trump bankrupted a golf course in Puerto Rico, leaving taxpayers $33 million in debt.") == []


def test_only_numbers_joined_as_a_list_make_a_range() -> None:
    # "16 percent and 21 percent" pairs figures with names; it is no range holding 8.
    flags = find_conflicts("Omar is polling at 8%, Cortez at 21%.",
                           "Reps. Omar and Ocasio-Cortez are polling at 16 percent and 21 percent respectively.")
    assert {"kind": "number", "query": "8", "match": "16"} in flags
    assert kinds("Workers there work 70 to 80 hours a week.", "Workers there work 75 hours a week.") == []


def test_one_year_on_each_side_is_the_date_of_what_both_describe() -> None:
    flags = find_conflicts("Wayne LaPierre in 1999, before gun makers sold more guns.",
                           "In 1996, Wayne LaPierre of the NRA said there should be no guns in schools.")
    assert {"kind": "date", "query": "1999", "match": "1996"} in flags


def test_a_year_inside_a_name_or_a_quoted_byline_is_no_date() -> None:
    assert kinds("Elizabeth Holtzman, a drafter of the Refugee Act of 1980, resigns from the council.",
                 "In 2018, former Congresswoman Elizabeth Holtzman resigned from the council.") == []
    # A tweet exported inside quotes: its byline still ends it.
    assert kinds('"Rain fell for 40 days in Texas. — Jane Roe (@janeroe) August 4, 2019"',
                 "It rained for 40 days in Texas in 2018.") == []


def test_a_negation_passes_over_now() -> None:
    flags = find_conflicts("Veterans' unemployment is not actually now lower than the general population.",
                           "Veterans' unemployment is actually now lower than the general population.")
    assert {"kind": "negation", "query": "not lower", "match": "lower"} in flags


# -- people and places set against each other --------------------------------------------


def test_a_place_against_a_place_is_an_entity_conflict_wherever_each_sentence_puts_it() -> None:
    flags = find_conflicts("Wearing a clown mask could cost you a $50,000 fine in Texas.",
                           "Clown masks have been banned in Florida, and wearing one can result in a $50,000 fine.")
    assert {"kind": "entity", "query": "texas", "match": "florida"} in flags
    assert "entity" in kinds("Protestors in Italy have got wearable projectors to avoid facial recognition.",
                             "A video shows protesters in Hong Kong using wearable projectors.")


def test_a_person_against_a_person_is_an_entity_conflict() -> None:
    flags = find_conflicts(
        "Mike Pence is visiting Iceland and everyone is flying the gay flag. All Pence will see is rainbows.",
        "U.S. Vice President Bill Gates was greeted by rainbow flags on his visit to Reykjavik, Iceland.")
    assert {"kind": "entity", "query": "mike pence", "match": "bill gates"} in flags


def test_a_place_inside_the_other_or_a_list_of_places_is_no_conflict() -> None:
    # A city and its country, a state and the United States.
    assert kinds("We paid $400 million in cash as a ransom for Americans held by the mullahs in Tehran.",
                 'The Obama administration gave Iran "$400 million in ransom payment cash."') == []
    assert kinds("Texas discovered that 58,000 non-citizens voted in its elections.",
                 "58,000 non-citizens voted in elections held across the United States, officials said.") == []
    # A list of countries names no one place to set against another.
    assert kinds("Hillary took millions from Kuwait, Qatar, Oman and other countries.",
                 "The Clintons' foundation took millions from foreign governments including Saudi Arabia.") == []


def test_a_city_against_another_country_is_an_actor_conflict_and_against_its_own_none() -> None:
    flags = find_conflicts("The mayor thanked first responders after the shooting in Chicago last weekend.",
                           "In Germany, a weekend shooting ended with the mayor thanking first responders.")
    assert {"kind": "entity", "query": "chicago", "match": "germany"} in flags
    assert kinds("Police in Chicago arrested the suspect after a weekend shooting.",
                 "The suspect of a weekend shooting was arrested in the United States, police said.") == []
    assert kinds("A new mural in Sydney used 700 gallons of paint.",
                 "Australia now has a mural that used 700 gallons of paint.") == []


def test_a_country_and_its_people_are_one_name() -> None:
    assert kinds("Then she let China steal hundreds of billions of dollars in intellectual property.",
                 "The Chinese last year probably stole $360 billion in intellectual property from the United States.") == []
    assert kinds("America has the cleanest air in the world.",
                 "The United States was ranked as having the cleanest air in the world.") == []


def test_every_way_of_denying_a_predicate_is_a_negation() -> None:
    assert {"kind": "negation", "query": "didn't pay", "match": "paid"} in find_conflicts(
        "Trump didn't pay back the $33 million bond.", "Trump paid back the $33 million bond.")
    assert "negation" in kinds("The store no longer sells guns.", "The store sells guns.")
    assert "negation" in kinds("The vaccine isn't approved by the FDA.", "The vaccine is approved by the FDA.")
    assert "negation" in kinds("Obama never signed the order.", "Obama signed the order.")


def test_a_given_name_makes_a_person_and_an_institution_word_does_not() -> None:
    flags = find_conflicts("Vice President Joe Biden was refused service at the cookie shop in 2012.",
                           "The owner of the cookie store refused service to Nancy Pelosi in 2012 in Radford.")
    assert {"kind": "entity", "query": "joe biden", "match": "nancy pelosi"} in flags
    # "Travis County" is a place, not a person named Travis.
    assert kinds("It looks like a summons from Travis County, but it asks for money.",
                 "Sen. Ted Cruz's campaign has sent letters made up to resemble a legal summons.") == []


# -- actors of a comparable kind, aligned cores, possessives, misspellings, bylines --------


def test_an_institution_or_a_word_of_no_known_kind_in_the_same_place_is_no_actor() -> None:
    assert kinds("Walter Reed Hospital papers show the president's real weight.",
                 "Papers from Walter Reed Medical Center show the president's true weight.") == []
    assert kinds("Tonight the Senate Ethics Committee dropped its inquiry into the mayor.",
                 "An inquiry into the mayor was dropped by the Senate Ethics Panel.") == []


def test_a_person_is_not_set_against_a_place_in_the_same_place() -> None:
    assert kinds("The crowd cheered for Senator Warren on Friday.", "The crowd cheered for Texas on Friday.") == []


def test_names_of_no_known_kind_conflict_between_the_same_words() -> None:
    assert find_conflicts("Reports say Acme fired the whistleblower last week.",
                          "Reports say Globex fired the whistleblower last week.") == [
        {"kind": "entity", "query": "acme", "match": "globex"}]


def test_a_possessive_names_its_place_and_ends_the_name() -> None:
    flags = find_conflicts("Japan's lawmakers have banned abortion outright.",
                           "A total abortion ban passed in Ireland's parliament.")
    assert {"kind": "entity", "query": "japan", "match": "ireland"} in flags
    flags = find_conflicts("Storm clouds gathered over Ohio! Pray for everyone there.",
                           "A video shows storm clouds gathering over Florida.")
    assert {"kind": "entity", "query": "ohio", "match": "florida"} in flags


def test_a_name_misspelt_by_one_letter_is_one_name() -> None:
    assert kinds("Hurricane Dorain is about to hit the coast of Florida.",
                 "A video shows Hurricane Dorian approaching Florida.") == []
    assert "entity" in kinds("The mayor of Mallinger resigned on Monday.", "The mayor of Mallorca resigned on Monday.")


def test_a_year_is_anchored_on_either_side_of_it() -> None:
    flags = find_conflicts("Trump proposed jailing flag burners in 2016, and Hillary proposed that ban in 2005.",
                           "In 2002, Senator Hillary Clinton co-sponsored a bill to ban flag burning.")
    assert {"kind": "date", "query": "2005", "match": "2002"} in flags


def test_one_year_against_other_years_none_shared_is_a_date_conflict() -> None:
    flags = find_conflicts("A cookie shop refused to serve Joe Biden in 2013. It closed in 2016.",
                           "In 2012 a cookie shop turned away Joe Biden.")
    assert flags == [{"kind": "date", "query": "2013", "match": "2012"}]
    assert kinds("The cookie shop turned away Joe Biden in 2012 and closed in 2016.",
                 "In 2012 a cookie shop turned away Joe Biden.") == []


def test_a_name_known_only_from_the_byline_is_a_different_actor_after_the_same_title() -> None:
    tweet = "The story that President Putin wanted to nuke hurricanes is fake. — Donald J. Trump (@realDonaldTrump) August 26, 2019"
    flags = find_conflicts(tweet, "U.S. President Donald Trump asked his advisers about nuking hurricanes.")
    assert {"kind": "entity", "query": "putin", "match": "donald trump"} in flags
    # Without a title on each side the byline still names the author: no conflict.
    assert kinds("The story that I wanted to nuke hurricanes is fake. — Donald J. Trump (@realDonaldTrump) August 26, 2019",
                 "U.S. President Donald Trump asked his advisers about nuking hurricanes.") == []


# -- known surnames: a bare surname is a person ------------------------------------------


def test_a_bare_known_surname_against_another_person_is_an_actor_conflict() -> None:
    # Neither name has a title, a first name or a speech verb, and they sit in
    # different places of their sentences: only the list of surnames types them.
    flags = find_conflicts("The parks service budget would be cut in half under a plan by Gingrich.",
                           "Santorum proposed halving the budget of the parks service.")
    assert {"kind": "entity", "query": "gingrich", "match": "santorum"} in flags
    # A known surname may open a sentence; a first name before it keeps the person whole.
    flags = find_conflicts("Giuliani wants the parks service budget cut in half.",
                           "Governor Chris Christie proposed halving the budget of the parks service.")
    assert {"kind": "entity", "query": "giuliani", "match": "chris christie"} in flags
    flags = find_conflicts("Reporters say Vladimir Boehner blocked the vote on the farm bill.",
                           "The vote on the farm bill was blocked by Speaker Kevin Cantor.")
    assert {"kind": "entity", "query": "vladimir boehner", "match": "kevin cantor"} in flags


def test_a_known_surname_and_the_same_person_named_in_full_are_no_conflict() -> None:
    assert kinds("Pelosi called the border wall an immorality.",
                 "House Speaker Nancy Pelosi said a border wall is immoral.") == []
    assert kinds("Under the plan by Gingrich, the parks budget would be cut in half.",
                 "Newt Gingrich proposed halving the budget of the parks service.") == []
    # A possessive names its name, however short.
    assert kinds("Rush Limbaugh mocked Michael J. Fox's tremors in a radio segment.",
                 "Radio host Rush Limbaugh once mocked actor Michael J. Fox for his tremors.") == []


def test_a_given_name_inside_a_known_surname_is_another_name() -> None:
    flags = find_conflicts("Senator Johnson blocked the farm bill in the Senate.",
                           "Senator John Thune blocked the farm bill in the Senate.")
    assert {"kind": "entity", "query": "johnson", "match": "john thune"} in flags
    flags = find_conflicts("Johnson said the farm bill was dead, according to John.",
                           "Senator Mitch McConnell said the farm bill was dead, John added.")
    assert {"kind": "entity", "query": "johnson", "match": "mitch mcconnell"} in flags


def test_a_surname_in_a_case_or_an_institution_is_no_person() -> None:
    assert kinds("We will not reverse Roe v. Wade, the candidate told the crowd.",
                 "Senator Clinton told the crowd she would protect abortion rights.") == []
    assert kinds("A Trump Tower hotel opened in Pyongyang within a day of the summit.",
                 "President Kim Jong-Un opened a hotel in Pyongyang within a day of the summit.") == []


def test_a_speech_verb_types_only_the_name_right_before_it() -> None:
    # "Today @handle tweeted": the handle said it, "Today" is no speaker.
    assert kinds("Our co-founder posted the video. Today @SomeHandle tweeted that she partied on 9/11.",
                 "A video shows Rep. Ilhan Omar dancing at a party on 9/11.") == []


def test_the_surname_list_holds_no_common_word_given_name_or_place() -> None:
    from matchers.given_names import GIVEN_NAMES
    from matchers.places import PLACE_KINDS
    from matchers.surnames import SURNAMES

    assert {"pelosi", "gingrich", "mcconnell", "o'rourke"} <= SURNAMES
    # Speakers whose surnames are words ("Nathan Deal", "Tom Price") or parts of a
    # place's name ("New Jersey") are left out, and so are organisations' words.
    assert not {"deal", "price", "king", "street", "jersey", "party", "committee", "posts"} & SURNAMES
    assert not SURNAMES & GIVEN_NAMES
    assert not SURNAMES & {place.split()[-1] for place in PLACE_KINDS}


def test_a_headline_capitalising_the_words_after_a_name_still_names_it() -> None:
    # "Schumer Rally": the other side writes "rally" in lower case, so the run names
    # Schumer, and a different person there is a different actor.
    flags = find_conflicts("Organisers paid students to cheer at the Schumer Rally in Toledo.",
                           "Students were paid to cheer at Senator Gingrich's rally in Toledo.")
    assert {"kind": "entity", "query": "schumer", "match": "senator gingrich"} in flags
    flags = find_conflicts("Oregon Teacher wins the lottery twice in one week",
                           "A teacher in Peru won the lottery twice in one week.")
    assert {"kind": "entity", "query": "oregon", "match": "peru"} in flags


def test_a_headline_name_the_other_side_shares_or_a_longer_name_is_no_conflict() -> None:
    assert kinds("Organisers paid students to cheer at the Schumer Rally in Toledo.",
                 "Students were paid to cheer at Senator Chuck Schumer's rally in Toledo.") == []
    # "United States", "Trump Tower": a place or an institution, not a name and a word.
    assert kinds("Former United States Envoy Quits over the pipeline deal",
                 "A former envoy of Senator Gingrich quit over the pipeline deal, his office states.") == []
    assert kinds("Crowds gathered at Trump Tower on Friday night.",
                 "Crowds gathered on Friday night outside a tower owned by Senator Gingrich.") == []


def test_a_surnames_administration_acts_for_that_person() -> None:
    flags = find_conflicts("The Pelosi Administration froze the grants to rural clinics.",
                           "Rural clinics had their grants frozen under President Gingrich.")
    assert {"kind": "entity", "query": "pelosi administration", "match": "gingrich"} in flags
    assert kinds("The Gingrich Administration froze the grants to rural clinics.",
                 "Rural clinics had their grants frozen under President Gingrich.") == []


def test_a_lone_initial_is_no_name() -> None:
    # The stop after "L" ends the run, which leaves the initial on its own.
    assert kinds("Samuel Jackson aka NICK FURY retired from films last night",
                 "In May, actor Samuel L. Jackson retired from films.") == []


def test_a_hashtag_of_several_words_names_no_actor() -> None:
    # "#GoldenStateForNewsom" is a label for the topic; the claim names no one else.
    assert kinds("Who was Senator Feinstein talking about here? #GoldenStateForNewsom",
                 "A memo shows Dianne Feinstein mocking the volunteers of Kamala Harris.") == []
    tokens = analyse("Tornado in #CapeTown today #StormOverTheCape").tokens
    assert [t.norm for t in tokens if t.is_label] == ["storm", "over", "the", "cape"]
    # A name as one hashtag still names its actor.
    flags = find_conflicts("Crowds cheered #Schumer at the rally in Toledo.",
                           "Crowds cheered Senator Gingrich at the rally in Toledo.")
    assert [f["kind"] for f in flags] == ["entity"]
