"""The text cascade: find every line of text in a frame cheaply, then read it.

1. **Coarse**: the DB detector on the whole frame at ``coarse_side`` (640 px
   for a 1280x720 frame), which finds text from about 9 px high.
2. **Fine**: small text is invisible at that resolution, so a cheap
   morphological cue (thin high-contrast strokes on a flat carrier, in lines)
   proposes regions; a blob of several lines (a small number closed into one
   blob with its chip or the card's edge) is split into lines along the
   text's own slant; they are packed into one mosaic (a slanted line turned
   level, a small line zoomed 2x, a paragraph at 30-60 degrees turned level:
   upright, the detector finds only pieces of its lines) and the detector
   runs on it at full resolution, once. A line that looks like text (glyph
   strokes, quiet above and below) but yields nothing there is read whole:
   blurred 7-10 px digits at a slant are missed by the detector even turned
   level and zoomed.
3. **Read**: each line is cropped from the full-resolution frame, rectified
   and recognised (tall lines both ways up; a line that reads poorly and
   looks upside down to the direction classifier turned round too).
4. **Read again, longer**: a line whose digit run reaches its end short of
   ``min_digits`` (the caller's long-number rule) is lengthened and re-read,
   because the detector often cuts a small or slanted number short; where the
   line goes on (more ink, or a finger over the rest) but nothing more reads,
   it is marked ``runs_on``.
5. **Cards by their chips** (``read_card_bands``, called by the rules once
   they know which numbers were found): where a card's gold chip shows but
   no number was found beside it, the four bands where its number must lie
   are cut level, zoomed and detected again, and what is found there is read.

Nothing here decides what is sensitive; ``detectors.py`` applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from edge.redaction.cards import MIN_DIGITS, SEPARATORS, find_digit_runs
from edge.redaction.chips import find_chips
from edge.redaction.ocr import (
    TextDetector,
    TextLine,
    TextRecognizer,
    chain_lines,
    crop_line,
    linked_groups,
    off_line,
    order_quad,
    quad_size,
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


def _sides(box: tuple) -> tuple[np.ndarray, np.float32, np.float32]:
    """A rotated rectangle's (``cv2.minAreaRect``) unit vector along its long
    side, pointing right, and the lengths of its long and short sides."""
    corners = cv2.boxPoints(box)
    e1, e2 = corners[1] - corners[0], corners[2] - corners[1]
    long_, short = (e1, e2) if np.hypot(*e1) >= np.hypot(*e2) else (e2, e1)
    u = long_ / max(float(np.hypot(*long_)), 1e-6)
    return -u if u[0] < 0 else u, np.hypot(*long_), np.hypot(*short)


@dataclass(frozen=True)
class Region:
    """A blob of strokes that may be a line of small text."""

    rect: Rect  # upright bounding rectangle
    box: tuple  # rotated rectangle around it, as ``cv2.minAreaRect`` gives it
    loose: bool = False  # strokes fill little of the box: not a line, but may hold one

    @property
    def thickness(self) -> float:
        return float(min(self.box[1]))

    @property
    def length(self) -> float:
        return float(max(self.box[1]))

    def elongated(self, ratio: float) -> bool:
        """Whether it is at least ``ratio`` times as long as it is thick (a line)."""
        return self.length >= ratio * self.thickness

    @property
    def direction(self) -> np.ndarray:
        """Unit vector along the long side, pointing right."""
        return _sides(self.box)[0]

    @property
    def slant(self) -> float:
        """The angle of the long side from the horizontal, 0..90 degrees."""
        dx, dy = self.direction
        return float(np.degrees(np.arctan2(abs(dy), abs(dx))))


def _rows(xs: np.ndarray, ys: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Each point's row (whole px, from 0) across lines running at each of
    ``degrees`` (y down): one row of results per direction."""
    t = np.radians(np.atleast_1d(degrees))[:, None]
    rows = np.round(ys * np.cos(t) - xs * np.sin(t)).astype(np.int32)
    return rows - rows.min(axis=1, keepdims=True)


def text_slant(xs: np.ndarray, ys: np.ndarray, step: float = 4.0) -> float:
    """The direction (degrees, y down) of the lines that stroke points lie on:
    across the right direction the points gather in a few rows, so the sum of
    squares of the rows' counts peaks (a coarse search, then a fine one)."""

    def best(degrees: np.ndarray) -> float:
        rows = _rows(xs, ys, degrees)
        span = int(rows.max()) + 1
        counts = np.bincount(
            (rows + np.arange(len(degrees))[:, None] * span).ravel(), minlength=len(degrees) * span
        ).reshape(len(degrees), span)
        return float(degrees[np.argmax((counts.astype(np.float64) ** 2).sum(axis=1))])

    coarse = best(np.arange(-88.0, 90.0, step))
    return best(np.arange(coarse - step + 1, coarse + step))


