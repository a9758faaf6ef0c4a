"""The published-rating to verdict mapping."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.ratings import normalise_rating
from tests.conftest import SHARED


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("True", "corroborated"),
        ("  mostly   TRUE ", "corroborated"),
        ("Correct", "corroborated"),
        ("Mostly-True", "corroborated"),
        ("False", "contested"),
        ("FALSE.", "contested"),
        ("Pants on Fire!", "contested"),
        ("pants-fire", "contested"),
        ("Misleading", "contested"),
        ("Mostly False", "contested"),
        ("barely-true", "contested"),
        ("Exaggerated", "contested"),
        ("Missing context", "contested"),
        ("Four Pinocchios", "contested"),
        ("Falso", "contested"),
        ("half-true", "unverified"),
        ("Unproven", "unverified"),
        ("Mixture", "unverified"),
        ("Unverified", "unverified"),
        ("1/5", "contested"),
        ("5/5", "corroborated"),
        ("3 out of 5", "unverified"),
        ("False. The photo was taken in 2015, not last week.", "contested"),
        ("Mostly false: the figure is from a different year", "contested"),
        ("", ""),
        ("   ", ""),
        ("Needs a closer look someday", ""),
        ("7/5", ""),
    ],
)
def test_normalise_rating_maps_the_documented_table(published: str, expected: str) -> None:
    assert normalise_rating(published) == expected


def test_true_inside_a_longer_word_is_not_a_rating() -> None:
    assert normalise_rating("Trueish maybe") == ""
    assert normalise_rating("Falsehood everywhere") == ""


@given(st.text(max_size=400))
def test_normalise_rating_returns_a_verdict_or_nothing(published: str) -> None:
    assert normalise_rating(published) in {"corroborated", "contested", "unverified", ""}


def test_every_liar_label_is_mapped() -> None:
    path = SHARED / "data" / "liar" / "train.tsv"
    if not path.exists():
        pytest.skip(f"the LIAR data set is not at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        labels = {row[1] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    mapped = {label: normalise_rating(label) for label in labels}
    assert mapped == {
        "pants-fire": "contested",
        "false": "contested",
        "barely-true": "contested",
        "half-true": "unverified",
        "mostly-true": "corroborated",
        "true": "corroborated",
    }
