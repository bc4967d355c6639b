"""The edge's resident memory over an hour of questions, replayed faster than real time.

One edge process (VAD, on-device ASR, redaction, the uplink and its outbox)
replays a session of spoken questions and a camera clip again and again, to a
real ``glasses server`` process on loopback (its memory is not the edge's),
until ``--media-minutes`` of media have gone through. Resident memory (VmRSS)
is read after ``--settle-minutes`` of media and at the end: the edge should
hold about as much after an hour as after five minutes.

    python -m bench.memory --media-minutes 60 --speed 8 --json out/memory.json
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.question_latency import QUESTIONS, looped_video
from bench.serving import ServerProcess, enrol_device, free_port, report
from edge.channel import open_channel
from edge.components import build_edge_runtime
from edge.link import open_uplink
from edge.sources import CaptureClock, VideoFileCamera, WavFileMicrophone
from edge.uplink import bearer, channel_options
from glasses.config import load_config
from scenes.speech import session, write_wav


def rss_mb() -> float:
    """This process's resident memory, MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(args: argparse.Namespace) -> dict:
    rng = np.random.default_rng(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="memory-"))
    texts = [f"Hey glasses, {QUESTIONS[k % len(QUESTIONS)]}?" for k in range(args.questions)]
    audio, _ = session(texts, rng, gap_s=(2.0, 3.0))
    wav, video = folder / "questions.wav", folder / "camera.mp4"
    write_wav(wav, audio)
    looped_video(video, len(audio) / 16000 + 1)
    pass_s = len(audio) / 16000

    token = enrol_device(folder / "store", "bench-memory")
    server = ServerProcess(folder, free_port())
    server.start()
    await server.serving()
    config = load_config().edge.model_copy(
        update={
            "server": f"127.0.0.1:{server.port}",
            "tls_ca": folder / "store" / "tls" / "ca.pem",
            "device_id": "bench-memory",
        }
    )
    config.consent = config.consent.model_copy(update={"scopes": ["assist", "history"]})
    runtime = build_edge_runtime(load_config().models, config)
    samples: list[tuple[float, float]] = []  # (media minutes, RSS MB)
    answered = passes = 0
    t0 = time.perf_counter()
    channel = open_channel(config, channel_options(config.uplink))
    async with channel:
        link = open_uplink(channel, bearer(token), config.uplink, folder / "outbox.sqlite")
        async with link:
            media_s = 0.0
            while media_s < args.media_minutes * 60:
                clock = CaptureClock()
                items = await runtime.run(
                    VideoFileCamera(video, args.speed, clock),
                    WavFileMicrophone(wav, args.speed, clock=clock),
                    link,
                )
                answered += sum(1 for i in items if i.outcome == "answered")
                passes += 1
                media_s += pass_s
                samples.append((media_s / 60, rss_mb()))
                print(f"  {media_s / 60:5.1f} media min: RSS {samples[-1][1]:.0f} MB", flush=True)
    server.kill()
    settled = next(m for t, m in samples if t >= args.settle_minutes)
    end = samples[-1][1]
    return {
        "media_minutes": round(samples[-1][0], 1),
        "speed": args.speed,
        "passes": passes,
        "questions_answered": answered,
        "rss_mb_after_settle": settled,
        "settle_minutes": args.settle_minutes,
        "rss_mb_at_end": end,
        "growth_after_settle": end / settled - 1,
        "wall_s": round(time.perf_counter() - t0, 1),
        "rss_curve_mb": [(round(t, 1), round(m)) for t, m in samples],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--media-minutes", type=float, default=60.0)
    p.add_argument("--settle-minutes", type=float, default=5.0)
    p.add_argument("--speed", type=float, default=8.0, help="replay this many times real time")
    p.add_argument("--questions", type=int, default=12, help="spoken questions per pass")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--json", help="write the figures here too")
    args = p.parse_args()
    report(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()
