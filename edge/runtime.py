"""The edge runtime: microphone -> VAD -> on-device ASR -> text redaction;
camera -> frame buffer -> frame redaction; then frame + utterance + query
over one ``Converse`` stream, with the answer streamed back.

The stages overlap: while the wearer speaks, the newest frames are redacted
ahead (``edge/frames.py``); when speech ends, the frame nearest its end is
redacted (if it was not already) beside the transcription, not after it; the
frame, the utterance and the query then go up together, without waiting for
the frame's ack (the server re-checks the frame before the model or the
store sees it, in stream order). Each question ends in an outcome: answered,
or failed with the reason, while the session goes on.

Blocking inference (ASR, redaction) runs in worker threads so capture keeps
flowing; video is latest-wins (a bounded buffer), audio is never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from core.errors import RedactionError
from core.frames import (
    AnswerDone,
    Hello,
    Query,
    RawImage,
    RedactedImage,
    SpeechSegment,
    Utterance,
)
from edge.activation import Activation, Reason
from edge.config import EdgeConfig
from edge.domain import GeneratedImage
from edge.focus import need
from edge.frames import FrameBuffer, RedactAhead
from edge.imagine_client import ImagineClient
from edge.imagining import imagine
from edge.intent import ImagineRequest, imagine_request
from edge.link import Queued, Uplink
from edge.redaction import Redactor, minimised, redact_transcript
from edge.sources import CameraSource, MicrophoneSource
from edge.uplink import ServerReportedError
from edge.vad import VadSegmenter

log = logging.getLogger(__name__)

KEPT_INTERACTIONS = 256  # a run returns its last this many interactions


@dataclass
class Interaction:
    """What happened for one spoken question (counts and sizes, no secrets)."""

    utterance: Utterance | None  # None when nothing was sent: its text is not kept
    activation: Reason = Reason.EMPTY  # why it was, or was not, sent
    raw_frame: RawImage | None = None  # kept on the device for the demo's side-by-side
    redacted: RedactedImage | None = None  # what was sent
    redacted_full: RedactedImage | None = None  # the frame redacted whole (stays on the device)
    withheld_reason: str = ""
    minimised: str = ""  # why the frame was sent at its size and extent
    # "answered", "imagined", "queued" (in the outbox) or "failed", with ``error``
    outcome: str = ""
    error: str = ""  # the failure's code and what to do, never personal data
    answer: str = ""
    done: AnswerDone | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    key: str = ""  # the question's idempotency key (the link counts its delivery by it)
    first_token_at: float = 0.0  # time.monotonic() of the answer's first piece
    imagine: ImagineRequest | None = None  # a request to imagine, not a question
    images: list[GeneratedImage] = field(default_factory=list)  # what it gave (or withheld)


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
        self.early_asr = 0  # transcriptions started at an early pause
        self.redact_ahead = True  # redact frames while the wearer speaks (off: when asked)
        # keep each question's frames (as captured, redacted whole) on its Interaction:
        # for the demo's side-by-side; off, a long session holds no frames
        self.keep_frames = False
        self.activation = Activation(config.activation)
        self.dropped: dict[str, int] = {}  # utterances not sent, by reason (counts only)
        self.ahead: RedactAhead | None = None  # the last run's frames redacted ahead
        # transcriptions run one at a time: two Whispers sharing the cores finish
        # no sooner together, and the one wanted first finishes later
        self._asr: ThreadPoolExecutor | None = None
        self._imagine_client: ImagineClient | None = None  # the run's, where it has one

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def run(
        self,
        camera: CameraSource,
        mic: MicrophoneSource,
        link: Uplink,
        on_delta: Callable[[str], None] | None = None,
        on_done: Callable[[Interaction], None] | None = None,
        imagine: ImagineClient | None = None,
    ) -> list[Interaction]:
        """Capture until the sources end; answer every question heard (or keep
        it in the link's outbox until it can be). ``on_delta`` gets each piece of
        an answer as it comes, ``on_done`` each question once it has its outcome.
        With ``imagine``, a spoken request to imagine goes to the Imagine service."""
        self._imagine_client = imagine if self.config.imagine.enabled else None
        link.start(Hello(self.config.device_id, self.config.consent.snapshot(), self.config.locale))
        frames = FrameBuffer(self.config.frame_buffer_s, self.config.frame_sample_hz)
        self.ahead = RedactAhead(self.redactor.stream())
        self._asr = ThreadPoolExecutor(1, thread_name_prefix="asr")
        try:
            return await self._run(camera, mic, link, frames, on_delta, on_done)
        finally:
            self._asr.shutdown(wait=False)

    def _hear(self, segment: SpeechSegment) -> asyncio.Future:
        """The transcription of ``segment``, queued behind any under way."""
        loop = asyncio.get_running_loop()
        return asyncio.ensure_future(
            loop.run_in_executor(self._asr, self.transcriber.hear, segment)
        )

    async def _run(
        self,
        camera: CameraSource,
        mic: MicrophoneSource,
        link: Uplink,
        frames: FrameBuffer,
        on_delta: Callable[[str], None] | None,
        on_done: Callable[[Interaction], None] | None,
    ) -> list[Interaction]:
        async def capture_video() -> None:
            try:
                async for frame in camera.frames():
                    # frame ids from the runtime's counter (the link renumbers what it sends)
                    frames.add(replace(frame, seq=self._next_seq()))
            finally:
                frames.ended.set()

        video = asyncio.create_task(capture_video())

        def wanted() -> bool:  # while speech goes on; from the early pause the CPU is ASR's
            segmenter = self.segmenter
            return self.redact_ahead and segmenter.speaking and segmenter.tentative is None

        ahead = asyncio.create_task(self.ahead.run(frames, wanted))
        pending: list[asyncio.Task] = []
        results: deque[Interaction] = deque(maxlen=KEPT_INTERACTIONS)

        def collect() -> None:  # finished questions leave ``pending`` (a session may be long)
            for task in [t for t in pending if t.done()]:
                pending.remove(task)
                if (item := task.result()) is not None:
                    results.append(item)

        early: tuple[SpeechSegment, asyncio.Future] | None = None  # transcribing ahead
        decided: asyncio.Event | None = None  # the utterance before has been decided

        def handle(segment: SpeechSegment) -> None:
            nonlocal decided
            ahead_asr = None
            standing = self.segmenter.tentative  # the offer this segment closed on, if any
            if (
                early is not None
                and early[0] is standing
                and standing.started_at == segment.started_at
            ):
                ahead_asr = early[1]  # no speech since: the transcript made ahead stands
            turn = (decided, asyncio.Event())
            decided = turn[1]
            task = self._handle(segment, frames, link, on_delta, on_done, ahead_asr, turn)
            collect()
            pending.append(asyncio.create_task(task))

        async for chunk in mic.chunks():
            if video.done() and not video.cancelled() and video.exception() is not None:
                raise video.exception()  # the camera failed for good: say so now
            t0 = time.perf_counter()
            segments = list(self.segmenter.feed(chunk))
            self.vad_ms += (time.perf_counter() - t0) * 1e3
            tentative = self.segmenter.tentative
            # one early transcription at a time: a newer pause waits for (at most
            # a chunk after) the withdrawn one's end rather than share the cores
            if tentative is not None and (early is None or early[0] is not tentative):
                if early is None or early[1].done():
                    self.early_asr += 1
                    early = (tentative, self._hear(tentative))
            for segment in segments:
                handle(segment)
        for segment in self.segmenter.flush():
            handle(segment)
        await asyncio.gather(*pending)
        collect()
        await video
        ahead.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ahead
        return list(results)

    async def _handle(
        self,
        segment: SpeechSegment,
        frames: FrameBuffer,
        link: Uplink,
        on_delta,  # noqa: ANN001
        on_done,  # noqa: ANN001
        asr: asyncio.Future | None = None,
        turn: tuple[asyncio.Event | None, asyncio.Event] | None = None,
    ) -> Interaction | None:
        """One utterance, from its end-point to its outcome; ``asr``: its
        transcription already under way (started at the early pause); ``turn``:
        (the earlier utterance decided, this one decided): utterances are
        decided in the order they were spoken (a wake phrase said alone makes
        the next one the question)."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if asr is None:
            asr = self._hear(segment)
        # the view as the wearer stopped speaking (not at the end-point, after the
        # silence): a frame most likely redacted ahead already
        silence_ns = self.config.vad.min_silence_ms * 1_000_000
        spoken = replace(segment.ended_at, nanos=segment.ended_at.nanos - silence_ns)
        raw = self.ahead.nearest(spoken, 1.0 / self.config.frame_sample_hz)
        if raw is None:
            raw = await frames.nearest(spoken)
        # the frame is redacted beside the transcription (if not redacted ahead already)
        redacting = asyncio.create_task(self._redacted(raw, timings)) if raw is not None else None
        try:
            heard = await asr
            transcript = heard.transcript
            timings["asr_ms"] = (time.perf_counter() - t0) * 1e3
            if turn is not None and turn[0] is not None:
                await turn[0].wait()
            spoken_s = (transcript.text, segment.started_at.seconds, segment.ended_at.seconds)
            decision = self.activation.decide(*spoken_s)
            if self.activation.wants_second_opinion(decision):  # the transcript missed it?
                phrase = self.activation.config.wake_phrase
                opinion = await asyncio.to_thread(heard.wake, phrase)
                decision = self.activation.decide(*spoken_s, opinion)
                timings["second_opinion_ms"] = (time.perf_counter() - t0) * 1e3
        finally:
            if turn is not None:
                turn[1].set()
        if not decision.send:  # transcribed on the device and dropped: no frame, no text kept
            if redacting is not None:
                await redacting  # it stays on the device
            self.dropped[decision.reason] = self.dropped.get(decision.reason, 0) + 1
            if decision.reason is Reason.EMPTY:
                return None
            return Interaction(None, decision.reason, outcome="not_sent", timings_ms=timings)
        utterance = redact_transcript(replace(transcript, text=decision.question), self._next_seq())
        result = Interaction(utterance, decision.reason, timings_ms=timings)
        if self.keep_frames:
            result.raw_frame = raw
        if self._imagine_client is not None:
            result.imagine = imagine_request(utterance.text)
        if result.imagine is not None:
            quality = self.redactor.policy.jpeg_quality
            await imagine(
                self._imagine_client, self.config.imagine, quality, result, redacting, on_delta
            )
            if result.outcome == "imagined":
                self.activation.answered(time.monotonic())  # the follow-up window opens
            if on_done:
                on_done(result)
            return result
        frame_seqs: tuple[int, ...] = ()
        if redacting is not None:
            redacted, result.withheld_reason = await redacting
            timings["frame_ready_ms"] = (time.perf_counter() - t0) * 1e3
            if redacted is not None:
                # only what the question needs: the part it names, at the model's size
                wanted = need(utterance.text, self.config.minimise, link.image_side)
                quality = self.redactor.policy.jpeg_quality
                if self.keep_frames:
                    result.redacted_full = redacted
                result.redacted = await asyncio.to_thread(
                    minimised, redacted, wanted.region, wanted.max_side, quality
                )
                result.minimised = wanted.why
                frame_seqs = (redacted.seq,)
        result.key = uuid.uuid4().hex
        query = Query(
            self._next_seq(),
            utterance.text,
            frame_seqs,
            utterance.seq,
            self.config.max_answer_tokens,
            result.key,
        )
        t0 = time.perf_counter()
        parts: list[str] = []
        try:
            # frame, utterance and query go up together: nothing waits for an ack
            async for event in link.ask(result.redacted, utterance, query):
                if isinstance(event, AnswerDone):
                    result.done = event
                else:
                    if not parts:
                        timings["first_token_ms"] = (time.perf_counter() - t0) * 1e3
                        result.first_token_at = time.monotonic()
                    parts.append(event.text)
                    if on_delta:
                        on_delta(event.text)
            result.outcome = "answered"
        except Queued as exc:  # kept on the device; it goes up when the link returns
            result.outcome, result.error = "queued", str(exc)
        except ServerReportedError as exc:  # this question failed; the session goes on
            result.outcome, result.error = "failed", str(exc)
            log.warning("question %d failed: %s", query.seq, exc.code)
        timings["answer_ms"] = (time.perf_counter() - t0) * 1e3
        result.answer = "".join(parts)
        if result.outcome == "answered":
            self.activation.answered(time.monotonic())  # the follow-up window opens
        if on_done:
            on_done(result)
        return result

    async def _redacted(
        self, raw: RawImage, timings: dict[str, float]
    ) -> tuple[RedactedImage | None, str]:
        """``raw`` redacted (or None and why it was withheld: fail closed)."""
        t0 = time.perf_counter()
        try:
            return await self.ahead.redacted(raw), ""
        except RedactionError as exc:
            return None, str(exc)
        finally:
            timings["redact_ms"] = (time.perf_counter() - t0) * 1e3
