"""Measuring pages through the app: median and p95 over repeated runs after a warm-up, with SQL query counts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event


@dataclass
class Measurement:
    """Timings (seconds) and SQL statements per run of one scenario."""

    name: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    status: int | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        """Median in milliseconds."""
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        """95th percentile in milliseconds (nearest rank)."""
        ordered = sorted(self.seconds)
        return ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000

    @property
    def runs(self) -> int:
        """How many measured runs."""
        return len(self.seconds)

    @property
    def query_count(self) -> int:
        """SQL statements per run (the most seen; constant when there is no N+1)."""
        return max(self.queries) if self.queries else 0


class QueryCounter:
    """Counts SQL statements sent on an engine while active."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _on_execute(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._on_execute)


def measure(name: str, run: Callable[[], int | None], *, engine, repeats: int, warmup: int,
            budget: float | None = None, minimum: int = 3) -> Measurement:
    """Run `run` warm-up + repeats times (`run` returns an HTTP status or a count). With a `budget` (seconds), stop
    repeating once the measured runs have taken that long and at least `minimum` runs are done; a figure whose
    last warm-up alone took longer than the budget is measured once more (its median is then that one run)."""
    result = Measurement(name)
    slow = False
    for _ in range(warmup):
        started = time.perf_counter()
        run()
        slow = budget is not None and time.perf_counter() - started > budget  # judged by the last warm-up
    spent = 0.0
    for done in range(1 if slow else repeats):
        if budget is not None and done >= minimum and spent >= budget:
            break
        with QueryCounter(engine) as counter:
            started = time.perf_counter()
            result.status = run()
            elapsed = time.perf_counter() - started
        spent += elapsed
        result.seconds.append(elapsed)
        result.queries.append(counter.count)
    return result
