"""Shared fixtures: real models (bundled ONNX, tiny built VLM), synthetic scenes.

Tiers (markers declared in pyproject.toml): a test that loads real models is
marked ``models`` here, by the fixtures it uses (or, for the few that load
them without one, by name); ``slow`` marks the end-to-end demo and the soak
where they are defined, and the longest model tests here by name.
``pytest -m "not models and not slow"`` runs the rest in seconds.
"""

from __future__ import annotations

import shutil

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
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")  # browser tests

# Fixtures that load real models (or hand out what they load).
MODEL_FIXTURES = frozenset({"models_config", "redactor", "strong_reader", "vlm", "imagine"})
# Tests that load real models without one of those fixtures (better: give them one).
LOAD_MODELS_THEMSELVES = (
    "tests/unit/test_fold.py::test_the_folded_detector_sees_the_same_text",
    "tests/unit/test_fold.py::test_the_folded_recogniser_reads_the_same",
    "tests/unit/test_cli.py::test_redact_writes_same_names_and_a_json_report",
)


# Model tests that take over ~5 s each on 2 cores (pytest --durations=25); new
# slow tests carry @pytest.mark.slow where they are defined instead.
SLOW_MODEL_TESTS = (
    "tests/unit/test_int8.py::test_int8_models_find_and_read_the_card_number_like_the_float_ones",
    "tests/unit/test_redaction_stream.py::test_a_number_coming_into_view_is_read_whole_and_never_shows",
    "tests/unit/test_redaction_stream.py::test_a_panning_view_reuses_detections_and_never_shows_the_number",
    "tests/unit/test_redaction_stream.py::test_a_number_read_at_each_partial_check_is_reported_once",
)


def pytest_collection_modifyitems(config, items):
    """Mark ``models`` every test that loads real models, and ``slow`` the long ones."""
    for item in items:
        name = item.nodeid.split("[")[0]
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())) or (
            name in LOAD_MODELS_THEMSELVES
        ):
            item.add_marker(pytest.mark.models)
        if name in SLOW_MODEL_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def models_config(tmp_path_factory) -> ModelsConfig:
    return ModelsConfig(cache_dir=tmp_path_factory.mktemp("model-cache"))


# Tests judge what is masked, never how fast: the production budget (2 s)
# withholds frames on a loaded machine, so the shared engine gets a long one.
# The budget's own behaviour is tested with fake clocks and slow detectors.
TEST_BUDGET_MS = 60_000


@pytest.fixture(scope="session")
def redactor(models_config):
    return build_redactor(models_config, RedactionConfig(time_budget_ms=TEST_BUDGET_MS))


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium (the system's), or a skip that says what is missing.

    Per module: Playwright's sync API keeps an event loop running in the main
    thread while it is open, and later tests' ``asyncio.run`` would refuse to
    start beside it."""
    if CHROMIUM is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (make sysdeps)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Playwright: pip install playwright (make install)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def vlm(models_config):
    """The tiny built vision-language model (random weights), loaded once."""
    from server.components import build_vlm

    return build_vlm(models_config)


@pytest.fixture(scope="session")
def imagine(models_config, tmp_path_factory):
    """Imagine's real parts: the tiny diffusion model, NudeNet, a watermark key and
    a signing root created in a session folder (``state``)."""
    from server.imagine.build import build_parts
    from server.imagine.config import ImagineConfig

    return build_parts(ImagineConfig(), models_config, tmp_path_factory.mktemp("imagine-state"))


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
