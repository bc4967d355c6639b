"""Text as it looks on cards, receipts and screens: printed, embossed, thermal, dot matrix, lit.

``glyphs`` renders a line with a real font into a coverage mask (Pillow,
FreeType); ``stamp`` lays that mask into a raster in one of the looks and
returns the quad of the ink, the ground truth of where the line is.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from scenes.catalogue import Font

LOOKS = ("print", "emboss", "thermal", "dotmatrix", "screen")


@functools.cache
def _pil_font(path: str, size: int):  # noqa: ANN202
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


@functools.cache
def _size_for(path: str, digit_h: int) -> int:
    """The font size whose digits are about ``digit_h`` px high."""
    x0, y0, x1, y1 = _pil_font(path, 100).getbbox("0123456789")
    return max(int(round(100 * digit_h / max(y1 - y0, 1))), 6)


def glyphs(text: str, font: Font, digit_h: int) -> np.ndarray:
    """``text`` in ``font`` as a float32 coverage mask (0..1), cut tight to the ink."""
    from PIL import Image, ImageDraw

    f = _pil_font(str(font.path), _size_for(str(font.path), digit_h))
    x0, y0, x1, y1 = f.getbbox(text)
    img = Image.new("L", (max(x1 - x0, 1) + 4, max(y1 - y0, 1) + 4), 0)
    ImageDraw.Draw(img).text((2 - x0, 2 - y0), text, font=f, fill=255)
    mask = np.asarray(img, np.float32) / 255.0
    ys, xs = np.nonzero(mask > 0.2)
    if len(xs) == 0:
        return mask
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def stamp(
    raster: np.ndarray,
    mask: np.ndarray,
    x: int,
    y: int,
    look: str,
    ink: tuple[int, int, int],
    rng: np.random.Generator,
) -> np.ndarray:
    """Lay ``mask`` into ``raster`` at (x, y) in ``look``; return the ink's quad."""
    quad = np.float32([[x, y], [x + mask.shape[1], y], [x + mask.shape[1], y + mask.shape[0]]])
    quad = np.vstack([quad, [[x, y + mask.shape[0]]]])
    if look == "emboss":  # room round the glyphs for their rim and shadow
        p = min(_relief(mask) + 1, x, y)
        mask = np.pad(mask, p)
        x, y = x - p, y - p
    h, w = mask.shape
    H, W = raster.shape[:2]
    w, h = min(w, W - x), min(h, H - y)
    mask = mask[:h, :w]
    region = raster[y : y + h, x : x + w].astype(np.float32)
    colour = np.float32(ink)[None, None, :]
    if look == "emboss":
        region = _emboss(region, mask, colour, rng)
    elif look == "thermal":
        a = mask * _fade(mask.shape, rng)
        region = region * (1 - a[..., None]) + colour * a[..., None]
    elif look == "dotmatrix":
        a = np.minimum(mask, _dots(mask.shape, max(h / 7.0, 2.0)))
        region = region * (1 - a[..., None]) + colour * a[..., None]
    elif look == "screen":
        glow = cv2.GaussianBlur(mask, (0, 0), max(h / 14.0, 0.8)) * 0.5
        a = np.clip(mask + glow, 0, 1)[..., None]
        region = region * (1 - a) + colour * a
    else:
        a = mask[..., None]
        region = region * (1 - a) + colour * a
    raster[y : y + h, x : x + w] = np.clip(region, 0, 255).astype(np.uint8)
    # the ink's own box, inside the raster (a line never runs off its card or sheet)
    quad[:, 0] = np.clip(quad[:, 0], 0, W)
    quad[:, 1] = np.clip(quad[:, 1], 0, H)
    return quad.astype(np.float32)


def _relief(mask: np.ndarray) -> int:
    """How far an embossed glyph's rim and shadow reach, in px."""
    return max(int(round(mask.shape[0] / 18)), 1)


def _shift(mask: np.ndarray, d: int) -> np.ndarray:
    """``mask`` moved by ``d`` px down and right (up and left if negative), zero-filled."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    if d >= 0:
        out[d:, d:] = mask[: h - d, : w - d]
    else:
        out[:d, :d] = mask[-d:, -d:]
    return out


def _emboss(
    region: np.ndarray, mask: np.ndarray, colour: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Raised digits: a light edge on the top left, a shadow on the bottom right, metal between."""
    d = _relief(mask)
    light = _shift(mask, -d)
    shadow = _shift(mask, d)
    out = region * (1 - 0.55 * shadow[..., None])  # shadow darkens what is under it
    out = out + 90.0 * np.clip(light - mask, 0, 1)[..., None]  # highlight on the rim
    # a brushed-metal gradient across the glyphs (silver or gold ink from ``colour``)
    sheen = np.linspace(0.75, 1.15, mask.shape[0], dtype=np.float32)[:, None, None]
    if rng.random() < 0.5:
        sheen = sheen[::-1]
    metal = np.clip(colour * sheen, 0, 255)
    a = mask[..., None]
    return out * (1 - a) + metal * a


def _fade(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A thermal print's ink: faded unevenly, with light vertical streaks from the head."""
    h, w = shape
    coarse = rng.uniform(0.35, 1.0, (2, max(w // 40, 2))).astype(np.float32)
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    streaks = np.ones(w, np.float32)
    for _ in range(int(rng.integers(0, 4))):
        c = int(rng.integers(0, w))
        streaks[c : c + int(rng.integers(1, 4))] = rng.uniform(0.1, 0.5)
    return np.clip(field * streaks[None, :], 0, 1)


def _dots(shape: tuple[int, int], pitch: float) -> np.ndarray:
    """Round dots on a grid of ``pitch`` px: a dot-matrix printer's pins."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dy = (yy % pitch) - pitch / 2
    dx = (xx % pitch) - pitch / 2
    r = pitch * 0.42
    return np.clip((r - np.sqrt(dx * dx + dy * dy)) + 0.5, 0, 1)