def _blob_slant(strokes: np.ndarray, region: Region) -> tuple[np.ndarray, np.ndarray, float]:
    """A blob's stroke points (relative to its rectangle's corner) and the
    direction of its lines (``text_slant``; 0 with fewer than 16 points)."""
    x, y, w, h = region.rect
    ys, xs = np.nonzero(strokes[y : y + h, x : x + w])
    if len(xs) < 16:
        return xs, ys, 0.0
    every = max(1, len(xs) // 2000)  # the direction from a sample is as good
    return xs, ys, text_slant(xs[::every], ys[::every])


def split_lines(
    strokes: np.ndarray, region: Region, level: float = 0.3, min_fill: float = 0.35
) -> list[Region]:
    """The lines in a blob that holds more than one (a small number closed into
    one blob with a chip or the lines below it): across the lines' direction
    (``text_slant``), bands of rows whose stroke count is at least ``level`` of
    the busiest row's, whose strokes fill ``min_fill`` of their rotated
    rectangle (digits fill 0.5-0.8 of theirs; wood grain and gravel mostly less)."""
    x, y = region.rect[:2]
    xs, ys, degrees = _blob_slant(strokes, region)
    if len(xs) < 16:
        return []
    rows = _rows(xs, ys, degrees)[0]
    # smoothed over a few rows: a straight edge (a chip's, a stripe's) is
    # dense but thin, a line of text less dense but thicker
    counts = np.convolve(np.bincount(rows), np.ones(5), mode="same")
    on = np.flatnonzero(counts >= level * counts.max())
    out = []
    for band in np.split(on, np.flatnonzero(np.diff(on) > 1) + 1):
        inside = (rows >= band[0]) & (rows <= band[-1])
        if len(band) >= 3 and inside.sum() >= 8:
            points = np.float32(np.c_[xs[inside] + x, ys[inside] + y])
            box = cv2.minAreaRect(points)
            if inside.sum() >= min_fill * (box[1][0] + 1) * (box[1][1] + 1):
                out.append(Region(cv2.boundingRect(points), box))
    return out


def level_quad(strokes: np.ndarray, region: Region, pad: float) -> tuple[np.ndarray, float]:
    """The rectangle around a blob's strokes whose sides run along and across
    its lines (``text_slant``), grown by ``pad``: corners tl, tr, br, bl in
    reading order, and the lines' direction (degrees, y down)."""
    x, y = region.rect[:2]
    xs, ys, degrees = _blob_slant(strokes, region)
    t = np.radians(degrees)
    u, v = np.float32([np.cos(t), np.sin(t)]), np.float32([-np.sin(t), np.cos(t)])
    points = np.float32(np.c_[xs + x, ys + y]) if len(xs) else np.float32([[x, y]])
    a, b = points @ u, points @ v
    a0, a1, b0, b1 = a.min() - pad, a.max() + pad, b.min() - pad, b.max() + pad
    quad = np.stack([u * a0 + v * b0, u * a1 + v * b0, u * a1 + v * b1, u * a0 + v * b1])
    return quad.astype(np.float32), degrees


def _tightened(bgr: np.ndarray, quads: list[np.ndarray]) -> list[np.ndarray]:
    """Each quad shrunk to its ink bands (``tighten``): its lines, or its blocks."""
    return [band for quad in quads for part in tighten(bgr, quad) for band in part]


def join_lines(regions: list[Region]) -> list[tuple[tuple, float]]:
    """Blobs on one slanted line joined into one rotated rectangle (a wide gap
    between digit groups splits a line into blobs), with the line's thickness."""
    dirs = [r.direction for r in regions]
    centres = [np.float32(r.box[0]) for r in regions]

    def linked(i: int, j: int) -> bool:
        ti, tj = regions[i].thickness, regions[j].thickness
        if max(ti, tj) > 1.6 * min(ti, tj) or abs(float(dirs[i] @ dirs[j])) < 0.99:
            return False
        offset = centres[j] - centres[i]
        across = off_line(offset, dirs[i])  # directions within 8 degrees: either axis
        gap = abs(float(offset @ dirs[i])) - (regions[i].length + regions[j].length) / 2
        return across < 0.5 * max(ti, tj) and gap < 2.5 * max(ti, tj)

    out = []
    for members in linked_groups(len(regions), linked):
        points = np.concatenate([cv2.boxPoints(regions[k].box) for k in members])
        out.append((cv2.minAreaRect(points), max(regions[k].thickness for k in members)))
    return out


def small_text_regions(
    bgr: np.ndarray,
    contrast: int = 32,
    min_flat: float = 0.3,
    quiet: float = 0.08,
    mixed: int = 96,
) -> tuple[list[Region], np.ndarray]:
    """Regions that may hold text too small for the coarse detector.

    Strokes: top-hat/black-hat responses above ``contrast`` (dark-on-light and
    light-on-dark). Carrier: where removing thin strokes leaves a flat surface
    (a card, paper, a screen), which rules out most of grass, gravel and wood;
    or, around a blob shaped like a line, a ring where under ``quiet`` of the
    pixels are other strokes (a striped card is not flat, but its stripes are
    too wide to be strokes). Strokes on a carrier, closed into blobs of line
    size, are the candidates.
    A blob more than ``mixed`` px thick, or over a quarter of the frame, is
    likely text joined to texture: its strokes on a carrier are judged again,
    on a flat one, then on a calm one (few strokes in a patch of card size:
    a striped card lying in grass).
    """
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    strokes = cv2.max(  # per colour channel: blue digits on green have little grey contrast
        cv2.morphologyEx(bgr, cv2.MORPH_TOPHAT, kernel),
        cv2.morphologyEx(bgr, cv2.MORPH_BLACKHAT, kernel),
    )
    blue, green, red = cv2.split(strokes)  # numpy's max over channels is 20x slower
    strokes = (cv2.max(cv2.max(blue, green), red) > contrast).astype(np.uint8)
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    k5 = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    flat_dark = _local_std(cv2.morphologyEx(half, cv2.MORPH_CLOSE, k5), 9)
    flat_light = _local_std(cv2.morphologyEx(half, cv2.MORPH_OPEN, k5), 9)
    flat = (np.minimum(flat_dark, flat_light) < 10).astype(np.uint8)
    close = np.ones((5, 5), np.uint8)
    regions, labels, big = _line_blobs(
        cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, close), flat, min_flat, quiet, mixed
    )
    if big:
        # On gravel or grass the strokes of a small card's text join the
        # texture's into one blob the size of the frame; on wood grain, into
        # one far thicker than a line. Their strokes on a carrier, apart from
        # the texture, are judged again on their own: first on a flat one, then
        # on a calm one that is not flat (a striped card: its stripes are too
        # wide to be strokes, and the number's line has few strokes around it,
        # unlike a blade of grass)
        full = (gray.shape[1], gray.shape[0])
        texture = np.isin(labels, big).astype(np.uint8)
        for carrier in (flat, _calm(strokes, half.shape) & (1 - flat)):
            gated = strokes & texture & cv2.resize(carrier, full, interpolation=cv2.INTER_NEAREST)
            more, _, _ = _line_blobs(  # the ring around a blob may lie on either carrier
                cv2.morphologyEx(gated, cv2.MORPH_CLOSE, close),
                carrier | flat,
                min_flat,
                quiet,
                mixed,
            )
            regions += more
    return regions, strokes


