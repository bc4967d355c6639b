"""How a camera's view moved between two frames, and what that does to findings.

Used by the stream (``stream.py``): the shift between frames by phase
correlation, the strips that came into view, and findings moved, grown and
merged across frames.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from core.frames import Label
from core.geometry import Rect
from edge.redaction.detection import Detection


def small_grey(pixels: np.ndarray, small_width: int) -> np.ndarray:
    height, width = pixels.shape[:2]
    size = (small_width, max(8, round(height * small_width / width)))
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def phase_shift(ref: np.ndarray, cur: np.ndarray, min_response: float) -> np.ndarray | None:
    """How far the content moved from ``ref`` to ``cur`` (small-image px), if clear."""
    window = cv2.createHanningWindow((ref.shape[1], ref.shape[0]), cv2.CV_32F)
    # copies: OpenCV applies the window to its inputs in place
    (dx, dy), response = cv2.phaseCorrelate(ref.copy(), cur.copy(), window)
    if response < min_response:
        return None
    return np.float32([dx, dy])


def unexposed(shift: np.ndarray, shape: tuple, margin: int) -> tuple[int, int, int, int]:
    """The part of the current small frame that the moved reference covers."""
    h, w = shape[:2]
    dx, dy = float(shift[0]), float(shift[1])
    x0 = int(np.ceil(max(dx, 0))) + margin
    y0 = int(np.ceil(max(dy, 0))) + margin
    x1 = w - int(np.ceil(max(-dx, 0))) - margin
    y1 = h - int(np.ceil(max(-dy, 0))) - margin
    return x0, y0, x1, y1


def exposed_strips(
    shift: np.ndarray, width: int, height: int, grow: float, min_shift: float
) -> list[Detection]:
    """The strips that came into view since the reference: not checked, so masked."""
    return [
        Detection(
            Label.UNCHECKED,
            np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]),
            1.0,
            ("came_into_view",),
            "stream",
        )
        for x0, y0, x1, y1 in strips(shift, width, height, grow, min_shift)
    ]


def windows(
    shift: np.ndarray, width: int, height: int, grow: float, min_shift: float
) -> list[Rect]:
    """Where a partial check looks: each strip that came into view (as masked)."""
    out = []
    for x0, y0, x1, y1 in strips(shift, width, height, grow, min_shift):
        x0, y0 = max(int(x0), 0), max(int(y0), 0)
        out.append((x0, y0, min(int(np.ceil(x1)), width) - x0, min(int(np.ceil(y1)), height) - y0))
    return out


def strips(
    shift: np.ndarray, width: int, height: int, grow: float, min_shift: float
) -> list[tuple]:
    """(x0, y0, x1, y1) of each strip that came into view, ``grow`` px wider."""
    dx, dy = float(shift[0]), float(shift[1])
    rects = []
    if abs(dx) < min_shift:
        pass
    elif dx > 0:
        rects.append((0, 0, dx + grow, height))
    elif dx < 0:
        rects.append((width + dx - grow, 0, width, height))
    if abs(dy) < min_shift:
        pass
    elif dy > 0:
        rects.append((0, 0, width, dy + grow))
    elif dy < 0:
        rects.append((0, height + dy - grow, width, height))
    return rects


def merged(
    old: list[Detection], new: list[Detection], same: float
) -> tuple[list[Detection], list[Detection]]:
    """An old detection that a new one of its label overlaps (the same line,
    read again) is folded into it: one finding, over both polygons (nothing
    that either covered is uncovered). The old ones left, and the new ones."""
    new, left = list(new), []
    for d in old:
        k = next(
            (
                k
                for k, n in enumerate(new)
                if n.label == d.label and overlap(d.polygon, n.polygon) >= same
            ),
            None,
        )
        if k is None:
            left.append(d)
        else:
            both = np.concatenate([new[k].polygon, d.polygon]).astype(np.float32)
            new[k] = replace(new[k], polygon=cv2.convexHull(both).reshape(-1, 2))
    return left, new


def in_view(polygon: np.ndarray, width: int, height: int) -> bool:
    (x0, y0), (x1, y1) = polygon.min(axis=0), polygon.max(axis=0)
    return bool(x1 > 0 and y1 > 0 and x0 < width and y0 < height)


def grow(polygon: np.ndarray, px: float) -> np.ndarray:
    centre = polygon.mean(axis=0)
    out = polygon - centre
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (centre + out * (1 + px / np.maximum(norms, 1e-6))).astype(np.float32)


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over the smaller of two convex polygons."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    smaller = min(abs(cv2.contourArea(a)), abs(cv2.contourArea(b)))
    return float(inter / smaller) if smaller > 0 else 0.0
