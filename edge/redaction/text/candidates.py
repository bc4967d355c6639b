"""Where small text may be: a cheap morphological cue for the fine pass.

Thin high-contrast strokes on a carrier (a card, paper, a screen: flat once
strokes are removed), or in a line with few other strokes around it (a
striped card), closed into blobs of line size.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.geometry import Rect


@dataclass(frozen=True)
class CandidateTuning:
    """The stroke cue's thresholds (sizes in px of the frame unless said).

    Those without a figure were set when the cascade was first built (commit
    cae0297) and no sweep of them is recorded; the others cite the benchmark
    figure of the commit that set them (leaks of the 516 legible numbers on
    seeds 1000-1329 unless said)."""

    # a stroke: top-hat or black-hat response above ``contrast`` in any colour
    # channel, with a ``stroke_kernel`` square (thinner shapes count)
    contrast: int = 32
    stroke_kernel: int = 9
    # the flat carrier, at half resolution: strokes removed by a
    # ``carrier_kernel`` close/open leave a surface whose local standard
    # deviation (``flat_window`` square) is under ``flat_std`` grey levels
    carrier_kernel: int = 5
    flat_window: int = 9
    flat_std: int = 10
    # strokes closed by a ``close`` square into blobs; a blob of line size is at
    # least ``min_thickness`` thick and ``min_length`` long
    close: int = 5
    min_thickness: int = 4
    min_length: int = 16
    # a blob is on a carrier when ``min_flat`` of a ring round it (its
    # thickness wide, ``min_ring`` at least) is flat
    min_flat: float = 0.3
    min_ring: int = 6
    # ... or when under ``quiet`` of that ring is other strokes and the blob is
    # ``quiet_elongation`` times as long as thick (a line on a striped card:
    # benchmark leaks 14 -> 10 of 516, 596ee98)
    quiet: float = 0.08
    quiet_elongation: float = 3.0
    # strokes filling under ``loose_fill`` of a blob's rotated rectangle: not a
    # line, but it may hold one (split later; leaks 19 -> 16, 771f79b)
    loose_fill: float = 0.2
    # a blob more than ``mixed`` px thick (text joined to wood grain: leaks
    # 16 -> 14, 1d8a516) or over ``big_area`` of the frame (joined to gravel)
    # is texture: its strokes on a carrier are judged again on their own
    mixed: int = 96
    big_area: float = 0.25
    # a calm carrier (a striped card in grass), half-resolution px: under
    # ``calm_share`` strokes in a ``calm_window`` square, patches of
    # ``calm_area`` px or more, widened by a ``calm_widen`` square (benchmark
    # leaks 7 -> 4, fresh seeds 2000-2399 14 -> 14, 7ff5f83)
    calm_share: float = 0.05
    calm_window: int = 7
    calm_area: int = 1000
    calm_widen: int = 15


CANDIDATES = CandidateTuning()


def box_sides(box: tuple) -> tuple[np.ndarray, np.float32, np.float32]:
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
        return box_sides(self.box)[0]

    @property
    def slant(self) -> float:
        """The angle of the long side from the horizontal, 0..90 degrees."""
        dx, dy = self.direction
        return float(np.degrees(np.arctan2(abs(dy), abs(dx))))


def _local_std(img: np.ndarray, k: int) -> np.ndarray:
    f = img.astype(np.float32)
    mean = cv2.boxFilter(f, -1, (k, k))
    return np.sqrt(np.maximum(cv2.boxFilter(f * f, -1, (k, k)) - mean * mean, 0))


def small_text_regions(
    bgr: np.ndarray, tuning: CandidateTuning = CANDIDATES
) -> tuple[list[Region], np.ndarray]:
    """Regions that may hold text too small for the coarse detector.

    Strokes: top-hat/black-hat responses above ``tuning.contrast`` (dark-on-light and
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
    t = tuning
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (t.stroke_kernel, t.stroke_kernel))
    strokes = cv2.max(  # per colour channel: blue digits on green have little grey contrast
        cv2.morphologyEx(bgr, cv2.MORPH_TOPHAT, kernel),
        cv2.morphologyEx(bgr, cv2.MORPH_BLACKHAT, kernel),
    )
    blue, green, red = cv2.split(strokes)  # numpy's max over channels is 20x slower
    strokes = (cv2.max(cv2.max(blue, green), red) > t.contrast).astype(np.uint8)
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (t.carrier_kernel, t.carrier_kernel))
    flat_dark = _local_std(cv2.morphologyEx(half, cv2.MORPH_CLOSE, k), t.flat_window)
    flat_light = _local_std(cv2.morphologyEx(half, cv2.MORPH_OPEN, k), t.flat_window)
    flat = (np.minimum(flat_dark, flat_light) < t.flat_std).astype(np.uint8)
    close = np.ones((t.close, t.close), np.uint8)
    regions, labels, big = _line_blobs(cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, close), flat, t)
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
        for carrier in (flat, _calm(strokes, half.shape, t) & (1 - flat)):
            gated = strokes & texture & cv2.resize(carrier, full, interpolation=cv2.INTER_NEAREST)
            more, _, _ = _line_blobs(  # the ring around a blob may lie on either carrier
                cv2.morphologyEx(gated, cv2.MORPH_CLOSE, close),
                carrier | flat,
                t,
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


def _calm(strokes: np.ndarray, shape: tuple[int, ...], t: CandidateTuning) -> np.ndarray:
    """A calm carrier, at half resolution (``shape``; sizes here in its pixels):
    where under 5 % of a 7 px square is strokes, in patches of at least
    1,000 px (a card's face, not the inside of a pebble or a gap between
    blades of grass), widened by 7 px each way to take in a line of text
    whose rows above or below are calm."""
    share = cv2.resize(
        strokes.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA
    )
    window = (t.calm_window, t.calm_window)
    calm = (cv2.boxFilter(share, -1, window) < t.calm_share).astype(np.uint8)
    labels, stats = _components(calm, 4)
    calm &= (stats[:, cv2.CC_STAT_AREA] >= t.calm_area)[labels].astype(np.uint8)
    return cv2.dilate(calm, np.ones((t.calm_widen, t.calm_widen), np.uint8))


def _line_blobs(
    blobs: np.ndarray, flat: np.ndarray, t: CandidateTuning
) -> tuple[list[Region], np.ndarray, list[int]]:
    """The blobs of line size on a carrier (``loose`` where their strokes fill
    under a fifth of their rotated rectangle), the blobs' labels, and the
    labels of blobs more than ``mixed`` px thick or whose bounding rectangle
    covers over a quarter of the frame."""
    labels, stats = _components(blobs, 8)
    x, y, w, h, area = stats.T
    short = np.minimum(w, h)
    keep = (short >= t.min_thickness) & (np.maximum(w, h) >= t.min_length)
    keep[0] = False  # the background
    big_area = blobs.size * t.big_area
    big = [int(k) for k in np.flatnonzero((w * h > big_area) | (short > t.mixed)) if k]
    # On a carrier (a card, paper, a screen) the surroundings of a line are flat
    # once strokes are removed; between blades of grass or on gravel they are not.
    ring = np.maximum(short, t.min_ring)
    fh, fw = flat.shape
    on_flat = (
        _share(
            cv2.integral(flat),
            np.clip((x - ring) // 2, 0, fw),
            np.clip((y - ring) // 2, 0, fh),
            np.clip((x + w + ring) // 2, 0, fw),
            np.clip((y + h + ring) // 2, 0, fh),
        )
        >= t.min_flat
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
        < t.quiet
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
            tuple(int(v) for v in stats[k, :4]),
            box,
            loose=area[k] < t.loose_fill * box[1][0] * box[1][1],
        )
        if quiet_only[k] and not region.elongated(t.quiet_elongation):
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
