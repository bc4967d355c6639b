"""The redactor: detectors find, operators fill, the result is re-encoded.

Fails closed: a detector error or a time-budget overrun never lets the frame
through as captured. Depending on ``on_failure`` the frame is withheld
(:class:`RedactionError`) or sent fully masked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from core.clock import SYSTEM_CLOCK, Clock
from core.errors import RedactionError
from core.frames import _REDACTION_MINT, Box, Finding, RawImage, RedactedImage, RedactionReport
from core.geometry import Rect
from edge.redaction.detection import Detection, Detector

if TYPE_CHECKING:
    from edge.redaction.stream import RedactionStream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RedactionPolicy:
    """How the redactor transforms and minimises a frame."""

    max_side: int = 1280  # downscale so the longer side is at most this (minimisation)
    crop: Literal["none", "centre"] = "none"  # minimisation: send only the focus region
    crop_fraction: float = 0.6  # the focus region's side, as a fraction of the frame's
    jpeg_quality: int = 85
    time_budget_ms: float = 2000.0
    on_failure: Literal["withhold", "mask"] = "withhold"
    fill_bgr: tuple[int, int, int] = (0, 0, 0)  # solid fill: never blur or pixelate
    stream_full_every: int = 30  # a stream checks every detector at least this often
    face_hold_frames: int = 3  # a stream keeps a missed face this many frames


def encode_jpeg(bgr: np.ndarray, quality: int) -> bytes:
    """JPEG re-encoded from pixels: no EXIF, GPS, thumbnails or trailing bytes."""
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RedactionError("JPEG encoding of the redacted frame failed")
    return buf.tobytes()


def fill_polygons(
    bgr: np.ndarray, detections: Sequence[Detection], colour: tuple[int, int, int]
) -> np.ndarray:
    """Solid-fill every detection's polygon (irreversible, unlike blur). A polygon
    that is not finite would fill nothing: it is refused, and the frame fails closed."""
    out = bgr.copy()
    for det in detections:
        if not np.isfinite(det.polygon).all():
            raise RedactionError(f"the {det.detector} detector gave a polygon that is not finite")
        cv2.fillPoly(out, [np.round(det.polygon).astype(np.int32)], colour)
    return out


def _box(polygon: np.ndarray, scale: float, width: int, height: int) -> Box:
    x0, y0 = np.floor(polygon.min(axis=0) * scale).astype(int)
    x1, y1 = np.ceil(polygon.max(axis=0) * scale).astype(int)
    x0, y0 = max(int(x0), 0), max(int(y0), 0)
    x1, y1 = min(int(x1), width), min(int(y1), height)
    return Box(x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))


def focus_region(width: int, height: int, policy: RedactionPolicy, focus: Box | None = None) -> Box:
    """The part of the frame to send: the caller's focus (gaze) box, the centre, or all."""
    if focus is None and policy.crop == "none":
        return Box(0, 0, width, height)
    if focus is None:
        fw, fh = round(width * policy.crop_fraction), round(height * policy.crop_fraction)
        focus = Box((width - fw) // 2, (height - fh) // 2, fw, fh)
    x0, y0 = min(max(focus.x, 0), width - 1), min(max(focus.y, 0), height - 1)
    x1, y1 = min(focus.x + focus.w, width), min(focus.y + focus.h, height)
    return Box(x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))


