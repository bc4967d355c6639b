"""Rectangles and quadrilaterals in image coordinates (x right, y down): numpy only."""

from __future__ import annotations

import numpy as np

Rect = tuple[int, int, int, int]  # x, y, w, h


def order_quad(points: np.ndarray) -> np.ndarray:
    """Four points as tl, tr, br, bl (image coordinates, y down)."""
    pts = np.asarray(points, np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.stack([left[0], right[0], right[1], left[1]])


def quad_size(quad: np.ndarray) -> tuple[float, float]:
    width = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))
    return float(width), float(height)


def pad_rect(rect: Rect, pad: int, width: int, height: int) -> Rect:
    x, y, w, h = rect
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, width), min(y + h + pad, height)
    return x0, y0, x1 - x0, y1 - y0


def union(a: Rect, b: Rect, pad_b: int = 0) -> Rect:
    """The rectangle round ``a`` and ``b`` grown by ``pad_b``."""
    x0, y0 = min(a[0], b[0] - pad_b), min(a[1], b[1] - pad_b)
    x1, y1 = max(a[0] + a[2], b[0] + b[2] + pad_b), max(a[1] + a[3], b[1] + b[3] + pad_b)
    return x0, y0, x1 - x0, y1 - y0


def meets(quad: np.ndarray, rect: Rect) -> bool:
    """Whether a quad's bounding box meets a rectangle."""
    x, y, w, h = rect
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    return bool(x0 <= x + w and x1 >= x and y0 <= y + h and y1 >= y)


def merge_rects(rects: list[Rect]) -> list[Rect]:
    """Union overlapping rectangles while their union is no larger than the two
    apart: the detector's time goes with the area it sees, and unioning a chain
    of overlapping rectangles would end in the whole frame. Rectangles left
    overlapping are detected twice; ``dedupe`` drops the repeats.

    Each rectangle joins the first one kept so far that it may join, until a
    pass joins nothing."""
    out = [tuple(int(v) for v in r) for r in rects]
    changed = True
    while changed:
        changed = False
        kept = np.zeros((len(out), 4), np.int64)  # x0, y0, x1, y1
        n = 0
        for x, y, w, h in out:
            m = kept[:n]
            x0, y0 = np.minimum(m[:, 0], x), np.minimum(m[:, 1], y)
            x1, y1 = np.maximum(m[:, 2], x + w), np.maximum(m[:, 3], y + h)
            overlap = (np.minimum(m[:, 2], x + w) > np.maximum(m[:, 0], x)) & (
                np.minimum(m[:, 3], y + h) > np.maximum(m[:, 1], y)
            )
            apart = w * h + (m[:, 2] - m[:, 0]) * (m[:, 3] - m[:, 1])
            joins = np.flatnonzero(overlap & ((x1 - x0) * (y1 - y0) <= apart))
            if len(joins):
                k = joins[0]
                kept[k] = x0[k], y0[k], x1[k], y1[k]
                changed = True
            else:
                kept[n] = x, y, x + w, y + h
                n += 1
        out = [(int(a), int(b), int(c - a), int(d - b)) for a, b, c, d in kept[:n]]
    return out
