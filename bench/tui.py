"""Desk latency at scale: first paint of the inbox, opening an article, and a verdict
key's round trip to the screen and the store, through Pilot (headless).

Run:  .venv/bin/python bench/tui.py [--articles 10000] [--claims-per-article 30]
                                     [--presses 40] [--db PATH]
The generated store is kept at --db (default: a file in the temp folder) and reused
by later runs with the same sizes. Pilot's own cost is measured in the same run (a
press of a key bound to nothing, and a bare app's start) and subtracted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App  # noqa: E402

from store import Store  # noqa: E402
from store.models import ArticleDraft, ClaimDraft  # noqa: E402
from tui.app import make_app  # noqa: E402
from tui.screens.article import ArticleScreen  # noqa: E402
from tui.settings import Settings  # noqa: E402
from tui.widgets.claim_list import ClaimList  # noqa: E402
from tui.widgets.inbox_table import InboxTable  # noqa: E402

WORDS = [f"w{i}" for i in range(20000)]
SOURCES = [f"Outlet {i}" for i in range(40)]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS[: 200 + int(rng.paretovariate(1.2) * 50) % 19800])
             for _ in range(rng.randint(10, 40))]
    return " ".join(words).capitalize() + f" in {rng.randint(1990, 2024)}."


def build_store(path: Path, articles: int, per_article: int) -> Store:
    store = Store(path)
    if store.count("articles") >= articles:
        return store
    rng = random.Random(7)
    started = time.perf_counter()
    with store.write():  # one transaction: add_article joins it
        for index in range(store.count("articles"), articles):
            sentences = [sentence(rng) for _ in range(per_article)]
            text = f"Article {index}\n\n" + " ".join(sentences)
            drafts, offset = [], len(f"Article {index}\n\n")
            for s in sentences:
                drafts.append(ClaimDraft(s, offset, offset + len(s), rng.random(), True))
                offset += len(s) + 1
            store.add_article(
                ArticleDraft(title=f"Article {index}: {sentences[0][:60]}", text=text,
                             source=rng.choice(SOURCES), published=f"20{rng.randint(10, 24)}-01-01"),
                drafts,
            )
    print(f"built {articles} articles x {per_article} claims in {time.perf_counter() - started:.1f} s")
    return store


def summary(name: str, samples: list[float], baseline: float | None = None) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    line = f"{name:<34} median {p50 * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms"
    if baseline:
        line += (f"   minus Pilot baseline: median {(p50 - baseline) * 1000:7.1f} ms,"
                 f" p95 {(p95 - baseline) * 1000:7.1f} ms  (ratio {p50 / baseline:4.1f}x)")
    return line


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds: what the checker would see."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the desk did not show the change in time")
        await pilot.pause(0.001)


async def bare_start() -> float:
    started = time.perf_counter()
    async with App().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return time.perf_counter() - started


async def first_paint(store: Store) -> float:
    app = make_app(store, Settings(checker="bench"))
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(InboxTable).row_count > 0
        return time.perf_counter() - started


async def interactions(store: Store, presses: int) -> tuple[list[float], list[float], list[float]]:
    app = make_app(store, Settings(checker="bench"))
    open_times, noop_times, verdict_times = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(5):
            started = time.perf_counter()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen)
                             and app.screen.query_one(ClaimList).row_count > 0)
            open_times.append(time.perf_counter() - started)
            await settle(pilot)  # let its matching finish before going back
            await pilot.press("escape", "j")
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        verdicts = ["contested", "corroborated", "unverified"]
        keys = {"contested": "x", "corroborated": "c", "unverified": "u"}
        for index in range(presses):
            started = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: Pilot's own cost
            noop_times.append(time.perf_counter() - started)

            verdict = verdicts[index % 3]
            claim = claims.current_claim
            started = time.perf_counter()
            await pilot.press(keys[verdict])
            await wait_until(pilot, lambda: claims.current_claim.verdict == verdict
                             and store.get_claim(claim.id).verdict == verdict)
            verdict_times.append(time.perf_counter() - started)
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
    return open_times, noop_times, verdict_times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=30)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / (
        f"claimdesk-bench-{args.articles}x{args.claims_per_article}.db")
    store = build_store(db, args.articles, args.claims_per_article)
    print(f"store {db}: {store.count('articles')} articles, {store.count('claims')} claims")

    bare = [await bare_start() for _ in range(5)]
    paint = [await first_paint(store) for _ in range(5)]
    open_times, noop, verdict = await interactions(store, args.presses)
    baseline_noop = statistics.median(noop)
    print(summary("bare app start + first render", bare))
    print(summary("launch to first paint of the inbox", paint, statistics.median(bare)))
    print(summary("no-op key press (Pilot baseline)", noop))
    print(summary("open an article (enter)", open_times, baseline_noop))
    print(summary("verdict key to screen + store", verdict, baseline_noop))
    store.close()


if __name__ == "__main__":
    asyncio.run(main())
