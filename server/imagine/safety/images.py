"""The output-image classifier: every generated image is checked before it leaves.

``OnnxNudityClassifier`` runs NudeNet (the 320n detector shipped in the
``nudenet`` wheel, ``Role.IMAGE_SAFETY``) with ONNX Runtime directly, with
NudeNet's own pre- and post-processing: the image padded at the bottom and
right to a square, resized to 320x320, scaled to 0..1, RGB planes; the output
is YOLOv8's (1, 4 + classes, anchors), each anchor taken as its best class.
The verdict lists the best score of each class found and blocks an image when
a configured class reaches the threshold.

Channel order: the network is fed RGB, as Ultralytics trains YOLOv8. NudeNet's
own reader swaps the channels twice (``cvtColor(RGBA2BGR)`` then
``blobFromImage(swapRB=True)``), so a BGR frame reaches the network as BGR; on
``skimage.data.astronaut()`` that gives FACE_FEMALE 0.72 and a spurious
FACE_MALE 0.49, where RGB gives FACE_FEMALE 0.81 alone.

It fails closed: a model that errors, or an input that is not an RGB image,
gives a blocked verdict, never an exception and never an allowed image.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import onnxruntime as ort

from models.onnx import create_session, planar
from server.imagine.safety.config import NUDENET_CLASSES, ImageSafetyConfig
from server.imagine.safety.verdicts import ImageVerdict

# NudeNet's input side (the 320n model).
INPUT_SIZE = 320
# Classes are reported from this score (NudeNet's own detector keeps anchors
# from 0.2); blocking uses ``ImageSafetyConfig.threshold``.
REPORT_FLOOR = 0.2


class ImageClassifier(Protocol):
    """The port: decides whether an RGB image (HxWx3 uint8) may leave."""

    def check(self, rgb: np.ndarray) -> ImageVerdict:
        """The verdict on ``rgb``; never raises (a failure is a blocked verdict)."""
        ...


class OnnxNudityClassifier:
    """NudeNet 320n through ONNX Runtime; see the module docstring."""

    version = "nudenet-320n-3.4.2"

    def __init__(self, session: ort.InferenceSession, config: ImageSafetyConfig | None = None):
        """``session``: NudeNet's 320n model (``models.onnx.create_session``)."""
        self.session = session
        self.config = config or ImageSafetyConfig()
        self.blocked = frozenset(self.config.blocked_classes)
        self.input_name = session.get_inputs()[0].name

    @classmethod
    def load(
        cls, model_path: Path, config: ImageSafetyConfig | None = None, threads: int = 1
    ) -> OnnxNudityClassifier:
        """The classifier on the model at ``model_path`` (e.g.
        ``resolve_file(Role.IMAGE_SAFETY)``), with ``threads`` intra-op threads."""
        return cls(create_session(Path(model_path), threads=threads), config)

    @staticmethod
    def tensor(rgb: np.ndarray) -> np.ndarray:
        """NudeNet's input: padded bottom and right to a square, 320x320, 0..1, 1x3xHxW."""
        height, width = rgb.shape[:2]
        side = max(height, width)
        square = cv2.copyMakeBorder(
            rgb, 0, side - height, 0, side - width, cv2.BORDER_CONSTANT, value=(0, 0, 0)
        )
        resized = cv2.resize(square, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_LINEAR)
        return planar(resized, scale=1.0 / 255.0)

    def scores(self, rgb: np.ndarray) -> dict[str, float]:
        """The best score of each class at or above ``REPORT_FLOOR`` (raises on failure)."""
        _check_image(rgb)
        (output,) = self.session.run(None, {self.input_name: self.tensor(rgb)})
        anchors = np.asarray(output)[0].T[:, 4:]  # (anchors, classes)
        if anchors.shape[1] != len(NUDENET_CLASSES):
            raise ValueError(f"the model gives {anchors.shape[1]} classes, not 18")
        best_class = anchors.argmax(axis=1)
        best_score = anchors.max(axis=1)
        found: dict[str, float] = {}
        for index in np.unique(best_class[best_score >= REPORT_FLOOR]):
            found[NUDENET_CLASSES[index]] = float(best_score[best_class == index].max())
        return found

    def check(self, rgb: np.ndarray) -> ImageVerdict:
        """Blocked when a configured class reaches the threshold, or on any failure."""
        try:
            found = self.scores(rgb)
        except Exception as error:  # noqa: BLE001 - fail closed, whatever went wrong
            return ImageVerdict(
                False, (), f"blocked: the classifier failed ({type(error).__name__})"
            )
        labels = tuple(sorted(found.items(), key=lambda item: -item[1]))
        hits = [name for name, score in labels if name in self.blocked]
        hits = [n for n in hits if found[n] >= self.config.threshold]
        if hits:
            return ImageVerdict(False, labels, f"blocked: {', '.join(hits)}")
        return ImageVerdict(True, labels, "allowed")


def _check_image(rgb: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8:
        raise TypeError("an image is an HxWx3 uint8 array")
    if rgb.ndim != 3 or rgb.shape[2] != 3 or min(rgb.shape[:2]) < 1:
        raise ValueError(f"an image is HxWx3, not {rgb.shape}")
