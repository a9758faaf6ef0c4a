"""Feed fetching and ClaimReview import speed, each against a baseline measured in the same run.

Run from the project root:
    .venv/bin/python bench/ingest_web.py [--repeat N] [--entries 50] [--reviews 10000]

1. Feed: a local HTTP server on 127.0.0.1 serves an RSS feed of `--entries` items, each
   linking to its own article page. Timed: `ingest.feeds.fetch_feeds` into a fresh store
   (fetch the feed, fetch every page, extract, split, store). Baseline: plain httpx GETs of
   the same feed and pages on one client (the network cost alone).
2. Import: `--reviews` schema.org ClaimReview objects in one JSON-LD `@graph` file (the
   statements and ratings of LIAR's train split when ../shared/data/liar is present, else
   synthetic claims). Timed: `read_references` alone, and `read_references` plus
   `Store.add_reference_claims` into a fresh store. Baseline: `json.loads` of the file.

Prints the median and p95 seconds of each, and the ratio of the median to the baseline's.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from ingest.feeds import fetch_feeds, follow_feed  # noqa: E402
from ingest.references import read_references  # noqa: E402
from store import Store  # noqa: E402
from tests.unit.test_fetch_localserver import LocalServer, send  # noqa: E402
from timing import p95, timed  # noqa: E402

LIAR_TRAIN = ROOT.parent / "shared" / "data" / "liar" / "train.tsv"
ARTICLE = (ROOT / "tests" / "fixtures" / "feeds" / "article.html").read_text(encoding="utf-8")
LIAR_RATINGS = {
    "pants-fire": "Pants on Fire", "false": "False", "barely-true": "Barely True",
    "half-true": "Half True", "mostly-true": "Mostly True", "true": "True",
}


def report(label: str, times: list[float], base: float) -> None:
    median = statistics.median(times)
    ratio = median / base if base else 0.0
    print(f"{label:44} {median:10.4f} {p95(times):10.4f} {ratio:9.1f}")


# -- feeds ---------------------------------------------------------------------


def article_page(number: int) -> bytes:
    rng = random.Random(number)
    page = ARTICLE.replace("4.2 million", f"{rng.randint(2, 9)}.{number % 10} million")
    page = page.replace("12 percent", f"{number + 3} percent").replace("3,100", f"{2000 + number * 17:,}")
    page = page.replace("harbour-record", f"harbour-{number}")
    page = page.replace("Harbour authority reports record cargo volumes",
                        f"Port report {number}: cargo volumes and ship calls")
    return page.encode("utf-8")


def feed_xml(entries: int) -> bytes:
    items = "".join(
        f"<item><title>Port report {i}</title><link>/articles/{i}</link><guid isPermaLink='false'>e{i}</guid>"
        f"<pubDate>Thu, 18 Apr 2024 09:{i % 60:02d}:00 GMT</pubDate><description>Summary {i}.</description></item>"
        for i in range(entries)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench</title>{items}</channel></rss>".encode()


def bench_feeds(repeat: int, entries: int) -> None:
    with LocalServer() as server:
        server.routes["/feed"] = send(feed_xml(entries), "application/rss+xml")
        for i in range(entries):
            server.routes[f"/articles/{i}"] = send(article_page(i))
        urls = [server.url("/feed")] + [server.url(f"/articles/{i}") for i in range(entries)]

        def plain_gets() -> None:
            with httpx.Client() as client:
                for url in urls:
                    client.get(url).raise_for_status()

        base = timed(plain_gets, repeat)
        stores: list[Store] = []
        folder = tempfile.TemporaryDirectory()

        def fresh_store() -> None:
            store = Store(Path(folder.name) / f"feeds-{len(stores)}.db")
            follow_feed(store, server.url("/feed"))
            stores.append(store)

        def fetch() -> None:
            [result] = fetch_feeds(stores[-1])
            assert result.new_articles == entries, (result.error, result.warnings)

        times = timed(fetch, repeat, setup=fresh_store)
        for store in stores:
            store.close()
        folder.cleanup()
    baseline = statistics.median(base)
    report(f"plain GET of feed + {entries} pages (baseline)", base, baseline)
    report(f"fetch_feeds: {entries} entries to articles", times, baseline)


# -- import --------------------------------------------------------------------


def claim_reviews(count: int) -> list[dict]:
    rows: list[tuple[str, str]] = []
    if LIAR_TRAIN.exists():
        with LIAR_TRAIN.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 3 and row[2].strip():
                    rows.append((row[2], LIAR_RATINGS.get(row[1], row[1])))
        source = "LIAR train"
    else:
        source = "synthetic"
    rng = random.Random(7)
    words = "council budget percent million vaccine border taxes jobs schools river bridge election".split()
    while len(rows) < count:
        rows.append((" ".join(rng.choices(words, k=rng.randint(8, 25))) + f" {len(rows)}.",
                     rng.choice(list(LIAR_RATINGS.values()))))
    print(f"# import: {count:,} ClaimReview objects from {source} statements")
    return [
        {
            "@type": "ClaimReview",
            "url": f"https://checks.example/review/{i}",
            "claimReviewed": text,
            "datePublished": "2017-01-01",
            "author": {"@type": "Organization", "name": "Bench Checks"},
            "reviewRating": {"@type": "Rating", "alternateName": rating},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"Speaker {i % 300}"}},
        }
        for i, (text, rating) in enumerate(rows[:count])
    ]


def bench_import(repeat: int, reviews: int) -> None:
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / "reviews.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org", "@graph": claim_reviews(reviews)}), encoding="utf-8")
    base = timed(lambda: json.loads(path.read_text(encoding="utf-8")), repeat)
    parse = timed(lambda: read_references(str(path)), repeat)
    stores: list[Store] = []

    def fresh_store() -> None:
        stores.append(Store(Path(folder.name) / f"import-{len(stores)}.db"))

    def import_all() -> None:
        added, skipped = stores[-1].add_reference_claims(read_references(str(path)))
        assert added + skipped == reviews

    store_times = timed(import_all, repeat, setup=fresh_store)
    for store in stores:
        store.close()
    folder.cleanup()
    baseline = statistics.median(base)
    report("json.loads of the file (baseline)", base, baseline)
    report(f"read_references: {reviews:,} ClaimReviews", parse, baseline)
    report(f"read_references + add_reference_claims", store_times, baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{'what':44} {'median s':>10} {'p95 s':>10} {'x base':>9}")
    bench_feeds(args.repeat, args.entries)
    bench_import(args.repeat, args.reviews)


if __name__ == "__main__":
    main()
