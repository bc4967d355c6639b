"""Calibration inputs for the int8 copies of the redaction models (``models/int8.py``).

Drawn, not downloaded: frames like the edge sees (a table with objects, a
payment card, a sheet of printed lines) and single printed lines as the
recogniser is given them, dark on light and light on dark. Quantisation only
needs the range of each activation, which these span; the benchmark checks
that recall is unchanged on its own scenes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from edge.redaction.faces import CenterFaceDetector
from edge.redaction.faces.centerface import INPUT as FACE_INPUT
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from models.registry import Role
from scenes.objects import draw_card, table_with_objects

FONTS = (
    cv2.FONT_HERSHEY_SIMPLEX,
    cv2.FONT_HERSHEY_DUPLEX,
    cv2.FONT_HERSHEY_COMPLEX,
    cv2.FONT_HERSHEY_PLAIN,
)
WORDS = ("ORDER", "Total", "VALID THRU", "Invoice", "Tel", "name@example.org", "EUR", "Ref")


def _texts(rng: np.random.Generator, count: int) -> list[str]:
    out = []
    for _ in range(count):
        digits = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(4, 17))))
        out.append(f"{WORDS[int(rng.integers(0, len(WORDS)))]} {digits}")
    return out


def frames(count: int = 10, width: int = 1280, height: int = 720) -> list[np.ndarray]:
    """BGR frames: a table, objects, a card and a sheet of printed lines."""
    out = []
    for k in range(count):
        rng = np.random.default_rng(k)
        frame = table_with_objects(k, k + 100, width, height, 6, 90)
        card_w = int(rng.integers(120, 600))
        x = int(rng.integers(0, width - card_w))
        y = int(rng.integers(0, height - int(card_w / 1.586)))
        number = "".join(str(d) for d in rng.integers(0, 10, 16))
        draw_card(frame, x, y, card_w, number, tuple(int(c) for c in rng.integers(0, 255, 3)))
        top = int(rng.integers(0, height - 200))
        cv2.rectangle(frame, (20, top), (420, top + 180), (235, 235, 230), -1)
        for row, text in enumerate(_texts(rng, 5)):
            font, scale = FONTS[row % len(FONTS)], float(rng.uniform(0.5, 0.9))
            org = (30, top + 30 + 32 * row)
            cv2.putText(frame, text, org, font, scale, (20, 20, 20), 1, cv2.LINE_AA)
        out.append(frame)
    return out


def lines(count: int = 48) -> list[np.ndarray]:
    """Crops of single printed lines."""
    rng = np.random.default_rng(7)
    out = []
    for k, text in enumerate(_texts(rng, count)):
        font, scale = FONTS[k % len(FONTS)], float(rng.uniform(0.8, 1.6))
        (tw, th), base = cv2.getTextSize(text, font, scale, 2)
        ink, paper = ((20, 20, 20), (235, 235, 230)) if k % 2 else ((240, 240, 240), (90, 40, 20))
        crop = np.full((th + base + 12, tw + 12, 3), paper, np.uint8)
        cv2.putText(crop, text, (6, th + 6), font, scale, ink, 2, cv2.LINE_AA)
        out.append(crop)
    return out


def inputs(role: Role, face_width: int) -> tuple[Callable[[], Iterator[np.ndarray]], str]:
    """For ``role``: a generator of calibration tensors, and the model's input name."""
    if role is Role.FACE:
        return lambda: (CenterFaceDetector.tensor(f, face_width) for f in frames()), FACE_INPUT
    if role is Role.OCR_DET:
        return lambda: (TextDetector.tensor(f, s) for f in frames() for s in (640, 1280)), "x"
    if role is Role.OCR_REC:
        return lambda: (TextRecognizer.tensor([line]) for line in lines()), "x"
    raise ValueError(f"no int8 calibration for {role}")
