"""Build `matchers/surnames.py`: the surnames of people whose claims PolitiFact checked.

Run from the project root (reads ../shared/data, writes matchers/surnames.py):
    .venv/bin/python bench/build_surnames.py

The conflict check types a bare capitalised word as a person when it is one of these
surnames ("Pelosi said" / "President Trump said": two people in one role). Only names go
into the project, no text of the collections.

Sources: the `speaker` field of the CheckThat! 2022 2B PolitiFact collection (the search
corpus, kept whole) and the speaker of each LIAR train statement that has a job title
(an organisation or a chain e-mail has none). A speaker is a person's name when it has
two or three capitalised words and no word of an organisation or a medium
("Republican Party", "Facebook posts"); its last word is the surname. Left out:
- surnames that the collections' statements also write in lower case more than once in
  five times (a common word: "deal", "price", "king", "rich");
- surnames that are mostly written after one capitalised word other than a first name
  ("Wall Street"), and the last words of place names ("New Jersey");
- month names ("August"), common given names (`matchers/given_names.py` already makes "Scott Walker" a person,
  and a bare "Scott" is too often someone else) and names under three letters.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _data import LIAR, SHARED_DATA, DatasetMissing  # noqa: E402

from matchers.given_names import GIVEN_NAMES  # noqa: E402
from matchers.normalise import MONTHS  # noqa: E402
from matchers.places import PLACE_KINDS  # noqa: E402

POLITIFACT_2B = SHARED_DATA / "clef2022-checkthat-2b-en" / "politifact-vclaims.jsonl"
OUTPUT = ROOT / "matchers" / "surnames.py"
# A surname written in lower case more often than this share of its capitalised uses is
# a common word.
LOWER_CASE_SHARE = 0.25
# Words that make a speaker an organisation, a medium or a group, not a person.
NOT_A_PERSON = frozenset(
    """committee party news posts post image images email emails bloggers blogger tweets
    council association foundation club county state states city department office group
    campaign fund pac coalition alliance institute center centre america american
    americans action network media times journal press company corp inc union league
    society project republicans democrats republican democratic senate house congress
    administration majority forward now radio tv show channel the for of and to
    organization agency board commission caucus voters people students usa facebook
    instagram twitter youtube tiktok website blog viral chain web internet online""".split()
)
_SPEAKER_WORD = re.compile(r"[A-Z][A-Za-z'-]+")
_TEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|[.!?:\"\u201c]")


def _speakers() -> Counter[str]:
    for path in (POLITIFACT_2B, LIAR / "train.tsv"):
        if not path.is_file():
            raise DatasetMissing(f"The shared dataset file {path} is missing; nothing built.")
    speakers: Counter[str] = Counter()
    with POLITIFACT_2B.open(encoding="utf-8") as handle:
        for line in handle:
            speakers[json.loads(line)["speaker"].strip()] += 1
    with (LIAR / "train.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > 5 and row[5].strip():
                speakers[" ".join(word.capitalize() for word in row[4].split("-"))] += 1
    return speakers


def _statements() -> Iterator[str]:
    with POLITIFACT_2B.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["vclaim"]
    with (LIAR / "train.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > 2:
                yield row[2]


def build() -> list[str]:
    surnames: Counter[str] = Counter()
    first_words: set[str] = set()
    for name, count in _speakers().items():
        words = [word for word in name.replace(".", " ").split() if len(word) > 1]
        if not 2 <= len(words) <= 3 or not all(_SPEAKER_WORD.fullmatch(word) for word in words):
            continue
        if {word.lower() for word in words} & NOT_A_PERSON:
            continue
        surnames[words[-1].lower()] += count
        first_words.add(words[0].lower())
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    after: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in _statements():
        previous = None  # the capitalised word right before, inside a sentence
        for found in _TEXT_WORD.finditer(text):
            word = found.group(0)
            if not word[0].isalpha():
                previous = None
                continue
            base = re.sub(r"['\u2019]s$", "", word)
            if word[0].islower():
                lower[base] += 1
                previous = None
                continue
            upper[base.lower()] += 1
            if previous:
                after[base.lower()][previous] += 1
            previous = base.lower()
    place_words = {place.split()[-1] for place in PLACE_KINDS}

    def part_of_a_name(surname: str) -> bool:
        if not after[surname]:
            return False
        word, count = after[surname].most_common(1)[0]
        return word not in GIVEN_NAMES and word not in first_words and 2 * count >= upper[surname]

    return sorted(
        surname for surname in surnames
        if len(surname) >= 3 and surname not in GIVEN_NAMES and surname not in place_words
        and surname not in MONTHS and surname.replace("-", "").replace("'", "").isalpha()
        and lower[surname] <= LOWER_CASE_SHARE * upper[surname] and not part_of_a_name(surname)
    )


HEADER = '''"""Surnames of people whose claims PolitiFact checked, lower-case: a bare capitalised
"Pelosi" or "McConnell" is a person when it is one of them.

Generated by `bench/build_surnames.py` (read there which speakers count as people and
which surnames are left out as common words or parts of place names); do not edit by
hand. Names only: no text of the collections they come from.
"""

from __future__ import annotations

SURNAMES: frozenset[str] = frozenset(
    """
'''


def main() -> int:
    try:
        names = build()
    except DatasetMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    lines, line = [], ""
    for name in names:
        if len(line) + len(name) + 1 > 88:
            lines.append(line)
            line = ""
        line = f"{line} {name}" if line else name
    lines.append(line)
    body = "".join(f"    {text}\n" for text in lines)
    OUTPUT.write_text(HEADER + body + '    """.split()\n)\n', encoding="utf-8")
    print(f"{len(names)} surnames written to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
