"""Text detection and recognition on ONNX Runtime with the bundled PP-OCRv4 weights.

Two separate stages, so the redactor can run them as a cascade: the DB text
detector at a reduced resolution on the whole frame (cheap), then the CTC
recogniser only on the detected lines, cropped from the full-resolution frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from models.onnx import create_session, model_version, planar


@dataclass(frozen=True, eq=False)
class TextLine:
    """One line of text: its quadrilateral (tl, tr, br, bl), text and score."""

    quad: np.ndarray  # shape (4, 2), float32, image coordinates
    text: str
    score: float
    positions: tuple[float, ...] = ()  # each character's centre, as a fraction along the line
    # ink goes on past the line's end where nothing more could be read (a
    # finger over the rest of a number, a blur): how many digits it held is unknown
    runs_on: bool = False

    @property
    def height(self) -> float:
        return float(np.linalg.norm(self.quad[3] - self.quad[0]))

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.quad[1] - self.quad[0]))

    def char_positions(self) -> list[float]:
        """Each character's centre along the line (the recogniser's, else evenly spaced)."""
        n = len(self.text)
        if len(self.positions) == n:
            return list(self.positions)
        return [(i + 0.5) / n for i in range(n)]


def order_quad(points: np.ndarray) -> np.ndarray:
    """Four points as tl, tr, br, bl (image coordinates, y down)."""
    pts = np.asarray(points, np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.stack([left[0], right[0], right[1], left[1]])


def quad_size(quad: np.ndarray) -> tuple[float, float]:
    width = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))
    return float(width), float(height)


class TextDetector:
    """PP-OCRv4 DB text detector: a probability map, then boxes around its blobs.

    ``detect(bgr, max_side)`` scales the image so its longer side is at most
    ``max_side`` (never up), and returns quads in the input's coordinates.
    """

    version = "ppocrv4-det"

    def __init__(
        self,
        model: Path,
        threads: int = 2,
        thresh: float = 0.3,
        box_thresh: float = 0.45,
        unclip_ratio: float = 1.6,
    ) -> None:
        self.session = create_session(model, threads=threads)
        self.version = model_version(self.session, self.version)
        self.input_name = self.session.get_inputs()[0].name
        self.thresh, self.box_thresh, self.unclip_ratio = thresh, box_thresh, unclip_ratio

    @staticmethod
    def tensor(bgr: np.ndarray, max_side: int) -> np.ndarray:
        """The network's input for ``bgr`` scaled to at most ``max_side`` (multiples of 32)."""
        h, w = bgr.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        nh = max(32, int(round(h * scale / 32)) * 32)
        nw = max(32, int(round(w * scale / 32)) * 32)
        if (nw, nh) != (w, h):
            bgr = cv2.resize(
                bgr, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            )
        return planar(bgr, 2 / 255.0, -1.0)

    def probability(self, bgr: np.ndarray, max_side: int) -> np.ndarray:
        """The text-probability map, at the network's resolution."""
        return self.session.run(None, {self.input_name: self.tensor(bgr, max_side)})[0][0, 0]

    def detect(self, bgr: np.ndarray, max_side: int = 960) -> list[np.ndarray]:
        h, w = bgr.shape[:2]
        prob = self.probability(bgr, max_side)
        ph, pw = prob.shape
        sx, sy = w / pw, h / ph  # per axis: rounding to multiples of 32 differs
        mask = (prob > self.thresh).astype(np.uint8)
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        quads = []
        for contour in contours:
            if len(contour) < 3:
                continue
            (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
            if min(rw, rh) < 2:
                continue
            x, y, bw, bh = cv2.boundingRect(contour)
            blob = np.zeros((bh, bw), np.uint8)
            cv2.fillPoly(blob, [contour - [x, y]], 1)
            if cv2.mean(prob[y : y + bh, x : x + bw], blob)[0] < self.box_thresh:
                continue
            grow = rw * rh * self.unclip_ratio / (2 * (rw + rh))  # DB's unclip distance
            box = cv2.boxPoints(((cx, cy), (rw + 2 * grow, rh + 2 * grow), angle))
            box[:, 0] = np.clip(box[:, 0] * sx, 0, w - 1)
            box[:, 1] = np.clip(box[:, 1] * sy, 0, h - 1)
            quad = order_quad(box)
            qw, qh = quad_size(quad)
            if min(qw, qh) >= 3:
                quads.append(quad)
        return quads


def crop_line(bgr: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line's quad warped to an upright rectangle (vertical lines rotated)."""
    width, height = quad_size(quad)
    width, height = max(int(round(width)), 1), max(int(round(height)), 1)
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        bgr, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    if is_tall(quad):
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


@dataclass(frozen=True)
class Reading:
    text: str
    score: float
    positions: tuple[float, ...]  # per character, fraction of the crop's width


def ink_bands(gray: np.ndarray, pad: float = 0.25) -> list[tuple[float, float]]:
    """The bands of rows that hold a line of ink in an upright crop, as (top, bottom)
    fractions of its height, padded by ``pad`` of each band's height.

    Per-row horizontal-gradient energy; rows above a quarter of the peak form
    bands (gaps of a row or two closed). Bands much weaker or thinner than the
    strongest (a chip's edge, a rule) are dropped; neighbouring lines that a
    coarse detector merged into one quad come back as separate bands.
    """
    height = gray.shape[0]
    energy = np.abs(cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)).sum(axis=1)
    if height < 8 or energy.max() <= 0:
        return [(0.0, 1.0)]
    on = energy > 0.25 * energy.max()
    gap = max(1, int(0.06 * height))
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
        if b - a >= 0.4 * tallest and m >= 0.2 * max(mass)
    ]
    out = []
    for a, b in kept:
        margin = pad * (b - a)
        out.append((max(0.0, (a - margin) / height), min(1.0, (b + margin) / height)))
    return out


