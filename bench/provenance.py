"""What Content Credentials cost per Imagine output: mark, encode, sign, verify.

    python -m bench.provenance [--size 1280] [--repeats 15]

For a size x size picture (gradients with sensor-like noise: it compresses
about as badly as a generated image, so PNG sizes are realistic or larger):
the visible mark, then for PNG (zlib levels 1 and 6) and JPEG (quality 92)
the encode (PIL, the baseline measured in the same run), the signing
(``ProvenanceSigner.sign``, for a generated image and for a riff on our own
signed image) and the verification (``read_manifest``). Medians in ms, with
the machine they ran on. The server's overhead budget for safety, watermark,
manifest, encode and stream together is 250 ms per image.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import c2pa
import numpy as np
from PIL import Image

from server.imagine.provenance import (
    Ingredient,
    ProvenanceConfig,
    ProvenanceSigner,
    draw_visible_mark,
    ensure_signing_certificates,
    read_manifest,
)
from tests.support.pictures import generated_like

ENCODINGS = {
    "PNG level 1": ("image/png", {"format": "PNG", "compress_level": 1}),
    "PNG level 6": ("image/png", {"format": "PNG", "compress_level": 6}),
    "JPEG q92": ("image/jpeg", {"format": "JPEG", "quality": 92}),
}


def median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up: first calls load fonts and the native library's state
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def row(signer: ProvenanceSigner, rgb: np.ndarray, fmt: str, options: dict, repeats: int) -> str:
    """Bytes, then encode, sign, riff-sign and verify medians (ms), for one encoding."""
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, **options)
    image = out.getvalue()
    signed = signer.sign(image, fmt, kind="generated", watermark_id="00c0ffee")
    assert read_manifest(signed, fmt).valid
    parent = Ingredient("parent", signed, fmt)
    encode = partial(lambda: Image.fromarray(rgb).save(io.BytesIO(), **options))
    sign = partial(signer.sign, image, fmt, kind="generated", watermark_id="00c0ffee")
    riff = partial(signer.sign, image, fmt, kind="riff", watermark_id="ab", parent=parent)
    verify = partial(read_manifest, signed, fmt)
    times = [median_ms(run, repeats) for run in (encode, sign, riff, verify)]
    return f"{len(image):>9} " + " ".join(f"{t:>7.1f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1280)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, c2pa-python {c2pa.__version__} "
        f"(c2pa-rs {c2pa.sdk_version()})"
    )
    rgb = generated_like(args.size)
    mark_ms = median_ms(partial(draw_visible_mark, rgb), args.repeats)
    print(f"visible mark on {args.size}x{args.size}: {mark_ms:.2f} ms")
    with tempfile.TemporaryDirectory() as folder:
        certificates = ensure_signing_certificates(Path(folder), "bench")
        signer = ProvenanceSigner(certificates, ProvenanceConfig(), "glasses-runtime", "bench")
        print(f"{'':12} {'bytes':>9} {'encode':>7} {'sign':>7} {'riff':>7} {'verify':>7}  (ms)")
        for name, (fmt, options) in ENCODINGS.items():
            print(f"{name:12} {row(signer, rgb, fmt, options, args.repeats)}")
        signer.close()


if __name__ == "__main__":
    main()
