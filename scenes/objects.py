"""Objects drawn with OpenCV: a wooden table, coloured discs on it, a payment card.

The demo recordings, the int8 calibration frames and many tests draw with these.
"""

from __future__ import annotations

import cv2
import numpy as np


def wood_table(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A wooden table top: warm base colour, grain stripes and noise."""
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    grain = np.sin(y / 7.0 + 3.0 * np.sin(x / 180.0) + 0.8 * np.sin(y / 31.0)) * 0.5 + 0.5
    noise = rng.normal(0, 0.06, (height, width)).astype(np.float32)
    shade = np.clip(0.75 + 0.25 * grain + noise, 0, 1)
    base = np.array([40, 85, 140], np.float32)  # BGR, oak-ish brown
    return np.clip(shade[..., None] * base[None, None, :] * 1.3, 0, 255).astype(np.uint8)


def table_with_objects(
    seed: int, object_seed: int, width: int, height: int, count: int, max_radius: int
) -> np.ndarray:
    """A wooden table with ``count`` coloured discs on it: distinct scenes per seed."""
    img = wood_table(np.random.default_rng(seed), width, height)
    rng = np.random.default_rng(object_seed)
    for _ in range(count):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.circle(img, centre, int(rng.integers(20, max_radius)), colour, -1)
    return img


def draw_card(
    canvas: np.ndarray, x: int, y: int, width: int, number: str, colour=(150, 70, 25)
) -> None:  # noqa: ANN001
    """A payment card (ISO ID-1 proportions) with chip, number and expiry."""
    height = int(width / 1.586)
    overlay = canvas.copy()
    cv2.rectangle(overlay, (x + 3, y + 6), (x + width + 3, y + height + 6), (20, 20, 20), -1)
    canvas[:] = cv2.addWeighted(overlay, 0.35, canvas, 0.65, 0)
    cv2.rectangle(canvas, (x, y), (x + width, y + height), colour, -1, cv2.LINE_AA)
    cv2.rectangle(
        canvas,
        (x + width // 10, y + height // 3),
        (x + width // 10 + width // 7, y + height // 3 + width // 10),
        (80, 190, 215),
        -1,
        cv2.LINE_AA,
    )
    scale = width / 360
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    cv2.putText(
        canvas,
        grouped,
        (x + width // 14, y + int(height * 0.68)),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (245, 245, 245),
        max(1, int(2 * scale)),
        cv2.LINE_AA,
    )
    cv2.putText(
        canvas,
        "VALID THRU 12/29",
        (x + width // 14, y + int(height * 0.85)),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale * 0.45,
        (235, 235, 235),
        1,
        cv2.LINE_AA,
    )