def glyph_height(gray: np.ndarray) -> float:
    """The median height of the ink's connected components (the minority colour
    after Otsu): about a character's height, whatever the slant of the lines."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:
        ink = 1 - ink
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height = gray.shape[0]
    # glyphs from 4 px up (not specks, dots or dashes), short of the whole crop
    # (the surface around the text when the quad holds more than the text)
    sizes = [h for _, _, _, h, area in stats[1:] if area >= 4 and 4 <= h < 0.95 * height]
    return float(np.median(sizes)) if sizes else float(height)


def tighten(
    bgr: np.ndarray, quad: np.ndarray, pad: float = 0.25
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
    bands = ink_bands(gray, pad)
    if len(bands) > 1:
        return [], [_band(quad, a, b) for a, b in bands]
    (a, b), height = bands[0], gray.shape[0]
    rows = gray[int(a * height) : max(int(b * height), int(a * height) + 1)]
    band = quad if b - a > 0.8 else _band(quad, a, b)
    if rows.shape[0] >= 20 and rows.shape[0] > 2.2 * glyph_height(rows):
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


def _rec_width(crop: np.ndarray, height: int, max_width: int) -> int:
    h, w = crop.shape[:2]
    return min(max_width, max(16, int(math.ceil(height * w / max(h, 1)))))


def _line_batch(
    crops: Sequence[np.ndarray], height: int, max_width: int, pad_to: int | None = None
) -> np.ndarray:
    """Crops of lines as one network input: each resized to ``height`` (its
    width in proportion, at most ``max_width``), scaled to [-1, 1], and padded
    with zeros on the right to the widest, or to ``pad_to``."""
    widths = [_rec_width(c, height, max_width) for c in crops]
    batch = np.zeros((len(crops), 3, height, pad_to or max(widths)), np.float32)
    for row, (crop, width) in enumerate(zip(crops, widths, strict=True)):
        img = cv2.resize(crop, (width, height), interpolation=cv2.INTER_CUBIC)
        batch[row, :, :, :width] = (img.astype(np.float32) * (2 / 255.0) - 1.0).transpose(2, 0, 1)
    return batch


class TextOrientation:
    """PP-OCR's direction classifier (mobile v2.0, shipped beside the v4
    models): how likely a line's crop is upside down. A card lying the other
    way up reads as "TTTT TTTT" at a score of about 0.55; turned round, as
    its number."""

    version = "ppocr-cls-v2"
    height, width = 48, 192

    def __init__(self, model: Path | bytes, threads: int = 2, batch: int = 8):
        self.session = create_session(model, threads=threads)
        self.input_name = self.session.get_inputs()[0].name
        self.batch = batch

    @classmethod
    def tensor(cls, crops: Sequence[np.ndarray]) -> np.ndarray:
        """Each crop at height 48, squeezed to at most 192 wide, padded to 192."""
        return _line_batch(crops, cls.height, cls.width, pad_to=cls.width)

    def upside_down(self, crops: Sequence[np.ndarray]) -> list[float]:
        """For each crop, the probability that it is turned 180 degrees."""
        out: list[float] = []
        for k in range(0, len(crops), self.batch):
            probs = self.session.run(
                None, {self.input_name: self.tensor(crops[k : k + self.batch])}
            )
            out += [float(p) for p in probs[0][:, 1]]
        return out


class TextRecognizer:
    """PP-OCRv4 CTC recogniser: crops of lines in, (text, score) out, batched by width.

    With an ``orientation`` classifier, ``read_each`` also reads turned round
    the lines that read poorly and that it takes for upside down."""

    version = "ppocrv4-rec"
    height = 48

    def __init__(
        self,
        model: Path | bytes,
        threads: int = 2,
        batch: int = 8,
        max_width: int = 1600,
        orientation: TextOrientation | None = None,
    ):
        self.session = create_session(model, threads=threads)
        self.version = model_version(self.session, self.version)
        self.orientation = orientation
        if orientation is not None:
            self.version += f"+{orientation.version}"
        self.input_name = self.session.get_inputs()[0].name
        meta = self.session.get_modelmeta().custom_metadata_map
        self.charset = ["<blank>", *meta["character"].splitlines(), " "]
        self.batch, self.max_width = batch, max_width
        self.pad_ratio = 1.25  # a batch's widest crop at most this times its narrowest

    def _width(self, crop: np.ndarray) -> int:
        return _rec_width(crop, self.height, self.max_width)

    @classmethod
    def tensor(cls, crops: Sequence[np.ndarray], max_width: int = 1600) -> np.ndarray:
        """One batch for the network: each crop at height 48, padded to the widest."""
        return _line_batch(crops, cls.height, max_width)

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        all_widths = [self._width(crop) for crop in crops]
        order = sorted(range(len(crops)), key=all_widths.__getitem__)
        results: list[Reading] = [Reading("", 0.0, ())] * len(crops)
        for chunk in self._batches(order, [all_widths[i] for i in order]):
            widths = [all_widths[i] for i in chunk]
            batch = self.tensor([crops[i] for i in chunk], self.max_width)
            probs = self.session.run(None, {self.input_name: batch})[0]
            steps = probs.shape[1]
            for row, (i, width) in enumerate(zip(chunk, widths, strict=True)):
                used = max(1, min(steps, int(math.ceil(steps * width / max(widths)))))
                results[i] = self._decode(probs[row, :used])
        return results

    def _batches(self, order: list[int], widths: list[int]) -> list[list[int]]:
        """Crops (sorted by width) in batches of similar width: a batch is padded
        to its widest crop, and a padded step costs as much as a read one."""
        out: list[list[int]] = []
        narrowest = 0
        for i, width in zip(order, widths, strict=True):
            if out and len(out[-1]) < self.batch and width <= self.pad_ratio * narrowest:
                out[-1].append(i)
            else:
                out.append([i])
                narrowest = width
        return out

    def _decode(self, probs: np.ndarray) -> Reading:
        """Greedy CTC; a character's position is the centre of its time steps."""
        best = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        chars, scores, positions = [], [], []
        t, n = 0, len(best)
        while t < n:
            end = t
            while end + 1 < n and best[end + 1] == best[t]:
                end += 1
            k = int(best[t])
            if k != 0 and k < len(self.charset):
                chars.append(self.charset[k])
                scores.append(float(conf[t : end + 1].max()))
                positions.append((t + end + 1) / 2 / n)
            t = end + 1
        score = float(np.mean(scores)) if scores else 0.0
        return Reading("".join(chars), score, tuple(positions))


