"""A detector quad shrunk to the ink band of its one line, or split into its lines."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.redaction.text.lines import crop_line, is_tall, reading_order


@dataclass(frozen=True)
class BandTuning:
    """How a quad is cut into its lines. Set with the ink bands (f5ee271,
    cae0297); splitting quads of several bands, 6ece8b1: short numbers
    redacted 11.6 -> 6.3 % on 50 scenes, leaks unchanged."""

    # rows whose horizontal-gradient energy is over ``energy`` of the peak hold
    # ink; gaps up to ``gap`` of the crop's height are closed; a crop under
    # ``min_rows`` rows is one band
    energy: float = 0.25
    gap: float = 0.06
    min_rows: int = 8
    # a band under ``band_height`` of the tallest's height or ``band_energy`` of
    # the strongest's energy (a chip's edge, a rule) is dropped
    band_height: float = 0.4
    band_energy: float = 0.2
    # each band is padded by ``pad`` of its height; one covering over ``whole``
    # of the quad keeps the quad
    pad: float = 0.25
    whole: float = 0.8
    # one band of ``block_rows`` rows or more, over ``block_glyphs`` glyph
    # heights tall, is a merged paragraph (a block: detected again)
    block_rows: int = 20
    block_glyphs: float = 2.2
    # glyphs: ink components of ``glyph_min`` px (area and height) and up,
    # under ``glyph_max`` of the crop's height (glyphs counted from 4 px, not
    # 15 % of the quad: fresh scene 2095 no longer leaks, e78996b)
    glyph_min: int = 4
    glyph_max: float = 0.95


BANDS = BandTuning()


def ink_bands(gray: np.ndarray, tuning: BandTuning = BANDS) -> list[tuple[float, float]]:
    """The bands of rows that hold a line of ink in an upright crop, as (top, bottom)
    fractions of its height, padded by ``tuning.pad`` of each band's height.

    Per-row horizontal-gradient energy; rows above a quarter of the peak form
    bands (gaps of a row or two closed). Bands much weaker or thinner than the
    strongest (a chip's edge, a rule) are dropped; neighbouring lines that a
    coarse detector merged into one quad come back as separate bands.
    """
    t = tuning
    height = gray.shape[0]
    energy = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)).sum(axis=1)
    if height < t.min_rows or energy.max() <= 0:
        return [(0.0, 1.0)]
    on = energy > t.energy * energy.max()
    gap = max(1, int(t.gap * height))
    bands: list[list[int]] = []
    for row in np.nonzero(on)[0]:
        if bands and row - bands[-1][1] <= gap + 1:
            bands[-1][1] = int(row) + 1
        else:
            bands.append([int(row), int(row) + 1])
    mass = [float(energy[a:b].sum()) for a, b in bands]
    tallest = max(b - a for a, b in bands)
    kept = [
        (a, b)
        for (a, b), m in zip(bands, mass, strict=True)
        if b - a >= t.band_height * tallest and m >= t.band_energy * max(mass)
    ]
    out = []
    for a, b in kept:
        margin = t.pad * (b - a)
        out.append((max(0.0, (a - margin) / height), min(1.0, (b + margin) / height)))
    return out


def one_band(bgr: np.ndarray, quad: np.ndarray, tuning: BandTuning = BANDS) -> bool:
    """Whether ``quad``, cut upright, holds one band of ink (one printed line)."""
    return len(ink_bands(cv2.cvtColor(crop_line(bgr, quad), cv2.COLOR_BGR2GRAY), tuning)) == 1


def glyph_height(gray: np.ndarray, tuning: BandTuning = BANDS) -> float:
    """The median height of the ink's connected components (the minority colour
    after Otsu): about a character's height, whatever the slant of the lines."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:
        ink = 1 - ink
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height = gray.shape[0]
    # glyphs from 4 px up (not specks, dots or dashes), short of the whole crop
    # (the surface around the text when the quad holds more than the text)
    low, high = tuning.glyph_min, tuning.glyph_max * height
    sizes = [h for _, _, _, h, area in stats[1:] if area >= low and low <= h < high]
    return float(np.median(sizes)) if sizes else float(height)


def tighten(
    bgr: np.ndarray, quad: np.ndarray, tuning: BandTuning = BANDS
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Shrink a detector quad to the ink band of its one line of text.

    Returns ``(lines, blocks)``, one of them empty. A quad is a block when it
    holds several lines: several ink bands (row bands would cut slanted lines
    across), or one band much taller than its characters (a paragraph the
    coarse detector merged, its lines slanted so no row between them is
    blank). The caller detects blocks again at full resolution.
    A tight crop is what the recogniser reads best.
    """
    gray = cv2.cvtColor(crop_line(bgr, quad), cv2.COLOR_BGR2GRAY)
    t = tuning
    bands = ink_bands(gray, t)
    if len(bands) > 1:
        return [], [_band(quad, a, b) for a, b in bands]
    (a, b), height = bands[0], gray.shape[0]
    rows = gray[int(a * height) : max(int(b * height), int(a * height) + 1)]
    band = quad if b - a > t.whole else _band(quad, a, b)
    if rows.shape[0] >= t.block_rows and rows.shape[0] > t.block_glyphs * glyph_height(rows, t):
        return [], [band]
    return [band], []


def _band(quad: np.ndarray, a: float, b: float) -> np.ndarray:
    """The part of ``quad`` between fractions ``a`` and ``b`` of its height, in the
    detector's corner order."""
    tl, tr, br, bl = reading_order(quad)
    band = np.stack(
        [tl + (bl - tl) * a, tr + (br - tr) * a, tr + (br - tr) * b, tl + (bl - tl) * b]
    )
    return band[[3, 0, 1, 2]] if is_tall(quad) else band


def tightened(
    bgr: np.ndarray, quads: list[np.ndarray], tuning: BandTuning = BANDS
) -> list[np.ndarray]:
    """Each quad shrunk to its ink bands (``tighten``): its lines, or its blocks."""
    return [band for quad in quads for part in tighten(bgr, quad, tuning) for band in part]
