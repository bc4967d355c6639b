"""The fine pass: text the coarse pass missed or merged, detected at full resolution.

Small text is invisible to the coarse pass, so a cheap morphological cue
(``candidates.py``) proposes regions; a blob of several lines (a small number
closed into one blob with its chip or the card's edge) is split into lines
along the text's own slant (``slant.py``); they are packed into one mosaic (a
slanted line turned level, a small line zoomed 2x, a paragraph at 30-60
degrees turned level: upright, the detector finds only pieces of its lines)
and the detector runs on it at full resolution, once (``mosaic.py``). A line
that looks like text (glyph strokes, quiet above and below: ``cues.py``) but
yields nothing there is read whole: blurred 7-10 px digits at a slant are
missed by the detector even turned level and zoomed.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from core.geometry import Rect, meets, merge_rects, pad_rect
from edge.redaction.text.candidates import Region, small_text_regions
from edge.redaction.text.cues import glyph_strokes, quiet_margins, runs_vertically
from edge.redaction.text.mosaic import Tile, detect_tiles
from edge.redaction.text.ppocr import TextDetector
from edge.redaction.text.slant import join_lines, level_quad, split_lines


class FinePass:
    """The fine pass of the text cascade (see the module's docstring)."""

    def __init__(
        self,
        detector: TextDetector,
        mosaic_width: int = 1280,
        small_text: float = 16.0,
        slant_min: float = 12.0,
    ) -> None:
        self.detector, self.mosaic_width = detector, mosaic_width
        # a slanted line (``slant_min`` to 90 - ``slant_min`` degrees, a blob at
        # most twice ``small_text`` px thick) is turned level in the mosaic, and
        # zoomed 2x when thinner than ``small_text`` px: the detector misses
        # 8-10 px digits at 30 degrees even at full resolution
        self.small_text, self.slant_min = small_text, slant_min

    def _slanted(self, region: Region) -> bool:
        return self.slant_min <= region.slant <= 90 - self.slant_min

    def _steep(self, region: Region) -> bool:
        """A blob at 25-65 degrees that is no slanted line: a paragraph, or a
        short line (a date, a word) that upright runs into its neighbours."""
        return 25 <= region.slant <= 65 and region.thickness <= 20 * self.small_text

    def _small_line(self, region: Region) -> bool:
        return region.thickness < self.small_text and region.elongated(2.5)

    def _slanted_line(self, region: Region) -> bool:
        return (
            self._slanted(region)
            and region.thickness <= 2 * self.small_text
            and region.elongated(2.5)
        )

    def find(
        self,
        bgr: np.ndarray,
        coarse: list[np.ndarray],
        blocks: list[np.ndarray],
        focus: Rect | None = None,
    ) -> list[np.ndarray]:
        """Text the coarse pass missed or merged, detected at full resolution on a
        mosaic of the regions that need it (``blocks`` always do; with a
        ``focus``, only regions that touch it).

        A slanted line of small text goes into the mosaic turned level and
        zoomed: the detector misses 8-10 px digits at 30 degrees, even at full
        resolution. So does a small level line split from a larger blob: in
        the blob's own tile, at 1x, blurred 8 px digits are missed.
        """
        height, width = bgr.shape[:2]
        covered = np.zeros((height, width), np.uint8)
        for quad in coarse:
            cv2.fillPoly(covered, [np.round(quad).astype(np.int32)], 1)
        covered = cv2.dilate(covered, np.ones((5, 5), np.uint8))
        rects = [
            pad_rect(cv2.boundingRect(np.round(b).astype(np.int32)), 8, width, height)
            for b in blocks
        ]
        along = []  # lines cut out along their own direction
        steep = []  # text at 30-60 degrees, turned level
        candidates, strokes = small_text_regions(bgr)
        for region in candidates:
            x, y, w, h = region.rect
            if focus is not None and not meets(np.float32([[x, y], [x + w, y + h]]), focus):
                continue
            ink = strokes[y : y + h, x : x + w]
            if (ink & covered[y : y + h, x : x + w]).sum() > 0.85 * ink.sum():
                continue  # the coarse pass already has (almost) all of this text
            thick = region.thickness
            if thick <= 20 * self.small_text and (
                region.loose
                or thick > 2 * self.small_text
                or (thick > self.small_text and self._slanted(region))
            ):
                # a small number closed into one blob with a chip, the card's
                # edge or the lines below, or a slanted blob too thick to be
                # zoomed, which may be off the text's slant: its lines that
                # are slanted or small go into the mosaic on their own
                lines = [
                    line
                    for line in split_lines(strokes, region)
                    if self._slanted_line(line) or self._small_line(line)
                ]
                # (where nothing thin enough comes apart, 7-10 px digits
                # closed into one blob with the lines below them on a striped
                # card, the blob goes in upright at 1x, where the detector
                # misses them; the card is found by its chip. Each such blob
                # turned level and zoomed 2x as well was 28 % of the mosaic)
                along += lines
            if region.loose:
                continue  # not a line of text itself
            if self._slanted_line(region):
                along.append(region)
                continue
            if self._steep(region):
                # text at 30-60 degrees: upright, the detector finds only pieces
                # of a paragraph's lines, but whole lines turned level
                quad, degrees = level_quad(strokes, region, self.small_text)
                if 30 <= abs(degrees) <= 60:
                    steep.append(Tile.onto(quad, 1.0))
                    continue
            # padded by its thickness for context, but no more than a line's
            pad = int(min(max(8, min(w, h)), 2 * self.small_text))
            rects.append(pad_rect(region.rect, pad, width, height))
        tiles = steep
        for box, thick in join_lines(along):
            tile = Tile.along(box, max(4.0, thick / 2), 2 * thick)
            level = tile.cut(bgr)
            across = glyph_strokes(level)
            if across >= 0.4:
                line = across >= 0.5 and quiet_margins(level)
                tile = replace(tile, line=line)
                tiles.append(tile.zoomed(2.0) if thick < self.small_text else tile)
        rects = merge_rects(rects)
        if sum(w * h for _, _, w, h in rects) > width * height:
            rects = [(0, 0, width, height)]  # cheaper as one tile
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        tiles += [
            Tile.upright(r, runs_vertically(gray[r[1] : r[1] + r[3], r[0] : r[0] + r[2]]))
            for r in rects
        ]
        tiles, found = detect_tiles(self.detector, bgr, tiles, self.mosaic_width)
        yielded = {k for k, _ in found}
        # Blurred 7-10 px digits at a slant are missed even turned level and
        # zoomed; a line that looks like text and yields nothing is read whole.
        return [q for _, q in found] + [
            t.outline() for k, t in enumerate(tiles) if t.line and k not in yielded
        ]
