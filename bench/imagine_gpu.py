"""Imagine's generation throughput on a GPU, with production-sized random weights.

    python -m bench.imagine_gpu [--steps 4] [--json FILE]

Random weights at production size cost what the released models do (the
same layers, widths and attention), so this measures what a real sd-turbo
or sdxl-turbo deployment would: Stable Diffusion 2.1's architecture (sd-turbo)
at 512x512 and SDXL's (sdxl-turbo) at 1024x1024, fp16, built from configs
(``models.diffusion_shapes``) and run through the server's own adapter
(``DiffusersImageGenerator``). Figures: the time for one request of 4 images,
and images/s at batch 4 and batch 16. Baseline in the same run: one image
per call (batch 1), so the batching gain is a ratio. Needs CUDA; says so and
stops without it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from models.diffusion_shapes import sd21_pipeline, sdxl_pipeline
from server.imagine.generator import DiffusersImageGenerator

SHAPES = {"sd-turbo-sized": (sd21_pipeline, 512), "sdxl-turbo-sized": (sdxl_pipeline, 1024)}


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _timed(generator: DiffusersImageGenerator, batch: int, side: int, steps: int) -> float:
    _sync(generator._device)
    t0 = time.perf_counter()
    generator.generate("a lighthouse at dusk", batch, side, side, steps, 0.0, seed=1)
    _sync(generator._device)
    return time.perf_counter() - t0


def _generator(name: str, size: str, device: str) -> DiffusersImageGenerator:
    """The pipeline built in place (no save and load: minutes of GPU time at this size),
    wrapped in the server's adapter as ``DiffusersImageGenerator.load`` would."""
    from diffusers import AutoPipelineForImage2Image

    build, _ = SHAPES[name]
    with torch.device(device):
        t2i = build(size)
    if device == "cuda":
        t2i.to(torch.float16)
    t2i.set_progress_bar_config(disable=True)
    extra = {"add_watermarker": False} if "xl" in name else {}
    i2i = AutoPipelineForImage2Image.from_pipe(t2i, **extra)
    return DiffusersImageGenerator(t2i, i2i, name, device)


def _shape(name: str, steps: int, rounds: int, size: str, device: str) -> dict:
    _, side = SHAPES[name]
    side = side if size == "full" else 256
    t0 = time.perf_counter()
    generator = _generator(name, size, device)
    figures: dict = {"side": side, "steps": steps, "build_s": round(time.perf_counter() - t0, 1)}
    _timed(generator, 1, side, steps)  # warm-up: kernels, allocator
    for batch in (1, 4, 16):
        try:
            times = [_timed(generator, batch, side, steps) for _ in range(rounds)]
        except Exception as exc:  # noqa: BLE001 - out of memory at batch 16 is a figure too
            figures[f"batch_{batch}"] = {"error": str(exc).splitlines()[0][:200]}
            if device == "cuda":
                torch.cuda.empty_cache()
            continue
        seconds = statistics.median(times)
        figures[f"batch_{batch}"] = {
            "seconds": round(seconds, 3),
            "images_per_s": round(batch / seconds, 2),
        }
    figures["four_images_s"] = figures["batch_4"].get("seconds")
    if "images_per_s" in figures["batch_1"] and "images_per_s" in figures["batch_4"]:
        one = figures["batch_1"]["images_per_s"]
        figures["batch_4_over_batch_1"] = round(figures["batch_4"]["images_per_s"] / one, 2)
    if device == "cuda":
        figures["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
        del generator
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    return figures


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--steps", type=int, default=4, help="denoising steps (turbo models: 1-4)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated")
    p.add_argument("--size", choices=["full", "tiny"], default="full", help="tiny: a dry run")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda", help="cpu: a dry run")
    p.add_argument("--json", help="write the figures here too")
    args = p.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("needs a CUDA GPU (and a CUDA build of torch); nothing measured")
    report = {
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu",
        "torch": torch.__version__,
        "dtype": "float16" if args.device == "cuda" else "float32",
        "size": args.size,
        **{
            name: _shape(name, args.steps, args.rounds, args.size, args.device)
            for name in args.shapes.split(",")
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
