"""Text detection and recognition on ONNX Runtime with the bundled PP-OCRv4 weights.

Two separate stages, so the scanner can run them as a cascade: the DB text
detector at a reduced resolution on the whole frame (cheap), then the CTC
recogniser only on the detected lines, cropped from the full-resolution frame.
The direction classifier says which lines may be upside down. Each adapter
receives its inference session (``models.onnx.create_session`` builds them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import onnxruntime as ort

from core.geometry import order_quad, quad_size
from models.onnx import model_version, planar


class TextDetector:
    """PP-OCRv4 DB text detector: a probability map, then boxes around its blobs.

    ``detect(bgr, max_side)`` scales the image so its longer side is at most
    ``max_side`` (never up), and returns quads in the input's coordinates.

    ``thresh``: probability above which a pixel is text; ``box_thresh``: a
    blob's mean probability to become a box; ``unclip_ratio``: DB's growth of
    a blob's box (area x ratio / perimeter). PP-OCR's own defaults, as the
    cascade was built with them (cae0297); the benchmark's judge sees more at
    ``box_thresh`` 0.3.
    """

    version = "ppocrv4-det"

    def __init__(
        self,
        session: ort.InferenceSession,
        thresh: float = 0.3,
        box_thresh: float = 0.45,
        unclip_ratio: float = 1.6,
    ) -> None:
        self.session = session
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


@dataclass(frozen=True)
class Reading:
    text: str
    score: float
    positions: tuple[float, ...]  # per character, fraction of the crop's width


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

    def __init__(self, session: ort.InferenceSession, batch: int = 8):
        self.session = session
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
    the lines that read poorly and that it takes for upside down.

    Crops are read at the model's height (48 px; lower loses digits: at 40 px,
    7 of 183 lines holding 8+ digits lost some, stop 20), at most
    ``max_width`` wide, in batches of up to ``batch`` crops whose widest is at
    most ``pad_ratio`` times their narrowest (a padded column costs as much as
    a read one)."""

    version = "ppocrv4-rec"
    height = 48
    pad_ratio = 1.25

    def __init__(
        self,
        session: ort.InferenceSession,
        batch: int = 8,
        max_width: int = 1600,
        orientation: TextOrientation | None = None,
    ):
        self.session = session
        self.version = model_version(self.session, self.version)
        self.orientation = orientation
        if orientation is not None:
            self.version += f"+{orientation.version}"
        self.input_name = self.session.get_inputs()[0].name
        meta = self.session.get_modelmeta().custom_metadata_map
        self.charset = ["<blank>", *meta["character"].splitlines(), " "]
        self.batch, self.max_width = batch, max_width

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
