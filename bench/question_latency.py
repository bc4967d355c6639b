"""From the true end of speech to the question sent, pipelined against sequential.

Spoken questions (espeak-ng, several voices and speeds, noise mixed in:
``scenes/speech.py``) are played in real time through the whole edge (VAD,
on-device ASR, redaction, the uplink) beside a camera clip, to a real server
on loopback (the tiny model, TLS). For each question the clock starts at its
true end of speech, known from the rendering, not from the VAD, and stops
when the question is handed to the link's session. The same questions go
through today's edge (``EdgeRuntime``: frames redacted while the wearer
speaks, transcription from the early pause, frame and query sent together)
and through the sequential pipeline it replaced (end-point, then ASR, then
the frame redacted from scratch, uploaded and acknowledged, then the query),
in the same run, on the same server.

    python -m bench.question_latency --questions 24 --json out/latency.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from core.frames import AnswerDone, Hello, Query, Scope, SpeechSegment
from edge.channel import connect
from edge.components import build_edge_runtime
from edge.frames import FrameBuffer
from edge.link import open_uplink
from edge.redaction import redact_transcript
from edge.runtime import EdgeRuntime, Interaction
from edge.sources import CaptureClock, VideoFileCamera, WavFileMicrophone
from edge.uplink import ConverseSession, bearer, channel_options
from glasses.assets import DEMO_VIDEO
from glasses.config import load_config
from scenes.speech import Said, session, write_wav
from server.consent import ConsentLedger

QUESTIONS = (
    "what is this table made of",
    "what colour is the mug",
    "how many books are on the shelf",
    "is the window open",
    "what kind of plant is this",
    "what time does the clock show",
    "what is written on the box",
    "is this a good place to sit",
    "what is the weather like outside",
    "which way is the door",
    "what is in front of me",
    "can you describe this room",
)


class SequentialRuntime(EdgeRuntime):
    """The pipeline before: end-point, ASR, redaction from scratch, upload, ack, query."""

    session: ConverseSession

    async def _handle(self, segment: SpeechSegment, frames: FrameBuffer, link, *_):  # noqa: ANN001, ANN202
        timings: dict[str, float] = {}
        transcript = await asyncio.to_thread(self.transcriber.transcribe, segment)
        if not transcript.text:
            return None
        utterance = redact_transcript(transcript, self._next_seq())
        result = Interaction(utterance, timings_ms=timings)
        raw = await frames.nearest(segment.ended_at)
        frame_seqs: tuple[int, ...] = ()
        if raw is not None:
            redacted = await asyncio.to_thread(self.redactor.redact, raw)
            self.session.send_frame(redacted)
            await self.session.wait_ack(redacted.seq)
            frame_seqs = (redacted.seq,)
        self.session.send_utterance(utterance)
        query = Query(self._next_seq(), utterance.text, frame_seqs, utterance.seq, 16)
        result.key = str(query.seq)
        link.stats.sent_at[result.key] = time.monotonic()  # the query goes now
        async for event in self.session.ask(query):
            if not result.first_token_at:
                result.first_token_at = time.monotonic()
            if isinstance(event, AnswerDone):
                result.done = event
        result.outcome = "answered"
        return result


class TimedTranscriber:
    """The transcriber, its compute time and the audio it was given added up."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.compute_s, self.audio_s, self.calls = inner, 0.0, 0.0, 0

    def hear(self, segment: SpeechSegment):  # noqa: ANN201
        t0 = time.perf_counter()
        out = self.inner.hear(segment)
        self.compute_s += time.perf_counter() - t0
        self.audio_s += len(segment.samples) / segment.sample_rate
        self.calls += 1
        return out

    def transcribe(self, segment: SpeechSegment):  # noqa: ANN201
        return self.hear(segment).transcript


def looped_video(path: Path, seconds: float) -> None:
    """The demo clip looped for ``seconds`` (the camera of the whole session)."""
    clip = cv2.VideoCapture(str(DEMO_VIDEO))
    fps = clip.get(cv2.CAP_PROP_FPS) or 10.0
    frames = []
    while (got := clip.read())[0]:
        frames.append(got[1])
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    loop = frames + frames[::-1]  # back and forth: no jump at the seam
    for k in range(int(seconds * fps) + 1):
        out.write(loop[k % len(loop)])
    out.release()