class OcrReader:
    """Detection + recognition in one call (full frame, one resolution).

    The redactor uses the stages separately; this is for tools and for the
    benchmark's judge, which reads at a higher resolution than the device.
    """

    def __init__(self, detector: TextDetector, recognizer: TextRecognizer, max_side: int = 1280):
        self.detector, self.recognizer, self.max_side = detector, recognizer, max_side
        self.version = f"{detector.version}@{max_side}+{recognizer.version}"

    def read(self, bgr: np.ndarray) -> list[TextLine]:
        return read_lines(self.recognizer, bgr, self.detector.detect(bgr, self.max_side))


def read_lines(
    recognizer: TextRecognizer, bgr: np.ndarray, quads: Sequence[np.ndarray]
) -> list[TextLine]:
    """Recognise each quad; quads that read as nothing are left out."""
    return [line for line in read_each(recognizer, bgr, quads) if line is not None]


def read_each(
    recognizer: TextRecognizer,
    bgr: np.ndarray,
    quads: Sequence[np.ndarray],
    poor: float = 0.9,
    turned: float = 0.5,
) -> list[TextLine | None]:
    """Each quad's reading, in order (None where nothing was read). Tall lines,
    and steep ones where the recogniser has no orientation classifier, are
    read both ways up and the better read is kept. Any other line that reads
    with a score under ``poor`` and that the classifier takes for upside down
    (``turned``) is read turned round too, and that read kept if its score is
    higher: a receipt lying the other way up, or a steep line whose corners
    by x put its start at the bottom."""
    crops, owners, single = [], [], []
    for k, quad in enumerate(quads):
        crop = crop_line(bgr, quad)
        crops.append(crop)
        owners.append((k, False))
        # a tall line may be either way round; so may a steep one, which the
        # direction classifier decides where there is one (read twice, the
        # steep lines cost 5 % more recognition)
        if is_tall(quad) or (runs_steep(quad) and recognizer.orientation is None):
            crops.append(np.ascontiguousarray(crop[::-1, ::-1]))
            owners.append((k, True))
        else:
            single.append(len(crops) - 1)
    best: dict[int, tuple[Reading, bool]] = {}
    for (k, flipped), reading in zip(owners, recognizer.recognize(crops), strict=True):
        if k not in best or _better(reading, best[k][0]):
            best[k] = (reading, flipped)
    if recognizer.orientation is not None:
        poorly = [i for i in single if best[owners[i][0]][0].score < poor]
        likely = recognizer.orientation.upside_down([crops[i] for i in poorly])
        again = [i for i, p in zip(poorly, likely, strict=True) if p >= turned]
        flips = [np.ascontiguousarray(crops[i][::-1, ::-1]) for i in again]
        for i, reading in zip(again, recognizer.recognize(flips), strict=True):
            k = owners[i][0]
            if reading.score > best[k][0].score:  # read with more confidence turned round
                best[k] = (reading, True)
    out: list[TextLine | None] = [None] * len(quads)
    for k, (reading, flipped) in best.items():
        if reading.text:
            quad = reading_order(quads[k], flipped)
            out[k] = TextLine(quad, reading.text, reading.score, reading.positions)
    return out


