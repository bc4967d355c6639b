"""What the detectors report: where something sensitive is, and the detector port.

A detector never changes pixels; ``redactor.py`` fills what they find.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.frames import Label
from core.geometry import Rect


@dataclass(frozen=True, eq=False)
class Detection:
    """Where something sensitive is (a polygon) and what kind it is."""

    label: Label
    polygon: np.ndarray  # (N, 2) float32, image coordinates
    confidence: float
    signals: tuple[str, ...]
    detector: str


class Detector(Protocol):
    """Finds one family of sensitive things in a frame (text, faces)."""

    name: str
    version: str

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        """What is in ``bgr``; with ``windows``, at least everything that touches them."""
        ...
