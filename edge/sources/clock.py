"""The one clock a run's sources stamp with, so that camera and microphone compare.

Every frame and chunk is stamped on the runtime's clock
(:attr:`ClockDomain.DEVICE_MONOTONIC`). A live source reads it when the sample
arrives; a source that replays a recording (a file, a recorded session) maps
media time onto it: ``origin + media_t / speed``, where ``origin`` is the
moment the run's first source started. Camera and microphone of one run share
one :class:`CaptureClock` (and one speed), so the video frame and the audio
chunk of the same media time carry the same stamp, paced or not.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from core.frames import ClockDomain, Stamp


class CaptureClock:
    """The runtime clock of one run, shared by its camera and microphone.

    ``now_ns`` reads the machine's monotonic clock (tests may inject another).
    ``origin_ns`` is where media time 0 lands; ``None`` (the default) sets it
    when the first source starts, so a clock built before the models load
    does not make a paced file rush to catch up.
    """

    def __init__(
        self,
        now_ns: Callable[[], int] = time.monotonic_ns,
        origin_ns: int | None = None,
    ) -> None:
        self._now_ns = now_ns
        self._origin_ns = origin_ns

    def now(self) -> Stamp:
        """The runtime clock now (what a live source stamps)."""
        return Stamp(self._now_ns(), ClockDomain.DEVICE_MONOTONIC)

    def start(self) -> int:
        """Fix the origin if no source has yet; returns it. Sources call this when they start."""
        if self._origin_ns is None:
            self._origin_ns = self._now_ns()
        return self._origin_ns

    def at_media(self, media_s: float, speed: float = 1.0) -> Stamp:
        """The runtime stamp of media time ``media_s`` played at ``speed``.

        Unpaced replay (``speed`` infinite, as in tests) maps media time one to
        one, so audio and video of one media time still compare equal.
        """
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        scale = 1.0 if math.isinf(speed) else 1.0 / speed
        return Stamp(self.start() + round(media_s * scale * 1e9), ClockDomain.DEVICE_MONOTONIC)

    async def pace(self, media_s: float, speed: float = 1.0) -> Stamp:
        """Wait until media time ``media_s`` is due at ``speed``; returns its stamp.

        Unpaced (``speed`` infinite) it only yields to the event loop.
        """
        stamp = self.at_media(media_s, speed)
        delay = 0.0 if math.isinf(speed) else (stamp.nanos - self._now_ns()) / 1e9
        await asyncio.sleep(max(delay, 0.0))
        return stamp
