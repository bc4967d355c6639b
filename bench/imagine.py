"""Imagine's cost outside the diffusion model, per image, through the real service.

    python -m bench.imagine [--side 1280] [--count 4] [--rounds 3] [--json FILE]

A real server on loopback (TLS, port 0) with the tiny random-weight
diffusion model, real NudeNet, the watermark and C2PA signing; the client is
the edge's ``ImagineClient``. For each format (PNG, JPEG) and round, one
request for ``count`` images of ``side`` x ``side``:

- per image, the server's stages: safety (NudeNet), marks (visible +
  watermark), encode, sign;
- per image, what the caller waits beyond the model: (wall time of the
  request - the diffusion call) / count; this includes the prompt filter,
  consent, streaming over gRPC and logging the sample;
- the time to the first image against the whole request.

Baseline, in the same run: a bare OpenCV encode of the same pixels (the
least any image service does), so the overhead is also a ratio to it.
Target: overhead <= 250 ms per 1280x1280 image on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from core.frames import Scope
from edge.channel import open_channel
from edge.config import EdgeConfig
from edge.domain import ImagineOptions
from edge.imagine_client import ImagineClient
from edge.uplink import bearer
from models.config import ModelsConfig
from server.accounts import Accounts
from server.app import create_server
from server.components import build_vlm
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.imagine.build import build_parts
from server.imagine.config import ImagineConfig
from server.store import SqliteSampleStore

TARGET_MS = 250.0
STAGES = ("safety_ms", "watermark_ms", "encode_ms", "sign_ms")


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


async def _measure(args: argparse.Namespace, folder: Path) -> dict:
    models = ModelsConfig(threads=args.threads)
    parts = await asyncio.to_thread(build_parts, ImagineConfig(), models, folder / "state")
    vlm = await asyncio.to_thread(build_vlm, models)
    store = SqliteSampleStore(folder / "store")
    config = ServerConfig(port=0, store={"path": folder / "store"}, tls={"dir": folder / "tls"})
    running = await create_server(config, vlm, store, None, imagine=parts)
    await running.set_serving(True)
    caller, token = Accounts(store).enrol("bench")
    ledger = ConsentLedger(store)
    ledger.update(
        caller.user_id,
        grant=[Scope.HISTORY],
        policy_version=ledger.policy.policy_version,
        actor="bench",
    )
    edge = EdgeConfig(server=f"127.0.0.1:{running.port}", tls_ca=running.tls_ca)
    figures: dict = {}
    try:
        async with open_channel(edge) as channel:
            client = ImagineClient(channel, bearer(token))
            # warm-up: first calls pay for lazy loading and thread pools
            options = ImagineOptions("warm up", count=1, width=256, height=256)
            _ = [m async for m in client.generate(options)]
            for fmt in ("png", "jpeg"):
                figures[fmt] = await _format(client, args, fmt)
    finally:
        await running.stop(grace=0.5)
        store.close()
        parts.close()
    return figures


async def _format(client: ImagineClient, args: argparse.Namespace, fmt: str) -> dict:
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    overhead, first, whole, baseline, sizes = [], [], [], [], []
    for r in range(args.rounds):
        prompt = f"a harbour at dawn, round {r}"
        options = ImagineOptions(prompt, args.count, args.side, args.side, seed=r + 1, format=fmt)
        t0 = time.perf_counter()
        made, arrivals = [], []
        async for image in client.generate(options, timeout=600):
            arrivals.append(time.perf_counter() - t0)
            made.append(image)
        wall_ms = (time.perf_counter() - t0) * 1e3
        diffusion_ms = sum(m.timings_ms["diffusion_ms"] for m in made)
        overhead.append((wall_ms - diffusion_ms) / len(made))
        first.append(arrivals[0] * 1e3)
        whole.append(wall_ms)
        for m in made:
            sizes.append(len(m.data))
            for stage in STAGES:
                stages[stage].append(m.timings_ms[stage])
            baseline.append(_bare_encode(m.data, fmt))
    server = {s: _median(v) for s, v in stages.items()}
    server_total = _median([sum(v) for v in zip(*stages.values(), strict=True)])
    return {
        "server_stages_ms": server,
        "server_overhead_ms": server_total,
        "caller_overhead_ms": _median(overhead),
        "first_image_ms": _median(first),
        "whole_request_ms": _median(whole),
        "bare_encode_ms": _median(baseline),
        "overhead_to_bare_encode": round(_median(overhead) / max(_median(baseline), 1e-3), 2),
        "mean_bytes": int(np.mean(sizes)),
        "meets_target": _median(overhead) <= TARGET_MS,
    }


def _bare_encode(data: bytes, fmt: str) -> float:
    """The same pixels encoded with OpenCV's defaults: the floor of any image service."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    t0 = time.perf_counter()
    cv2.imencode(".png" if fmt == "png" else ".jpg", bgr)
    return (time.perf_counter() - t0) * 1e3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--side", type=int, default=1280)
    p.add_argument("--count", type=int, default=4)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="threads per model runtime")
    p.add_argument("--json", help="write the figures here too")
    args = p.parse_args()
    cv2.setNumThreads(args.threads)
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(_measure(args, Path(folder)))
    report = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpu(s), "
        f"Python {platform.python_version()}, threads per model {args.threads}",
        "side": args.side,
        "images_per_request": args.count,
        "rounds": args.rounds,
        "target_ms": TARGET_MS,
        **figures,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
