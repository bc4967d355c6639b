"""A stream of frames from one camera: detections are reused while the view only
pans, anything that changes is checked again, faces are held - and no frame
ever goes out with a legible card number."""

import cv2
import numpy as np
import pytest

from core.errors import RedactionError
from core.frames import Label, RawImage, Stamp
from edge.redaction.stream import RedactionStream
from scenes.objects import wood_table
from tests.conftest import card_scene, decode, readable_digit_runs
from tests.unit.test_redaction_cases import _face_scene, table


def frame(pixels, seq):
    return RawImage(seq, pixels, Stamp.media(seq / 30))


def pan(scene, frames, step=2):
    """A camera panning right over ``scene`` (content moves left), with sensor noise."""
    rng = np.random.default_rng(0)
    wide = np.concatenate([scene, scene[:, ::-1]], axis=1)
    for i in range(frames):
        view = wide[:, i * step : i * step + scene.shape[1]].astype(np.float32)
        yield np.clip(view + rng.normal(0, 2, view.shape), 0, 255).astype(np.uint8)


def test_a_panning_view_reuses_detections_and_never_shows_the_number(redactor, strong_reader):
    stream = redactor.stream()
    outs = [stream.redact(frame(px, k)) for k, px in enumerate(pan(card_scene(), 12))]
    assert stream.full_checks < len(outs) / 2  # most frames reused the last check
    reused = [o for o in outs if "reuse" in o.report.timings_ms]
    assert reused and all(o.report.count(Label.CARD_NUMBER) >= 1 for o in reused)
    for out in outs[::3]:
        assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def test_the_strip_that_came_into_view_is_masked_until_checked(redactor):
    stream = redactor.stream()
    frames = list(pan(table(), 3, step=8))
    stream.redact(frame(frames[0], 0))
    out = stream.redact(frame(frames[2], 2))  # content moved 16 px left
    assert "reuse" in out.report.timings_ms
    assert out.report.count(Label.UNCHECKED) == 1
    assert decode(out.jpeg)[:, -16:].max() < 40  # the new strip on the right is filled


def test_a_card_brought_into_a_still_view_is_caught_on_its_first_frame(redactor, strong_reader):
    stream = redactor.stream()
    still = table(seed=1)  # the table card_scene() draws on
    for k in range(3):
        stream.redact(frame(still, k))
    checks = stream.full_checks
    with_card = card_scene()  # same table, a card now lies on it
    out = stream.redact(frame(with_card, 3))
    assert stream.full_checks == checks + 1
    assert readable_digit_runs(strong_reader, with_card)
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []


def test_a_face_the_model_misses_stays_masked_for_the_hold_then_goes(redactor):
    stream = redactor.stream()
    scene, (x0, y0, x1, y1) = _face_scene()
    first = stream.redact(frame(scene, 0))
    assert first.report.count(Label.FACE) == 1
    empty = table()  # the model sees no face now (a missed frame)
    held = [stream.redact(frame(empty, k)) for k in range(1, 1 + redactor.policy.face_hold_frames)]
    for out in held:
        faces = [f for f in out.report.findings if f.label == Label.FACE]
        assert len(faces) == 1 and "held" in faces[0].signals
        assert decode(out.jpeg)[y0:y1, x0:x1].mean() < 10
    released = stream.redact(frame(empty, 9))
    assert released.report.count(Label.FACE) == 0  # after the hold the box is released


def test_a_failing_detector_withholds_the_frame_and_the_next_is_checked_afresh(redactor):
    stream = redactor.stream()
    stream.redact(frame(card_scene(), 0))
    broken = frame(np.zeros((720, 1280), np.uint8), 1)  # not BGR: the engine refuses it
    with pytest.raises(RedactionError):
        stream.redact(broken)
    checks = stream.full_checks
    out = stream.redact(frame(card_scene(), 2))
    assert stream.full_checks == checks + 1
    assert out.report.count(Label.CARD_NUMBER) >= 1


def test_the_same_engine_keeps_no_state_between_unrelated_images(redactor):
    scene, _ = _face_scene()
    assert redactor.redact(frame(scene, 0)).report.count(Label.FACE) == 1
    assert redactor.redact(frame(table(), 1)).report.count(Label.FACE) == 0


def _receipt(height: int, top: int) -> tuple[np.ndarray, int]:
    """A wide table with a receipt off to the right; its card number is small
    print (about 9 px), which only the fine pass finds. Returns it and where
    the number ends."""
    wide = wood_table(np.random.default_rng(5), 2400, height)
    cv2.rectangle(wide, (1350, top), (2150, top + 200), (235, 235, 235), -1)
    text, font = "Paid with 4111 1111 1111 1111", cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(wide, text, (1390, top + 110), font, 0.4, (20, 20, 20), 1, cv2.LINE_AA)
    return wide, 1390 + cv2.getTextSize(text, font, 0.4, 1)[0][0]


def _panned(wide: np.ndarray, x: int, y: int, rng) -> np.ndarray:
    view = wide[y : y + 720, x : x + 1280].astype(np.float32)
    return np.clip(view + rng.normal(0, 2, view.shape), 0, 255).astype(np.uint8)


def test_a_number_coming_into_view_is_read_whole_and_never_shows(redactor, strong_reader):
    # the view pans right over a receipt that starts out of sight; each time
    # the strip that came into view is wider than the stream masks, only what
    # touches it is checked. The number crosses into the strip a few digits at
    # a time and must be read from end to end, not as pieces of fewer than 12
    # digits either side of the strip's edge (a card would be caught by its
    # chip too; a receipt has nothing else)
    wide, number_end = _receipt(720, 250)
    assert readable_digit_runs(strong_reader, wide[:, 1100:2380]) == ["4111111111111111"]
    stream = RedactionStream(redactor, full_every=100)  # no full check but the first
    rng = np.random.default_rng(0)
    judged = 0
    for k, x in enumerate(range(0, 601, 24)):
        out = stream.redact(frame(_panned(wide, x, 0, rng), k))
        if number_end < x + 1280 and k % 3 == 0:
            judged += 1
            assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []
    assert judged >= 4
    assert stream.full_checks == 1 and stream.partial_checks >= 10


def test_a_number_read_at_each_partial_check_is_reported_once(redactor, strong_reader):
    # panning down and right, the receipt comes in through both strips; each
    # check that touches the number reads it again, and the report still says
    # one number, under every fill made for it
    wide, _ = _receipt(1100, 650)
    stream = RedactionStream(redactor, full_every=100)
    rng = np.random.default_rng(0)
    for k in range(26):
        out = stream.redact(frame(_panned(wide, 24 * k, 12 * k, rng), k))
    assert stream.full_checks == 1 and stream.partial_checks >= 10
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []
    assert out.report.count(Label.CARD_NUMBER) == 1
