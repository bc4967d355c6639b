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

from dataclasses import dataclass, replace

import cv2
import numpy as np

from core.geometry import Rect, meets, merge_rects, pad_rect
from edge.redaction.text.candidates import (
    CANDIDATES,
    CandidateTuning,
    Region,
    small_text_regions,
)
from edge.redaction.text.cues import CUES, CueTuning, glyph_strokes, quiet_margins, runs_vertically
from edge.redaction.text.mosaic import MOSAIC, MosaicTuning, Tile, detect_tiles
from edge.redaction.text.ppocr import TextDetector
from edge.redaction.text.slant import SLANT, SlantTuning, join_lines, level_quad, split_lines


@dataclass(frozen=True)
class FineTuning:
    """Which regions go into the fine pass's mosaic, and how. Sizes in px of
    the frame; ``small_text`` is the unit of the thickness limits. Leaks are
    of the benchmark's 516 legible numbers (seeds 1000-1329) unless said."""

    mosaic_width: int = 1280  # the mosaic's width (cae0297, no sweep recorded)
    # a slanted line thinner than ``small_text`` goes in zoomed ``zoom`` times:
    # the detector misses 8-10 px digits at 30 degrees even at full resolution
    # (turning slanted lines level and zooming them: leaks on seeds 1040-1099
    # 13 -> 6, c9b06e5; small level lines split off a blob too: 19 -> 16, 771f79b)
    small_text: float = 16.0
    zoom: float = 2.0
    # slanted: ``slant_min`` to 90 - ``slant_min`` degrees (c9b06e5)
    slant_min: float = 12.0
    # a line is at most ``line_max`` small_texts thick and ``line_elongation``
    # times as long as thick; a thicker blob, up to ``blob_max`` small_texts,
    # is split into its lines (70dea27: mosaic 0.69 -> 0.65 Mpx; 771f79b)
    line_max: int = 2
    line_elongation: float = 2.5
    blob_max: int = 20
    # a candidate with ``covered_share`` of its strokes inside the coarse
    # pass's quads (grown by a ``covered_grow`` square) is skipped (cae0297)
    covered_share: float = 0.85
    covered_grow: int = 5
    # a blob at ``steep_blob`` degrees that is no slanted line, whose strokes
    # run at ``steep_lines`` degrees, goes in turned level (a receipt turned on
    # the table: fresh seeds 2000-2499 leaks 2 -> 0 of 766, 04e3dc5; shorts
    # 24 -> 19 of 571 once short steep lines went too, 2832446)
    steep_blob: tuple[float, float] = (25, 65)
    steep_lines: tuple[float, float] = (30, 60)
    # a line's tile is padded across by ``along_pad`` of its thickness (at
    # least ``along_pad_min`` px) and at its ends by ``along_pad_ends`` thicknesses
    along_pad: float = 0.5
    along_pad_min: float = 4.0
    along_pad_ends: float = 2.0
    # horizontal over vertical gradient of a line turned level: at least
    # ``tile_strokes`` to go in (a lone edge or streak has less; glyphs 0.8 and
    # up, 7dc7f53), at least ``line_strokes`` with quiet margins to be read
    # whole when the detector finds nothing on it (bc32c4f: benchmark leaks
    # 1089, 1105, 1213 fixed)
    tile_strokes: float = 0.4
    line_strokes: float = 0.5
    # an upright tile is padded by the blob's thickness, ``upright_pad_min`` px
    # at least and ``line_max`` small_texts at most; a merged block by ``block_pad``
    upright_pad_min: int = 8
    block_pad: int = 8


FINE = FineTuning()


