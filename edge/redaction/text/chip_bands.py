"""A closer look where a card's number must lie, found by the card's chip.

Where a card's gold chip shows (``chips.py``) but no number was found beside
it, the four bands where its number must lie are cut level, zoomed and
detected again in one small mosaic, and what is found there is read.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.geometry import Rect, meets
from edge.redaction.text.bands import tightened
from edge.redaction.text.chaining import dedupe
from edge.redaction.text.chips import CHIPS, ChipTuning, find_chips
from edge.redaction.text.lines import TextLine, point_in_quad
from edge.redaction.text.mosaic import Tile, detect_tiles
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from edge.redaction.text.reading import read_lines
from edge.redaction.text.tuning import TEXT, TextTuning


def read_card_bands(
    detector: TextDetector,
    recognizer: TextRecognizer,
    bgr: np.ndarray,
    done: list[np.ndarray],
    windows: list[Rect] | None = None,
    tuning: TextTuning = TEXT,
    fills: list[np.ndarray] = (),
) -> list[tuple[np.ndarray, list[TextLine]]]:
    """A closer look where a card's number must be: for each chip in the frame whose bands hold
    none of ``done`` (polygons of numbers already found), its four bands are cut level, zoomed
    so the chip is each of ``chip_zooms`` across them, and detected in one mosaic; the lines
    found in a band at any zoom are read. Returns each band where text was found (its quad in
    the frame, cut to the stretch that holds that text: :func:`holding`) with the lines read
    there (maybe none: text that cannot be read). The detector finds small blurred digits at one
    zoom and not at a neighbouring one, which differs from card to card: two zooms miss fewer
    than either. With ``windows``, only chips that touch one (their bands whole); one elsewhere
    was seen whole by the check they complete. A band that holds one of ``fills`` (the
    redaction's own solid fills: ``fills.py``) was redacted already: the frame is the engine's
    own output, seen again by a re-check."""
    t = tuning
    done = [*done, *fills]
    bands = []
    for chip in find_chips(bgr, t.chips):
        if windows is not None and not any(meets(chip.extent(), w) for w in windows):
            continue
        four = chip.bands(t.chips)
        if not any(point_in_quad(p.mean(axis=0), quad) for p in done for quad, _ in four):
            bands += four
    tiles, found = detect_tiles(
        detector,
        bgr,
        [
            replace(Tile.onto(q, px / across), stretched=True)
            for q, across in bands
            for px in t.chip_zooms
        ],
        t.fine.mosaic_width,
        t.mosaic,
    )
    quads: dict[int, list[np.ndarray]] = {}
    for k, quad in found:
        quads.setdefault(k // len(t.chip_zooms), []).append(quad)
    return [
        (
            holding(bands[k][0], qs, t.chips),
            read_lines(recognizer, bgr, dedupe(tightened(bgr, qs, t.bands), t.chaining), t.reading),
        )
        for k, qs in sorted(quads.items())
    ]


def holding(band: np.ndarray, quads: list[np.ndarray], tuning: ChipTuning = CHIPS) -> np.ndarray:
    """The stretch of ``band`` (tl, tr, br, bl) that holds ``quads``, padded by
    ``text_pad_along`` of its length and ``text_pad_across`` of its height."""
    tl, tr, _, bl = band.astype(np.float64)
    u, v = tr - tl, bl - tl
    basis = np.linalg.inv(np.stack([u, v], axis=1))
    coords = np.concatenate([(q.astype(np.float64) - tl) @ basis.T for q in quads])
    a0, c0 = coords.min(axis=0) - (tuning.text_pad_along, tuning.text_pad_across)
    a1, c1 = coords.max(axis=0) + (tuning.text_pad_along, tuning.text_pad_across)
    a0, a1, c0, c1 = (float(np.clip(x, 0.0, 1.0)) for x in (a0, a1, c0, c1))
    corners = [tl + u * a + v * c for a, c in ((a0, c0), (a1, c0), (a1, c1), (a0, c1))]
    return np.float32(corners)
