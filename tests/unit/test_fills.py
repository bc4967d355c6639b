"""The engine sees its own fills again whenever the server re-checks an upload
or the export re-scans a sample: a fill is a redaction, never text."""

import cv2
import numpy as np
import pytest

from core.frames import RawImage, Stamp
from edge.redaction.text.fills import paint_out, solid_fills
from scenes.seeded import make_scene
from tests.conftest import card_scene, decode


def _card_with_a_fill(jpeg: bool = True) -> np.ndarray:
    rng = np.random.default_rng(3)
    frame = np.clip(rng.normal(200, 6, (360, 640, 3)), 0, 255).astype(np.uint8)  # a card's face
    quad = np.int32([[100, 150], [420, 130], [423, 170], [103, 190]])  # a slanted number, filled
    cv2.fillPoly(frame, [quad], (0, 0, 0))
    if jpeg:
        frame = decode(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    return frame


def test_a_solid_fill_is_found_and_a_dark_surface_is_not():
    (fill,) = solid_fills(_card_with_a_fill(), (0, 0, 0))
    assert cv2.pointPolygonTest(fill, (260.0, 160.0), False) > 0
    rng = np.random.default_rng(4)
    dark = np.clip(rng.normal(8, 5, (360, 640, 3)), 0, 255).astype(np.uint8)  # a black card
    assert solid_fills(dark, (0, 0, 0)) == []


def test_a_fill_painted_out_leaves_the_blank_card():
    frame = _card_with_a_fill()
    painted = paint_out(frame, solid_fills(frame, (0, 0, 0)))
    assert painted[130:190, 100:423].min() > 150  # no black, nor its ringing, is left


@pytest.mark.parametrize("seed", [1000, 1001, 1009, 1021, 1024, 1031, 1034])
def test_a_second_pass_over_a_redacted_card_scene_adds_nothing(redactor, seed):
    # what the server's re-check does to every upload: before fills were known,
    # these scenes' cards had their number band masked again as "unreadable"
    # (bands up to 120,000 px), and dates beside a fill read on into it
    scene = make_scene(seed).image
    sent = decode(redactor.redact(RawImage(0, scene, Stamp.wall(), "t")).jpeg)
    again, _ = redactor.find(sent)
    assert [(d.label.value, d.signals) for d in again] == []


def test_the_demo_card_redacted_once_is_left_alone_by_the_re_check(redactor):
    sent = decode(redactor.redact(RawImage(0, card_scene(), Stamp.wall(), "t")).jpeg)
    assert redactor.find(sent)[0] == []


def test_a_black_card_with_its_number_printed_on_is_no_fill():
    rng = np.random.default_rng(5)
    card = np.clip(rng.normal(4, 1.5, (360, 640, 3)), 0, 255).astype(np.uint8)
    cv2.putText(
        card, "4111 1111 1111 1111", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (60, 60, 60), 3
    )
    assert solid_fills(card, (0, 0, 0)) == []
