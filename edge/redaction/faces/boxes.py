"""Face boxes as the face models give them, and how overlapping ones are merged."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class FaceBox:
    """A face model's box in frame pixels (brows to mouth or chin, as the model
    draws it), its score, and the model that found it."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float
    model: str = ""

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, iou: float) -> list[int]:
    """Indices of the boxes (N x 4, x0 y0 x1 y1) kept by non-maximum suppression:
    a box overlapping a better one by more than ``iou`` is the same face."""
    if len(boxes) == 0:
        return []
    rects = [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes]
    keep = cv2.dnn.NMSBoxes(rects, scores.astype(float).tolist(), threshold, iou)
    return [int(i) for i in np.asarray(keep).reshape(-1)]


def overlap(a: FaceBox, b: FaceBox) -> float:
    """The intersection's share of the smaller box."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min(a.width * a.height, b.width * b.height)
    return float(w * h / smaller) if smaller > 0 else 0.0


def merged(boxes: list[FaceBox], same: float) -> list[FaceBox]:
    """One box per face: boxes overlapping by more than ``same`` of the smaller
    (two models' boxes of one face) become their envelope, with the best score.
    The envelope, not the best box: each model draws a face's box its own way,
    and what either covers is face."""
    out: list[FaceBox] = []
    for box in sorted(boxes, key=lambda b: -b.score):
        for k, kept in enumerate(out):
            if overlap(box, kept) > same:
                out[k] = FaceBox(
                    min(kept.x0, box.x0),
                    min(kept.y0, box.y0),
                    max(kept.x1, box.x1),
                    max(kept.y1, box.y1),
                    kept.score,
                    kept.model if box.model in kept.model else f"{kept.model}+{box.model}",
                )
                break
        else:
            out.append(box)
    return out


def frame_boxes(
    boxes: np.ndarray,
    scores: np.ndarray,
    input_size: tuple[int, int],
    frame_size: tuple[int, int],
    tuning: tuple[float, float],
    model: str,
) -> list[FaceBox]:
    """A model's boxes (N x 4, x0 y0 x1 y1 in its ``input_size`` px, width and
    height) in frame pixels, one per face (``tuning``: the score threshold and
    the NMS IoU), clipped to the ``frame_size`` frame."""
    (nw, nh), (w, h) = input_size, frame_size
    boxes = boxes * np.array([w / nw, h / nh, w / nw, h / nh], np.float32)
    return [
        FaceBox(
            float(max(boxes[i, 0], 0)),
            float(max(boxes[i, 1], 0)),
            float(min(boxes[i, 2], w)),
            float(min(boxes[i, 3], h)),
            float(scores[i]),
            model,
        )
        for i in nms(boxes, scores, *tuning)
    ]
