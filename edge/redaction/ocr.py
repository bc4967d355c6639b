"""Text reading on ONNX Runtime with the bundled PP-OCRv4 weights."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True, eq=False)
class TextLine:
    """One detected line: its quadrilateral (tl, tr, br, bl), text and score."""

    quad: np.ndarray  # shape (4, 2), float32, image coordinates
    text: str
    score: float


class RapidOcrReader:
    """PP-OCRv4 detection + recognition through RapidOCR's ONNX pipeline.

    ``det_limit_side`` caps the longer side the detector sees, so a 1280x720
    frame is not upscaled (RapidOCR's default grows small inputs).
    """

    version = "pp-ocrv4-mobile"

    def __init__(
        self,
        det_model: Path,
        rec_model: Path,
        threads: int = 2,
        det_limit_side: int = 1280,
        min_text_score: float = 0.3,
    ) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(
            det_model_path=str(det_model),
            rec_model_path=str(rec_model),
            det_limit_type="max",
            det_limit_side_len=det_limit_side,
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            text_score=min_text_score,
        )

    def read(self, bgr: np.ndarray) -> list[TextLine]:
        result, _ = self._ocr(bgr, use_det=True, use_cls=False, use_rec=True)
        return [
            TextLine(np.asarray(quad, dtype=np.float32), str(text), float(score))
            for quad, text, score in (result or [])
        ]
