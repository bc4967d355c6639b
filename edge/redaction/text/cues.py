"""Glyph cues: what a region's gradients say about the text in it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CueTuning:
    """What the gradients must show."""

    # a region taller than wide runs top to bottom when its vertical gradients
    # are ``vertical`` times its horizontal ones (cae0297; no sweep recorded)
    vertical: float = 1.15
    # a line's tile has quiet margins when the mean gradient of its middle
    # rows is ``quiet`` times that of its outer ``1 / margin_rows`` of rows
    # (bc32c4f: benchmark leaks 1089, 1105, 1213 fixed)
    quiet: float = 1.8
    margin_rows: int = 5


CUES = CueTuning()


def sobel(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical gradient magnitude (3x3 Sobel) of ``gray``, per pixel."""
    return (
        np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)),
        np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)),
    )


def gradients(gray: np.ndarray) -> tuple[float, float]:
    """Total horizontal and vertical gradient magnitude of ``gray``."""
    gx, gy = sobel(gray)
    return float(gx.sum()), float(gy.sum())


def runs_vertically(gray: np.ndarray, tuning: CueTuning = CUES) -> bool:
    """Whether the text in ``gray`` runs top-to-bottom: upright Latin text has mostly
    vertical strokes (horizontal gradients); text turned a quarter turn the opposite.

    Only a region taller than wide is a candidate: a line runs along its region,
    and on a wide one the gradients of the surroundings (gravel, a card's edges)
    would turn level or slanted text to nearly vertical, which the detector misses.
    """
    height, width = gray.shape[:2]
    if height <= width:
        return False
    gx, gy = gradients(gray)
    return bool(gy > tuning.vertical * gx)


def glyph_strokes(level: np.ndarray) -> float:
    """How much a region turned level (its line running across) has strokes
    across the line as well as along it: its horizontal gradients over its
    vertical ones. Glyphs give 0.8 and more on benchmark numbers; a lone edge
    or streak (a stone's, the wood grain's) far less."""
    gx, gy = gradients(cv2.cvtColor(level, cv2.COLOR_BGR2GRAY))
    return gx / gy if gy > 0 else float("inf")


def quiet_margins(level: np.ndarray, tuning: CueTuning = CUES) -> bool:
    """Whether a tile cut along a line (turned level) is busy in its middle and
    quiet above and below it, as a line of text on a card or paper is; a streak
    in gravel or grass has texture all round it. Compared: the mean gradient of
    the middle fifth of the rows and of the outer fifths."""
    gx, gy = sobel(cv2.cvtColor(level, cv2.COLOR_BGR2GRAY))
    rows = (gx + gy).mean(axis=1)
    edge = max(1, len(rows) // tuning.margin_rows)
    middle = rows[2 * edge : len(rows) - 2 * edge]
    if not len(middle):
        return False
    return float(middle.mean()) >= tuning.quiet * max(
        float(rows[:edge].mean() + rows[-edge:].mean()) / 2, 1e-3
    )


def ink(crop: np.ndarray) -> float:
    """Mean horizontal-gradient energy of an upright crop (glyph strokes)."""
    return float(sobel(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY))[0].mean())
