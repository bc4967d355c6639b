"""What every generated image goes through before it may leave the server.

``Finisher.finish`` takes one image straight from the diffusion model and
returns either a notice (the output classifier withheld it: its pixels are
dropped here, never encoded, stored or sent) or the finished file: visible
mark → invisible watermark (a fresh random serial per image, under this
deployment's generator id) → PNG/JPEG → signed C2PA manifest naming the
watermark as its soft binding.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from server.imagine.config import FORMATS, ImagineConfig
from server.imagine.provenance import Ingredient, ProvenanceSigner, draw_visible_mark
from server.imagine.safety.images import ImageClassifier
from server.imagine.watermark import Watermarker, WatermarkPayload

SERIAL_BITS = 48  # the random part of a watermark payload (the rest: the generator id)
WITHHELD_NOTICE = "This image was withheld by the safety check and was not kept."


@dataclass(frozen=True, eq=False)
class Finished:
    """One output: the signed file, or (``blocked``) only a notice."""

    index: int
    data: bytes  # empty when blocked
    width: int
    height: int
    media_type: str
    watermark_id: str = ""
    blocked: bool = False
    notice: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        state = "withheld" if self.blocked else f"{len(self.data)}B {self.watermark_id}"
        return f"Finished(#{self.index} {self.width}x{self.height} {state})"


class Finisher:
    """Safety check, marks, encoding and signature of each output (thread-safe)."""

    def __init__(
        self,
        config: ImagineConfig,
        classifier: ImageClassifier,
        watermarker: Watermarker,
        signer: ProvenanceSigner | None,
        model_id: str,
    ) -> None:
        self.config = config
        self.classifier = classifier
        self.watermarker = watermarker
        self.signer = signer
        self.model_id = model_id

    def finish(
        self,
        index: int,
        rgb: np.ndarray,
        fmt: str,
        kind: Literal["generated", "riff"],
        parent: Ingredient | None = None,
    ) -> Finished:
        height, width = rgb.shape[:2]
        media_type = FORMATS[fmt]
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        verdict = self.classifier.check(rgb)
        timings["safety_ms"] = _ms(t0)
        if not verdict.allowed:
            return Finished(
                index, b"", width, height, media_type, "", True, WITHHELD_NOTICE, timings
            )
        t0 = time.perf_counter()
        if self.config.provenance.visible_mark:
            rgb = draw_visible_mark(rgb, self.config.provenance.visible_text)
        payload = WatermarkPayload(self.config.generator_id, secrets.randbits(SERIAL_BITS))
        marked = self.watermarker.embed(rgb, payload)
        timings["watermark_ms"] = _ms(t0)
        t0 = time.perf_counter()
        data = self.encode(marked, fmt)
        timings["encode_ms"] = _ms(t0)
        if self.signer is not None:
            t0 = time.perf_counter()
            data = self.signer.sign(
                data,
                media_type,
                kind=kind,
                watermark_id=payload.hex(),
                parent=parent,
                model_id=self.model_id,
            )
            timings["sign_ms"] = _ms(t0)
        return Finished(index, data, width, height, media_type, payload.hex(), timings_ms=timings)

    def encode(self, rgb: np.ndarray, fmt: str) -> bytes:
        """PNG or JPEG from pixels (OpenCV: no metadata written)."""
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        if fmt == "jpeg":
            params = [cv2.IMWRITE_JPEG_QUALITY, self.config.jpeg_quality]
            ok, buf = cv2.imencode(".jpg", bgr, params)
        else:
            level = self.config.png_compression
            params = [] if level is None else [cv2.IMWRITE_PNG_COMPRESSION, level]
            ok, buf = cv2.imencode(".png", bgr, params)
        if not ok:
            raise ValueError(f"OpenCV could not encode a {rgb.shape} image as {fmt}")
        return buf.tobytes()


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1e3
