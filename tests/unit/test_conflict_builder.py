"""The contradictions bench/conflicts.py builds read as real ones."""

from __future__ import annotations

import random
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import conflicts  # noqa: E402

from matchers.normalise import analyse  # noqa: E402


def test_a_person_is_swapped_for_a_person_and_the_title_stays() -> None:
    other = "U.S. President Donald Trump said Kim Jong Un is smarter than Joe Biden."
    changed = conflicts._change_actor("President Trump in Tokyo: Kim Jong Un is smarter than Joe Biden.",
                                      analyse(other), random.Random(1), other)
    assert changed is not None
    text, before, after = changed
    assert before == "Trump" and text.startswith(f"President {after} in Tokyo")
    assert after in {name.split()[-1] for name in conflicts.PEOPLE}


def test_a_name_of_unknown_type_is_not_swapped() -> None:
    other = "The popular video game Minecraft is shutting down in 2020."
    assert conflicts._change_actor("Mojang says Minecraft is not shutting down.", analyse(other),
                                   random.Random(1), other) is None


def test_the_end_of_a_longer_name_after_of_is_not_swapped_and_a_place_after_an_office_is() -> None:
    other = "The United States of America has the strongest economy in the world."
    assert conflicts._change_actor("Yes, the United States of America has the strongest economy.",
                                   analyse(other), random.Random(1), other) is None
    other = "Two oceans meet in the Gulf of Alaska, photographs show."
    assert conflicts._change_actor("Photographs show where two oceans meet in the Gulf of Alaska.",
                                   analyse(other), random.Random(1), other) is None
    other = "The President of Mexico said Mexico would not pay for the wall."
    changed = conflicts._change_actor("Mexico will not pay for the wall, the President of Mexico said.",
                                      analyse(other), random.Random(1), other)
    assert changed is not None and changed[1] == "Mexico" and "President of Mexico" not in changed[0]


def test_negation_goes_only_before_a_verb_or_adjective() -> None:
    other = "The U.S. has more governors who have worn blackface than black governors."
    assert conflicts._change_negation("America has more governors who wore blackface.", analyse(other),
                                      random.Random(1)) is None
    changed = conflicts._change_negation("The vaccine was approved by the FDA.",
                                         analyse("The FDA approved the vaccine."), random.Random(1))
    assert changed is not None and changed[0] == "The vaccine was not approved by the FDA."


def test_an_identifier_is_not_changed_as_a_quantity() -> None:
    other = "A video shows his jersey number changing from No. 13 to 14."
    assert conflicts._change_number("His jersey changes from No. 13 to No. 14 after the dunk.", analyse(other),
                                    random.Random(1)) is None


def test_a_day_of_a_date_and_a_number_in_a_name_are_not_changed_as_quantities() -> None:
    other = "Donald Trump helped search the rubble after the September 11 attacks."
    assert conflicts._change_number("Trump helped clear rubble on September 11.", analyse(other),
                                    random.Random(1)) is None
    other = 'Photographs show a large crowd at the "Area 51 Raid."'
    assert conflicts._change_number("Here is this morning's Area 51 gathering.", analyse(other),
                                    random.Random(1)) is None


def test_a_label_hashtag_states_nothing_but_a_hashtag_in_a_sentence_does() -> None:
    assert conflicts._is_label("Proof the protestors were paid. #Soros #ConfirmKavanaugh", 32)
    assert not conflicts._is_label("#Canada discovered a mummified dinosaur", 1)
    assert not conflicts._is_label("Thank you for reopening your website to #Israel #target", 41)
    # A year only a label holds is no year the text states.
    other = "Looks like her shoes are matching here from earlier today… #GE2019 #UKElection"
    assert conflicts._change_date("She was photographed wearing mismatched shoes in 2019.",
                                  conflicts._stated(other), random.Random(1)) is None


def test_a_month_inside_a_name_and_a_year_inside_a_name_are_not_dates() -> None:
    other = "If you took part in a #WomensMarch anywhere, text COUNT ME to 89800!"
    assert conflicts._change_date("The Women's March on Washington is tallying attendees by text.",
                                  analyse(other), random.Random(1)) is None
    other = "The Illegal Immigration and Responsibility Act of 1996 says non-citizens who vote must be deported."
    assert conflicts._change_date("The Immigrant Responsibility Act of 1996 says non-citizens who vote must go.",
                                  analyse(other), random.Random(1)) is None
    changed = conflicts._change_date("The law passed in March 2018.", analyse("It passed in March."), random.Random(1))
    assert changed is not None and changed[1] == "March"


def test_a_first_name_before_an_initial_is_not_swapped_and_inner_capitals_are_one_name() -> None:
    other = "Radio host Rush Limbaugh once claimed that actor Michael J. Fox was exaggerating."
    changed = conflicts._change_actor("Rush Limbaugh mocked Michael J. Fox by shaking.", analyse(other),
                                      random.Random(1), other)
    assert changed is None or changed[1] != "Michael"
    other = "Senator John McCain's final words attacked President Donald Trump."
    changed = conflicts._change_actor("Rick Davis reads John McCain's final words; McCain never quit.", analyse(other),
                                      random.Random(1), other)
    assert changed is not None and changed[1] == "John McCain"


def test_a_predicate_the_other_side_also_denies_is_not_negated() -> None:
    other = "He was proud to wear it, but he didn't wear it to school again."
    assert conflicts._change_negation("Students beat a classmate because he was wearing a hat.", analyse(other),
                                      random.Random(1)) is None


def test_an_actor_the_changed_side_still_names_is_not_changed() -> None:
    # "AOC" stands for Alexandria Ocasio-Cortez: swapping the surname alone leaves her named.
    other = "A supporter of Rep. Alexandria Ocasio-Cortez shouted at her town hall."
    assert conflicts._change_actor("A fan of Ocasio-Cortez shouted at AOC's town hall.", analyse(other),
                                   random.Random(3), other) is None
    other = "Former president Jimmy Carter said his cancer had spread."
    # The capitalised "CARTER" of a heading is not replaced with "Carter", and still names him.
    changed = conflicts._change_actor("PRAYERS FOR CARTER: President Jimmy Carter said his cancer spread.",
                                      analyse(other), random.Random(3), other)
    assert changed is None


def test_a_first_name_before_a_bare_initial_and_a_storm_are_not_people_to_swap() -> None:
    other = "Confederate General Robert E. Lee opposed Confederate monuments."
    assert conflicts._change_actor("So about that Robert E Lee statue, the man opposed monuments.",
                                   analyse(other), random.Random(1), other) is None
    other = "Fire ants float in the floodwaters from Tropical Storm Harvey."
    assert conflicts._change_actor("Fire ants float in the water, says Harvey expert.", analyse(other),
                                   random.Random(1), other) is None


def test_a_changed_figure_is_never_one_the_other_side_gives_for_something_else() -> None:
    other = "The senator took $1 million in contributions and failed to disclose $4.6 million in expenses."
    body = "The senator took $1 million in contributions and hid $4.6 million in expenses."
    for seed in range(20):
        changed = conflicts._change_number(body, analyse(other), random.Random(seed))
        assert changed is not None
        text, before, after = changed
        assert before == "1" and after in {"2", "3", "4"}  # 5 million would read as the 4.6 million