class FinePass:
    """The fine pass of the text cascade (see the module's docstring)."""

    def __init__(
        self,
        detector: TextDetector,
        tuning: FineTuning = FINE,
        candidates: CandidateTuning = CANDIDATES,
        slant: SlantTuning = SLANT,
        cues: CueTuning = CUES,
        mosaic: MosaicTuning = MOSAIC,
    ) -> None:
        self.detector, self.tuning = detector, tuning
        self.candidates, self.slant, self.cues, self.mosaic = candidates, slant, cues, mosaic

    def _slanted(self, region: Region) -> bool:
        return self.tuning.slant_min <= region.slant <= 90 - self.tuning.slant_min

    def _steep(self, region: Region) -> bool:
        """A blob at 25-65 degrees that is no slanted line: a paragraph, or a
        short line (a date, a word) that upright runs into its neighbours."""
        low, high = self.tuning.steep_blob
        return low <= region.slant <= high and region.thickness <= self._blob_max

    @property
    def _line_max(self) -> float:
        return self.tuning.line_max * self.tuning.small_text

    @property
    def _blob_max(self) -> float:
        return self.tuning.blob_max * self.tuning.small_text

    def _small_line(self, region: Region) -> bool:
        return region.thickness < self.tuning.small_text and region.elongated(
            self.tuning.line_elongation
        )

    def _slanted_line(self, region: Region) -> bool:
        return (
            self._slanted(region)
            and region.thickness <= self._line_max
            and region.elongated(self.tuning.line_elongation)
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
        t = self.tuning
        height, width = bgr.shape[:2]
        covered = np.zeros((height, width), np.uint8)
        for quad in coarse:
            cv2.fillPoly(covered, [np.round(quad).astype(np.int32)], 1)
        covered = cv2.dilate(covered, np.ones((t.covered_grow, t.covered_grow), np.uint8))
        rects = [
            pad_rect(cv2.boundingRect(np.round(b).astype(np.int32)), t.block_pad, width, height)
            for b in blocks
        ]
        along = []  # lines cut out along their own direction
        steep = []  # text at 30-60 degrees, turned level
        candidates, strokes = small_text_regions(bgr, self.candidates)
        for region in candidates:
            x, y, w, h = region.rect
            if focus is not None and not meets(np.float32([[x, y], [x + w, y + h]]), focus):
                continue
            ink = strokes[y : y + h, x : x + w]
            if (ink & covered[y : y + h, x : x + w]).sum() > t.covered_share * ink.sum():
                continue  # the coarse pass already has (almost) all of this text
            thick = region.thickness
            if thick <= self._blob_max and (
                region.loose
                or thick > self._line_max
                or (thick > self.tuning.small_text and self._slanted(region))
            ):
                # a small number closed into one blob with a chip, the card's
                # edge or the lines below, or a slanted blob too thick to be
                # zoomed, which may be off the text's slant: its lines that
                # are slanted or small go into the mosaic on their own
                lines = [
                    line
                    for line in split_lines(strokes, region, self.slant)
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
                quad, degrees = level_quad(strokes, region, self.tuning.small_text, self.slant)
                if t.steep_lines[0] <= abs(degrees) <= t.steep_lines[1]:
                    steep.append(Tile.onto(quad, 1.0))
                    continue
            # padded by its thickness for context, but no more than a line's
            pad = int(min(max(t.upright_pad_min, min(w, h)), self._line_max))
            rects.append(pad_rect(region.rect, pad, width, height))
        tiles = steep
        for box, thick in join_lines(along, self.slant):
            tile = Tile.along(
                box, max(t.along_pad_min, thick * t.along_pad), t.along_pad_ends * thick
            )
            level = tile.cut(bgr, self.mosaic)
            across = glyph_strokes(level)
            if across >= t.tile_strokes:
                line = across >= t.line_strokes and quiet_margins(level, self.cues)
                tile = replace(tile, line=line)
                tiles.append(tile.zoomed(t.zoom) if thick < self.tuning.small_text else tile)
        rects = merge_rects(rects)
        if sum(w * h for _, _, w, h in rects) > width * height:
            rects = [(0, 0, width, height)]  # cheaper as one tile
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        tiles += [
            Tile.upright(
                r, runs_vertically(gray[r[1] : r[1] + r[3], r[0] : r[0] + r[2]], self.cues)
            )
            for r in rects
        ]
        tiles, found = detect_tiles(self.detector, bgr, tiles, t.mosaic_width, self.mosaic)
        yielded = {k for k, _ in found}
        # Blurred 7-10 px digits at a slant are missed even turned level and
        # zoomed; a line that looks like text and yields nothing is read whole.
        return [q for _, q in found] + [
            tile.outline() for k, tile in enumerate(tiles) if tile.line and k not in yielded
        ]
