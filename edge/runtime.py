"""The edge runtime: microphone -> VAD -> on-device ASR -> text redaction;
camera -> frame buffer -> frame redaction; then hello + frame + utterance +
query over one ``Converse`` stream, with the answer streamed back.

Blocking inference (ASR, redaction) runs in worker threads so capture keeps
flowing; video is latest-wins (a bounded buffer), audio is never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from core.errors import RedactionError
from core.frames import (
    AnswerDone,
    Hello,
    Query,
    RawImage,
    RedactedImage,
    SpeechSegment,
    Stamp,
    Utterance,
)
from edge.config import EdgeConfig
from edge.redaction import Redactor, redact_transcript
from edge.sources import CameraSource, MicrophoneSource
from edge.uplink import ConverseSession
from edge.vad import VadSegmenter

log = logging.getLogger(__name__)


class FrameBuffer:
    """Recent frames, sampled at ``sample_hz`` and kept for ``keep_s`` seconds."""

    def __init__(self, keep_s: float, sample_hz: float) -> None:
        self.keep_s = keep_s
        self.min_gap = 1.0 / sample_hz
        self._frames: deque[RawImage] = deque()
        self.ended = asyncio.Event()
        self._changed = asyncio.Event()

    def add(self, frame: RawImage) -> None:
        t = frame.captured_at.seconds
        if self._frames and t - self._frames[-1].captured_at.seconds < self.min_gap:
            self._frames[-1] = frame  # latest wins within one sampling slot
        else:
            self._frames.append(frame)
        while self._frames and t - self._frames[0].captured_at.seconds > self.keep_s:
            self._frames.popleft()
        self._changed.set()

    async def nearest(self, stamp: Stamp, wait_s: float = 1.0) -> RawImage | None:
        """The kept frame closest to ``stamp``; waits briefly for the camera to
        reach that time if it lags behind the microphone."""
        deadline = time.monotonic() + wait_s
        while (
            not self.ended.is_set()
            and time.monotonic() < deadline
            and (not self._frames or self._frames[-1].captured_at.seconds < stamp.seconds)
        ):
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        if not self._frames:
            return None
        return min(self._frames, key=lambda f: abs(f.captured_at.seconds - stamp.seconds))


@dataclass
class Interaction:
    """What happened for one spoken question (counts and sizes, no secrets)."""

    utterance: Utterance
    raw_frame: RawImage | None = None  # kept on the device for the demo's side-by-side
    redacted: RedactedImage | None = None
    withheld_reason: str = ""
    answer: str = ""
    done: AnswerDone | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


class EdgeRuntime:
    def __init__(
        self,
        config: EdgeConfig,
        segmenter: VadSegmenter,
        transcriber,  # noqa: ANN001
        redactor: Redactor,
    ) -> None:
        self.config = config
        self.segmenter = segmenter
        self.transcriber = transcriber
        self.redactor = redactor
        self._seq = 0
        self.vad_ms = 0.0

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def run(
        self,
        camera: CameraSource,
        mic: MicrophoneSource,
        session: ConverseSession,
        on_delta: Callable[[str], None] | None = None,
    ) -> list[Interaction]:
        """Capture until the sources end; answer every question heard."""
        hello = Hello(self.config.device_id, self.config.consent.snapshot(), self.config.locale)
        await session.open(hello)
        frames = FrameBuffer(self.config.frame_buffer_s, self.config.frame_sample_hz)

        async def capture_video() -> None:
            try:
                async for frame in camera.frames():
                    frames.add(frame)
            finally:
                frames.ended.set()

        video = asyncio.create_task(capture_video())
        pending: list[asyncio.Task] = []
        async for chunk in mic.chunks():
            t0 = time.perf_counter()
            segments = list(self.segmenter.feed(chunk))
            self.vad_ms += (time.perf_counter() - t0) * 1e3
            for segment in segments:
                pending.append(
                    asyncio.create_task(self._handle(segment, frames, session, on_delta))
                )
        pending += [
            asyncio.create_task(self._handle(s, frames, session, on_delta))
            for s in self.segmenter.flush()
        ]
        results = [r for r in await asyncio.gather(*pending) if r is not None]
        await video
        return results

    async def _handle(
        self, segment: SpeechSegment, frames: FrameBuffer, session: ConverseSession, on_delta
    ) -> Interaction | None:  # noqa: ANN001
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        transcript = await asyncio.to_thread(self.transcriber.transcribe, segment)
        timings["asr_ms"] = (time.perf_counter() - t0) * 1e3
        if not transcript.text:
            return None
        utterance = redact_transcript(transcript, self._next_seq())
        result = Interaction(utterance, timings_ms=timings)
        raw = await frames.nearest(segment.ended_at)
        frame_seqs: tuple[int, ...] = ()
        if raw is not None:
            # One sequence space per session for everything uploaded (acks are by seq).
            raw = replace(raw, seq=self._next_seq())
            result.raw_frame = raw
            t0 = time.perf_counter()
            try:
                redacted = await asyncio.to_thread(self.redactor.redact, raw)
            except RedactionError as exc:
                result.withheld_reason = str(exc)  # fail closed: ask without the frame
                redacted = None
            timings["redact_ms"] = (time.perf_counter() - t0) * 1e3
            if redacted is not None:
                result.redacted = redacted
                t0 = time.perf_counter()
                session.send_frame(redacted)
                await session.wait_ack(redacted.seq)
                timings["upload_ack_ms"] = (time.perf_counter() - t0) * 1e3
                frame_seqs = (redacted.seq,)
        session.send_utterance(utterance)
        query = Query(
            self._next_seq(),
            utterance.text,
            frame_seqs,
            utterance.seq,
            self.config.max_answer_tokens,
        )
        t0 = time.perf_counter()
        parts: list[str] = []
        async for event in session.ask(query):
            if isinstance(event, AnswerDone):
                result.done = event
            else:
                if not parts:
                    timings["first_token_ms"] = (time.perf_counter() - t0) * 1e3
                parts.append(event.text)
                if on_delta:
                    on_delta(event.text)
        timings["answer_ms"] = (time.perf_counter() - t0) * 1e3
        result.answer = "".join(parts)
        return result
