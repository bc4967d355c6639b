"""Payment-card chips, and where a card's number lies relative to its chip.

A card whose number the text cascade could not read (small, blurred, faint,
on stripes or half under a finger) still shows its chip: a gold rectangle of
contact pads about 12 x 9 mm, set in the card's face, which is another
colour. On an ID-1 card the embossed or printed number runs just below the
chip, starting about a chip's width left of its centre and running most of
the card's length. From a chip found in the frame, the scanner looks again,
closer, at the four places the number could be (the chip alone does not say
which way up the card is), and ``detectors.py`` masks a band whose text
cannot be read.

Silver chips are not found (their colour is the card's grey); a gold card
hides its own chip. Both then rely on the cascade alone, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ChipTuning:
    """What a chip looks like, and where its card's number lies. Finding cards
    by their chips (b5bb3ca): benchmark leaks 4 -> 1 of 516, fresh seeds
    2000-2499 15 -> 2 of 766, shorts unchanged, +4 ms a frame."""

    # gold in OpenCV's HSV (hue 0-180): the pads' colour under blur, JPEG and noise
    gold_low: tuple[int, int, int] = (17, 80, 110)
    gold_high: tuple[int, int, int] = (32, 230, 255)
    # a chip: ``min_side`` to ``max_side`` px, at most ``aspect`` times as long
    # as wide (the pads are about 12 x 9 mm), gold filling ``fill`` of its
    # rotated box, its colour ``contrast`` (CIE Lab distance) from a ring round
    # it: its box grown by ``ring_grow`` and ``ring_px`` (the card's face; gold
    # in wood grain, skin or hair has its own colour all round it)
    min_side: int = 8
    max_side: int = 200
    aspect: float = 1.9
    fill: float = 0.7
    # a chip seen in perspective: a parallelogram whose hull has four corners
    # (``approxPolyDP`` at ``corner_fit`` of its perimeter), each side at least
    # ``facing`` as long as the one facing it, meeting at ``skew`` degrees or more
    corner_fit: float = 0.06
    facing: float = 0.75
    skew: float = 40.0
    contrast: float = 20.0
    ring_grow: float = 1.6
    ring_px: float = 4
    # the window cut round a chip to hold its ring: ``window_pad`` of its longer
    # side and ``window_px`` more each way (half the ring's growth, a px spare)
    window_pad: float = 0.3
    window_px: int = 3
    # a gold component of no chip's shape is split at its brightness this many
    # levels deep (a chip joined to a khaki stripe or table; f60ed57: 12 more
    # chips on seeds 1000-1099, shorts and over-redaction unchanged)
    split_depth: int = 3
    # the number's band in chip units, from the chip's centre: ``along`` the
    # card's length and ``across`` it, downwards. On an ID-1 card the embossed
    # number lies about 0.9-1.4 chip heights below the chip's centre; printed
    # ones sit higher, their top row level with the chip's lower edge. The band
    # reaches past both with a margin: the detector misses text at the edge of
    # what it is shown (0.5-2.0 -> 0.2-2.3 with the second zoom, fb1f149: fresh
    # seeds 2500-2999 leaks 6 -> 2 of 755, over-redaction 0.065 -> 0.18 %)
    along: tuple[float, float] = (-1.0, 6.3)
    across: tuple[float, float] = (0.2, 2.3)
    # what of a band is masked when its text cannot be read: the stretch that
    # holds the text found there, padded by these shares of the band's length
    # and height, not the whole band. A gold highlight on a photographed orange
    # taken for a chip had its 1,100 px band masked across the frame, faces
    # and all (wide seeds 1000-1059: 358,000 px outside any card, issue 23)
    text_pad_along: float = 0.15
    text_pad_across: float = 0.5


CHIPS = ChipTuning()


@dataclass(frozen=True)
class Chip:
    centre: np.ndarray  # (2,) float32, frame coordinates
    axes: tuple[np.ndarray, np.ndarray]  # unit vectors along each pair of sides
    sides: tuple[float, float]  # the chip's extent along each axis, px

    def extent(self) -> np.ndarray:
        """Corners (top left, bottom right) of a square that holds the chip."""
        return self.centre + np.float32([[-1, -1], [1, 1]]) * max(self.sides)

    def bands(self, tuning: ChipTuning = CHIPS) -> list[tuple[np.ndarray, float]]:
        """The four places the number could be: (quad tl, tr, br, bl in reading
        order, the chip's extent across the band), one per way up."""
        (u, v), (su, sv) = self.axes, self.sides
        along_, across = tuning.along, tuning.across
        out = []
        for along, down, sa, sd in (
            (u, v, su, sv),
            (-u, -v, su, sv),
            (v, -u, sv, su),
            (-v, u, sv, su),
        ):
            corners = [
                self.centre + along * a * sa + down * d * sd
                for a, d in (
                    (along_[0], across[0]),
                    (along_[1], across[0]),
                    (along_[1], across[1]),
                    (along_[0], across[1]),
                )
            ]
            out.append((np.float32(corners), sd))
        return out


def find_chips(bgr: np.ndarray, tuning: ChipTuning = CHIPS) -> list[Chip]:
    """Gold rectangles of chip proportions that stand out from what is around them.

    A component of gold pixels is a chip when it fills ``fill`` of its rotated
    bounding box, is at most ``aspect`` times as long as wide, ``min_side`` to
    ``max_side`` px, and differs in colour (CIE Lab distance ``contrast``) from
    a ring around it: the card's face. Gold patches in wood grain, skin or
    hair have their own colour all round them.

    A component of no chip's shape is split at its brightness (Otsu on its
    value), and each part of no chip's shape again, ``split_depth`` levels deep: a chip
    beside a khaki stripe of the card, or on a yellowish table, is gold like
    them and joins them into one component, but its pads are brighter.
    """
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    gold = cv2.inRange(hsv, tuning.gold_low, tuning.gold_high)
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    return _chips_in(gold, hsv[..., 2], lab, tuning, tuning.split_depth)


def _chips_in(
    mask: np.ndarray,
    value: np.ndarray,
    lab: np.ndarray,
    t: ChipTuning,
    depth: int,
) -> list[Chip]:
    """The chips among the components of ``mask``: each of a chip's shape that
    stands out, and those split off by brightness (``depth`` levels deep)
    from each of no chip's shape."""
    chips = []
    for contour in cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        if (shaped := _shaped(contour, mask, t)) is None:
            chips += _split(contour, mask, value, lab, t, depth)
        elif (chip := _standing_out(contour, shaped, mask, lab, t)) is not None:
            chips.append(chip)
    return chips


def _shaped(contour: np.ndarray, gold: np.ndarray, t: ChipTuning) -> Chip | None:
    """The chip the contour outlines (its box grown by a pixel) if the gold it
    holds has a chip's shape and size, else None: a rectangle, or, seen in
    perspective, a parallelogram (:func:`_parallelogram`)."""
    x, y, w, h = cv2.boundingRect(contour)
    if min(w, h) < t.min_side or max(w, h) > t.max_side:
        return None
    inside = np.zeros((h, w), np.uint8)
    cv2.drawContours(inside, [contour], -1, 1, -1, offset=(-x, -y))
    held = ((inside > 0) & (gold[y : y + h, x : x + w] > 0)).sum()
    centre, (rw, rh), angle = cv2.minAreaRect(contour)
    a = np.deg2rad(angle)
    box = Chip(
        np.float32(centre),
        (np.float32([np.cos(a), np.sin(a)]), np.float32([-np.sin(a), np.cos(a)])),
        (float(rw + 1), float(rh + 1)),
    )
    for chip in (box, _parallelogram(contour, t)):
        if chip is None:
            continue
        (u, v), (su, sv) = chip.axes, chip.sides
        area = su * sv * abs(_sine(u, v))
        if max(su, sv) <= t.aspect * min(su, sv) and min(su, sv) >= t.min_side:
            if held >= t.fill * area:
                return chip
    return None


def _parallelogram(contour: np.ndarray, t: ChipTuning) -> Chip | None:
    """The parallelogram the contour's hull makes, grown by a pixel, if the hull
    has four corners, each side about as long as the one facing it, at an angle
    of ``skew`` or more: a chip on a card tilted and turned steeply, which
    fills too little of its rotated box (wide 1169: 0.59)."""
    hull = cv2.convexHull(contour)
    corners = cv2.approxPolyDP(hull, t.corner_fit * cv2.arcLength(hull, True), True)
    if len(corners) != 4:
        return None
    p = corners[:, 0].astype(np.float32)
    sides = [p[(k + 1) % 4] - p[k] for k in range(4)]
    lengths = [float(np.linalg.norm(d)) for d in sides]
    if min(lengths[0], lengths[2]) < t.facing * max(lengths[0], lengths[2]):
        return None
    if min(lengths[1], lengths[3]) < t.facing * max(lengths[1], lengths[3]):
        return None
    u, v = (sides[0] - sides[2]) / 2, (sides[1] - sides[3]) / 2
    su, sv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    u, v = u / su, v / sv
    if abs(_sine(u, v)) < np.sin(np.deg2rad(t.skew)):
        return None
    return Chip(p.mean(axis=0), (u, v), (su + 1, sv + 1))


def _sine(u: np.ndarray, v: np.ndarray) -> float:
    """The sine of the angle between unit vectors ``u`` and ``v`` (signed)."""
    return float(u[0] * v[1] - u[1] * v[0])


def _standing_out(
    contour: np.ndarray, chip: Chip, gold: np.ndarray, lab: np.ndarray, t: ChipTuning
) -> Chip | None:
    """``chip``, if its colour differs from a ring around it: the chip grown
    by ``ring_grow`` and ``ring_px``, less the chip."""
    (u, v), (su, sv) = chip.axes, chip.sides
    height, width = gold.shape
    x, y, w, h = cv2.boundingRect(contour)
    pad = int(t.window_pad * max(su, sv)) + t.window_px
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + w + pad, width), min(y + h + pad, height)
    inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.drawContours(inside, [contour], -1, 1, -1, offset=(-x0, -y0))
    inside = (inside > 0) & (gold[y0:y1, x0:x1] > 0)
    ring = np.zeros(inside.shape, np.uint8)
    a, b = (su * t.ring_grow + t.ring_px) / 2, (sv * t.ring_grow + t.ring_px) / 2
    grown = [chip.centre + i * a * u + j * b * v for i, j in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    cv2.fillPoly(ring, [np.round(np.float32(grown) - np.float32([x0, y0])).astype(np.int32)], 1)
    ring[inside] = 0
    colours = lab[y0:y1, x0:x1].astype(np.float32)
    if (
        not ring.any()
        or np.linalg.norm(colours[inside].mean(0) - colours[ring > 0].mean(0)) < t.contrast
    ):
        return None
    return chip


def _split(
    contour: np.ndarray,
    gold: np.ndarray,
    value: np.ndarray,
    lab: np.ndarray,
    t: ChipTuning,
    depth: int,
) -> list[Chip]:
    """Chips among the brighter part of a gold component of no chip's shape
    (split again, down to ``depth`` levels, where a part has none either).
    Arrays and ``contour`` share coordinates; the chips are in ``gold``'s."""
    x, y, w, h = cv2.boundingRect(contour)
    if min(w, h) < t.min_side or depth == 0:
        return []
    part = np.zeros((h, w), np.uint8)
    cv2.drawContours(part, [contour], -1, 255, -1, offset=(-x, -y))
    part &= gold[y : y + h, x : x + w]
    value, lab = value[y : y + h, x : x + w], lab[y : y + h, x : x + w]
    level, _ = cv2.threshold(value[part > 0][None], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    part[value <= level] = 0
    # specks by the thousand on a textured gold surface: only pieces of a chip's size
    _, labels, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    wide, high = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    sized = (wide >= t.min_side) & (high >= t.min_side)
    sized[0] = False
    part = sized[labels].astype(np.uint8) * 255
    chips = _chips_in(part, value, lab, t, depth - 1)
    at = np.float32([x, y])
    return [Chip(c.centre + at, c.axes, c.sides) for c in chips]
