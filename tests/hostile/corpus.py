"""The hostile input corpus, generated: nothing big or binary is kept in the repository.

`ARTICLES` maps a case name to a function returning (file name, bytes) for an article
source; `REFERENCE_FILES` does the same for reference-claim files. `write_articles` and
`write_reference_files` write them into a folder and return {name: path}.
"""

from __future__ import annotations

import codecs
import json
import random
from collections.abc import Callable
from pathlib import Path

SENTENCE = "The ministry said {n} schools reopened in {year}, according to officials in {place}. "
PLACES = ["Lagos", "Quito", "Hanoi", "Tbilisi", "Perth", "Oslo", "Accra", "Lima"]

# Strings that are markup to Rich/Textual: shown literally or not at all, never obeyed.
MARKUP = [
    "[bold]loud[/bold]",
    "[/]",
    "[/b] evil",
    "[@click=app.quit]Read more[/]",
    "[link=file:///etc/passwd]x[/link]",
    "[$accent]",
    "[/",
    "[b",
    "[TODO] plan",
]

# Terminal control sequences: colour and cursor moves, screen clear, window title,
# OSC 8 hyperlink, OSC 52 clipboard write, bell, C1 CSI.
ESCAPES = [
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b[10;10H",
    "\x1b]0;PWNED\x07",
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x07\x07",
    "\x9b31m",
]

BIDI = ["Vote \u202eetad\u202c now", "vac\u200bcine", "\ufeffstart", "\u2066isolated\u2069", "zero\u200dwidth\u2060"]


def _sentences(count: int, seed: int = 5) -> str:
    rng = random.Random(seed)
    return "".join(
        SENTENCE.format(n=rng.randrange(2, 9000), year=rng.randrange(1990, 2025), place=rng.choice(PLACES))
        for _ in range(count)
    )


def _big_article() -> tuple[str, bytes]:
    """5 MB of distinct sentences in paragraphs of 40 (distinct, so none are merged)."""
    size = 5 * 1024 * 1024
    paragraphs = ["Big report\n\n"]
    total, seed = 0, 0
    while total < size:
        paragraph = _sentences(40, seed) + "\n\n"
        paragraphs.append(paragraph)
        total += len(paragraph)
        seed += 1
    return "big.txt", "".join(paragraphs)[:size].encode("utf-8")


_SUBJECTS = ["Harbour officials", "The finance ministry", "Three senators", "Local farmers",
             "A hospital spokesman", "The railway union", "Election monitors", "Two bakers",
             "The weather office", "Museum curators", "Fishing crews", "A city auditor"]
_OBJECTS = ["cargo ships docked", "tax refunds were paid", "bills were vetoed", "hectares flooded",
            "beds were added", "trains were cancelled", "ballots went missing", "loaves were sold",
            "storms hit the coast", "paintings were stolen", "tonnes of cod were landed", "invoices were forged"]


def _hostile_lines(items: list[str]) -> str:
    """One distinct check-worthy sentence per item (distinct, so none are merged)."""
    return "".join(
        f"{_SUBJECTS[i % 12]} said {(i + 3) * 17} {_OBJECTS[i % 12]} in {1990 + i}, "
        f"citing {item} as the source.\n\n"
        for i, item in enumerate(items)
    )


def _html() -> str:
    return (
        "<!doctype html><html><head><title>Council </title><script>alert(1)</script>"
        "<style>body{background:url(javascript:alert(1))}</style></head><body>"
        "<article><h1>Council <script>document.cookie</script>vote</h1>"
        "<p>The council approved 45 new homes in 2022, the mayor said.</p>"
        "<p onclick=\"alert(1)\">Officials said <img src=x onerror=alert(1)> 12 roads were closed.</p>"
        "<p>Click <a href=\"javascript:alert(1)\">here</a> for the 30 percent figure.</p>"
        "<iframe src=\"http://evil.example\"></iframe><noscript>3 fake claims</noscript>"
        "<p>&lt;script&gt;alert(2)&lt;/script&gt; was printed 7 times.</p>"
        "</article></body></html>"
    )


ARTICLES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "empty": lambda: ("empty.txt", b""),
    "whitespace only": lambda: ("blank.txt", b"  \n\t\n \r\n"),
    "5 MB article": _big_article,
    "10,000-item bullet list": lambda: (
        "bullets.md", "".join(f"- item {i} costs {i * 3} dollars\n" for i in range(10_000)).encode()),
    "200,000 characters without punctuation": lambda: (
        "nopunct.txt", ("word " * 40_000).encode()),
    "PNG image": lambda: ("image.txt", b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4000)),
    "random binary": lambda: ("noise.txt", random.Random(2).randbytes(20_000)),
    "invalid UTF-8": lambda: (
        "latin.txt", b"The caf\xe9 \xff\xfe said 40 jobs were lost in 2020. Owners \x93agreed\x94.\n"),
    "UTF-16 with BOM": lambda: (
        "utf16.txt", codecs.BOM_UTF16_LE + "The mayor said 300 trees were planted in 2021.\n".encode("utf-16-le")),
    "NUL bytes": lambda: (
        "nul.txt", b"The mayor said 300 trees\x00 were planted in 2021. " * 20 + b"\n"),
    "Windows and bare CR line endings": lambda: (
        "crlf.txt", b"Title line\r\n\r\nThe mayor said 300 trees were planted.\r\nIt cost 4 million.\rDone.\r\n"),
    "bidi and zero-width": lambda: ("bidi.txt", _hostile_lines(BIDI).encode()),
    "emoji and CJK": lambda: (
        "cjk.txt", "市长说去年种植了三百棵树。第二句有12个数字！家庭 👨‍👩‍👧 得到了 5 份补贴？\n"
                   "The family 👨‍👩‍👧 got 5 grants in 2020 🎉.\n".encode()),
    "Rich/Textual markup": lambda: ("markup.md", ("# [bold]Title[/bold] [/\n\n" + _hostile_lines(MARKUP)).encode()),
    "terminal escapes": lambda: ("escapes.txt", ("Title \x1b]0;PWNED\x07\n\n" + _hostile_lines(ESCAPES)).encode()),
    "raw C1 byte": lambda: ("c1.txt", b"The mayor said \x9b31m 300 trees were planted in 2021.\n"),
    "HTML with scripts and styles": lambda: ("page.html", _html().encode()),
    "deeply nested HTML": lambda: (
        "deep.html", ("<html><body>" + "<div>" * 100_000 + "The mayor said 300 trees were planted."
                      + "</div>" * 100_000 + "</body></html>").encode()),
}