def _components(mask: np.ndarray, connectivity: int) -> tuple[np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats``'s labels and stats, with 16-bit labels
    where they fit: about 3x faster on a 1280x720 frame than 32-bit ones."""
    try:
        _, labels, stats, _ = cv2.connectedComponentsWithStats(
            mask, connectivity=connectivity, ltype=cv2.CV_16U
        )
    except cv2.error:  # over 65,535 components (noise)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=connectivity)
    return labels, stats


def _calm(strokes: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A calm carrier, at half resolution (``shape``; sizes here in its pixels):
    where under 5 % of a 7 px square is strokes, in patches of at least
    1,000 px (a card's face, not the inside of a pebble or a gap between
    blades of grass), widened by 7 px each way to take in a line of text
    whose rows above or below are calm."""
    share = cv2.resize(
        strokes.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA
    )
    calm = (cv2.boxFilter(share, -1, (7, 7)) < 0.05).astype(np.uint8)
    labels, stats = _components(calm, 4)
    calm &= (stats[:, cv2.CC_STAT_AREA] >= 1000)[labels].astype(np.uint8)
    return cv2.dilate(calm, np.ones((15, 15), np.uint8))


def _line_blobs(
    blobs: np.ndarray, flat: np.ndarray, min_flat: float, quiet: float, mixed: int
) -> tuple[list[Region], np.ndarray, list[int]]:
    """The blobs of line size on a carrier (``loose`` where their strokes fill
    under a fifth of their rotated rectangle), the blobs' labels, and the
    labels of blobs more than ``mixed`` px thick or whose bounding rectangle
    covers over a quarter of the frame."""
    labels, stats = _components(blobs, 8)
    x, y, w, h, area = stats.T
    short = np.minimum(w, h)
    keep = (short >= 4) & (np.maximum(w, h) >= 16)
    keep[0] = False  # the background
    big = [int(k) for k in np.flatnonzero((w * h > blobs.size / 4) | (short > mixed)) if k]
    # On a carrier (a card, paper, a screen) the surroundings of a line are flat
    # once strokes are removed; between blades of grass or on gravel they are not.
    ring = np.maximum(short, 6)
    fh, fw = flat.shape
    on_flat = (
        _share(
            cv2.integral(flat),
            np.clip((x - ring) // 2, 0, fw),
            np.clip((y - ring) // 2, 0, fh),
            np.clip((x + w + ring) // 2, 0, fw),
            np.clip((y + h + ring) // 2, 0, fh),
        )
        >= min_flat
    )
    # a striped card is not flat, but around a line on it there are few other
    # strokes, unlike in grass or gravel
    bh, bw = blobs.shape
    quiet_ring = (
        _share(
            cv2.integral(blobs),
            np.clip(x - ring, 0, bw),
            np.clip(y - ring, 0, bh),
            np.clip(x + w + ring, 0, bw),
            np.clip(y + h + ring, 0, bh),
            less=area,
        )
        < quiet
    )
    quiet_only = quiet_ring & ~on_flat
    keep &= on_flat | quiet_ring
    regions = []
    # every blob's outer boundary, also of blobs inside another's hole (a line on
    # a card that the texture around it rings): a hole's boundary has a parent
    contours, hierarchy = cv2.findContours(blobs, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    outer = [c for c, h in zip(contours, hierarchy[0] if contours else (), strict=True) if h[3] < 0]
    for contour in outer:
        k = labels[contour[0, 0, 1], contour[0, 0, 0]]
        if not keep[k]:
            continue
        # a slanted line fills little of its upright rectangle: judge the rotated one
        box = cv2.minAreaRect(contour)
        region = Region(
            tuple(int(v) for v in stats[k, :4]), box, loose=area[k] < 0.2 * box[1][0] * box[1][1]
        )
        if quiet_only[k] and not region.elongated(3.0):
            continue  # off a flat carrier, only a line's shape is evidence of text
        regions.append(region)
    return regions, labels, big


def _share(
    integral: np.ndarray,
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    less: np.ndarray | int = 0,
) -> np.ndarray:
    """The share of set pixels in each window ``[x0, x1) x [y0, y1)`` of a mask
    (given as its ``cv2.integral``), leaving out ``less`` set pixels of each."""
    total = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
    return (total - less) / np.maximum((x1 - x0) * (y1 - y0) - less, 1)


def _pad(rect: Rect, pad: int, width: int, height: int) -> Rect:
    x, y, w, h = rect
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, width), min(y + h + pad, height)
    return x0, y0, x1 - x0, y1 - y0


def merge_rects(rects: list[Rect]) -> list[Rect]:
    """Union overlapping rectangles while their union is no larger than the two
    apart: the detector's time goes with the area it sees, and unioning a chain
    of overlapping rectangles would end in the whole frame. Rectangles left
    overlapping are detected twice; ``dedupe`` drops the repeats.

    Each rectangle joins the first one kept so far that it may join, until a
    pass joins nothing."""
    out = [tuple(int(v) for v in r) for r in rects]
    changed = True
    while changed:
        changed = False
        kept = np.zeros((len(out), 4), np.int64)  # x0, y0, x1, y1
        n = 0
        for x, y, w, h in out:
            m = kept[:n]
            x0, y0 = np.minimum(m[:, 0], x), np.minimum(m[:, 1], y)
            x1, y1 = np.maximum(m[:, 2], x + w), np.maximum(m[:, 3], y + h)
            overlap = (np.minimum(m[:, 2], x + w) > np.maximum(m[:, 0], x)) & (
                np.minimum(m[:, 3], y + h) > np.maximum(m[:, 1], y)
            )
            apart = w * h + (m[:, 2] - m[:, 0]) * (m[:, 3] - m[:, 1])
            joins = np.flatnonzero(overlap & ((x1 - x0) * (y1 - y0) <= apart))
            if len(joins):
                k = joins[0]
                kept[k] = x0[k], y0[k], x1[k], y1[k]
                changed = True
            else:
                kept[n] = x, y, x + w, y + h
                n += 1
        out = [(int(a), int(b), int(c - a), int(d - b)) for a, b, c, d in kept[:n]]
    return out


@dataclass(frozen=True, eq=False)
class Tile:
    """A region of the frame as it sits in the mosaic: an affine map from frame to
    tile pixels (a shift, a quarter turn, or a turn and zoom along a slanted line)."""

    matrix: np.ndarray  # 2x3, frame -> tile
    size: tuple[int, int]  # w, h
    at: tuple[int, int] = (0, 0)  # where it sits in the mosaic
    line: bool = False  # a line of text by its looks: read whole if nothing is found on it
    stretched: bool = False  # its contrast stretched (``stretch``): a card's number band

    @classmethod
    def upright(cls, rect: Rect, turned: bool) -> Tile:
        """The rectangle as it is, or a quarter turn clockwise (vertical text)."""
        x, y, w, h = rect
        if turned:  # (u, v) = (h - 1 - (py - y), px - x)
            return cls(np.float32([[0, -1, h - 1 + y], [1, 0, -x]]), (h, w))
        return cls(np.float32([[1, 0, -x], [0, 1, -y]]), (w, h))

    @classmethod
    def along(cls, box: tuple, pad: float, pad_ends: float) -> Tile:
        """A rotated rectangle (``cv2.minAreaRect``) grown by ``pad`` (``pad_ends``
        at its ends) and turned so its long side runs across."""
        u, long_, short = _sides(box)
        v = np.float32([-u[1], u[0]])
        width = int(np.ceil(long_ + 2 * pad_ends))
        height = int(np.ceil(short + 2 * pad))
        c = np.float32(box[0])
        return cls(
            np.float32(
                [
                    [u[0], u[1], width / 2 - float(c @ u)],
                    [v[0], v[1], height / 2 - float(c @ v)],
                ]
            ),
            (width, height),
        )

    @classmethod
    def onto(cls, quad: np.ndarray, scale: float) -> Tile:
        """A rectangle given by its corners (tl, tr, br, bl in reading order),
        turned level and scaled by ``scale``."""
        width = int(np.ceil(np.linalg.norm(quad[1] - quad[0]) * scale))
        height = int(np.ceil(np.linalg.norm(quad[3] - quad[0]) * scale))
        target = np.float32([[0, 0], [width, 0], [width, height]])
        return cls(cv2.getAffineTransform(np.float32(quad[:3]), target), (width, height))

    def zoomed(self, scale: float) -> Tile:
        w, h = self.size
        return replace(
            self, matrix=self.matrix * np.float32(scale), size=(int(w * scale), int(h * scale))
        )

    def placed(self, at: tuple[int, int]) -> Tile:
        return replace(self, at=at)

    def holds(self, x: float, y: float) -> bool:
        """Whether mosaic point (x, y) lies on this tile."""
        (ax, ay), (tw, th) = self.at, self.size
        return ax <= x < ax + tw and ay <= y < ay + th

    def cut(self, bgr: np.ndarray) -> np.ndarray:
        tile = cv2.warpAffine(
            bgr, self.matrix, self.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return stretch(tile) if self.stretched else tile

    def outline(self) -> np.ndarray:
        """The whole tile, in frame coordinates."""
        w, h = self.size
        return self.to_frame(np.float32([[0, 0], [w, 0], [w, h], [0, h]]) + np.float32(self.at))

    def to_frame(self, quad: np.ndarray) -> np.ndarray:
        """A quad found in the mosaic, in frame coordinates (clipped to the tile)."""
        local = quad - np.float32(self.at)
        local[:, 0] = np.clip(local[:, 0], 0, self.size[0] - 1)
        local[:, 1] = np.clip(local[:, 1], 0, self.size[1] - 1)
        inverse = cv2.invertAffineTransform(self.matrix)
        points = local @ inverse[:, :2].T + inverse[:, 2]
        rect = cv2.boxPoints(cv2.minAreaRect(points.astype(np.float32)))  # clipping skews
        return order_quad(rect)


def stretch(bgr: np.ndarray, low: float = 2, high: float = 98, gain: float = 4.0) -> np.ndarray:
    """Lightness stretched so its ``low``-``high`` percentiles span black to white
    (at most ``gain`` times): faint digits on a card's face (light on a light
    stripe, blurred) give the detector nothing as they are, and a clear line
    once stretched."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    light = lab[..., 0].astype(np.float32)
    lo, hi = np.percentile(light, (low, high))
    scale = min(255.0 / max(hi - lo, 1.0), gain)
    mid = (lo + hi) / 2
    lab[..., 0] = np.clip((light - mid) * scale + 127.5, 0, 255).astype(np.uint8)
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def runs_vertically(gray: np.ndarray) -> bool:
    """Whether the text in ``gray`` runs top-to-bottom: upright Latin text has mostly
    vertical strokes (horizontal gradients); text turned a quarter turn the opposite.

    Only a region taller than wide is a candidate: a line runs along its region,
    and on a wide one the gradients of the surroundings (gravel, a card's edges)
    would turn level or slanted text to nearly vertical, which the detector misses.
    """
    height, width = gray.shape[:2]
    if height <= width:
        return False
    gx, gy = _gradients(gray)
    return bool(gy > 1.15 * gx)


def _sobel(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical gradient magnitude (3x3 Sobel) of ``gray``, per pixel."""
    return (
        np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)),
        np.abs(cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)),
    )


def _gradients(gray: np.ndarray) -> tuple[float, float]:
    """Total horizontal and vertical gradient magnitude of ``gray``."""
    gx, gy = _sobel(gray)
    return float(gx.sum()), float(gy.sum())


def glyph_strokes(level: np.ndarray) -> float:
    """How much a region turned level (its line running across) has strokes
    across the line as well as along it: its horizontal gradients over its
    vertical ones. Glyphs give 0.8 and more on benchmark numbers; a lone edge
    or streak (a stone's, the wood grain's) far less."""
    gx, gy = _gradients(cv2.cvtColor(level, cv2.COLOR_BGR2GRAY))
    return gx / gy if gy > 0 else float("inf")


def quiet_margins(level: np.ndarray, ratio: float = 1.8) -> bool:
    """Whether a tile cut along a line (turned level) is busy in its middle and
    quiet above and below it, as a line of text on a card or paper is; a streak
    in gravel or grass has texture all round it. Compared: the mean gradient of
    the middle fifth of the rows and of the outer fifths."""
    gx, gy = _sobel(cv2.cvtColor(level, cv2.COLOR_BGR2GRAY))
    rows = (gx + gy).mean(axis=1)
    edge = max(1, len(rows) // 5)
    middle = rows[2 * edge : len(rows) - 2 * edge]
    if not len(middle):
        return False
    return float(middle.mean()) >= ratio * max(
        float(rows[:edge].mean() + rows[-edge:].mean()) / 2, 1e-3
    )


_GAP = 8  # px of grey between tiles in a mosaic, and round its edge


def pack(tiles: list[Tile], width: int, gap: int = _GAP) -> tuple[list[Tile], int, int]:
    """Pack tiles into a mosaic ``width`` px wide, tallest first, each where its
    top edge ends lowest (skyline, bottom-left): the detector's time goes with
    the mosaic's area, filler included. Tiles are ``gap`` px apart. Returns
    them placed, in the order given."""
    placed: dict[int, Tile] = {}
    skyline = [(0, 0, width + gap)]  # (x, y, w): the filled height over [x, x + w)
    for n in sorted(range(len(tiles)), key=lambda n: (-tiles[n].size[1], -tiles[n].size[0])):
        t = tiles[n]
        w, h = t.size[0] + gap, t.size[1] + gap
        best = None  # (top, x)
        for i, (x, _, _) in enumerate(skyline):
            if x + w > width + gap:
                break
            top, k = 0, i
            while skyline[k][0] < x + w:
                top = max(top, skyline[k][1])
                k += 1
                if k == len(skyline):
                    break
            if best is None or top < best[0]:
                best = (top, x)
        if best is None:  # wider than the mosaic: a row of its own
            best = (max(y for _, y, _ in skyline), 0)
        top, x = best
        placed[n] = t.placed((x, top))
        right = x + w
        kept = [seg for seg in skyline if seg[0] + seg[2] <= x or seg[0] >= right]
        for sx, sy, sw in skyline:  # segments partly under the new tile keep their ends
            if sx < x < sx + sw:
                kept.append((sx, sy, x - sx))
            if sx < right < sx + sw:
                kept.append((right, sy, sx + sw - right))
        skyline = sorted([*kept, (x, top + h, w)])
    out = [placed[n] for n in range(len(tiles))]
    used_w = max((t.at[0] + t.size[0] for t in out), default=0)
    used_h = max((t.at[1] + t.size[1] for t in out), default=0)
    return out, used_w, used_h


def _inside(point: np.ndarray, quad: np.ndarray) -> bool:
    return (
        cv2.pointPolygonTest(quad.astype(np.float32), (float(point[0]), float(point[1])), False)
        >= 0
    )


def _union(a: Rect, b: Rect, pad_b: int = 0) -> Rect:
    """The rectangle round ``a`` and ``b`` grown by ``pad_b``."""
    x0, y0 = min(a[0], b[0] - pad_b), min(a[1], b[1] - pad_b)
    x1, y1 = max(a[0] + a[2], b[0] + b[2] + pad_b), max(a[1] + a[3], b[1] + b[3] + pad_b)
    return x0, y0, x1 - x0, y1 - y0


def _meets(quad: np.ndarray, rect: Rect) -> bool:
    """Whether a quad's bounding box meets a rectangle."""
    x, y, w, h = rect
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    return bool(x0 <= x + w and x1 >= x and y0 <= y + h and y1 >= y)


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


def dedupe(quads: list[np.ndarray], overlap: float = 0.8) -> list[np.ndarray]:
    """Drop a quad mostly inside (``overlap`` of its area) a larger one of about
    its height (the same line found by both passes); reading it twice would
    join the line with itself into a longer number. A line inside a block of
    several lines is kept, and so is a thin line that runs on well past a
    thicker piece of it (a whole number beside its first half, found taller):
    dropped, the rest of the number would go unread."""
    areas = [abs(cv2.contourArea(q)) for q in quads]
    heights = [min(quad_size(q)) for q in quads]
    order = sorted(range(len(quads)), key=lambda k: -areas[k])
    kept: list[int] = []
    for k in order:
        small = quads[k].astype(np.float32)
        if areas[k] <= 0:
            continue
        if any(
            heights[j] < 1.6 * heights[k]
            and cv2.intersectConvexConvex(small, quads[j].astype(np.float32))[0]
            > overlap * areas[k]
            for j in kept
        ):
            continue
        kept.append(k)
    return [quads[k] for k in sorted(kept)]


_SEPARATORS = "".join(SEPARATORS)


def _run(text: str) -> int:
    """Digits in the longest run of 8+ on a line (0 if none)."""
    return max((len(r.digits) for r in find_digit_runs(text, 8)), default=0)


def _lengthened(quad: np.ndarray, before: float, after: float) -> np.ndarray:
    tl, tr, br, bl = quad.astype(np.float32)
    along = (tr - tl) / max(float(np.linalg.norm(tr - tl)), 1e-6)
    return np.stack(
        [tl - along * before, tr + along * after, br + along * after, bl - along * before]
    )


def _ink(crop: np.ndarray) -> float:
    """Mean horizontal-gradient energy of an upright crop (glyph strokes)."""
    return float(_sobel(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY))[0].mean())


def _goes_on(
    bgr: np.ndarray, line: np.ndarray, longer: np.ndarray, share: float = 0.25, unlike: int = 48
) -> bool:
    """Whether a line's lengthened quad goes on past the line's ends: with ink
    (at least ``share`` of the line's own), or under something that is not the
    line's carrier over most of it (a finger: smooth, but no card's surface).
    Where the carrier is blank the text ended, and reading it again cannot
    find more."""
    tl, tr, br, bl = line.astype(np.float32)
    ltl, ltr, lbr, lbl = longer.astype(np.float32)
    added = [
        np.stack([ltl, tl, bl, lbl]) if np.linalg.norm(tl - ltl) >= 2 else None,
        np.stack([tr, ltr, lbr, br]) if np.linalg.norm(ltr - tr) >= 2 else None,
    ]
    crop = crop_line(bgr, line)
    own, carrier = _ink(crop), np.median(crop.reshape(-1, 3), axis=0)

    def past(part: np.ndarray) -> bool:
        there = crop_line(bgr, part)
        off_carrier = np.abs(there.reshape(-1, 3) - carrier).max(axis=1) > unlike
        return _ink(there) >= share * own or float(off_carrier.mean()) > 0.5

    return any(part is not None and past(part) for part in added)


def _extended(chain: list[TextLine], min_digits: int) -> dict[int, np.ndarray]:
    """The end fragments of a printed line (``chain``, in reading order) that a
    run of 8 to ``min_digits - 1`` digits reaches, each lengthened past that end
    by the room for the digits a long number would still need (plus two); by
    position in the chain."""
    text = " ".join(line.text for line in chain)
    before = after = 0
    for run in find_digit_runs(text, 8):
        if len(run.digits) >= min_digits:
            continue
        need = min_digits - len(run.digits) + 2
        if not text[: run.start].strip(_SEPARATORS):
            before = need
        if not text[run.end :].strip(_SEPARATORS):
            after = need
    ends = {0: [0.0, 0.0], len(chain) - 1: [0.0, 0.0]}
    ends[0][0] = before * chain[0].length / max(len(chain[0].text), 1)
    ends[len(chain) - 1][1] = after * chain[-1].length / max(len(chain[-1].text), 1)
    return {k: _lengthened(chain[k].quad, b, a) for k, (b, a) in ends.items() if b or a}


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
        small_text: float = 16.0,
        slant_min: float = 12.0,
        margin: int = 256,
    ) -> None:
        self.min_glyphs, self.margin = min_glyphs, margin
        # a slanted line (``slant_min`` to 90 - ``slant_min`` degrees, a blob at
        # most twice ``small_text`` px thick) is turned level in the mosaic, and
        # zoomed 2x when thinner than ``small_text`` px: the detector misses
        # 8-10 px digits at 30 degrees even at full resolution
        self.small_text, self.slant_min = small_text, slant_min
        self.detector, self.recognizer = detector, recognizer
        self.coarse_side, self.fine, self.mosaic_width = coarse_side, fine, mosaic_width
        self.version = f"{detector.version}@{coarse_side}+fine+{recognizer.version}"

    def find(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[np.ndarray]:
        """Quads of all text lines, from the coarse pass and the fine pass.

        With ``windows`` (new parts of a view whose rest was read before),
        only the lines that touch them, each whole: the coarse pass runs on
        the whole frame and a line it finds across a window's edge is looked
        at whole (``reach``); the fine pass looks ``margin`` px round each
        window, at what touches it: longer than that, a line is text the
        coarse pass finds.
        """
        coarse = self.detector.detect(bgr, self.coarse_side)
        if windows is None:
            return self._lines(bgr, coarse)
        height, width = bgr.shape[:2]
        out = []
        for window in windows:
            lines = reach(window, coarse)
            x, y, w, h = _pad(_union(lines, window, self.margin), 0, width, height)
            at = np.float32([x, y])
            mine = [q - at for q in coarse if _meets(q, lines)]
            focus = (window[0] - x, window[1] - y, window[2], window[3])
            out += [q + at for q in self._lines(bgr[y : y + h, x : x + w], mine, focus)]
        return dedupe(out)

    def _lines(
        self, bgr: np.ndarray, coarse: list[np.ndarray], focus: Rect | None = None
    ) -> list[np.ndarray]:
        """The coarse pass's quads tightened to lines, and the fine pass's (only
        what touches ``focus``, if given)."""
        lines, blocks = [], []
        for quad in coarse:
            found, merged = tighten(bgr, quad)
            lines += found
            blocks += merged
        if not self.fine:
            return lines + blocks
        fine = self._fine(bgr, lines, blocks, focus)
        # a block the fine pass split into lines is replaced by them; else kept whole
        kept = [b for b in blocks if not any(_inside(q.mean(axis=0), b) for q in fine)]
        return dedupe(lines + kept + _tightened(bgr, fine))

    def scan(
        self, bgr: np.ndarray, min_digits: int = MIN_DIGITS, windows: list[Rect] | None = None
    ) -> list[TextLine]:
        """Read the lines that could hold something sensitive (those touching
        ``windows``, if given: see :meth:`find`).

        Fragments are first chained by geometry alone; a chain too short to
        hold ``min_glyphs`` characters (a lone word, "12/29") is not read,
        which is where most recognition time would go.
        """
        quads = self.find(bgr, windows)
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
        """Read again, longer, the end fragments of a printed line whose run of
        8 to ``min_digits - 1`` digits reaches that end: the detector often cuts
        a small or slanted number short ("38462431153" of "3846 243115 3541", or
        "3740 385990" of "3740 385990 73036"), and the rest of it would be sent."""
        height, width = bgr.shape[:2]
        index = {id(line): k for k, line in enumerate(lines)}
        cut = {
            index[id(chain[k])]: quad
            for chain in chain_lines(lines)
            for k, quad in _extended(chain, min_digits).items()
        }
        if not cut:
            return lines
        for quad in cut.values():
            quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
        cut = {k: quad for k, quad in cut.items() if _goes_on(bgr, lines[k].quad, quad)}
        if not cut:
            return lines
        again = dict(zip(cut, read_each(self.recognizer, bgr, list(cut.values())), strict=True))
        out = []
        for k, line in enumerate(lines):
            if k in cut:
                if (longer := again[k]) and _run(longer.text) > _run(line.text):
                    line = longer
                if _run(line.text) < min_digits:
                    line = replace(line, runs_on=True)
            out.append(line)
        return out

    def read_card_bands(
        self,
        bgr: np.ndarray,
        done: list[np.ndarray],
        chip_px: tuple[float, ...] = (36.0, 54.0),
        windows: list[Rect] | None = None,
    ) -> list[tuple[np.ndarray, list[TextLine]]]:
        """A closer look where a card's number must be: for each chip in the frame
        whose bands hold none of ``done`` (polygons of numbers already found),
        its four bands are cut level, zoomed so the chip is each of ``chip_px``
        across them, and detected in one mosaic; the lines found in a band at
        any zoom are read. Returns each band where text was found (its quad in
        the frame) with the lines read there (maybe none: text that cannot be
        read). The detector finds small blurred digits at one zoom and not at
        a neighbouring one, which differs from card to card: two zooms miss
        fewer than either. With ``windows``, only chips that touch one (their
        bands whole); one elsewhere was seen whole by the check they complete."""
        bands = []
        for chip in find_chips(bgr):
            if windows is not None and not any(_meets(chip.extent(), w) for w in windows):
                continue
            four = chip.bands()
            if not any(_inside(p.mean(axis=0), quad) for p in done for quad, _ in four):
                bands += four
        tiles, found = self.detect_tiles(
            bgr,
            [
                replace(Tile.onto(q, px / across), stretched=True)
                for q, across in bands
                for px in chip_px
            ],
        )
        quads: dict[int, list[np.ndarray]] = {}
        for k, quad in found:
            quads.setdefault(k // len(chip_px), []).append(quad)
        return [
            (bands[k][0], read_lines(self.recognizer, bgr, dedupe(_tightened(bgr, qs))))
            for k, qs in sorted(quads.items())
        ]

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

    def _fine(
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
            _pad(cv2.boundingRect(np.round(b).astype(np.int32)), 8, width, height) for b in blocks
        ]
        along = []  # lines cut out along their own direction
        steep = []  # text at 30-60 degrees, turned level
        candidates, strokes = small_text_regions(bgr)
        for region in candidates:
            x, y, w, h = region.rect
            if focus is not None and not _meets(np.float32([[x, y], [x + w, y + h]]), focus):
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
            rects.append(_pad(region.rect, pad, width, height))
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
        tiles, found = self.detect_tiles(bgr, tiles)
        yielded = {k for k, _ in found}
        # Blurred 7-10 px digits at a slant are missed even turned level and
        # zoomed; a line that looks like text and yields nothing is read whole.
        return [q for _, q in found] + [
            t.outline() for k, t in enumerate(tiles) if t.line and k not in yielded
        ]

    def detect_tiles(
        self, bgr: np.ndarray, tiles: list[Tile]
    ) -> tuple[list[Tile], list[tuple[int, np.ndarray]]]:
        """The tiles packed into one mosaic, detected at its full resolution in
        one run; returns the tiles (placed) and the quads found, in frame
        coordinates, each with the index of its tile."""
        if not tiles:
            return [], []
        tiles, mw, mh = pack(tiles, self.mosaic_width)
        # a margin all round, as between tiles: text touching the image's edge
        # is often not found at all (a card's number cut level, its top row
        # at the tile's edge: probability 0.00 at the mosaic's edge, 1.00 inset)
        tiles = [t.placed((t.at[0] + _GAP, t.at[1] + _GAP)) for t in tiles]
        # whole multiples of 32, the network's stride: any other size is resized,
        # and a resize by 0.99 is enough to lose small text
        mh, mw = -(-(mh + 2 * _GAP) // 32) * 32, -(-(mw + 2 * _GAP) // 32) * 32
        mosaic = np.full((mh, mw, 3), 127, np.uint8)
        for t in tiles:
            (ax, ay), (tw, th) = t.at, t.size
            mosaic[ay : ay + th, ax : ax + tw] = t.cut(bgr)
        found = []
        for quad in self.detector.detect(mosaic, max(mosaic.shape[:2])):
            owner = next((k for k, t in enumerate(tiles) if t.holds(*quad.mean(axis=0))), None)
            if owner is not None:
                found.append((owner, tiles[owner].to_frame(quad)))
        return tiles, found
