"""What a live source does when it stops mid-run: report it, then reopen with backoff.

A file that ends is the end of the run; a camera unplugged or a network stream
dropped is not. The source counts the drop, logs a warning that names the
source but nothing it captured, and tries to open again after a wait that
doubles up to a cap. After ``max_tries`` failed tries in a row it gives up
with a :class:`BackendError` that says what to check.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from core.errors import BackendError, GlassesError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class ReopenPolicy:
    """How a live source retries after it stopped (exponential backoff, bounded)."""

    # A USB camera re-enumerates in a few hundred ms after a glitch; try soon.
    first_delay_s: float = 0.5
    # Each failed try multiplies the wait by this.
    factor: float = 2.0
    # The wait never grows past this: a stream server restarting takes seconds,
    # and the wearer should not wait a minute after it is back.
    max_delay_s: float = 8.0
    # Failed tries in a row before the source gives up (None: retry forever).
    # 20 tries at the defaults is about two minutes.
    max_tries: int | None = 20
    # Share of each wait drawn at random ("equal jitter": between (1 - jitter)
    # and 1 times the wait), so glasses that lost one stream server together
    # do not all come back in the same instant. 0: the waits as computed.
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if self.first_delay_s < 0 or self.factor < 1 or self.max_delay_s < self.first_delay_s:
            raise ValueError(f"invalid reopen policy {self}")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a share of each wait, from 0 to 1")
        if self.max_tries is not None and self.max_tries < 1:
            raise ValueError("max_tries must be at least 1 (or None: retry forever)")

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """The wait before each try: first_delay_s, doubled, capped, less up to
        ``jitter`` of it at random; ends after max_tries."""
        rng = rng or random.Random()
        delay, tries = self.first_delay_s, 0
        while self.max_tries is None or tries < self.max_tries:
            yield delay * (1 - self.jitter * rng.random())
            delay = min(delay * self.factor, self.max_delay_s)
            tries += 1


class Reopener:
    """Counts a live source's drops and reopens it by the policy.

    ``label`` names the source in logs and errors; it must hold nothing
    personal (no credentials, no captured content). ``sleep`` is injectable so
    tests see the backoff without waiting for it.
    """

    def __init__(
        self,
        label: str,
        policy: ReopenPolicy,
        hint: str,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.label = label
        self.policy = policy
        self.hint = hint
        self.sleep = sleep
        self.drops = 0  # times the source stopped mid-run
        self.reopens = 0  # times it came back
        self.failed_tries = 0  # tries that failed, over the whole run

    async def reopen(self, open_source: Callable[[], Awaitable[T]]) -> T:
        """Report a drop, then call ``open_source`` after each backoff delay until it works."""
        self.drops += 1
        log.warning("%s stopped (drop %d); reopening", self.label, self.drops)
        tries, last = 0, None
        for delay in self.policy.delays():
            await self.sleep(delay)
            tries += 1
            try:
                opened = await open_source()
            except GlassesError as exc:
                self.failed_tries += 1
                last = exc
                log.warning("%s: reopen try %d failed (%s)", self.label, tries, type(exc).__name__)
                continue
            self.reopens += 1
            log.warning("%s is back after %d tries", self.label, tries)
            return opened
        raise BackendError(
            f"{self.label} stopped and did not come back after {tries} tries ({last}); {self.hint}"
        )


DEFAULT_REOPEN = ReopenPolicy()


class CountsDrops:
    """A live source's counters, read from its :class:`Reopener` (``self.reopener``)."""

    reopener: Reopener

    @property
    def drops(self) -> int:
        """Times the source stopped mid-run."""
        return self.reopener.drops

    @property
    def reopens(self) -> int:
        """Times it came back."""
        return self.reopener.reopens
