"""Drawing text into a raster with a known quad: Pillow TrueType fonts or OpenCV's Hershey faces."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
TTF_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSansCondensed.ttf",
)
HERSHEY = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX)


@functools.cache
def _ttf(name: str, size: int):  # noqa: ANN202
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return None


def draw_text(
    canvas: np.ndarray,
    text: str,
    x: int,
    y: int,
    height: int,
    colour: tuple[int, int, int],
    font: str | int,
) -> np.ndarray:
    """Draw ``text`` with its cap height about ``height`` px; return its quad (tl,tr,br,bl)."""
    if isinstance(font, str) and _ttf(font, 12) is not None:
        from PIL import Image, ImageDraw

        f = _ttf(font, max(int(height * 1.38), 6))
        img = Image.fromarray(canvas)
        draw = ImageDraw.Draw(img)
        draw.text((x, y), text, font=f, fill=tuple(int(c) for c in colour))
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=f)
        canvas[:] = np.asarray(img)
    else:
        face = font if isinstance(font, int) else cv2.FONT_HERSHEY_SIMPLEX
        scale = height / 22.0
        thick = max(1, int(round(scale * 2)))
        (tw, th), _ = cv2.getTextSize(text, face, scale, thick)
        cv2.putText(canvas, text, (x, y + th), face, scale, colour, thick, cv2.LINE_AA)
        x0, y0, x1, y1 = x, y, x + tw, y + th + thick
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def pick_font(rng: np.random.Generator) -> str | int:
    """The seeded family's font: a DejaVu TrueType face (70 %) or a Hershey face."""
    if rng.random() < 0.7:
        return str(rng.choice(TTF_NAMES))
    return int(rng.choice(HERSHEY))
