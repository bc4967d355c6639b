"""Solid fills: what a redaction already covered, seen again in its own output.

The server re-checks every upload with the same engine, and the export
re-scans what was stored: both look at frames the engine has already filled.
A fill is not text and not an unread number; a card whose number band holds
one was redacted already (without this, a second pass took the card's other
text, its number now a fill, for an unreadable number and masked the whole
band: 38 new findings in 35 of 60 benchmark scenes).

A fill is told from a dark surface by being flat: the fill colour to within
JPEG's ringing, with almost no variation inside, where a printed or lit
surface carries grain and sensor noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class FillTuning:
    """What counts as one of the engine's own fills."""

    # every channel within ``tolerance`` of the fill colour (JPEG moves a flat
    # black by a few levels at most)
    tolerance: int = 12
    # the inside (eroded by ``inset`` px) varies by at most ``flat_std`` grey
    # levels (seeds 2000-2059: the engine's fills after JPEG 0.3-2.6, 129 of
    # 131 regions; near-black regions at most 12 levels from black, of a
    # fill's shape, in the scenes as drawn: none)
    inset: int = 2
    flat_std: float = 3.0
    # and no hole of ``hole_px`` px or more inside it is not fill-coloured: a
    # dark card's face printed on is no fill (its glyphs are such holes; JPEG's
    # ringing inside a fill leaves only specks)
    hole_px: int = 8
    # a fill polygon is ``min_side`` px across at least and fills ``fill`` of
    # its rotated box (a filled quad or the hull of two)
    min_side: int = 6
    fill: float = 0.8
    # a fill that stands for a redacted number is this many times as long as
    # it is high (a face's fill, or a dark surface taken for one, is not)
    line_aspect: float = 2.0
    # a fill is painted out grown by ``halo`` px (JPEG's ringing round its
    # edges is no flat black, but would read as the outline of a line), with
    # the median colour of a ring ``ring`` px wide round that
    halo: int = 3
    ring: int = 3


FILLS = FillTuning()


def solid_fills(
    bgr: np.ndarray, colour: tuple[int, int, int], tuning: FillTuning = FILLS
) -> list[np.ndarray]:
    """The corners (``cv2.boxPoints``) of each region of ``bgr`` that is one of
    the engine's fills in ``colour``."""
    t = tuning
    low = np.clip(np.int32(colour) - t.tolerance, 0, 255).astype(np.uint8)
    high = np.clip(np.int32(colour) + t.tolerance, 0, 255).astype(np.uint8)
    mask = cv2.inRange(bgr, low, high)
    if not mask.any():
        return []
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    out = []
    for contour in cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        box = cv2.minAreaRect(contour)
        (w, h) = box[1]
        if min(w, h) < t.min_side or cv2.contourArea(contour) < t.fill * w * h:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        inside = np.zeros((bh, bw), np.uint8)
        cv2.drawContours(inside, [contour], -1, 1, -1, offset=(-x, -y))
        inside = cv2.erode(inside, np.ones((2 * t.inset + 1, 2 * t.inset + 1), np.uint8))
        values = gray[y : y + bh, x : x + bw][inside > 0]
        holes = ((inside > 0) & (mask[y : y + bh, x : x + bw] == 0)).astype(np.uint8)
        _, _, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=8)
        biggest = int(stats[1:, cv2.CC_STAT_AREA].max()) if len(stats) > 1 else 0
        if len(values) and float(values.std()) <= t.flat_std and biggest < t.hole_px:
            out.append(cv2.boxPoints(box))
    return out


def paint_out(bgr: np.ndarray, fills: list[np.ndarray], tuning: FillTuning = FILLS) -> np.ndarray:
    """``bgr`` with each fill painted the median colour of a ring round it: to
    the text cascade a redacted number is the blank card it lies on, so the
    fill's edges are not read as glyphs ("20270" of a date beside it) and a
    line ending at it does not run on under it as under a finger."""
    out = bgr.copy()
    height, width = bgr.shape[:2]
    fills = [_grown(f, tuning.halo) for f in fills]
    covered = np.zeros((height, width), np.uint8)
    for fill in fills:
        cv2.fillPoly(covered, [np.round(fill).astype(np.int32)], 1)
    grow = np.ones((2 * tuning.ring + 1, 2 * tuning.ring + 1), np.uint8)
    for fill in fills:
        x, y, w, h = cv2.boundingRect(np.round(fill).astype(np.int32))
        x0, y0 = max(x - tuning.ring, 0), max(y - tuning.ring, 0)
        x1, y1 = min(x + w + tuning.ring, width), min(y + h + tuning.ring, height)
        inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(inside, [np.round(fill - np.float32([x0, y0])).astype(np.int32)], 1)
        ring = (cv2.dilate(inside, grow) > 0) & (covered[y0:y1, x0:x1] == 0)
        if ring.any():
            out[y0:y1, x0:x1][inside > 0] = np.median(bgr[y0:y1, x0:x1][ring], axis=0)
    return out


def _grown(box: np.ndarray, px: float) -> np.ndarray:
    """A rotated rectangle's corners, each side moved out by ``px``."""
    centre, (w, h), angle = cv2.minAreaRect(box.astype(np.float32))
    return cv2.boxPoints((centre, (w + 2 * px, h + 2 * px), angle))


def line_shaped(fill: np.ndarray, tuning: FillTuning = FILLS) -> bool:
    """Whether a fill has a redacted line's shape (a number), not a face's."""
    (w, h) = cv2.minAreaRect(fill.astype(np.float32))[1]
    return max(w, h) >= tuning.line_aspect * min(w, h)
