"""Consecutive frames of one camera: reuse the last check while the view only pans.

A full check (every detector on the whole frame) is what :meth:`Redactor.redact`
does for one image. Between full checks of a slowly changing view, a frame is
compared with the last checked one (the *reference*):

1. the camera's shift is estimated by phase correlation on small grey images;
2. the reference, moved by that shift, is compared cell by cell with the frame;
   if any cell changed (something moved in the view, a card was brought in), or
   the shift could not be estimated, the frame is fully checked;
3. otherwise the reference's detections are moved by the shift (and grown a
   little) and reused, and the strip that came into view since the reference,
   which nothing has checked, is masked until it is checked;
4. once that strip is wider than ``max_exposed_px``, the frame gets a partial
   check: the text detector looks only at what touches the strip, each line
   of text whole (a number that crosses into the strip is read from end to
   end), faces are looked for in the whole frame (one may be as large as it),
   and the reference's detections are moved; the frame becomes the reference;
5. every ``full_every`` frames a full check is made in any case.

Faces are held: a face that a check misses is still masked for ``face_hold``
more frames (a face the model misses for a frame or two).
State belongs to one stream; unrelated images go through ``Redactor.redact``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

from core.frames import Box, Label, RawImage, RedactedImage
from edge.redaction import motion
from edge.redaction.detection import Detection

if TYPE_CHECKING:
    from edge.redaction.redactor import Redactor


@dataclass(frozen=True)
class StreamTuning:
    """When a stream reuses its last check. Set with the stream (f5ee271; no
    sweep recorded) unless said."""

    # frames are compared grey, this many px wide
    small_width: int = 320
    # a phase-correlation peak under ``min_response`` is no clear shift
    min_response: float = 0.2
    # the moved reference and the frame differ nowhere by more than
    # ``max_cell_diff`` grey levels, averaged over ``cell`` px squares (small
    # px), ``margin`` px in from the reference's edge; else a full check
    cell: int = 16
    max_cell_diff: float = 10.0
    margin: int = 2
    # a shift under ``min_shift`` small px brings nothing into view
    min_shift: float = 0.5
    # once the strip that came into view is wider than ``max_exposed_px`` (frame
    # px), the frame gets a partial check (a04a2f4: 90-125 ms against 400-600 ms
    # for a full check; video mean 29.6 -> 24-26 ms)
    max_exposed_px: float = 32.0
    # reused detections, and the strips masked or checked, grow by ``grow_px``
    # (the shift's error)
    grow_px: float = 4.0
    # a held face and a fresh one overlapping by ``face_overlap`` of the smaller
    # are one face; an old finding ``merge_overlap`` under a new one of its
    # label is the same one, read again (3660db9: one finding, not six, for a
    # receipt panned over)
    face_overlap: float = 0.3
    merge_overlap: float = 0.5


STREAM = StreamTuning()


@dataclass
class _Held:
    detection: Detection  # in the coordinates of the camera at offset (0, 0)
    misses: int = 0  # frames since a check last saw it


class RedactionStream:
    """``redact(raw)`` for the frames of one camera, in order."""

    def __init__(
        self,
        redactor: Redactor,
        full_every: int | None = None,
        face_hold: int | None = None,
        tuning: StreamTuning = STREAM,
    ) -> None:
        """``full_every`` and ``face_hold``: the redactor's policy unless given."""
        policy = redactor.policy
        self.redactor, self.tuning = redactor, tuning
        self.full_every = int(policy.stream_full_every if full_every is None else full_every)
        self.face_hold = int(policy.face_hold_frames if face_hold is None else face_hold)
        self.grow_px = tuning.grow_px
        self._ref: np.ndarray | None = None  # small grey reference frame
        self._ref_key: tuple[int, int, int, int] | None = None  # the region it was cut from
        self._camera = np.zeros(2, np.float32)  # content offset of the reference frame
        self._text: list[Detection] = []  # the reference's non-face detections (its coordinates)
        self._faces: list[_Held] = []
        self._since_full = 0
        self.full_checks = self.partial_checks = 0

    def redact(self, raw: RawImage, focus: Box | None = None) -> RedactedImage:
        try:
            region, pixels = self.redactor.crop(raw, focus)
            start = self.redactor.clock.monotonic()
            small = motion.small_grey(pixels, self.tuning.small_width)
            key = (region.x, region.y, region.w, region.h)
            shift = None  # the content's shift since the reference, small-image px
            if self._ref is not None and key == self._ref_key:
                shift = motion.phase_shift(self._ref, small, self.tuning.min_response)
            scale = region.w / self.tuning.small_width
            if shift is None or not self._unchanged(small, shift):
                detections, timings = self._full_check(pixels, small, key, shift, scale)
            elif float(np.abs(shift * scale).max()) <= self.tuning.max_exposed_px:
                detections, timings = self._reuse(pixels, shift * scale, start)
            else:
                detections, timings = self._partial_check(pixels, small, shift * scale)
            return self.redactor.render(raw, region, pixels, detections, timings, start)
        except Exception as exc:  # noqa: BLE001 - fail closed on anything
            self._ref = None  # the next frame is checked afresh
            return self.redactor.failed(raw, exc)

    # --- the change test ----------------------------------------------------------------

    def _unchanged(self, small: np.ndarray, shift: np.ndarray) -> bool:
        """Whether the frame is the reference moved by ``shift`` and nothing else
        (and a full check is not due)."""
        if self._since_full + 1 >= self.full_every:
            return False
        moved = cv2.warpAffine(
            self._ref,
            np.float32([[1, 0, shift[0]], [0, 1, shift[1]]]),
            (small.shape[1], small.shape[0]),
            borderMode=cv2.BORDER_REPLICATE,
        )
        t = self.tuning
        x0, y0, x1, y1 = motion.unexposed(shift, small.shape, margin=t.margin)
        inner = cv2.absdiff(moved, small)[y0:y1, x0:x1]
        if inner.size == 0:
            return False
        h, w = inner.shape
        cells = cv2.resize(
            inner,
            (max(1, w // t.cell), max(1, h // t.cell)),
            interpolation=cv2.INTER_AREA,
        )
        return float(cells.max()) <= t.max_cell_diff

    # --- full check and reuse ------------------------------------------------------------

    def _full_check(
        self,
        pixels: np.ndarray,
        small: np.ndarray,
        key: tuple,
        shift: np.ndarray | None,
        scale: float,
    ) -> tuple[list[Detection], dict[str, float]]:
        detections, timings = self.redactor.find(pixels)
        if shift is not None:
            self._camera = self._camera + shift * scale
        faces = [d for d in detections if d.label == Label.FACE]
        self._text = [d for d in detections if d.label != Label.FACE]
        self._hold_faces(faces)
        self._ref, self._ref_key, self._since_full = small, key, 0
        self.full_checks += 1
        return self._text + self._held_faces(self._camera), timings

    def _partial_check(
        self, pixels: np.ndarray, small: np.ndarray, shift: np.ndarray
    ) -> tuple[list[Detection], dict[str, float]]:
        """The strip that came into view is wider than ``max_exposed_px``: check
        what touches it, each line of text whole, and faces in the whole frame;
        what the reference found elsewhere is moved."""
        height, width = pixels.shape[:2]
        windows = motion.windows(shift, width, height, self.grow_px, self.tuning.min_shift)
        detections, timings = self.redactor.find(pixels, windows)
        self._since_full += 1
        self._camera = self._camera + shift
        old = [replace(d, polygon=d.polygon + shift) for d in self._text]
        old = [d for d in old if motion.in_view(d.polygon, width, height)]
        fresh = [d for d in detections if d.label != Label.FACE]
        old, new = motion.merged(old, fresh, self.tuning.merge_overlap)
        self._text = old + new
        self._hold_faces([d for d in detections if d.label == Label.FACE])
        self._ref = small
        self.partial_checks += 1
        reused = [self._reused(d) for d in old]
        return reused + new + self._held_faces(self._camera), timings

    def _reuse(
        self, pixels: np.ndarray, shift: np.ndarray, start: float
    ) -> tuple[list[Detection], dict[str, float]]:
        self._since_full += 1
        height, width = pixels.shape[:2]
        moved = [self._reused(replace(d, polygon=d.polygon + shift)) for d in self._text]
        # a face the last check missed was missed here too (nothing changed): it ages
        self._faces = [
            _Held(h.detection, h.misses + 1) if h.misses else h
            for h in self._faces
            if h.misses < self.face_hold
        ]
        moved += self._held_faces(self._camera + shift)
        moved += motion.exposed_strips(shift, width, height, self.grow_px, self.tuning.min_shift)
        return moved, {"reuse": (self.redactor.clock.monotonic() - start) * 1e3}

    def _reused(self, d: Detection) -> Detection:
        """A detection sent again: grown a little (the shift's error), marked reused."""
        polygon = motion.grow(d.polygon, self.grow_px)
        signals = d.signals if "reused" in d.signals else (*d.signals, "reused")
        return replace(d, polygon=polygon, signals=signals)

    # --- faces ----------------------------------------------------------------------------

    def _hold_faces(self, found: list[Detection]) -> None:
        """Keep each face seen; one not seen again stays for ``face_hold`` frames."""
        fresh = [_Held(replace(d, polygon=d.polygon - self._camera)) for d in found]
        for old in self._faces:
            if old.misses >= self.face_hold:
                continue
            polygon, same = old.detection.polygon, self.tuning.face_overlap
            if any(motion.overlap(polygon, f.detection.polygon) > same for f in fresh):
                continue
            fresh.append(_Held(old.detection, old.misses + 1))
        self._faces = fresh

    def _held_faces(self, camera: np.ndarray) -> list[Detection]:
        out = []
        for h in self._faces:
            d = replace(h.detection, polygon=h.detection.polygon + camera)
            if h.misses:
                d = replace(d, signals=(*d.signals, "held"))
            out.append(d)
        return out