class Redactor:
    """``redact(raw) -> RedactedImage``: the only way a frame becomes uploadable.

    Order: crop to the focus region (pixels outside are never sent, so never
    scanned), detect on the crop at full resolution, fill, downscale, re-encode.
    """

    def __init__(
        self,
        detectors: Sequence[Detector],
        policy: RedactionPolicy | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ):
        self.detectors = list(detectors)
        self.policy = policy or RedactionPolicy()
        self.clock = clock
        # threads start on first use
        self._pool = ThreadPoolExecutor(max(len(self.detectors), 1), thread_name_prefix="detect")

    def find(
        self, bgr: np.ndarray, windows: list[Rect] | None = None
    ) -> tuple[list[Detection], dict[str, float]]:
        """Every detection in ``bgr`` (with ``windows``, at least every one that
        touches them) and each detector's time, within the budget.

        The detectors run side by side: their runtimes use two cores poorly one
        at a time (single-threaded steps, small convolutions), so the faces come
        almost free while the text is read. Any detector's error is raised.
        """
        start = self.clock.monotonic()
        given_up = threading.Event()

        def timed(detector: Detector) -> tuple[list[Detection], float]:
            if given_up.is_set():  # the frame was already withheld: skip stale work
                return [], 0.0
            t0 = self.clock.monotonic()
            found = detector.detect(bgr, windows)
            return found, (self.clock.monotonic() - t0) * 1e3

        futures = [self._pool.submit(timed, d) for d in self.detectors]
        timings: dict[str, float] = {}
        detections: list[Detection] = []
        for detector, future in zip(self.detectors, futures, strict=True):
            left = self.policy.time_budget_ms - (self.clock.monotonic() - start) * 1e3
            try:
                found, ms = future.result(timeout=max(left, 0.0) / 1e3)
            except FutureTimeout:
                # What has not started never will; what runs finishes this one
                # frame's work. Later frames then wait for no more than that,
                # instead of behind a queue of withheld frames' detections.
                given_up.set()
                for other in futures:
                    other.cancel()
                raise RedactionError(
                    f"redaction overran its budget ({self.policy.time_budget_ms:.0f} ms); "
                    "frame withheld"
                ) from None
            detections.extend(found)
            timings[detector.name] = ms
        return detections, timings

    def redact(self, raw: RawImage, focus: Box | None = None) -> RedactedImage:
        """One frame on its own: everything is detected afresh (no state kept)."""
        try:
            region, pixels = self.crop(raw, focus)
            start = self.clock.monotonic()
            detections, timings = self.find(pixels)
            return self.render(raw, region, pixels, detections, timings, start)
        except Exception as exc:  # noqa: BLE001 - fail closed on anything
            return self.failed(raw, exc)

    def stream(self) -> RedactionStream:
        """A stateful redactor for consecutive frames of one camera (reuse, face hold)."""
        from edge.redaction.stream import RedactionStream

        return RedactionStream(self)

    def failed(self, raw: RawImage, exc: Exception) -> RedactedImage:
        """Fail closed: withhold the frame (raise) or send it fully masked, per policy."""
        log.warning("redaction failed for frame seq=%d: %s", raw.seq, type(exc).__name__)
        if self.policy.on_failure == "mask":
            return self._fully_masked(raw, reason=type(exc).__name__)
        if isinstance(exc, RedactionError):
            raise exc
        raise RedactionError(
            f"redaction of frame {raw.seq} failed ({type(exc).__name__}); frame withheld"
        ) from exc

    def crop(self, raw: RawImage, focus: Box | None) -> tuple[Box, np.ndarray]:
        """The region to send and its pixels (checked to be 8-bit BGR)."""
        if raw.pixels.ndim != 3 or raw.pixels.shape[2] != 3 or raw.pixels.dtype != np.uint8:
            raise RedactionError(
                f"frame {raw.seq} is not an 8-bit BGR image (shape {raw.pixels.shape}, "
                f"dtype {raw.pixels.dtype}); convert it before redaction"
            )
        region = focus_region(raw.width, raw.height, self.policy, focus)
        return region, raw.pixels[region.y : region.y + region.h, region.x : region.x + region.w]

    def render(
        self,
        raw: RawImage,
        region: Box,
        pixels: np.ndarray,
        detections: Sequence[Detection],
        timings: dict[str, float],
        start: float,
    ) -> RedactedImage:
        """Fill, downscale, re-encode, and report."""
        t0 = self.clock.monotonic()
        filled = fill_polygons(pixels, detections, self.policy.fill_bgr)
        scale = min(1.0, self.policy.max_side / max(region.w, region.h))
        if scale < 1.0:
            size = (round(region.w * scale), round(region.h * scale))
            filled = cv2.resize(filled, size, interpolation=cv2.INTER_AREA)
        jpeg = encode_jpeg(filled, self.policy.jpeg_quality)
        timings["fill_encode"] = (self.clock.monotonic() - t0) * 1e3
        timings["total"] = (self.clock.monotonic() - start) * 1e3
        height, width = filled.shape[:2]
        findings = tuple(
            Finding(
                d.label, _box(d.polygon, scale, width, height), d.confidence, d.signals, d.detector
            )
            for d in detections
        )
        report = RedactionReport(
            findings=findings,
            timings_ms=timings,
            sent_pixel_fraction=(width * height) / (raw.width * raw.height),
            detector_versions={d.name: d.version for d in self.detectors},
            view_fraction=(region.w * region.h) / (raw.width * raw.height),
        )
        return RedactedImage(
            raw.seq, jpeg, width, height, raw.captured_at, report, mint=_REDACTION_MINT
        )

    def _fully_masked(self, raw: RawImage, reason: str) -> RedactedImage:
        scale = min(1.0, self.policy.max_side / max(raw.width, raw.height, 1))
        width, height = max(round(raw.width * scale), 1), max(round(raw.height * scale), 1)
        blank = np.zeros((height, width, 3), np.uint8)
        report = RedactionReport(
            findings=(),
            timings_ms={},
            sent_pixel_fraction=0.0,
            fully_masked=True,
            view_fraction=0.0,
            detector_versions={"fail_closed": reason},
        )
        return RedactedImage(
            raw.seq,
            encode_jpeg(blank, self.policy.jpeg_quality),
            width,
            height,
            raw.captured_at,
            report,
            mint=_REDACTION_MINT,
        )
