"""``glasses demo``: the main job end to end on loopback, on the bundled clip.

Starts the gRPC server (embedded SQLite store, vision-language model),
enrols the demo device and, as the companion app would, grants it the
``history`` scope over the Consent service; then runs the edge on the
bundled video + question, and prints what happened: the
transcript, what was redacted (counts, not content), bytes sent, the
streamed answer, the logged sample id and per-stage timings. Writes the
original and the redacted frame side by side into the output folder. Then
the companion app's other job: Imagine makes four images from a prompt, and
Verify reads one back (watermark and signed manifest).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from core.frames import Scope, scope_names
from edge.channel import connect, setting_to_fix
from edge.components import build_edge_runtime
from edge.consent_client import ConsentClient
from edge.domain import GeneratedImage, ImagineOptions, Verification
from edge.imagine_client import ImagineClient
from edge.link import open_uplink
from edge.runtime import Interaction
from edge.sources import CaptureClock, VideoFileCamera, WavFileMicrophone
from edge.uplink import bearer, channel_options
from glasses.assets import DEMO_AUDIO, DEMO_VIDEO
from glasses.config import AppConfig

DEMO_PROMPT = "a wooden table with a cup of coffee, watercolour"


@dataclass
class DemoResult:
    interactions: list[Interaction]
    bytes_sent: int
    stored_samples: int
    out_dir: Path
    timings_ms: dict[str, float] = field(default_factory=dict)
    imagined: list[GeneratedImage] = field(default_factory=list)
    verified: Verification | None = None
    user_id: str = ""  # the demo wearer's (pseudonymous) id


async def run_demo(
    config: AppConfig, out_dir: Path, video: Path = DEMO_VIDEO, audio: Path = DEMO_AUDIO, echo=print
) -> DemoResult:  # noqa: ANN001
    from server.app import start_server

    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    running = await start_server(config)
    timings["server_start_ms"] = (time.perf_counter() - t0) * 1e3
    link = "plaintext" if config.server.plaintext else "TLS"
    echo(f"server: listening on 127.0.0.1:{running.port} ({link}), model {running.model_id}")
    try:
        t0 = time.perf_counter()
        # the edge trusts the CA the server created in its state folder on first start
        edge = config.edge.model_copy(
            update={
                "server": f"127.0.0.1:{running.port}",
                "tls_ca": running.tls_ca or config.edge.tls_ca,
                "plaintext": config.server.plaintext,
            }
        )
        runtime = await asyncio.to_thread(build_edge_runtime, config.models, edge)
        runtime.keep_frames = True  # for the side-by-side files
        timings["edge_start_ms"] = (time.perf_counter() - t0) * 1e3
        echo(f"edge: replaying {video.name} + {audio.name} at {edge.replay_speed:g}x")
        caller, token = await asyncio.to_thread(running.accounts.enrol, edge.device_id)
        async with connect(edge, channel_options(edge.uplink)) as channel:
            state = await ConsentClient(channel, bearer(token)).grant(
                [Scope[s.upper()] for s in edge.consent.scopes],
                region=edge.consent.region,
                policy_version=config.server.consent.policy_version,
                reason="demo onboarding",
            )
            scopes = scope_names(state.snapshot.scopes)
            echo(
                f"consent: {caller.user_id} granted {','.join(scopes)} (ledger entry "
                f"{state.snapshot.ledger_entry_id[:12]})"
            )
            outbox = out_dir / "outbox.sqlite"
            for stale in (outbox, *(outbox.with_name(outbox.name + x) for x in ("-wal", "-shm"))):
                stale.unlink(missing_ok=True)  # each demo asks afresh, as a new device would
            link = open_uplink(channel, bearer(token), edge.uplink, outbox, setting_to_fix(edge))
            t0 = time.perf_counter()
            clock = CaptureClock()  # one clock for camera and microphone: their stamps compare
            async with link:
                interactions = await runtime.run(
                    VideoFileCamera(video, edge.replay_speed, clock),
                    WavFileMicrophone(audio, edge.replay_speed, clock=clock),
                    link,
                )
            timings["session_ms"] = (time.perf_counter() - t0) * 1e3
            imagined, verified = [], None
            if config.server.imagine.enabled:
                t0 = time.perf_counter()
                imagine = ImagineClient(channel, bearer(token))
                imagined = [m async for m in imagine.generate(ImagineOptions(DEMO_PROMPT, seed=1))]
                timings["imagine_ms"] = (time.perf_counter() - t0) * 1e3
                verified = await imagine.verify(imagined[0].data)
        timings["vad_ms"] = runtime.vad_ms
        result = DemoResult(
            interactions,
            link.bytes_sent,
            running.store.count(),
            out_dir,
            timings,
            imagined,
            verified,
            caller.user_id,
        )
    finally:
        await running.stop(grace=1.0)
    for i, item in enumerate(interactions):
        if item.raw_frame is not None:
            cv2.imwrite(str(out_dir / f"frame{i}_original.jpg"), item.raw_frame.pixels)
        if item.redacted_full is not None:
            (out_dir / f"frame{i}_redacted.jpg").write_bytes(item.redacted_full.jpeg)
        if item.redacted is not None:
            (out_dir / f"frame{i}_sent.jpg").write_bytes(item.redacted.jpeg)
    for image in result.imagined:
        (out_dir / f"imagine_{image.index}.{image.extension}").write_bytes(image.data)
    return result


def format_report(result: DemoResult) -> str:
    lines = ["", "=== glasses demo report ==="]
    if not result.interactions:
        lines.append("no speech was heard in the clip; nothing was sent")
    for i, item in enumerate(result.interactions):
        lines.append(f"utterance {i + 1}: {item.activation}")
        if item.utterance is None:
            lines.append("  not sent: transcribed on the device and dropped (no frame, no text)")
            continue
        lines.append(
            f"  question (redacted on device): {item.utterance.text!r}"
            f" [{item.utterance.redactions} span(s) redacted]"
        )
        if item.redacted is not None:
            report = item.redacted.report
            counts = report.counts() or {"nothing": 0}
            lines.append(
                f"  frame: {item.redacted.width}x{item.redacted.height}, "
                f"{len(item.redacted.jpeg)} bytes JPEG, redacted: "
                + ", ".join(f"{k}={v}" for k, v in counts.items())
                + f", view sent {report.view_fraction:.0%} at "
                + f"{report.sent_pixel_fraction:.1%} of its pixels ({item.minimised})"
            )
            lines.append(
                f"  files: {result.out_dir / f'frame{i}_original.jpg'} (stays on device)"
                f" | {result.out_dir / f'frame{i}_redacted.jpg'} (redacted whole, on device)"
                f" | {result.out_dir / f'frame{i}_sent.jpg'} (what was sent)"
            )
        else:
            lines.append(f"  frame: not sent ({item.withheld_reason or 'no frame available'})")
        lines.append(f"  answer (streamed): {item.answer!r}")
        if item.outcome != "answered":
            lines.append(f"  outcome: {item.outcome} ({item.error})")
        if item.done is not None:
            lines.append(
                f"  model: {item.done.model_id}, {item.done.tokens} deltas, "
                f"sample id: {item.done.sample_id or '(not kept: no history consent)'}"
            )
            stages = {
                **item.timings_ms,
                **{f"server_{k}": v for k, v in item.done.timings_ms.items()},
            }
            lines.append("  timings: " + ", ".join(f"{k}={v:.0f}ms" for k, v in stages.items()))
    if result.imagined:
        first = result.imagined[0]
        lines.append(
            f"imagine: {DEMO_PROMPT!r} -> {len(result.imagined)} image(s) {first.width}x"
            f"{first.height}, files {result.out_dir / 'imagine_*.png'}, watermarks "
            + ", ".join(m.watermark_id or "(withheld)" for m in result.imagined)
        )
    if result.verified is not None:
        lines.append(f"verify imagine_0: {result.verified.verdict}")
    lines.append(f"bytes sent upstream: {result.bytes_sent}")
    lines.append(f"samples in store: {result.stored_samples}")
    lines.append(
        "run timings: " + ", ".join(f"{k}={v:.0f}ms" for k, v in result.timings_ms.items())
    )
    return "\n".join(lines)


def main(config: AppConfig, out_dir: Path) -> int:
    from glasses.app.serve import DEMO_RECORD

    result = asyncio.run(run_demo(config, out_dir))
    (out_dir / DEMO_RECORD).write_text(json.dumps({"user_id": result.user_id}) + "\n")
    print(format_report(result))
    print(
        f"see it on the phone: glasses app --demo {out_dir} (open its address, pair with its code)"
    )
    sys.stdout.flush()
    return 0 if result.interactions else 1
