"""Recent camera frames, and frames redacted ahead while the wearer speaks.

:class:`FrameBuffer` keeps the last few seconds of sampled frames.
:class:`RedactAhead` runs the newest of them through one
:class:`~edge.redaction.stream.RedactionStream` while speech goes on (the
stream reuses its last check while the view pans, ~20 ms a frame), so that
when the speech ends the frame nearest its end is usually redacted already
and only the transcript is awaited. A redacted frame stays on the device
until a question that is sent names it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from core.errors import RedactionError
from core.frames import RawImage, RedactedImage, Stamp
from edge.redaction.stream import RedactionStream


class FrameBuffer:
    """Recent frames, sampled at ``sample_hz`` and kept for ``keep_s`` seconds."""

    def __init__(self, keep_s: float, sample_hz: float) -> None:
        self.keep_s = keep_s
        self.min_gap = 1.0 / sample_hz
        self._frames: deque[RawImage] = deque()
        self.ended = asyncio.Event()
        self.changed = asyncio.Event()

    def add(self, frame: RawImage) -> None:
        t = frame.captured_at.seconds
        if self._frames and t - self._frames[-1].captured_at.seconds < self.min_gap:
            self._frames[-1] = frame  # latest wins within one sampling slot
        else:
            self._frames.append(frame)
        while self._frames and t - self._frames[0].captured_at.seconds > self.keep_s:
            self._frames.popleft()
        self.changed.set()

    def newest(self) -> RawImage | None:
        return self._frames[-1] if self._frames else None

    async def nearest(self, stamp: Stamp, wait_s: float = 1.0) -> RawImage | None:
        """The kept frame closest to ``stamp``; waits briefly for the camera to
        reach that time if it lags behind the microphone."""
        deadline = time.monotonic() + wait_s
        while (
            not self.ended.is_set()
            and time.monotonic() < deadline
            and (not self._frames or self._frames[-1].captured_at.seconds < stamp.seconds)
        ):
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        if not self._frames:
            return None
        return min(self._frames, key=lambda f: abs(f.captured_at.seconds - stamp.seconds))


class RedactAhead:
    """Frames redacted through one stream, ahead of need while ``wanted()``.

    One redaction runs at a time (the stream's frames must come in order);
    the newest frame wins. Results are kept by frame ``seq`` for ``keep``
    frames; a frame redaction withheld is remembered as its error.
    """

    def __init__(self, stream: RedactionStream, keep: int = 32) -> None:
        self.stream, self.keep = stream, keep
        self._done: OrderedDict[int, RedactedImage | RedactionError] = OrderedDict()
        self._raw: dict[int, RawImage] = {}  # the frames behind ``_done``
        self._lock = asyncio.Lock()
        self.ahead = self.on_demand = 0  # frames redacted before / when asked for

    async def run(self, frames: FrameBuffer, wanted: Callable[[], bool]) -> None:
        """Until the camera ends: redact the newest frame while ``wanted()``."""
        while not frames.ended.is_set():
            frames.changed.clear()
            newest = frames.newest()
            if newest is not None and wanted() and newest.seq not in self._done:
                await self._redact(newest)
                self.ahead += 1
                continue
            waiter = asyncio.ensure_future(frames.changed.wait())
            ended = asyncio.ensure_future(frames.ended.wait())
            await asyncio.wait({waiter, ended}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            ended.cancel()

    def nearest(self, stamp: Stamp, within_s: float) -> RawImage | None:
        """The frame redacted already that is nearest ``stamp``, if one is within
        ``within_s`` of it (the buffer keeps the newest frame of each sampling
        slot, often a later one than the frame redacted ahead)."""
        done = [raw for seq, raw in self._raw.items() if isinstance(self._done[seq], RedactedImage)]
        if not done:
            return None
        best = min(done, key=lambda f: abs(f.captured_at.seconds - stamp.seconds))
        return best if abs(best.captured_at.seconds - stamp.seconds) <= within_s else None

    async def redacted(self, raw: RawImage) -> RedactedImage:
        """``raw`` redacted: kept from ahead, or redacted now. Raises
        ``RedactionError`` when the frame was withheld (fail closed)."""
        if raw.seq not in self._done:
            await self._redact(raw)
            self.on_demand += 1
        result = self._done[raw.seq]
        if isinstance(result, RedactionError):
            raise result
        return result

    async def _redact(self, raw: RawImage) -> None:
        async with self._lock:
            if raw.seq in self._done:
                return
            try:
                result = await asyncio.to_thread(self.stream.redact, raw)
            except RedactionError as exc:
                result = exc
            self._done[raw.seq], self._raw[raw.seq] = result, raw
            while len(self._done) > self.keep:
                seq, _ = self._done.popitem(last=False)
                del self._raw[seq]
