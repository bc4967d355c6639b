"""Shared fixtures: real models (bundled ONNX, tiny built VLM), synthetic scenes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.components import build_redactor
from edge.config import RedactionConfig
from edge.redaction.rules.digits import find_digit_runs
from edge.redaction.text.ppocr import TextDetector, TextRecognizer
from edge.redaction.text.reading import OcrReader
from models.config import ModelsConfig
from models.onnx import create_session
from models.registry import Role, resolve_file
from scenes.objects import draw_card, wood_table

TEST_CARD = "5500005555555559"  # a Mastercard test number (Luhn-valid)


@pytest.fixture(scope="session")
def models_config(tmp_path_factory) -> ModelsConfig:
    return ModelsConfig(cache_dir=tmp_path_factory.mktemp("model-cache"))


@pytest.fixture(scope="session")
def redactor(models_config):
    return build_redactor(models_config, RedactionConfig())


@pytest.fixture(scope="session")
def strong_reader() -> OcrReader:
    """A reader stronger than the edge's (full resolution, 2x upscaled, lower
    thresholds): used to judge whether anything leaked."""
    return OcrReader(
        TextDetector(create_session(resolve_file(Role.OCR_DET)), box_thresh=0.3),
        TextRecognizer(create_session(resolve_file(Role.OCR_REC))),
        max_side=2560,
    )


def card_scene(number: str = TEST_CARD, width: int = 430, seed: int = 1) -> np.ndarray:
    """A 1280x720 table with a payment card on it."""
    frame = wood_table(np.random.default_rng(seed), 1280, 720)
    draw_card(frame, 400, 220, width, number)
    return frame


def readable_digit_runs(reader: OcrReader, bgr: np.ndarray, min_digits: int = 8) -> list[str]:
    """Digit runs of ``min_digits``+ that a strong reader finds (2x upscaled)."""
    big = cv2.resize(bgr, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return [r.digits for line in reader.read(big) for r in find_digit_runs(line.text, min_digits)]


def decode(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
