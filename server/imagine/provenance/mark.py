"""A discreet visible mark, "Imagined with AI", in a corner of an Imagine output.

Drawn on the pixels before the invisible watermark and signing, so both
cover it: small white text on a semi-transparent dark backing in the bottom
right corner, sized with the image. The font is PIL's bundled default
(``ImageFont.load_default(size=...)``), so nothing external is needed.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.errors import InvalidInputError

DEFAULT_TEXT = "Imagined with AI"
# Text height as a share of the image's shorter side: 2.2% is 28 px on a
# 1280 px image, readable when looked for, easy to overlook otherwise.
TEXT_HEIGHT_SHARE = 0.022
# Below this the bundled font's glyphs break up; above it the mark stops being discreet.
MIN_TEXT_PX, MAX_TEXT_PX = 10, 48
# Padding around the text, and the gap from the image's edges, in text heights.
PADDING = 0.35
MARGIN = 0.6
# Opacity (0-255) of the dark backing and of the text: the picture shows
# through the backing, and the text stays legible on any picture.
BACKING_ALPHA = 110
TEXT_ALPHA = 225


def draw_visible_mark(rgb: np.ndarray, text: str = DEFAULT_TEXT) -> np.ndarray:
    """A copy of ``rgb`` (H x W x 3, uint8) with ``text`` marked in its bottom right corner.

    Only the mark's box changes; an image too small for the mark is returned unmarked.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise InvalidInputError(f"expected an H x W x 3 uint8 image, got {rgb.shape} {rgb.dtype}")
    if not text.strip():
        raise InvalidInputError("the visible mark needs some text")
    height, width = rgb.shape[:2]
    size = int(np.clip(round(min(height, width) * TEXT_HEIGHT_SHARE), MIN_TEXT_PX, MAX_TEXT_PX))
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    pad, margin = round(size * PADDING), round(size * MARGIN)
    box_w, box_h = right - left + 2 * pad, bottom - top + 2 * pad
    x0, y0 = width - margin - box_w, height - margin - box_h
    if x0 < 0 or y0 < 0:
        return rgb.copy()

    # Compose only the corner: the rest of the image is copied untouched.
    corner = Image.fromarray(rgb[y0 : y0 + box_h, x0 : x0 + box_w]).convert("RGBA")
    overlay = Image.new("RGBA", corner.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rounded_rectangle(
        (0, 0, box_w - 1, box_h - 1), radius=max(2, pad), fill=(0, 0, 0, BACKING_ALPHA)
    )
    draw.text((pad - left, pad - top), text, font=font, fill=(255, 255, 255, TEXT_ALPHA))
    out = rgb.copy()
    out[y0 : y0 + box_h, x0 : x0 + box_w] = np.asarray(
        Image.alpha_composite(corner, overlay).convert("RGB")
    )
    return out


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)