def is_tall(quad: np.ndarray) -> bool:
    width, height = quad_size(quad)
    return max(int(round(height)), 1) >= 1.5 * max(int(round(width)), 1)


def runs_steep(quad: np.ndarray) -> bool:
    """Whether a quad that is not tall still runs more than 45 degrees off level
    from its first corner to its second: a line at 45-90 degrees, longer than
    tall, whose corners by x put its start at the bottom. It reads one way up
    as well as the other."""
    dx, dy = quad[1] - quad[0]
    return abs(float(dy)) > abs(float(dx))


def reading_order(quad: np.ndarray, flipped: bool = False) -> np.ndarray:
    """A detector quad's corners in reading order. A tall quad is read a quarter
    turn round: down its right edge, or up its left edge when ``flipped``; any
    other, from its first corner, or from its third when ``flipped``."""
    if not is_tall(quad):
        return quad[[2, 3, 0, 1]] if flipped else quad
    return quad[[3, 0, 1, 2]] if flipped else quad[[1, 2, 3, 0]]


def _better(a: Reading, b: Reading) -> bool:
    digits_a = sum(c.isdigit() for c in a.text)
    digits_b = sum(c.isdigit() for c in b.text)
    return (digits_a, a.score) > (digits_b, b.score)


def _axis(line: TextLine) -> tuple[np.ndarray, np.ndarray, float]:
    """Unit direction along the line, its centre and its height."""
    tl, tr, br, bl = line.quad
    d = (tr - tl) + (br - bl)
    d = d / (np.linalg.norm(d) + 1e-6)
    return d, line.quad.mean(axis=0), max(line.height, 1.0)


