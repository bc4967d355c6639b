"""The text cascade: find every line of text in a frame cheaply, then read it.

1. **Coarse**: the DB detector on the whole frame at ``coarse_side`` (640 px
   for a 1280x720 frame), which finds text from about 9 px high; each quad is
   tightened to its line, or split into its lines (``bands.py``).
2. **Fine** (``fine.py``): small, slanted and merged text, detected at full
   resolution on a mosaic of the regions that need it.
3. **Read** (``reading.py``): each line is cropped from the full-resolution
   frame, rectified and recognised (tall lines both ways up; a line that reads
   poorly and looks upside down to the direction classifier turned round too).
4. **Read again, longer** (``reread.py``): where the rules say a line may go
   on past its end (a number cut short), it is lengthened and read again.
5. **Cards by their chips** (``chip_bands.py``): asked once the rules know
   which numbers were found.

Nothing here decides what is sensitive; the rules do (``edge.redaction.rules``).
"""

from __future__ import annotations

import numpy as np

from core.geometry import Rect, meets, pad_rect, quad_size, union
from edge.redaction.text import chip_bands, mosaic, reread
from edge.redaction.text.bands import tighten, tightened
from edge.redaction.text.chaining import chain_lines, dedupe
from edge.redaction.text.fine import FinePass
from edge.redaction.text.lines import TextLine, point_in_quad, reading_order
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from edge.redaction.text.reading import read_each, read_lines
from edge.redaction.text.tuning import TEXT, TextTuning, digest


class TextScanner:
    """Every line of text in a frame, read: coarse + fine detection, then recognition."""

    def __init__(
        self,
        detector: TextDetector,
        recognizer: TextRecognizer,
        tuning: TextTuning = TEXT,
        fine: bool = True,
    ) -> None:
        self.detector, self.recognizer, self.tuning = detector, recognizer, tuning
        t = tuning
        self.fine_pass = (
            FinePass(detector, t.fine, t.candidates, t.slant, t.cues, t.mosaic) if fine else None
        )
        passes = "+fine" if fine else ""
        self.version = (
            f"{detector.version}@{t.coarse_side}{passes}+{recognizer.version}+tuning-{digest(t)}"
        )

    def find(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[np.ndarray]:
        """Quads of all text lines, from the coarse pass and the fine pass.

        With ``windows`` (new parts of a view whose rest was read before),
        only the lines that touch them, each whole: the coarse pass runs on
        the whole frame and a line it finds across a window's edge is looked
        at whole (``reach``); the fine pass looks ``tuning.margin`` px round each
        window, at what touches it: longer than that, a line is text the
        coarse pass finds.
        """
        coarse = self.detector.detect(bgr, self.tuning.coarse_side)
        if windows is None:
            return self._lines(bgr, coarse)
        height, width = bgr.shape[:2]
        out = []
        for window in windows:
            lines = reach(window, coarse)
            x, y, w, h = pad_rect(union(lines, window, self.tuning.margin), 0, width, height)
            at = np.float32([x, y])
            mine = [q - at for q in coarse if meets(q, lines)]
            focus = (window[0] - x, window[1] - y, window[2], window[3])
            out += [q + at for q in self._lines(bgr[y : y + h, x : x + w], mine, focus)]
        return dedupe(out, self.tuning.chaining)

    def _lines(
        self, bgr: np.ndarray, coarse: list[np.ndarray], focus: Rect | None = None
    ) -> list[np.ndarray]:
        """The coarse pass's quads tightened to lines, and the fine pass's (only
        what touches ``focus``, if given)."""
        lines, blocks = [], []
        for quad in coarse:
            found, merged = tighten(bgr, quad, self.tuning.bands)
            lines += found
            blocks += merged
        if self.fine_pass is None:
            return lines + blocks
        fine = self.fine_pass.find(bgr, lines, blocks, focus)
        # a block the fine pass split into lines is replaced by them; else kept whole
        kept = [b for b in blocks if not any(point_in_quad(q.mean(axis=0), b) for q in fine)]
        t = self.tuning
        return dedupe(lines + kept + tightened(bgr, fine, t.bands), t.chaining)

    def scan(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[TextLine]:
        """Read the lines that could hold something sensitive (those touching
        ``windows``, if given: see :meth:`find`).

        Fragments are first chained by geometry alone; a chain too short to
        hold ``tuning.min_glyphs`` characters (a lone word, "12/29") is not read,
        which is where most recognition time would go.
        """
        t = self.tuning
        quads = self.find(bgr, windows)
        shapes = [TextLine(reading_order(q), "", 0.0) for q in quads]
        index = {id(s): k for k, s in enumerate(shapes)}
        keep = []
        for chain in chain_lines(shapes, t.chaining):
            length = sum(s.length for s in chain)
            height = max(s.height for s in chain)
            if length >= t.min_glyphs * t.glyph_width * height:
                keep.extend(index[id(s)] for s in chain)
        return read_lines(self.recognizer, bgr, [quads[k] for k in sorted(keep)], t.reading)

    def read_cut_again(
        self, bgr: np.ndarray, lines: list[TextLine], cut: reread.CutText
    ) -> list[TextLine]:
        """``reread.read_cut_again`` with this scanner's recogniser."""
        t = self.tuning
        return reread.read_cut_again(self.recognizer, bgr, lines, cut, t.reread, t.chaining)

    def read_quads(self, bgr: np.ndarray, quads: list[np.ndarray]) -> list[TextLine | None]:
        """Each quad read (None where nothing was), with this scanner's recogniser."""
        return read_each(self.recognizer, bgr, quads, self.tuning.reading)

    def read_card_bands(
        self,
        bgr: np.ndarray,
        done: list[np.ndarray],
        windows: list[Rect] | None = None,
        fills: list[np.ndarray] = (),
    ) -> list[tuple[np.ndarray, list[TextLine]]]:
        """``chip_bands.read_card_bands`` with this scanner's models and mosaic."""
        return chip_bands.read_card_bands(
            self.detector,
            self.recognizer,
            bgr,
            done,
            windows=windows,
            tuning=self.tuning,
            fills=fills,
        )

    def detect_tiles(self, bgr: np.ndarray, tiles: list[mosaic.Tile]):  # noqa: ANN201
        """``mosaic.detect_tiles`` with this scanner's detector and mosaic width."""
        t = self.tuning
        return mosaic.detect_tiles(self.detector, bgr, tiles, t.fine.mosaic_width, t.mosaic)


def reach(window: Rect, quads: list[np.ndarray]) -> Rect:
    """``window`` grown until every quad that meets it, padded by its height
    (the gap to the next piece of its line), lies inside it: a line that
    crosses the window's edge is looked at whole."""
    x0, y0, x1, y1 = window[0], window[1], window[0] + window[2], window[1] + window[3]
    boxes = []
    for quad in quads:
        pad = min(quad_size(quad))
        (a, b), (c, d) = quad.min(axis=0) - pad, quad.max(axis=0) + pad
        boxes.append((a, b, c, d))
    grown = True
    while grown:
        grown = False
        for a, b, c, d in boxes:
            meets = a <= x1 and c >= x0 and b <= y1 and d >= y0
            if meets and (a < x0 or b < y0 or c > x1 or d > y1):
                x0, y0, x1, y1 = min(x0, a), min(y0, b), max(x1, c), max(y1, d)
                grown = True
    x0, y0 = max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0)
    return x0, y0, int(np.ceil(x1)) - x0, int(np.ceil(y1)) - y0
