"""The direction of a blob's lines, and blobs split into or joined along lines."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.redaction.text.candidates import Region
from edge.redaction.text.chaining import linked_groups, off_line


@dataclass(frozen=True)
class SlantTuning:
    """How blobs are split into and joined along lines. The split (ed374c2)
    took leaks on 200 benchmark scenes 14 -> 10; joining slanted blobs along
    their line and turning them level (c9b06e5), on seeds 1040-1099, 13 -> 6.
    No sweep of the single values is recorded."""

    # the direction of a blob's lines: searched every ``step`` degrees, then
    # every degree round the best, from a sample of about ``sample`` stroke
    # points; a blob with fewer than ``min_points`` has none (0 degrees)
    step: float = 4.0
    sample: int = 2000
    min_points: int = 16
    # a line across that direction: rows whose stroke count, smoothed over
    # ``smooth_rows`` (a chip's edge is dense but thin), is ``band_level`` of the
    # busiest row's, ``min_band_rows`` rows and ``min_band_points`` points at
    # least, its strokes filling ``min_fill`` of its rotated rectangle (digits
    # fill 0.5-0.8; grain and gravel less: mosaic 0.69 -> 0.65 Mpx, 70dea27)
    band_level: float = 0.3
    smooth_rows: int = 5
    min_band_rows: int = 3
    min_band_points: int = 8
    min_fill: float = 0.35
    # slanted blobs of one line joined (a wide gap between digit groups splits
    # a line into blobs): thicknesses within ``join_height_ratio``, directions
    # within about 8 degrees (cosine ``join_cosine``), the second centre under
    # ``join_across`` thicknesses off the line and the gap between them under
    # ``join_gap`` thicknesses. Stricter than chaining read lines
    # (``chaining.ChainTuning``): these are unread blobs, often of texture.
    join_height_ratio: float = 1.6
    join_cosine: float = 0.99
    join_across: float = 0.5
    join_gap: float = 2.5


SLANT = SlantTuning()


def _rows(xs: np.ndarray, ys: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Each point's row (whole px, from 0) across lines running at each of
    ``degrees`` (y down): one row of results per direction."""
    t = np.radians(np.atleast_1d(degrees))[:, None]
    rows = np.round(ys * np.cos(t) - xs * np.sin(t)).astype(np.int32)
    return rows - rows.min(axis=1, keepdims=True)


def text_slant(xs: np.ndarray, ys: np.ndarray, step: float = SLANT.step) -> float:
    """The direction (degrees, y down) of the lines that stroke points lie on:
    across the right direction the points gather in a few rows, so the sum of
    squares of the rows' counts peaks (a coarse search, then a fine one)."""

    def best(degrees: np.ndarray) -> float:
        rows = _rows(xs, ys, degrees)
        span = int(rows.max()) + 1
        counts = np.bincount(
            (rows + np.arange(len(degrees))[:, None] * span).ravel(), minlength=len(degrees) * span
        ).reshape(len(degrees), span)
        return float(degrees[np.argmax((counts.astype(np.float64) ** 2).sum(axis=1))])

    coarse = best(np.arange(-88.0, 90.0, step))
    return best(np.arange(coarse - step + 1, coarse + step))


def _blob_slant(
    strokes: np.ndarray, region: Region, t: SlantTuning
) -> tuple[np.ndarray, np.ndarray, float]:
    """A blob's stroke points (relative to its rectangle's corner) and the
    direction of its lines (``text_slant``; 0 with fewer than 16 points)."""
    x, y, w, h = region.rect
    ys, xs = np.nonzero(strokes[y : y + h, x : x + w])
    if len(xs) < t.min_points:
        return xs, ys, 0.0
    every = max(1, len(xs) // t.sample)  # the direction from a sample is as good
    return xs, ys, text_slant(xs[::every], ys[::every], t.step)


def split_lines(strokes: np.ndarray, region: Region, tuning: SlantTuning = SLANT) -> list[Region]:
    """The lines in a blob that holds more than one (a small number closed into
    one blob with a chip or the lines below it): across the lines' direction
    (``text_slant``), bands of rows whose stroke count is at least ``level`` of
    the busiest row's, whose strokes fill ``min_fill`` of their rotated
    rectangle (digits fill 0.5-0.8 of theirs; wood grain and gravel mostly less)."""
    x, y = region.rect[:2]
    t = tuning
    xs, ys, degrees = _blob_slant(strokes, region, t)
    if len(xs) < t.min_points:
        return []
    rows = _rows(xs, ys, degrees)[0]
    # smoothed over a few rows: a straight edge (a chip's, a stripe's) is
    # dense but thin, a line of text less dense but thicker
    counts = np.convolve(np.bincount(rows), np.ones(t.smooth_rows), mode="same")
    on = np.flatnonzero(counts >= t.band_level * counts.max())
    out = []
    for band in np.split(on, np.flatnonzero(np.diff(on) > 1) + 1):
        inside = (rows >= band[0]) & (rows <= band[-1])
        if len(band) >= t.min_band_rows and inside.sum() >= t.min_band_points:
            points = np.float32(np.c_[xs[inside] + x, ys[inside] + y])
            box = cv2.minAreaRect(points)
            if inside.sum() >= t.min_fill * (box[1][0] + 1) * (box[1][1] + 1):
                out.append(Region(cv2.boundingRect(points), box))
    return out


def level_quad(
    strokes: np.ndarray, region: Region, pad: float, tuning: SlantTuning = SLANT
) -> tuple[np.ndarray, float]:
    """The rectangle around a blob's strokes whose sides run along and across
    its lines (``text_slant``), grown by ``pad``: corners tl, tr, br, bl in
    reading order, and the lines' direction (degrees, y down)."""
    x, y = region.rect[:2]
    xs, ys, degrees = _blob_slant(strokes, region, tuning)
    t = np.radians(degrees)
    u, v = np.float32([np.cos(t), np.sin(t)]), np.float32([-np.sin(t), np.cos(t)])
    points = np.float32(np.c_[xs + x, ys + y]) if len(xs) else np.float32([[x, y]])
    a, b = points @ u, points @ v
    a0, a1, b0, b1 = a.min() - pad, a.max() + pad, b.min() - pad, b.max() + pad
    quad = np.stack([u * a0 + v * b0, u * a1 + v * b0, u * a1 + v * b1, u * a0 + v * b1])
    return quad.astype(np.float32), degrees


def join_lines(regions: list[Region], tuning: SlantTuning = SLANT) -> list[tuple[tuple, float]]:
    """Blobs on one slanted line joined into one rotated rectangle (a wide gap
    between digit groups splits a line into blobs), with the line's thickness."""
    dirs = [r.direction for r in regions]
    centres = [np.float32(r.box[0]) for r in regions]

    def linked(i: int, j: int) -> bool:
        ti, tj = regions[i].thickness, regions[j].thickness
        t = tuning
        if max(ti, tj) > t.join_height_ratio * min(ti, tj) or abs(float(dirs[i] @ dirs[j])) < (
            t.join_cosine
        ):
            return False
        offset = centres[j] - centres[i]
        across = off_line(offset, dirs[i])  # directions within 8 degrees: either axis
        gap = abs(float(offset @ dirs[i])) - (regions[i].length + regions[j].length) / 2
        return across < t.join_across * max(ti, tj) and gap < t.join_gap * max(ti, tj)

    out = []
    for members in linked_groups(len(regions), linked):
        points = np.concatenate([cv2.boxPoints(regions[k].box) for k in members])
        out.append((cv2.minAreaRect(points), max(regions[k].thickness for k in members)))
    return out
