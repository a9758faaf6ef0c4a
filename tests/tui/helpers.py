"""Helpers for Pilot tests: start the desk, let workers finish, read what a widget shows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from textual.worker import WorkerCancelled, WorkerState

from store import Store
from tui.app import ClaimdeskApp, make_app
from tui.settings import Settings

DESK_SIZE = (120, 40)


async def writes_settled(pilot: Pilot, timeout: float = 30.0) -> None:
    """Wait until the desk's writer thread has nothing runnable left."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not getattr(app, "writes_settled", True):
        if loop.time() > deadline:
            raise TimeoutError("The desk's writes did not finish in time.")
        await asyncio.sleep(0.002)


async def workers_finished(pilot: Pilot) -> None:
    """Wait for every worker of the desk. One cancelled because a newer one took its place
    (an exclusive group, such as the remaining count) has nothing left to wait for."""
    for worker in list(pilot.app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:
            pass


def quiet(pilot: Pilot) -> bool:
    """Nothing left for the desk to do: no write to run, no worker running, no message
    waiting in the app or on the screen."""
    app = pilot.app
    if not getattr(app, "writes_settled", True):
        return False
    if any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
        return False
    return all(pump.message_queue_size == 0 for pump in (app, *app.screen.walk_children(with_self=True)))


async def settle(pilot: Pilot) -> None:
    """Wait until every write and worker (matching, counting) is done and the screen has
    caught up with the messages they posted, and with what those messages set off (a
    failed write's notification, a dialog's answer): three rounds, then more until the
    desk is quiet."""
    for round_ in range(SETTLE_ROUNDS):
        await writes_settled(pilot)
        await workers_finished(pilot)
        await pilot.pause()
        if round_ >= 2 and quiet(pilot):
            return
    raise TimeoutError(f"The desk was still busy after {SETTLE_ROUNDS} rounds of settling.")


# A bound on settling, far above the few rounds a key press sets off.
SETTLE_ROUNDS = 200


async def eventually(pilot: Pilot, condition: Callable[[], bool], within: float) -> None:
    """Let the desk run until `condition()` holds or `within` seconds have passed, for
    what arrives on a timer (another desk's change, a retry); the caller then asserts
    what it needs."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition() and loop.time() < deadline:
        await pilot.pause(0.01)


@asynccontextmanager
async def running_desk(
    store: Store, settings: Settings | None = None
) -> AsyncIterator[tuple[ClaimdeskApp, Pilot]]:
    """Run the desk on the store at DESK_SIZE, first screen settled; yield app and pilot."""
    app = make_app(store, settings)
    async with app.run_test(size=DESK_SIZE) as pilot:
        await settle(pilot)
        yield app, pilot


@contextmanager
def store_held_by_another_writer(store: Store) -> Iterator[None]:
    """Another connection holds the store's write lock, and the desk's writes give up
    after 50 ms instead of the usual busy timeout; both are undone on leaving."""
    import store.engine as engine_module

    locker = Store(store.path)
    store.db.conn.execute("PRAGMA busy_timeout = 50")
    locker.db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        locker.db.conn.execute("ROLLBACK")
        store.db.conn.execute(f"PRAGMA busy_timeout = {engine_module.BUSY_TIMEOUT_MS}")
        locker.close()


def table_text(table: DataTable) -> str:
    """Every cell of a table (or of the claim list) as plain text, one row a line."""
    if hasattr(table, "row_texts"):
        return "\n".join(table.row_texts())
    rows = []
    for row_key in table.rows:
        cells = table.get_row(row_key)
        rows.append(" | ".join(getattr(c, "plain", str(c)) for c in cells))
    return "\n".join(rows)


def static_text(widget: Static) -> str:
    """The text a Static shows, rendered to plain text at its width."""
    from rich.console import Console

    console = Console(width=max(widget.size.width, 80), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def screen_text(app) -> str:
    """The whole terminal as the user sees it (the top screen and what shows beneath a
    dialog), as plain text, one line per row."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()
