"""Placing a raster in the 1280x720 frame: rotated, in perspective, without overlap."""

from __future__ import annotations

import cv2
import numpy as np

W, H = 1280, 720


def warp_into(frame: np.ndarray, raster: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Composite ``raster`` into ``frame`` with its corners on ``dst``; returns the homography."""
    h, w = raster.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(
        raster, matrix, (frame.shape[1], frame.shape[0]), flags=cv2.INTER_AREA
    )
    mask = np.full((h, w), 255, np.uint8)
    m = cv2.warpPerspective(mask, matrix, (frame.shape[1], frame.shape[0]), flags=cv2.INTER_LINEAR)
    m = (m.astype(np.float32) / 255.0)[..., None]
    frame[:] = (warped * m + frame * (1 - m)).astype(np.uint8)
    return matrix


def apply_h(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points mapped through a homography."""
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float32), matrix).reshape(-1, 2)


def placement(
    rng: np.random.Generator, width: float, aspect: float, taken: list[np.ndarray]
) -> np.ndarray | None:
    """Corners for an object ``width`` px wide, rotated and in perspective, not overlapping."""
    for _ in range(30):
        height = width / aspect
        angle = np.deg2rad(rng.uniform(-30, 30) if rng.random() < 0.8 else rng.uniform(-90, 90))
        cx, cy = (
            rng.uniform(width * 0.45, W - width * 0.45),
            rng.uniform(height * 0.5, H - height * 0.5),
        )
        rect = np.float32(
            [
                [-width / 2, -height / 2],
                [width / 2, -height / 2],
                [width / 2, height / 2],
                [-width / 2, height / 2],
            ]
        )
        persp = rng.uniform(-0.12, 0.12, (4, 2)) * np.float32([width, height])
        rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        quad = (rect + persp) @ rot.T + np.float32([cx, cy])
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        if x0 < 0 or y0 < 0 or x1 > W or y1 > H:
            continue
        if any(overlaps(quad, other) for other in taken):
            continue
        taken.append(quad)
        return quad.astype(np.float32)
    return None


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two quads' bounding boxes come within 10 px of each other."""
    ax0, ay0 = a.min(axis=0)
    ax1, ay1 = a.max(axis=0)
    bx0, by0 = b.min(axis=0)
    bx1, by1 = b.max(axis=0)
    return not (ax1 < bx0 - 10 or bx1 < ax0 - 10 or ay1 < by0 - 10 or by1 < ay0 - 10)
