"""Per-stage timings of the demo path, with a baseline measured in the same run.

``python -m bench.demo_stages [--repeats N]`` (or ``make bench``) prints, for
the bundled clip on this machine: VAD per 32 ms window, on-device ASR of the
question, frame redaction (ours vs RapidOCR's defaults as a naive full-frame
baseline, with the ratio), and the server's first token / full answer with
the configured vision-language model. Timings vary with machine load, so
compare ratios, not absolute figures, across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import cv2

from core.frames import RawImage, Stamp
from edge.components import build_redactor, build_segmenter, build_transcriber
from edge.sources import WavFileMicrophone
from glasses.assets import DEMO_AUDIO, DEMO_VIDEO
from glasses.config import load_config
from models.registry import Role, resolve_file


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<36} p50 {pct(values, 0.5):8.1f} ms   p95 {pct(values, 0.95):8.1f} ms   "
        f"n={len(values)}"
    )


def timed(fn, repeats: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    config = load_config()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cpu(s), {platform.python_version()}, "
        f"threads per model {config.models.threads}"
    )

    capture = cv2.VideoCapture(str(DEMO_VIDEO))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 30)
    _, pixels = capture.read()
    frame = RawImage(1, pixels, Stamp.media(3.0))

    # VAD + ASR on the bundled question.
    segmenter = build_segmenter(config.models, config.edge.vad)
    vad_times, segments = [], []

    async def feed() -> None:
        async for chunk in WavFileMicrophone(DEMO_AUDIO, speed=float("inf")).chunks():
            t0 = time.perf_counter()
            segments.extend(segmenter.feed(chunk))
            vad_times.append((time.perf_counter() - t0) * 1e3)

    asyncio.run(feed())
    transcriber = build_transcriber(config.models, config.edge.asr)
    asr = timed(lambda: transcriber.transcribe(segments[0]), max(3, args.repeats // 3))
    speech_s = segments[0].samples.size / 16000

    # Redaction vs a naive baseline: RapidOCR defaults (upscaling det + cls + rec).
    redactor = build_redactor(config.models, config.edge.redaction)
    ours = timed(lambda: redactor.redact(frame), args.repeats)
    from rapidocr_onnxruntime import RapidOCR

    naive = RapidOCR(
        det_model_path=str(resolve_file(Role.OCR_DET)),
        rec_model_path=str(resolve_file(Role.OCR_REC)),
        intra_op_num_threads=config.models.threads,
    )
    baseline = timed(lambda: naive(pixels), args.repeats)

    # Server: vision-language first token and full answer on the redacted frame.
    from server.components import build_vlm

    with tempfile.TemporaryDirectory() as tmp:
        models = config.models.model_copy(update={"cache_dir": Path(tmp)})
        backend = build_vlm(models)
        jpeg = redactor.redact(frame).jpeg

        async def answer() -> tuple[float, float]:
            t0 = time.perf_counter()
            first = None
            async for _ in backend.stream("what is this table made of?", jpeg, 48):
                first = first or (time.perf_counter() - t0) * 1e3
            return first or 0.0, (time.perf_counter() - t0) * 1e3

        answers = [asyncio.run(answer()) for _ in range(args.repeats)]

    print(line("VAD per 32 ms window", vad_times))
    print(
        line(f"ASR ({speech_s:.1f} s of speech)", asr)
        + f"   real-time factor {statistics.median(asr) / 1e3 / speech_s:.2f}"
    )
    print(line("redaction, ours (1280x720)", ours))
    print(line("baseline: RapidOCR defaults", baseline))
    print(
        f"{'redaction speed-up over baseline':<36} "
        f"{statistics.median(baseline) / statistics.median(ours):.2f}x (p50 ratio)"
    )
    print(line(f"VLM first token ({backend.model_id})", [a[0] for a in answers]))
    print(line("VLM full answer (48 tokens max)", [a[1] for a in answers]))


if __name__ == "__main__":
    main()