def off_line(offset: np.ndarray, direction: np.ndarray) -> float:
    """How far ``offset`` lies off a line running along the unit ``direction``."""
    return abs(float(offset[0] * -direction[1] + offset[1] * direction[0]))


def linked_groups(n: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """Indices ``0..n-1`` grouped by the transitive closure of ``linked(i, j)``
    (asked once per pair, ``i < j``), each group in increasing order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if linked(i, j):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def chain_lines(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Group fragments of one printed line (split by wide gaps or a finger) in reading order."""
    axes = [_axis(line) for line in lines]
    longer = [line.length >= 3 * line.height for line in lines]

    def linked(i: int, j: int) -> bool:
        di, ci, hi = axes[i]
        dj, cj, hj = axes[j]
        if max(hi, hj) > 1.8 * min(hi, hj) or abs(float(di @ dj)) < 0.9:
            return False
        h = max(hi, hj)
        offset = cj - ci
        # off the line measured from both fragments' axes: from only one, the
        # answer would depend on which of the two is asked first. But a group
        # of a few digits says little about the line's direction (its quad
        # may sit level on a slanted line): where only one of the two is three
        # heights long, its axis alone decides
        if longer[i] != longer[j]:
            across = off_line(offset, di if longer[i] else dj)
        else:
            across = max(off_line(offset, di), off_line(offset, dj))
        if across > 0.6 * h:
            return False
        # gap between the two fragments along the line
        pi = [float(p @ di) for p in lines[i].quad]
        pj = [float(p @ di) for p in lines[j].quad]
        return max(min(pj) - max(pi), min(pi) - max(pj)) < 4.0 * h

    def span(k: int, d: np.ndarray) -> tuple[float, float]:
        along = [float(p @ d) for p in lines[k].quad]
        return min(along), max(along)

    def repeats(k: int, j: int, d: np.ndarray) -> bool:
        (a0, a1), (b0, b1) = span(k, d), span(j, d)
        return min(a1, b1) - max(a0, b0) > 0.5 * min(a1 - a0, b1 - b0)

    chains = []
    for members in linked_groups(len(lines), linked):
        d = axes[members[0]][0]
        # Two reads of the same stretch of a line (both passes found it, offset
        # too far for ``dedupe``) are not two parts of it: joined, a date would
        # read as a 16-digit number. The longer read stays (before reading, the
        # longer fragment: a short one below it must not take its place); a
        # repeat stands alone.
        kept: list[int] = []
        for k in sorted(members, key=lambda k: (-len(lines[k].text), -lines[k].length)):
            if any(repeats(k, j, d) for j in kept):
                chains.append([lines[k]])
            else:
                kept.append(k)
        kept.sort(key=lambda k: float(axes[k][1] @ d))
        chains.append([lines[k] for k in kept])
    return chains
