"""Timing for the benchmarks: run a function several times, and read the median and
percentiles of the times (one formula for every benchmark)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def timed(function: Callable[..., object], repeat: int, *args: object,
          setup: Callable[[], object] | None = None, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Seconds taken by `function(*args)` in each of `repeat` runs; `setup()`, if given,
    runs before each, untimed. `clock=time.process_time` gives CPU seconds of this process,
    which other jobs on a shared machine disturb less than the wall clock."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = clock()
        function(*args)
        times.append(clock() - start)
    return times


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def p95(values: Sequence[float]) -> float:
    return percentile(values, 0.95)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
