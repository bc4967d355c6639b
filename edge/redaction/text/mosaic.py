"""Regions of a frame packed into one mosaic and detected in one run."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from core.geometry import Rect, order_quad
from edge.redaction.text.candidates import box_sides
from edge.redaction.text.ppocr import TextDetector


@dataclass(frozen=True)
class MosaicTuning:
    """The mosaic's layout and the contrast stretch of chip bands."""

    # px of grey between tiles, and round the mosaic's edge: text touching the
    # detector's image edge is often not found at all (fb1f149: fresh seeds
    # 2500-2999 leaks 6 -> 2 of 755, with the second chip zoom)
    gap: int = 8
    # a chip band's lightness stretched so its ``stretch_low``-``stretch_high``
    # percentiles span black to white, at most ``stretch_gain`` times (61a20b9:
    # fresh seeds 3000-3249 leaks 2 -> 1 of 390; over-redaction 0.147 -> 0.176 %)
    stretch_low: int = 2
    stretch_high: int = 98
    stretch_gain: float = 4.0


MOSAIC = MosaicTuning()


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
        u, long_, short = box_sides(box)
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

    def cut(self, bgr: np.ndarray, tuning: MosaicTuning = MOSAIC) -> np.ndarray:
        tile = cv2.warpAffine(
            bgr, self.matrix, self.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return stretch(tile, tuning) if self.stretched else tile

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


def stretch(bgr: np.ndarray, tuning: MosaicTuning = MOSAIC) -> np.ndarray:
    """Lightness stretched so its low-high percentiles span black to white
    (at most ``stretch_gain`` times): faint digits on a card's face (light on a light
    stripe, blurred) give the detector nothing as they are, and a clear line
    once stretched."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    light = lab[..., 0].astype(np.float32)
    lo, hi = np.percentile(light, (tuning.stretch_low, tuning.stretch_high))
    scale = min(255.0 / max(hi - lo, 1.0), tuning.stretch_gain)
    mid = (lo + hi) / 2
    lab[..., 0] = np.clip((light - mid) * scale + 127.5, 0, 255).astype(np.uint8)
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def pack(tiles: list[Tile], width: int, gap: int = MOSAIC.gap) -> tuple[list[Tile], int, int]:
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


def detect_tiles(
    detector: TextDetector,
    bgr: np.ndarray,
    tiles: list[Tile],
    width: int,
    tuning: MosaicTuning = MOSAIC,
) -> tuple[list[Tile], list[tuple[int, np.ndarray]]]:
    """The tiles packed into one mosaic ``width`` px wide, detected at its full resolution in
    one run; returns the tiles (placed) and the quads found, in frame
    coordinates, each with the index of its tile."""
    if not tiles:
        return [], []
    tiles, mw, mh = pack(tiles, width, tuning.gap)
    # a margin all round, as between tiles: text touching the image's edge
    # is often not found at all (a card's number cut level, its top row
    # at the tile's edge: probability 0.00 at the mosaic's edge, 1.00 inset)
    gap = tuning.gap
    tiles = [t.placed((t.at[0] + gap, t.at[1] + gap)) for t in tiles]
    # whole multiples of 32, the network's stride: any other size is resized,
    # and a resize by 0.99 is enough to lose small text
    mh, mw = -(-(mh + 2 * gap) // 32) * 32, -(-(mw + 2 * gap) // 32) * 32
    mosaic = np.full((mh, mw, 3), 127, np.uint8)
    for t in tiles:
        (ax, ay), (tw, th) = t.at, t.size
        mosaic[ay : ay + th, ax : ax + tw] = t.cut(bgr, tuning)
    found = []
    for quad in detector.detect(mosaic, max(mosaic.shape[:2])):
        owner = next((k for k, t in enumerate(tiles) if t.holds(*quad.mean(axis=0))), None)
        if owner is not None:
            found.append((owner, tiles[owner].to_frame(quad)))
    return tiles, found
