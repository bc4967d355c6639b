"""Measuring redaction against a scene's ground truth: masks and coverage."""

from __future__ import annotations

import cv2
import numpy as np


def mask_of(detections, shape, labels=None) -> np.ndarray:  # noqa: ANN001
    """1 where a detection's polygon (of one of ``labels``, if given) lies."""
    mask = np.zeros(shape[:2], np.uint8)
    for d in detections:
        if labels is None or d.label in labels:
            cv2.fillPoly(mask, [np.round(d.polygon).astype(np.int32)], 1)
    return mask


def coverage(mask: np.ndarray, quad: np.ndarray) -> float:
    """The share of ``quad`` that ``mask`` covers."""
    region = np.zeros_like(mask)
    cv2.fillPoly(region, [np.round(quad).astype(np.int32)], 1)
    area = region.sum()
    return float((mask & region).sum() / area) if area else 1.0


def box_quad(box) -> np.ndarray:  # noqa: ANN001
    """An (x0, y0, x1, y1) box as a quad."""
    x0, y0, x1, y1 = box
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