def _wrong_types_claimreview() -> str:
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": {"nested": [1, 2, {"x": None}]},
        "url": 12345,
        "datePublished": ["2020", None],
        "author": 7,
        "reviewRating": "five stars",
        "itemReviewed": [{"@type": "Claim", "author": {"name": ["\x1b[31mA"]}}, 3],
    }
    second = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": 3.5, "url": None, "datePublished": {"y": 1}, "author": [],
        "reviewRating": {"ratingValue": "high", "bestRating": [], "alternateName": {"a": 1}},
    }
    third = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": True, "url": ["https://a.example"], "author": {"name": {"first": 1}},
        "reviewRating": {"ratingValue": float("1e308"), "alternateName": 5},
    }
    return json.dumps([review, second, third])


def _wrong_types_jsonl() -> str:
    rows = [
        {"text": 12, "source": ["a"], "url": {"u": 1}, "rating": None, "date": 2020},
        {"text": None},
        {"text": ["list", "of", "words"], "id": {"x": 1}},
        {"text": {"nested": True}, "language": 5},
        ["not", "an", "object"],
        "just a string",
        42,
        {"text": True, "claimant": 3.3},
        {"text": "\x1b]52;c;SGVsbG8=\x07 A real claim that 5 ships sank.", "rating": {"r": 1}},
    ]
    return "\n".join(json.dumps(r) for r in rows) + "\n{broken json\n"


def _wrong_types_csv() -> str:
    return (
        "text,source,url,rating,date,id\n"
        "12,3,4,5,6,7\n"
        "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",@SUM(A1),javascript:alert(1),+1,-2,\x1b[2J\n"
        ",,,,,\n"
        "\"unterminated quote,a,b\n"
        "only one column\n"
        "a,b,c,d,e,f,g,h,i,j,k\n"
    )


def _valid_with_hostile_text() -> str:
    rows = [{"text": f"Officials said {i} ports closed: {s}", "source": f"Source {s}", "url": "https://ok.example",
             "rating": s, "date": "2021-01-01"} for i, s in enumerate(MARKUP + ESCAPES + BIDI)]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"


REFERENCE_FILES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "ClaimReview with wrong types": lambda: ("wrong.json", _wrong_types_claimreview().encode()),
    "JSONL with wrong types": lambda: ("wrong.jsonl", _wrong_types_jsonl().encode()),
    "CSV with wrong types": lambda: ("wrong.csv", _wrong_types_csv().encode()),
    "JSONL with hostile text": lambda: ("hostile.jsonl", _valid_with_hostile_text().encode()),
    "empty": lambda: ("empty.jsonl", b""),
    "random binary": lambda: ("noise.json", random.Random(3).randbytes(20_000)),
    "invalid UTF-8 CSV": lambda: ("latin.csv", b"text,source\n\"The caf\xe9 sold 40 \x93cups\x94\",X\n"),
    "UTF-16 JSONL": lambda: ("utf16.jsonl", json.dumps({"text": "300 trees were planted."}).encode("utf-16")),
    "NUL bytes JSONL": lambda: ("nul.jsonl", b'{"text": "300 trees\\u0000 were planted."}\n'),
    "deeply nested JSON": lambda: ("deep.json", b"[" * 100_000 + b"]" * 100_000),
    "huge JSON number": lambda: ("bignum.json", b'{"text": "a", "rating": ' + b"9" * 100_000 + b"}"),
    "JSON-LD in HTML with script breakout": lambda: (
        "page.html",
        ("<html><head><script type=\"application/ld+json\">"
         + json.dumps({"@context": "https://schema.org", "@type": "ClaimReview",
                       "claimReviewed": "</script><script>alert(1)</script> 5 ships sank",
                       "url": "https://ok.example/r",
                       "reviewRating": {"alternateName": "False"}})
         + "</script></head><body></body></html>").encode()),
}


def _write(folder: Path, cases: dict[str, Callable[[], tuple[str, bytes]]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for index, (name, make) in enumerate(cases.items()):
        filename, data = make()
        path = folder / f"{index:02d}-{filename}"
        path.write_bytes(data)
        written[name] = path
    return written


def write_articles(folder: Path) -> dict[str, Path]:
    return _write(folder, ARTICLES)


def write_reference_files(folder: Path) -> dict[str, Path]:
    return _write(folder, REFERENCE_FILES)
