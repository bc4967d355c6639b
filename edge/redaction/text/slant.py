"""The direction of a blob's lines, and blobs split into or joined along lines."""

from __future__ import annotations

import cv2
import numpy as np

from edge.redaction.text.candidates import Region
from edge.redaction.text.chaining import linked_groups, off_line


def _rows(xs: np.ndarray, ys: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Each point's row (whole px, from 0) across lines running at each of
    ``degrees`` (y down): one row of results per direction."""
    t = np.radians(np.atleast_1d(degrees))[:, None]
    rows = np.round(ys * np.cos(t) - xs * np.sin(t)).astype(np.int32)
    return rows - rows.min(axis=1, keepdims=True)


def text_slant(xs: np.ndarray, ys: np.ndarray, step: float = 4.0) -> float:
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


def _blob_slant(strokes: np.ndarray, region: Region) -> tuple[np.ndarray, np.ndarray, float]:
    """A blob's stroke points (relative to its rectangle's corner) and the
    direction of its lines (``text_slant``; 0 with fewer than 16 points)."""
    x, y, w, h = region.rect
    ys, xs = np.nonzero(strokes[y : y + h, x : x + w])
    if len(xs) < 16:
        return xs, ys, 0.0
    every = max(1, len(xs) // 2000)  # the direction from a sample is as good
    return xs, ys, text_slant(xs[::every], ys[::every])


def split_lines(
    strokes: np.ndarray, region: Region, level: float = 0.3, min_fill: float = 0.35
) -> list[Region]:
    """The lines in a blob that holds more than one (a small number closed into
    one blob with a chip or the lines below it): across the lines' direction
    (``text_slant``), bands of rows whose stroke count is at least ``level`` of
    the busiest row's, whose strokes fill ``min_fill`` of their rotated
    rectangle (digits fill 0.5-0.8 of theirs; wood grain and gravel mostly less)."""
    x, y = region.rect[:2]
    xs, ys, degrees = _blob_slant(strokes, region)
    if len(xs) < 16:
        return []
    rows = _rows(xs, ys, degrees)[0]
    # smoothed over a few rows: a straight edge (a chip's, a stripe's) is
    # dense but thin, a line of text less dense but thicker
    counts = np.convolve(np.bincount(rows), np.ones(5), mode="same")
    on = np.flatnonzero(counts >= level * counts.max())
    out = []
    for band in np.split(on, np.flatnonzero(np.diff(on) > 1) + 1):
        inside = (rows >= band[0]) & (rows <= band[-1])
        if len(band) >= 3 and inside.sum() >= 8:
            points = np.float32(np.c_[xs[inside] + x, ys[inside] + y])
            box = cv2.minAreaRect(points)
            if inside.sum() >= min_fill * (box[1][0] + 1) * (box[1][1] + 1):
                out.append(Region(cv2.boundingRect(points), box))
    return out


def level_quad(strokes: np.ndarray, region: Region, pad: float) -> tuple[np.ndarray, float]:
    """The rectangle around a blob's strokes whose sides run along and across
    its lines (``text_slant``), grown by ``pad``: corners tl, tr, br, bl in
    reading order, and the lines' direction (degrees, y down)."""
    x, y = region.rect[:2]
    xs, ys, degrees = _blob_slant(strokes, region)
    t = np.radians(degrees)
    u, v = np.float32([np.cos(t), np.sin(t)]), np.float32([-np.sin(t), np.cos(t)])
    points = np.float32(np.c_[xs + x, ys + y]) if len(xs) else np.float32([[x, y]])
    a, b = points @ u, points @ v
    a0, a1, b0, b1 = a.min() - pad, a.max() + pad, b.min() - pad, b.max() + pad
    quad = np.stack([u * a0 + v * b0, u * a1 + v * b0, u * a1 + v * b1, u * a0 + v * b1])
    return quad.astype(np.float32), degrees


def join_lines(regions: list[Region]) -> list[tuple[tuple, float]]:
    """Blobs on one slanted line joined into one rotated rectangle (a wide gap
    between digit groups splits a line into blobs), with the line's thickness."""
    dirs = [r.direction for r in regions]
    centres = [np.float32(r.box[0]) for r in regions]

    def linked(i: int, j: int) -> bool:
        ti, tj = regions[i].thickness, regions[j].thickness
        if max(ti, tj) > 1.6 * min(ti, tj) or abs(float(dirs[i] @ dirs[j])) < 0.99:
            return False
        offset = centres[j] - centres[i]
        across = off_line(offset, dirs[i])  # directions within 8 degrees: either axis
        gap = abs(float(offset @ dirs[i])) - (regions[i].length + regions[j].length) / 2
        return across < 0.5 * max(ti, tj) and gap < 2.5 * max(ti, tj)

    out = []
    for members in linked_groups(len(regions), linked):
        points = np.concatenate([cv2.boxPoints(regions[k].box) for k in members])
        out.append((cv2.minAreaRect(points), max(regions[k].thickness for k in members)))
    return out
