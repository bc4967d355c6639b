"""Imagine's output-image classifier: the real NudeNet model and failing closed."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
import skimage.data

from models.registry import Role, resolve_file
from server.imagine.safety.config import ImageSafetyConfig
from server.imagine.safety.images import ImageClassifier, OnnxNudityClassifier
from tests.fakes import FakeImageClassifier


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return skimage.data.astronaut()


@pytest.mark.models
def test_nudenet_finds_the_astronauts_face_and_lets_her_through(astronaut):
    classifier = OnnxNudityClassifier.load(resolve_file(Role.IMAGE_SAFETY))
    verdict = classifier.check(astronaut)
    labels = dict(verdict.labels)
    assert labels.get("FACE_FEMALE", 0.0) > 0.5
    assert verdict.allowed


@pytest.mark.models
def test_a_blocked_class_that_is_found_blocks_the_image(astronaut):
    config = ImageSafetyConfig(blocked_classes=["FACE_FEMALE"], threshold=0.5)
    classifier = OnnxNudityClassifier.load(resolve_file(Role.IMAGE_SAFETY), config)
    verdict = classifier.check(astronaut)
    assert not verdict.allowed
    assert "FACE_FEMALE" in verdict.reason


class BrokenSession:
    """An ONNX Runtime session whose model fails, or answers in the wrong shape."""

    def __init__(self, output: np.ndarray | None = None):
        self.output = output

    def get_inputs(self):  # noqa: ANN201 - mirrors InferenceSession
        return [type("Input", (), {"name": "images"})()]

    def run(self, *_):  # noqa: ANN002, ANN201
        if self.output is None:
            raise RuntimeError("the model crashed")
        return [self.output]


@pytest.mark.parametrize("output", [None, np.zeros((1, 7, 2100), np.float32)])
def test_a_broken_model_blocks_every_image(astronaut, output):
    verdict = OnnxNudityClassifier(BrokenSession(output)).check(astronaut)
    assert not verdict.allowed
    assert "failed" in verdict.reason


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((64, 64), np.uint8),  # grey
        np.zeros((64, 64, 4), np.uint8),  # RGBA
        np.zeros((64, 64, 3), np.float32),  # not uint8
        np.zeros((0, 64, 3), np.uint8),  # empty
        None,
    ],
)
def test_bad_input_blocks_rather_than_raises(image):
    classifier = OnnxNudityClassifier(BrokenSession(np.zeros((1, 22, 2100), np.float32)))
    verdict = classifier.check(image)
    assert not verdict.allowed


def test_unknown_classes_are_refused_in_config():
    with pytest.raises(pydantic.ValidationError):
        ImageSafetyConfig(blocked_classes=["NAKED"])


def test_the_fake_flags_by_its_rule_and_fails_closed():
    red = np.full((8, 8, 3), (255, 0, 0), np.uint8)
    grey = np.full((8, 8, 3), 128, np.uint8)
    fake: ImageClassifier = FakeImageClassifier()
    assert not fake.check(red).allowed and fake.check(grey).allowed
    assert not FakeImageClassifier(fail=True).check(grey).allowed
