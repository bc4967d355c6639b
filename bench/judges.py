"""The benchmark's referees: they read what the upload would show, harder than the device does.

Text: three readers, reported apart (``TextJudge.READERS``):

- ``ppocr_rec_line``: the PP-OCR recogniser on the number's line, rectified,
  upscaled to 64 px high, both ways up;
- ``ppocr_det_rec_object``: PP-OCR detection and recognition on the whole
  object (card, receipt, screen), upscaled;
- ``tesseract_line``: Tesseract (a different OCR family from the engine's) on
  the same rectified, upscaled line crops, both ways up.

A number counts if the readers together recover 8+ consecutive digits of it
before redaction; after redaction each reader that still recovers 8+ is a
leak by that reader (a number is leaked if any reader recovers it).

Faces: a face is leaked when the redaction mask (every finding, whatever its
label) covers less than half of its box, or (counted apart) when dlib's MMOD
still finds it on its crop after redaction (``scenes.face_judge``; "did not
run" where dlib is absent).
"""

from __future__ import annotations

import shutil

import cv2
import numpy as np

from edge.redaction.rules.digits import CONFUSABLE
from edge.redaction.text.lines import crop_line
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from edge.redaction.text.reading import OcrReader
from models.onnx import create_session
from models.registry import Role, resolve_file
from scenes.face_judge import MmodFaceJudge

LEAK_DIGITS = 8
FACE_COVER = 0.5  # a face whose box the mask covers less than this is leaked


def digits_of(text: str) -> str:
    return "".join(c for c in text.translate(CONFUSABLE) if c.isdigit())


def longest_common_run(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def expand(quad: np.ndarray, fx: float, fy: float) -> np.ndarray:
    """A quad grown by ``fx`` of its width and ``fy`` of its height on each side."""
    tl, tr, br, bl = quad.astype(np.float32)
    dx, dy = (tr - tl) * fx, (bl - tl) * fy
    return np.stack([tl - dx - dy, tr + dx - dy, br + dx + dy, bl - dx + dy])


class TextJudge:
    """Reads a known number's region three ways; says what each reader recovered."""

    READERS = ("ppocr_rec_line", "ppocr_det_rec_object", "tesseract_line")

    def __init__(self, tesseract: bool) -> None:
        det = TextDetector(create_session(resolve_file(Role.OCR_DET)), box_thresh=0.3)
        self.rec = TextRecognizer(create_session(resolve_file(Role.OCR_REC)))
        self.reader = OcrReader(det, self.rec, max_side=2400)
        self.tesseract = tesseract and shutil.which("tesseract") is not None
        self.tesseract_errors = 0  # reads that failed: counted, not taken for "no digits"
        if tesseract and not self.tesseract:
            print("judge: tesseract not found (apt-get install tesseract-ocr); it does not run")

    def judges(self) -> dict[str, str]:
        """Which readers judged, for the figures: a judge that did not run is said."""
        return {
            "ppocr_rec_on_rectified_line": "ran",
            "ppocr_det_rec_on_upscaled_object": "ran",
            "tesseract_on_rectified_line": (
                f"ran, {self.tesseract_errors} failed reads" if self.tesseract else "did not run"
            ),
        }

    def recovered(
        self, image: np.ndarray, quad: np.ndarray, object_quad: np.ndarray, truth: str
    ) -> int:
        """The longest run of the true number's digits that any reader recovers."""
        return self.by_reader(image, quad, object_quad, truth)["any"]

    def by_reader(
        self, image: np.ndarray, quad: np.ndarray, object_quad: np.ndarray, truth: str
    ) -> dict[str, int]:
        """The longest run each reader recovers, and ``any``: all readings together."""
        texts: dict[str, list[str]] = {name: [] for name in self.READERS}
        crop = crop_line(image, expand(quad, 0.06, 0.45))
        scale = 64.0 / max(crop.shape[0], 1)
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops = [crop, np.ascontiguousarray(crop[::-1, ::-1])]
        texts["ppocr_rec_line"] = [r.text for r in self.rec.recognize(crops)]
        x0, y0 = np.floor(object_quad.min(axis=0)).astype(int)
        x1, y1 = np.ceil(object_quad.max(axis=0)).astype(int)
        region = image[max(y0 - 8, 0) : y1 + 8, max(x0 - 8, 0) : x1 + 8]
        up = min(3.0, 2400 / max(region.shape[:2]))
        region = cv2.resize(region, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
        texts["ppocr_det_rec_object"] = [line.text for line in self.reader.read(region)]
        if self.tesseract:
            for c in crops:
                text = _tesseract(c)
                self.tesseract_errors += text is None
                texts["tesseract_line"].append(text or "")
        out = {name: _best(t, truth) for name, t in texts.items()}
        # all readings joined, so that fragments split between readers count together
        out["any"] = _best([t for name in self.READERS for t in texts[name]], truth)
        return out


def _best(texts: list[str], truth: str) -> int:
    best = max((longest_common_run(digits_of(t), truth) for t in texts), default=0)
    joined = digits_of(" ".join(texts))
    return max(best, longest_common_run(joined, truth) if len(joined) < 400 else 0)


def _tesseract(crop: np.ndarray) -> str | None:
    """Tesseract's reading of a line, or None where it failed (counted and reported)."""
    import pytesseract

    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    try:
        return pytesseract.image_to_string(
            gray, config="--psm 7 -c tessedit_char_whitelist=0123456789-. "
        )
    except Exception:  # noqa: BLE001 - reported in the figures' "judges"
        return None


class FaceJudge:
    """Whether a face leaked: the mask's cover of its box, and MMOD after redaction."""

    def __init__(self, mmod: bool = True) -> None:
        self.mmod = MmodFaceJudge() if mmod else None
        if self.mmod is not None and not self.mmod.available:
            print(f"judge: dlib MMOD does not run: {self.mmod.why_not}")

    @property
    def mmod_runs(self) -> bool:
        return self.mmod is not None and self.mmod.available

    def judges(self) -> dict[str, str]:
        why = "not asked" if self.mmod is None else self.mmod.why_not
        return {
            f"face_mask_cover_below_{FACE_COVER}": "ran",
            "dlib_mmod_on_face_crop": "ran" if self.mmod_runs else f"did not run ({why})",
        }

    def sees(self, image: np.ndarray, box: tuple[float, float, float, float]) -> bool | None:
        """MMOD's verdict on one face, or None where it does not run."""
        return self.mmod.sees(image, box) if self.mmod_runs else None
