"""The face detector: two face models' boxes, unioned and grown to the whole head."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.frames import Label
from core.geometry import Rect
from edge.redaction.detection import Detection
from edge.redaction.faces.boxes import FaceBox, merged


class FaceModel(Protocol):
    """A face model: ``detect(bgr)`` gives its boxes in frame pixels."""

    version: str

    def detect(self, bgr: np.ndarray) -> list[FaceBox]: ...


@dataclass(frozen=True)
class FaceTuning:
    """How the face models' boxes become masks. Measured on faces pasted from
    real photographs (docs/REDACTION.md, the face stage) unless said."""

    # boxes of two models overlapping by more than this share of the smaller
    # are one face, masked by their envelope
    same_face: float = 0.3
    # boxes lower than this (frame pixels) are dropped: the faces promised
    # start at 24 px high (dlib's box), which YuNet at 2x boxes at 20 px and
    # up, while the 8s, 9s and 0s of 7-segment screens drew its boxes of
    # 11-18 px (seeded family, 4 of 6 boxes found on no face)
    smallest: float = 20.0
    # A model's box runs from the forehead to the chin, cheek to cheek; the
    # head is more: hair above, ears and hair at the sides, the chin's edge
    # below, and a rotated head reaches out of the box at its corners. Grown by
    # these shares of the box's height (up, down) and width (each side), 98 %
    # of 456 pasted frontal heads of 32 px and up were covered whole with side
    # 0.4 and all with 0.5; before, a margin of 0.2 each way covered 1 %
    # (the hair). A profile's back of the head needs a side of up to 1.3: left
    # for a growth towards the side the face looks away from.
    up: float = 0.6
    down: float = 0.2
    side: float = 0.5


FACES = FaceTuning()


class FaceDetector:
    """Faces found by any of ``models``, each masked to the whole head. Stateless:
    a stream holds boxes across frames (``stream.py``)."""

    name = "face"

    def __init__(self, models: Sequence[FaceModel], tuning: FaceTuning = FACES) -> None:
        if not models:
            raise ValueError("the face detector needs at least one face model")
        self.models, self.tuning = list(models), tuning
        t = tuning
        head = f"head(up{t.up:g},down{t.down:g},side{t.side:g},min{t.smallest:g})"
        self.version = "+".join(m.version for m in self.models) + f"|{head}"

    def boxes(self, bgr: np.ndarray) -> list[FaceBox]:
        """Every model's boxes, one per face (two models' boxes of a face merged)."""
        found = [box for model in self.models for box in model.detect(bgr)]
        kept = [box for box in found if box.height >= self.tuning.smallest]
        return merged(kept, self.tuning.same_face)

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        """Faces in the whole frame, whatever the windows: one may be as large as it."""
        h, w = bgr.shape[:2]
        return [self._det(b, w, h) for b in self.boxes(bgr)]

    def head(self, b: FaceBox, w: int, h: int) -> tuple[float, float, float, float]:
        """The face box grown to the whole head, inside the ``w`` x ``h`` frame."""
        t = self.tuning
        x0 = max(b.x0 - t.side * b.width, 0.0)
        x1 = min(b.x1 + t.side * b.width, float(w))
        y0 = max(b.y0 - t.up * b.height, 0.0)
        y1 = min(b.y1 + t.down * b.height, float(h))
        return x0, y0, x1, y1

    def _det(self, b: FaceBox, w: int, h: int) -> Detection:
        x0, y0, x1, y1 = self.head(b, w, h)
        poly = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        signals = tuple(b.model.split("+")) if b.model else ()
        return Detection(Label.FACE, poly, round(b.score, 3), signals, self.version)
