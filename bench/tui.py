"""Desk latency at scale: launch from the shell to the first paint of the inbox, opening
an article, and a verdict key's round trip to the screen and the store.

Run:  .venv/bin/python bench/tui.py [--articles 10000] [--claims-per-article 30]
                                     [--presses 40] [--opens 10] [--launches 10] [--db PATH]
      (--launch-only measures the shell launch alone)
The generated store is kept at --db (default: a file in the temp folder) and reused by
later runs with the same sizes.

Launch from the shell. The installed `claimdesk` command (the venv's script, as `make
run` starts it) runs in a pseudo-terminal of 120x40; the clock runs from the fork to the
moment the terminal has received the inbox's first row (its newest article's title) and
the status bar's article count. Its baseline, in the same run, is a bare Textual app
started the same way until its first frame shows its one line of text.

How it measures. A key is sent the way Pilot sends it (a Key event through the
driver), and the clock stops at the first frame the app renders that shows the result
(a hook on the app's display call, which also renders the frame to terminal sequences
as a real terminal driver would; the headless driver skips that) and, for verdicts,
once the bench's own connection reads the verdict from the store (polled every 1 ms).
The baseline, measured in the same run with the same waits, is a key bound to nothing:
sent the same way, stopped when the app has dispatched it. Launch times are compared
with a bare Textual app's launch to its first frame. Opening an article is timed to
the first frame showing its title and claims; the match panel fills a frame or more
later (a worker, when the claim's matches are not saved yet), timed on its own line. Pilot's `press` of a no-op key is
printed too: earlier figures were given net of it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import re
import select
import signal
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key  # noqa: E402
from textual.widgets import Static  # noqa: E402

from store import Store  # noqa: E402
from timing import p95  # noqa: E402
from store.models import ArticleDraft, ClaimDraft  # noqa: E402
from tui.app import make_app  # noqa: E402
from tui.screens.article import ArticleScreen  # noqa: E402
from tui.screens.inbox import InboxScreen  # noqa: E402
from tui.settings import Settings  # noqa: E402
from tui.widgets.claim_list import ClaimList  # noqa: E402
from tui.widgets.inbox_table import InboxTable  # noqa: E402
from tui.widgets.match_panel import MatchPanel  # noqa: E402

WORDS = [f"w{i}" for i in range(20000)]
SOURCES = [f"Outlet {i}" for i in range(40)]
SIZE = (120, 40)
TIMEOUT = 30.0


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


def summary(name: str, samples: list[float], baseline: list[float] | None = None) -> str:
    s50, s95 = statistics.median(samples), p95(samples)
    line = f"{name:<40} n={len(samples):<3} median {s50 * 1000:7.1f} ms   p95 {s95 * 1000:7.1f} ms"
    if baseline:
        b50, b95 = statistics.median(baseline), p95(baseline)
        line += (f"   net of baseline: median {(s50 - b50) * 1000:6.1f} ms, p95 {(s95 - b95) * 1000:6.1f} ms"
                 f"   (ratio {s50 / b50:5.1f}x median, {s95 / b95:5.1f}x p95)")
    return line


class FrameClock:
    """Watches the frames an app renders: `until(condition)` returns the time of the
    first frame rendered while `condition()` held."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future]] = []
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                # What a real terminal driver does with every frame.
                renderable.render_segments(app.console)
            original(screen, renderable)
            now = time.perf_counter()
            for entry in list(self._waiting):
                condition, future = entry
                if not future.done() and condition():
                    future.set_result(now)
                    self._waiting.remove(entry)

        app._display = display  # type: ignore[method-assign]

    async def until(self, condition: Callable[[], bool]) -> float:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((condition, future))
        return await asyncio.wait_for(future, TIMEOUT)


class KeyClock:
    """Counts the Key events the app has dispatched (message hook)."""

    def __init__(self) -> None:
        self.dispatched: dict[str, int] = {}

    def hook(self, message) -> None:
        if isinstance(message, events.Key):
            self.dispatched[message.key] = self.dispatched.get(message.key, 0) + 1


def send_key(app: App, key: str) -> None:
    """A Key event through the driver, exactly as Pilot builds it."""
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)  # type: ignore[union-attr]


async def poll_until(condition: Callable[[], bool]) -> float:
    """The time `condition()` was first seen true, checking every millisecond."""
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the change did not arrive in time")
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(2):
        await poll_until(lambda: getattr(app, "writes_settled", True))
        await app.workers.wait_for_complete()
        await pilot.pause()


