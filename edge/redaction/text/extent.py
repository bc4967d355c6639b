"""How far a line of ink goes on past a quad, along the quad's own edges.

The detector boxes part of a number and misses the rest: in an OCR-style
font under steep perspective the near group grows past what it boxes with
the others; on a receipt at 30 degrees it boxes two digits of sixteen.
Stepping out from a quad's end one glyph at a time along its top and bottom
edges (so a quad drawn in perspective keeps narrowing or widening), each
step that holds ink like the line's own carries the line on; a few blank
steps are crossed (the space between groups), and a step off the line's
carrier (past the card's edge, onto the table) ends it: what this finds
stays on the card or paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.redaction.text.cues import ink
from edge.redaction.text.lines import crop_line


@dataclass(frozen=True)
class ExtentTuning:
    """Stepping along a line (issue 23's probe of OCR-style fonts on steep
    cards and tilted receipts; no sweep recorded)."""

    # one step is ``glyph`` of the end's height long (a glyph and its gap)
    glyph: float = 0.6
    # a step holds ink: ``ink_share`` of the line's own (horizontal gradients)
    ink_share: float = 0.35
    # up to ``gap_steps`` steps without ink are crossed (a space between groups)
    gap_steps: int = 2
    # a step whose median colour differs from the line's by more than
    # ``carrier_unlike`` in a channel has left the card or paper
    carrier_unlike: int = 48
    # a card number is at most 19 digits and 4 gaps: the most steps a line's
    # ink is followed past the glyphs already found
    number_glyphs: int = 23
    # what is added past an end is grown by ``pad`` of the end's height up and
    # down: in steep perspective the near glyphs stand taller than the quad's
    # end (the quad itself is not grown: a receipt's next line may be near)
    pad: float = 0.15


EXTENT = ExtentTuning()


def _at(quad: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """The points of the quad's top and bottom edges at ``t`` (0: left end, 1: right)."""
    tl, tr, br, bl = quad.astype(np.float64)
    return tl + (tr - tl) * t, bl + (br - bl) * t


def _window(quad: np.ndarray, a: float, b: float) -> np.ndarray:
    top_a, bot_a = _at(quad, a)
    top_b, bot_b = _at(quad, b)
    return np.stack([top_a, top_b, bot_b, bot_a]).astype(np.float32)


def _inside(window: np.ndarray, shape: tuple[int, ...]) -> bool:
    h, w = shape[:2]
    return bool((window[:, 0] >= 0).all() and (window[:, 0] < w).all()) and bool(
        (window[:, 1] >= 0).all() and (window[:, 1] < h).all()
    )


def ink_ends(
    bgr: np.ndarray, quad: np.ndarray, steps: int, tuning: ExtentTuning = EXTENT
) -> tuple[float, float]:
    """How far ``quad``'s line of ink goes on each way (at most ``steps``
    glyphs past each end), as positions along its edges: 0 is its left end, 1
    its right, so (0, 1) where it goes no further."""
    t = tuning
    own = crop_line(bgr, quad)
    own_ink = ink(own)
    if own_ink <= 0 or steps <= 0:
        return 0.0, 1.0
    carrier = np.median(own.reshape(-1, 3), axis=0)
    top_len = float(np.linalg.norm(quad[1] - quad[0])) or 1.0
    ends = []
    for sign, start in ((-1, 0.0), (1, 1.0)):
        reach, pos, blank = start, start, 0
        for _ in range(steps + t.gap_steps):
            top, bottom = _at(quad, pos)
            nxt = pos + sign * t.glyph * float(np.linalg.norm(bottom - top)) / top_len
            window = _window(quad, min(pos, nxt), max(pos, nxt))
            if not _inside(window, bgr.shape):
                break
            there = crop_line(bgr, window)
            if np.abs(np.median(there.reshape(-1, 3), axis=0) - carrier).max() > t.carrier_unlike:
                break
            if ink(there) >= t.ink_share * own_ink:
                reach, blank = nxt, 0
            else:
                blank += 1
                if blank > t.gap_steps:
                    break
            pos = nxt
        ends.append(reach)
    return ends[0], ends[1]


def lengthened(quad: np.ndarray, ends: tuple[float, float]) -> np.ndarray:
    """``quad`` from ``ends[0]`` to ``ends[1]`` along its edges (to read it again)."""
    return _window(quad, *ends)


def mask_of_line(
    quad: np.ndarray, ends: tuple[float, float], tuning: ExtentTuning = EXTENT
) -> np.ndarray:
    """``quad`` lengthened to ``ends``, what is added grown by ``pad`` of its
    height up and down and the quad itself kept as it is (its neighbours above
    and below may be a few px away: a receipt's lines), made convex."""
    top, bottom = [], []
    for at in ends:
        if at in (0.0, 1.0):
            continue
        up, down = _at(quad, at)
        grow = (down - up) * tuning.pad
        top.append((at, up - grow))
        bottom.append((at, down + grow))
    tl, tr, br, bl = quad.astype(np.float64)
    top += [(0.0, tl), (1.0, tr)]
    bottom += [(0.0, bl), (1.0, br)]
    top.sort(key=lambda p: p[0])
    bottom.sort(key=lambda p: -p[0])
    # convex, so a re-check knows the fill for one (``fills.line_shaped``)
    outline = np.float32([p for _, p in top] + [p for _, p in bottom])
    return cv2.convexHull(outline).reshape(-1, 2)


def glyphs_in(quad: np.ndarray, tuning: ExtentTuning = EXTENT) -> float:
    """How many steps long ``quad`` is."""
    heights = [float(np.linalg.norm(b - a)) for a, b in (_at(quad, 0.0), _at(quad, 1.0))]
    return float(np.linalg.norm(quad[1] - quad[0])) / (tuning.glyph * max(*heights, 1.0))
