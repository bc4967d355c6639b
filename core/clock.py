"""The clock port: what the redactor, the stream and the servicer read time from.

Production uses :data:`SYSTEM_CLOCK`; tests inject a fake (``tests/fakes.py``)
to make budgets and timings deterministic.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary start, for durations and deadlines."""
        ...

    def wall_ns(self) -> int:
        """Nanoseconds since the Unix epoch, for timestamps that are kept."""
        ...


class SystemClock:
    """The machine's clocks: ``time.perf_counter`` and ``time.time_ns``."""

    def monotonic(self) -> float:
        return time.perf_counter()

    def wall_ns(self) -> int:
        return time.time_ns()


SYSTEM_CLOCK = SystemClock()
