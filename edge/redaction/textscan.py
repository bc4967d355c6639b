"""The text cascade: find every line of text in a frame cheaply, then read it.

1. **Coarse**: the DB detector on the whole frame at ``coarse_side`` (640 px
   for a 1280x720 frame), which finds text from about 9 px high.
2. **Fine**: small text is invisible at that resolution, so a cheap
   morphological cue (thin high-contrast strokes on a flat carrier, in lines)
   proposes regions; they are packed into one mosaic and the detector runs on
   it at full resolution, once.
3. **Read**: each line is cropped from the full-resolution frame, rectified
   and recognised (steep lines both ways up).
4. **Read again, longer**: a line whose digit run reaches its end short of
   ``min_digits`` (the caller's long-number rule) is lengthened and re-read,
   because the detector often cuts a small or slanted number short.

Nothing here decides what is sensitive; ``detectors.py`` applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge.redaction.cards import MIN_DIGITS, SEPARATORS, find_digit_runs
from edge.redaction.ocr import (
    TextDetector,
    TextLine,
    TextRecognizer,
    chain_lines,
    order_quad,
    read_each,
    read_lines,
    reading_order,
    tighten,
)

Rect = tuple[int, int, int, int]  # x, y, w, h


def _local_std(img: np.ndarray, k: int) -> np.ndarray:
    f = img.astype(np.float32)
    mean = cv2.boxFilter(f, -1, (k, k))
    return np.sqrt(np.maximum(cv2.boxFilter(f * f, -1, (k, k)) - mean * mean, 0))


def small_text_regions(
    bgr: np.ndarray, contrast: int = 32, min_flat: float = 0.3
) -> tuple[list[Rect], np.ndarray]:
    """Regions that may hold text too small for the coarse detector.

    Strokes: top-hat/black-hat responses above ``contrast`` (dark-on-light and
    light-on-dark). Carrier: where removing thin strokes leaves a flat surface
    (a card, paper, a screen), which rules out most of grass, gravel and wood.
    Strokes on a carrier, closed into blobs of line size, are the candidates.
    """
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    strokes = cv2.max(  # per colour channel: blue digits on green have little grey contrast
        cv2.morphologyEx(bgr, cv2.MORPH_TOPHAT, kernel),
        cv2.morphologyEx(bgr, cv2.MORPH_BLACKHAT, kernel),
    ).max(axis=2)
    strokes = (strokes > contrast).astype(np.uint8)
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    k5 = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    flat_dark = _local_std(cv2.morphologyEx(half, cv2.MORPH_CLOSE, k5), 9)
    flat_light = _local_std(cv2.morphologyEx(half, cv2.MORPH_OPEN, k5), 9)
    flat = (np.minimum(flat_dark, flat_light) < 10).astype(np.uint8)
    blobs = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    x, y, w, h, area = stats[1:].T
    short, long_ = np.minimum(w, h), np.maximum(w, h)
    keep = (short >= 4) & (long_ >= 16) & (area >= 0.2 * w * h)
    x, y, w, h = x[keep], y[keep], w[keep], h[keep]
    # On a carrier (a card, paper, a screen) the surroundings of a line are flat
    # once strokes are removed; between blades of grass or on gravel they are not.
    integral = cv2.integral(flat)
    ring = np.maximum(short[keep], 6)
    fh, fw = flat.shape
    x0 = np.clip((x - ring) // 2, 0, fw)
    y0 = np.clip((y - ring) // 2, 0, fh)
    x1 = np.clip((x + w + ring) // 2, 0, fw)
    y1 = np.clip((y + h + ring) // 2, 0, fh)
    total = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    flatness = total / np.maximum((x1 - x0) * (y1 - y0), 1)
    keep = flatness >= min_flat
    return [tuple(int(v) for v in r) for r in np.stack([x, y, w, h], axis=1)[keep]], strokes


def _pad(rect: Rect, pad: int, width: int, height: int) -> Rect:
    x, y, w, h = rect
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, width), min(y + h + pad, height)
    return x0, y0, x1 - x0, y1 - y0


def merge_rects(rects: list[Rect]) -> list[Rect]:
    """Union overlapping rectangles until none overlap."""
    out = list(rects)
    changed = True
    while changed:
        changed = False
        merged: list[Rect] = []
        for r in out:
            for k, m in enumerate(merged):
                if (
                    r[0] < m[0] + m[2]
                    and m[0] < r[0] + r[2]
                    and r[1] < m[1] + m[3]
                    and m[1] < r[1] + r[3]
                ):
                    x0, y0 = min(r[0], m[0]), min(r[1], m[1])
                    x1, y1 = max(r[0] + r[2], m[0] + m[2]), max(r[1] + r[3], m[1] + m[3])
                    merged[k] = (x0, y0, x1 - x0, y1 - y0)
                    changed = True
                    break
            else:
                merged.append(r)
        out = merged
    return out


@dataclass(frozen=True)
class Tile:
    src: Rect  # where it comes from in the frame
    at: tuple[int, int]  # where it sits in the mosaic
    turned: bool  # placed a quarter turn clockwise (tall regions: vertical text)

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.src[2], self.src[3]
        return (h, w) if self.turned else (w, h)

    def to_frame(self, quad: np.ndarray) -> np.ndarray:
        """A quad found in the mosaic, in frame coordinates (clipped to the tile)."""
        x, y, w, h = self.src
        local = quad - np.float32(self.at)
        if self.turned:  # (u, v) in the turned tile came from (v, h - 1 - u)
            local = np.stack([local[:, 1], h - 1 - local[:, 0]], axis=1)
        local[:, 0] = np.clip(local[:, 0], 0, w - 1)
        local[:, 1] = np.clip(local[:, 1], 0, h - 1)
        rect = cv2.boxPoints(cv2.minAreaRect(local.astype(np.float32)))  # clipping skews
        return order_quad(rect + np.float32([x, y]))


def runs_vertically(gray: np.ndarray) -> bool:
    """Whether the text in ``gray`` runs top-to-bottom: upright Latin text has mostly
    vertical strokes (horizontal gradients); text turned a quarter turn the opposite."""
    gx = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)).sum()
    gy = np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)).sum()
    return bool(gy > 1.15 * gx)


def pack(rects: list[tuple[Rect, bool]], width: int, gap: int = 8) -> tuple[list[Tile], int, int]:
    """Shelf-pack regions (tallest first) into rows ``width`` px wide.

    The text detector does not see vertical Latin text, so a region whose
    text runs vertically (``True``) is turned a quarter turn before packing.
    """
    turned = [(r, bool(turn)) for r, turn in rects]
    tiles: list[Tile] = []
    x = y = shelf = used_w = 0
    for r, turn in sorted(turned, key=lambda t: -(t[0][2] if t[1] else t[0][3])):
        w, h = (r[3], r[2]) if turn else (r[2], r[3])
        if x and x + w > width:
            x, y, shelf = 0, y + shelf + gap, 0
        tiles.append(Tile(r, (x, y), turn))
        used_w = max(used_w, x + w)
        x += w + gap
        shelf = max(shelf, h)
    return tiles, used_w, y + shelf


def _inside(point: np.ndarray, quad: np.ndarray) -> bool:
    return (
        cv2.pointPolygonTest(quad.astype(np.float32), (float(point[0]), float(point[1])), False)
        >= 0
    )


def dedupe(quads: list[np.ndarray], overlap: float = 0.5) -> list[np.ndarray]:
    """Drop a quad mostly inside a larger one (the same line found by both passes);
    reading it twice would join the line with itself into a longer number."""
    areas = [abs(cv2.contourArea(q)) for q in quads]
    order = sorted(range(len(quads)), key=lambda k: -areas[k])
    kept: list[int] = []
    for k in order:
        small = quads[k].astype(np.float32)
        if areas[k] <= 0:
            continue
        if any(
            cv2.intersectConvexConvex(small, quads[j].astype(np.float32))[0] > overlap * areas[k]
            for j in kept
        ):
            continue
        kept.append(k)
    return [quads[k] for k in sorted(kept)]


_SEPARATORS = "".join(SEPARATORS)


def _run(text: str) -> int:
    """Digits in the longest run of 8+ on a line (0 if none)."""
    return max((len(r.digits) for r in find_digit_runs(text, 8)), default=0)


def _extended(line: TextLine, min_digits: int) -> np.ndarray | None:
    """The line's quad lengthened past each end that a run of 8 to
    ``min_digits - 1`` digits reaches, by the room for the digits a long number
    would still need (plus two), or None when no run is cut short."""
    text = line.text
    before = after = 0.0
    pitch = line.length / max(len(text), 1)
    for run in find_digit_runs(text, 8):
        if len(run.digits) >= min_digits:
            continue
        room = (min_digits - len(run.digits) + 2) * pitch
        if not text[: run.start].strip(_SEPARATORS):
            before = room
        if not text[run.end :].strip(_SEPARATORS):
            after = room
    if not before and not after:
        return None
    tl, tr, br, bl = line.quad.astype(np.float32)
    along = (tr - tl) / max(float(np.linalg.norm(tr - tl)), 1e-6)
    return np.stack(
        [tl - along * before, tr + along * after, br + along * after, bl - along * before]
    )


class TextScanner:
    """Every line of text in a frame, read: coarse + fine detection, then recognition."""

    def __init__(
        self,
        detector: TextDetector,
        recognizer: TextRecognizer,
        coarse_side: int = 640,
        fine: bool = True,
        mosaic_width: int = 1280,
        min_glyphs: int = 7,
    ) -> None:
        self.min_glyphs = min_glyphs
        self.detector, self.recognizer = detector, recognizer
        self.coarse_side, self.fine, self.mosaic_width = coarse_side, fine, mosaic_width
        self.version = f"{detector.version}@{coarse_side}+fine+{recognizer.version}"

    def find(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Quads of all text lines, from the coarse pass and the fine pass."""
        lines, blocks = [], []
        for quad in self.detector.detect(bgr, self.coarse_side):
            found, merged = tighten(bgr, quad)
            lines += found
            blocks += merged
        if not self.fine:
            return lines + blocks
        fine = self._fine(bgr, lines, blocks)
        # a block the fine pass split into lines is replaced by them; else kept whole
        kept = [b for b in blocks if not any(_inside(q.mean(axis=0), b) for q in fine)]
        return dedupe(
            lines + kept + [band for q in fine for part in tighten(bgr, q) for band in part]
        )

    def scan(self, bgr: np.ndarray, min_digits: int = MIN_DIGITS) -> list[TextLine]:
        """Read the lines that could hold something sensitive.

        Fragments are first chained by geometry alone; a chain too short to
        hold ``min_glyphs`` characters (a lone word, "12/29") is not read,
        which is where most recognition time would go.
        """
        quads = self.find(bgr)
        shapes = [TextLine(reading_order(q), "", 0.0) for q in quads]
        index = {id(s): k for k, s in enumerate(shapes)}
        keep = []
        for chain in chain_lines(shapes):
            length = sum(s.length for s in chain)
            height = max(s.height for s in chain)
            if length >= self.min_glyphs * 0.5 * height:
                keep.extend(index[id(s)] for s in chain)
        lines = read_lines(self.recognizer, bgr, [quads[k] for k in sorted(keep)])
        return self.read_cut_again(bgr, lines, min_digits)

    def read_cut_again(
        self, bgr: np.ndarray, lines: list[TextLine], min_digits: int = MIN_DIGITS
    ) -> list[TextLine]:
        """Read again, longer, the lines whose run of 8 to ``min_digits - 1``
        digits reaches an end of the line: the detector often cuts a small or
        slanted number short ("38462431153" of "3846 243115 3541"), and the rest
        of it would be sent."""
        height, width = bgr.shape[:2]
        cut = {
            k: q for k, line in enumerate(lines) if (q := _extended(line, min_digits)) is not None
        }
        if not cut:
            return lines
        for quad in cut.values():
            quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
        again = dict(zip(cut, read_each(self.recognizer, bgr, list(cut.values())), strict=True))
        return [
            longer if (longer := again.get(k)) and _run(longer.text) > _run(line.text) else line
            for k, line in enumerate(lines)
        ]

    def _fine(
        self, bgr: np.ndarray, coarse: list[np.ndarray], blocks: list[np.ndarray]
    ) -> list[np.ndarray]:
        """Text the coarse pass missed or merged, detected at full resolution on a
        mosaic of the regions that need it (``blocks`` always do)."""
        height, width = bgr.shape[:2]
        covered = np.zeros((height, width), np.uint8)
        for quad in coarse:
            cv2.fillPoly(covered, [np.round(quad).astype(np.int32)], 1)
        covered = cv2.dilate(covered, np.ones((5, 5), np.uint8))
        rects = [
            _pad(cv2.boundingRect(np.round(b).astype(np.int32)), 8, width, height) for b in blocks
        ]
        candidates, strokes = small_text_regions(bgr)
        for rect in candidates:
            x, y, w, h = rect
            ink = strokes[y : y + h, x : x + w]
            if (ink & covered[y : y + h, x : x + w]).sum() > 0.85 * ink.sum():
                continue  # the coarse pass already has (almost) all of this text
            rects.append(_pad(rect, max(8, min(w, h)), width, height))
        if not rects:
            return []
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        oriented = [
            (r, runs_vertically(gray[r[1] : r[1] + r[3], r[0] : r[0] + r[2]]))
            for r in merge_rects(rects)
        ]
        tiles, mw, mh = pack(oriented, self.mosaic_width)
        mosaic = np.full((max(mh, 32), max(mw, 32), 3), 127, np.uint8)
        for t in tiles:
            x, y, w, h = t.src
            patch = bgr[y : y + h, x : x + w]
            if t.turned:
                patch = cv2.rotate(patch, cv2.ROTATE_90_CLOCKWISE)
            tw, th = t.size
            mosaic[t.at[1] : t.at[1] + th, t.at[0] : t.at[0] + tw] = patch
        found = []
        for quad in self.detector.detect(mosaic, max(mosaic.shape[:2])):
            cx, cy = quad.mean(axis=0)
            for t in tiles:
                (ax, ay), (tw, th) = t.at, t.size
                if ax <= cx < ax + tw and ay <= cy < ay + th:
                    found.append(t.to_frame(quad))
                    break
        return found
