"""Detectors find what must not leave the device; they never change pixels.

A detector returns :class:`Detection`s (a polygon to cover plus what the
report may say about it); operators in ``redactor.py`` apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from edge.frames import Label
from edge.redaction.cards import find_digit_runs
from edge.redaction.ocr import TextLine


@dataclass(frozen=True, eq=False)
class Detection:
    """Where something sensitive is (a polygon) and what kind it is."""

    label: Label
    polygon: np.ndarray  # (N, 2) float32, image coordinates
    confidence: float
    signals: tuple[str, ...]
    detector: str


class Detector(Protocol):
    name: str
    version: str

    def detect(self, bgr: np.ndarray) -> list[Detection]: ...


class TextReader(Protocol):
    version: str

    def read(self, bgr: np.ndarray) -> list[TextLine]: ...


def span_polygon(
    quad: np.ndarray, text_len: int, start: int, end: int, pad_chars: float = 0.6
) -> np.ndarray:
    """The part of a text line's quad that holds characters ``start:end``.

    Characters are assumed evenly spaced along the line (true for card
    numbers); the span is widened by ``pad_chars`` characters on each side and
    a little vertically so the fill covers glyph edges.
    """
    tl, tr, br, bl = (quad[k].astype(np.float32) for k in range(4))
    n = max(text_len, 1)
    a = max(0.0, (start - pad_chars) / n)
    b = min(1.0, (end + pad_chars) / n)
    top_a, top_b = tl + (tr - tl) * a, tl + (tr - tl) * b
    bot_a, bot_b = bl + (br - bl) * a, bl + (br - bl) * b
    grow = 0.15 * (bot_a - top_a)  # 15 % of the line height up and down
    return np.stack([top_a - grow, top_b - grow, bot_b + grow, bot_a + grow])


class OcrCardNumberDetector:
    """Every run of 12+ digits on an OCR'd line is a card-number detection."""

    name = "ocr_card_number"

    def __init__(self, reader: TextReader, min_digits: int = 12) -> None:
        self.reader = reader
        self.min_digits = min_digits
        self.version = f"{self.name}/1+{reader.version}"

    def detect(self, bgr: np.ndarray) -> list[Detection]:
        found = []
        for line in self.reader.read(bgr):
            for run in find_digit_runs(line.text, self.min_digits):
                signals = run.signals
                confidence = 0.6 + 0.2 * ("luhn" in signals) + 0.1 * ("issuer_range" in signals)
                found.append(
                    Detection(
                        Label.CARD_NUMBER,
                        span_polygon(line.quad, len(line.text), run.start, run.end),
                        round(min(confidence * line.score, 1.0), 3),
                        signals,
                        self.version,
                    )
                )
        return found
