"""Only what a question needs goes up: the part of the view it names, at the
size the server's model looks at; detail only when asked for."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.frames import Box, RawImage, Stamp
from edge.config import MinimiseConfig
from edge.focus import need
from edge.redaction import Redactor, minimised
from edge.redaction.minimise import WHOLE
from tests.fakes import FakeDetector, box_detection

CONFIG = MinimiseConfig()


def test_a_question_is_sent_at_the_models_size_and_detail_at_full_resolution():
    assert need("what is this table made of?", CONFIG, 384) == need("what?", CONFIG, 384)
    plain = need("what is this table made of?", CONFIG, 384)
    assert plain.region == WHOLE and plain.max_side == 384
    assert need("what is this?", CONFIG, 0).max_side == CONFIG.default_side  # not said yet
    assert need("can you read this label?", CONFIG, 384).max_side == 0
    strict = CONFIG.model_copy(update={"full_resolution_on_request": False})
    assert need("can you read this label?", strict, 384).max_side == 384


def test_a_side_named_in_the_question_is_all_that_goes():
    left = need("what is that on the left?", CONFIG, 384).region
    assert left == (0.0, 0.0, 0.6, 1.0)
    assert need("what's in the top right corner?", CONFIG, 384).region == (0.4, 0.0, 1.0, 0.6)
    centre = need("what is in the middle?", CONFIG, 384).region
    assert centre == pytest.approx((0.2, 0.2, 0.8, 0.8))
    gaze = need("what is this?", CONFIG, 384, Box(640, 0, 640, 360), (1280, 720)).region
    assert gaze == (0.5, 0.0, 1.0, 0.5)


def test_minimisation_off_sends_the_whole_frame_as_redacted():
    off = CONFIG.model_copy(update={"enabled": False})
    assert need("what is on the left?", off, 384).region == WHOLE
    assert need("what is on the left?", off, 384).max_side == 0


def _redacted():  # noqa: ANN202
    scene = np.full((720, 1280, 3), 200, np.uint8)
    cv2.rectangle(scene, (100, 100), (300, 200), (0, 0, 255), -1)
    card = box_detection(900, 500, 200, 100)
    raw = RawImage(7, scene, Stamp.now(), "test")
    return Redactor([FakeDetector([card])]).redact(raw)


def test_the_cut_and_scaled_frame_keeps_its_report_true():
    full = _redacted()
    out = minimised(full, (0.5, 0.5, 1.0, 1.0), 320, 85)
    assert (out.width, out.height) == (320, 180)
    assert out.report.view_fraction == pytest.approx(0.25)
    assert out.report.sent_pixel_fraction == pytest.approx(320 * 180 / (1280 * 720))
    (card,) = out.report.findings  # moved with the cut (260, 140) and scaled by 1/2
    assert (card.box.x, card.box.y) == (130, 70)
    sent = cv2.imdecode(np.frombuffer(out.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert sent[70 + 20, 130 + 40].mean() < 30  # still filled where the card was
    gone = minimised(full, (0.0, 0.0, 0.5, 0.5), 0, 85)
    assert gone.report.findings == ()  # the card is outside what was cut


def test_nothing_dropped_is_the_frame_itself():
    full = _redacted()
    assert minimised(full, WHOLE, 0, 85) is full
    assert minimised(full, WHOLE, 2000, 85) is full