async def _play(runtime, config, folder: Path, said: list[Said], wav: Path, video: Path):  # noqa: ANN001, ANN202
    """One pass over the session: per question (end of speech -> sent, -> first token)."""
    from server.app import start_server

    running = await start_server(config)
    try:
        edge = config.edge.model_copy(
            update={"server": f"127.0.0.1:{running.port}", "tls_ca": running.tls_ca}
        )
        caller, token = await asyncio.to_thread(running.accounts.enrol, edge.device_id)
        ConsentLedger(running.store).update(
            caller.user_id, grant=(Scope.HISTORY,), policy_version="2026-11", actor="bench"
        )
        async with connect(edge, channel_options(edge.uplink)) as channel:
            link = open_uplink(channel, bearer(token), edge.uplink, folder / "outbox.sqlite")
            if isinstance(runtime, SequentialRuntime):
                runtime.session = ConverseSession(channel, bearer(token), edge.uplink)
                hello = Hello(edge.device_id, edge.consent.snapshot(), edge.locale)
                await runtime.session.open(hello)
            clock = CaptureClock()
            async with link:
                items = await runtime.run(
                    VideoFileCamera(video, 1.0, clock),
                    WavFileMicrophone(wav, 1.0, clock=clock),
                    link,
                )
                sent = dict(link.stats.sent_at)
            if isinstance(runtime, SequentialRuntime):
                await runtime.session.close()
    finally:
        await running.stop(grace=0.5)
    rows = []
    for item in items:
        if item.utterance is None:  # not activated (the wake phrase misheard): not sent
            rows.append({"not_sent": str(item.activation)})
            continue
        spoken = min(
            said,
            key=lambda s: abs(clock.at_media(s.end_s).seconds - item.utterance.ended_at.seconds),
        )
        end = clock.at_media(spoken.end_s).seconds
        if item.key in sent:
            rows.append(
                {
                    "text": spoken.text,
                    "heard": item.utterance.text,
                    "sent_ms": (sent[item.key] - end) * 1e3,
                    "first_token_ms": (item.first_token_at - end) * 1e3
                    if item.first_token_at
                    else None,
                    "outcome": item.outcome,
                    "timings_ms": {k: round(v, 1) for k, v in item.timings_ms.items()},
                }
            )
    return rows


def _summary(rows: list[dict]) -> dict:
    not_sent = sum(1 for r in rows if "not_sent" in r)
    rows = [r for r in rows if "not_sent" not in r]
    sent = [r["sent_ms"] for r in rows]
    first = [r["first_token_ms"] for r in rows if r["first_token_ms"] is not None]
    q = lambda v, p: float(np.percentile(v, p)) if v else float("nan")  # noqa: E731
    return {
        "questions_sent": len(rows),
        "utterances_not_sent": not_sent,
        "end_of_speech_to_sent_ms": {
            "p50": q(sent, 50),
            "p95": q(sent, 95),
            "max": max(sent, default=0),
        },
        "end_of_speech_to_first_token_ms": {"p50": q(first, 50), "p95": q(first, 95)},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--questions", type=int, default=24)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--snr-db", type=float, default=20.0)
    p.add_argument("--json", help="write the figures here too")
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    texts = [f"Hey glasses, {QUESTIONS[k % len(QUESTIONS)]}?" for k in range(args.questions)]
    audio, said = session(texts, rng, snr_db=args.snr_db)
    folder = Path(tempfile.mkdtemp(prefix="latency-"))
    wav, video = folder / "questions.wav", folder / "camera.mp4"
    write_wav(wav, audio)
    looped_video(video, len(audio) / 16000 + 1)
    base = load_config()
    results = {}
    for name in ("pipelined", "sequential"):
        config = base.model_copy(deep=True)
        config.server.store.path = folder / f"store-{name}"
        if name == "sequential":  # no early transcription, nothing redacted ahead
            config.edge.vad = config.edge.vad.model_copy(update={"early_ms": 0})
        built = build_edge_runtime(config.models, config.edge)
        timed = TimedTranscriber(built.transcriber)
        kind = SequentialRuntime if name == "sequential" else EdgeRuntime
        runtime = kind(config.edge, built.segmenter, timed, built.redactor)
        runtime.redact_ahead = name == "pipelined"
        t0 = time.perf_counter()
        rows = asyncio.run(_play(runtime, config, folder / name, said, wav, video))
        results[name] = {
            **_summary(rows),
            "asr_real_time_factor": timed.compute_s / max(timed.audio_s, 1e-9),
            "transcriptions": timed.calls,
            "wall_s": time.perf_counter() - t0,
            "rows": rows,
        }
        print(name, json.dumps(_summary(rows)))
    ratio = (
        results["sequential"]["end_of_speech_to_sent_ms"]["p50"]
        / results["pipelined"]["end_of_speech_to_sent_ms"]["p50"]
    )
    out = {
        "questions": args.questions,
        "speech_s": round(len(audio) / 16000, 1),
        "vad_min_silence_ms": base.edge.vad.min_silence_ms,
        "vad_early_ms": base.edge.vad.early_ms,
        "speedup_p50_sequential_over_pipelined": ratio,
        **{k: {kk: vv for kk, vv in v.items() if kk != "rows"} for k, v in results.items()},
    }
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps({**out, "rows": {k: v["rows"] for k, v in results.items()}}, indent=2)
        )


if __name__ == "__main__":
    main()
