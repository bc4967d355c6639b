"""A line of text as the cascade finds and reads it, and the geometry of its quad."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.geometry import quad_size

# A quad this many times as tall as long is a line running down (read a quarter
# turn round, both ways). Set with the cascade (cae0297); no sweep recorded.
TALL = 1.5


@dataclass(frozen=True, eq=False)
class TextLine:
    """One line of text: its quadrilateral (tl, tr, br, bl), text and score."""

    quad: np.ndarray  # shape (4, 2), float32, image coordinates
    text: str
    score: float
    positions: tuple[float, ...] = ()  # each character's centre, as a fraction along the line
    # ink goes on past the line's end where nothing more could be read (a
    # finger over the rest of a number, a blur): how many digits it held is unknown
    runs_on: bool = False

    @property
    def height(self) -> float:
        return float(np.linalg.norm(self.quad[3] - self.quad[0]))

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.quad[1] - self.quad[0]))

    def char_positions(self) -> list[float]:
        """Each character's centre along the line (the recogniser's, else evenly spaced)."""
        n = len(self.text)
        if len(self.positions) == n:
            return list(self.positions)
        return [(i + 0.5) / n for i in range(n)]


def is_tall(quad: np.ndarray) -> bool:
    width, height = quad_size(quad)
    return max(int(round(height)), 1) >= TALL * max(int(round(width)), 1)


def runs_steep(quad: np.ndarray) -> bool:
    """Whether a quad that is not tall still runs more than 45 degrees off level
    from its first corner to its second: a line at 45-90 degrees, longer than
    tall, whose corners by x put its start at the bottom. It reads one way up
    as well as the other."""
    dx, dy = quad[1] - quad[0]
    return abs(float(dy)) > abs(float(dx))


def reading_order(quad: np.ndarray, flipped: bool = False) -> np.ndarray:
    """A detector quad's corners in reading order. A tall quad is read a quarter
    turn round: down its right edge, or up its left edge when ``flipped``; any
    other, from its first corner, or from its third when ``flipped``."""
    if not is_tall(quad):
        return quad[[2, 3, 0, 1]] if flipped else quad
    return quad[[3, 0, 1, 2]] if flipped else quad[[1, 2, 3, 0]]


def crop_line(bgr: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line's quad warped to an upright rectangle (vertical lines rotated)."""
    width, height = quad_size(quad)
    width, height = max(int(round(width)), 1), max(int(round(height)), 1)
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        bgr, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    if is_tall(quad):
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def point_in_quad(point: np.ndarray, quad: np.ndarray) -> bool:
    return (
        cv2.pointPolygonTest(quad.astype(np.float32), (float(point[0]), float(point[1])), False)
        >= 0
    )