async def bare_start() -> float:
    app = App()
    clock = FrameClock(app)
    started = time.perf_counter()
    async with app.run_test(size=SIZE):
        shown = await clock.until(lambda: True)
    return shown - started


async def first_paint(db: Path) -> float:
    started = time.perf_counter()
    store = Store(db)
    app = make_app(store, Settings(checker="bench"))
    clock = FrameClock(app)
    try:
        async with app.run_test(size=SIZE):
            shown = await clock.until(lambda: isinstance(app.screen, InboxScreen)
                                      and app.screen.query_one(InboxTable).row_count > 0)
    finally:
        store.close()
    return shown - started


ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_])")
BARE_APP = ("from textual.app import App\nfrom textual.widgets import Static\n"
            "class Bare(App):\n    def compose(self):\n        yield Static('bare app ready')\n"
            "Bare().run()\n")


def launch_in_terminal(argv: list[str], wanted: list[bytes], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting `argv` in a 120x40 pseudo-terminal until every byte string
    in `wanted` has appeared in what it wrote (escape sequences removed), and the CPU
    seconds the process used by the time it was stopped (right after)."""
    import fcntl
    import struct
    import termios

    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, as the shell would start it
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    seen = b""
    shown = None
    cpu = float("nan")
    try:
        while shown is None:
            if time.perf_counter() - started > TIMEOUT:
                raise TimeoutError(f"{argv[0]} did not paint {wanted} in {TIMEOUT:.0f} s")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise RuntimeError(f"{argv[0]} exited before painting: {ANSI.sub(b'', seen)[-400:]!r}")
            seen += chunk
            plain = ANSI.sub(b"", seen)
            if all(w in plain for w in wanted):
                shown = time.perf_counter()
    finally:
        os.kill(pid, signal.SIGTERM)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            try:
                os.read(fd, 65536)  # drain, so the child never blocks on a full terminal
            except OSError:
                break
            done, _, usage = os.wait4(pid, os.WNOHANG)
            if done:
                cpu = usage.ru_utime + usage.ru_stime
                break
        else:
            os.kill(pid, signal.SIGKILL)
        if cpu != cpu:  # not reaped yet
            try:
                _, _, usage = os.wait4(pid, 0)
                cpu = usage.ru_utime + usage.ru_stime
            except ChildProcessError:
                pass
        os.close(fd)
    return shown - started, cpu


def compile_project() -> None:
    """Compile the project's modules to bytecode first, as a user's first `make run`
    leaves them (pip compiles an installed package too). Where PYTHONDONTWRITEBYTECODE is
    set, nothing would write them, and every launch would compile every module again."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("tui", "operations", "store", "ingest", "matchers", "reports"):
        compileall.compile_dir(root / package, quiet=1)


def shell_launches(db: Path, runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """(claimdesk, bare Textual app) launch wall times, then their CPU times, interleaved
    so both see the same load."""
    bin_dir = Path(sys.executable).parent
    command = bin_dir / "claimdesk"
    if not command.exists():
        raise SystemExit(f"{command} is missing: install claimdesk into this venv (make .venv/.installed).")
    compile_project()
    store = Store(db)
    try:
        from store import inbox

        [newest] = inbox.inbox_page(store, offset=0, limit=1, sort="newest",
                                    filters=inbox.ClaimFilter(), include_archived=False)
        total = store.count("articles")
    finally:
        store.close()
    settings = Path(tempfile.mkdtemp()) / "settings.toml"
    settings.write_text('checker = "bench"\n', encoding="utf-8")
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
           "CLAIMDESK_CONFIG": str(settings)}
    env.pop("TEXTUAL", None)
    title = newest.title[:20].encode()
    desk, bare, desk_cpu, bare_cpu = [], [], [], []
    for _ in range(runs):
        wall, cpu = launch_in_terminal([str(command), "--db", str(db)],
                                       [title, f"Articles: {total}".encode()], env)
        desk.append(wall)
        desk_cpu.append(cpu)
        wall, cpu = launch_in_terminal([sys.executable, "-c", BARE_APP], [b"bare app ready"], env)
        bare.append(wall)
        bare_cpu.append(cpu)
    return desk, bare, desk_cpu, bare_cpu


async def noop_key(app: App, keys: KeyClock, key: str = "f12") -> float:
    before = keys.dispatched.get(key, 0)
    started = time.perf_counter()
    send_key(app, key)
    # Dispatched to the app, then to the screen and the focused widget: wait for all.
    seen = await poll_until(lambda: keys.dispatched.get(key, 0) >= before + 3)
    return seen - started


async def interactions(db: Path, presses: int, opens: int) -> dict[str, list[float]]:
    store = Store(db)
    check = Store(db)  # the bench's own reader: what another process would see
    app = make_app(store, Settings(checker="bench"))
    clock, keys = FrameClock(app), KeyClock()
    found: dict[str, list[float]] = {"noop": [], "pilot_noop": [], "open": [], "matches": [],
                                     "verdict": []}
    try:
        async with app.run_test(size=SIZE, message_hook=keys.hook) as pilot:
            await settle(pilot)
            for _ in range(opens):
                found["noop"].append(await noop_key(app, keys))
                await settle(pilot)
                wanted = app.screen.query_one(InboxTable).current_article_id

                def article_shown(wanted=wanted) -> bool:
                    screen = app.screen
                    return (isinstance(screen, ArticleScreen) and screen.article_id == wanted
                            and screen.query_one(ClaimList).row_count > 0
                            and bool(screen.query_one("#article-title", Static).content))

                def matches_shown(wanted=wanted) -> bool:
                    return article_shown(wanted) and not app.screen.query_one(MatchPanel).loading

                started = time.perf_counter()
                send_key(app, "enter")
                opened, filled = await asyncio.gather(clock.until(article_shown),
                                                      clock.until(matches_shown))
                found["open"].append(opened - started)
                found["matches"].append(filled - started)
                await settle(pilot)  # let its matching finish before going back
                await pilot.press("escape")
                await settle(pilot)
                await pilot.press("j")
                await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            claims = app.screen.query_one(ClaimList)
            keys_for = {"contested": "x", "corroborated": "c", "unverified": "u"}
            verdicts = list(keys_for)
            for index in range(presses):
                found["noop"].append(await noop_key(app, keys))
                await settle(pilot)
                started = time.perf_counter()
                await pilot.press("f12")
                found["pilot_noop"].append(time.perf_counter() - started)
                await settle(pilot)

                claim = claims.current_claim
                verdict = verdicts[index % 3]
                if claim.verdict == verdict:
                    verdict = verdicts[(index + 1) % 3]
                started = time.perf_counter()
                send_key(app, keys_for[verdict])
                on_screen, in_store = await asyncio.gather(
                    clock.until(lambda: claims.claims[claim.id].verdict == verdict),
                    poll_until(lambda: check.get_claim(claim.id).verdict == verdict),
                )
                found["verdict"].append(max(on_screen, in_store) - started)
                await settle(pilot)
                await pilot.press("j")
                await settle(pilot)
    finally:
        check.close()
        store.close()
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=30)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--opens", type=int, default=10)
    parser.add_argument("--launches", type=int, default=10)
    parser.add_argument("--launch-only", action="store_true")
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / (
        f"claimdesk-bench-{args.articles}x{args.claims_per_article}.db")
    store = build_store(db, args.articles, args.claims_per_article)
    print(f"store {db}: {store.count('articles')} articles, {store.count('claims')} claims")
    store.close()

    desk_launch, bare_launch, desk_cpu, bare_cpu = shell_launches(db, args.launches)
    print(summary("bare Textual app: shell to first frame", bare_launch))
    print(summary("claimdesk: shell to first paint of inbox", desk_launch, bare_launch))
    print(summary("bare Textual app: CPU time until stopped", bare_cpu))
    print(summary("claimdesk: CPU time until stopped", desk_cpu, bare_cpu))
    if args.launch_only:
        print("target: claimdesk from the shell to the inbox <= 400 ms")
        return

    bare = [await bare_start() for _ in range(5)]
    paint = [await first_paint(db) for _ in range(5)]
    found = await interactions(db, args.presses, args.opens)
    print(summary("bare Textual app: launch to first frame", bare))
    print(summary("launch to first paint of the inbox", paint, bare))
    print(summary("Pilot press of a no-op key (reference)", found["pilot_noop"]))
    print(summary("no-op key, sent and dispatched (baseline)", found["noop"]))
    print(summary("open an article: enter to its frame", found["open"], found["noop"]))
    print(summary("  ... until its match panel is filled", found["matches"], found["noop"]))
    print(summary("verdict key to screen + store", found["verdict"], found["noop"]))
    print(summary("bare Textual app: shell to first frame", bare_launch))
    print(summary("claimdesk: shell to first paint of inbox", desk_launch, bare_launch))
    print("targets: from the shell to the inbox <= 400 ms; first paint <= 500 ms; open <= 100 ms and verdict p95 <= 50 ms, net of baseline")


if __name__ == "__main__":
    asyncio.run(main())
