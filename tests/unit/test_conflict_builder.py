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
