"""The redactor's control logic with fake detectors (no models, milliseconds each):
it fails closed, fills solid, and a stream reuses, re-checks and holds as it says.

The scene is a grey texture (so the camera's shift can be measured) with a
"secret" - a white label with digits - where the fake detector says it is.
The fill is magenta, a colour the scene does not hold, so what covers a
region can be told from the scene in the decoded JPEG.
"""

import functools
import time

import cv2
import numpy as np
import pytest

from core.errors import RedactionError
from core.frames import Box, Label, RawImage, Stamp
from edge.redaction import RedactionPolicy, Redactor
from edge.redaction.detection import Detection
from tests.conftest import decode
from tests.fakes import (
    BlockingDetector,
    FailingDetector,
    FakeClock,
    FakeDetector,
    box_detection,
)

W, H = 640, 360  # a frame
FILL = (255, 0, 255)  # BGR magenta
SECRET = (200, 100, 120, 40)  # x, y, w, h of the label in the first frame
FACE = (420, 150, 80, 80)


@functools.cache
def world(seed: int = 0) -> np.ndarray:
    """Grey texture larger than a frame (room to pan), the label drawn at SECRET.
    Shared between tests, so read-only."""
    rng = np.random.default_rng(seed)
    grey = rng.integers(40, 216, ((H + 120) // 4, (W + 240) // 4), dtype=np.uint8)
    big = cv2.resize(grey, ((W + 240), (H + 120)), interpolation=cv2.INTER_CUBIC)
    out = cv2.cvtColor(big, cv2.COLOR_GRAY2BGR)
    x, y, w, h = SECRET
    out[y : y + h, x : x + w] = 245
    cv2.putText(out, "4111 1111", (x + 6, y + 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (20,) * 3, 2)
    out.flags.writeable = False
    return out


def view(scene: np.ndarray, dx: int = 0, dy: int = 0, seed: int = 0) -> np.ndarray:
    """The frame of a camera moved right by ``dx`` (the content moves left), with
    a little sensor noise (seeded: every frame differs a little, as they do)."""
    noise = np.random.default_rng(seed).integers(-3, 4, (H, W, 3), dtype=np.int16)
    return np.clip(scene[dy : dy + H, dx : dx + W] + noise, 0, 255).astype(np.uint8)


def raw(pixels: np.ndarray, seq: int = 0) -> RawImage:
    return RawImage(seq, pixels, Stamp.media(seq / 30))


def secret() -> Detection:
    return box_detection(*SECRET)


def redactor(*detectors, clock=None, **policy) -> Redactor:
    return Redactor(list(detectors), RedactionPolicy(fill_bgr=FILL, **policy), clock or FakeClock())


def inside(img: np.ndarray, x: float, y: float, w: float, h: float, inset: int = 4) -> np.ndarray:
    """The pixels of a box, less ``inset`` px at each edge (JPEG rings there)."""
    x0, y0 = max(round(x) + inset, 0), max(round(y) + inset, 0)
    return img[y0 : round(y + h) - inset, x0 : round(x + w) - inset]


def is_filled(pixels: np.ndarray) -> bool:
    """Every pixel is the fill colour (up to JPEG error)."""
    assert pixels.size, "empty region"
    return bool(np.abs(pixels.astype(int) - FILL).max() <= 24)


def shows_the_secret(img: np.ndarray, dx: int = 0) -> bool:
    """Whether any of the label's white is visible where the label now is."""
    x, y, w, h = SECRET
    return bool((inside(img, x - dx, y, w, h, inset=2).min(axis=2) > 200).any())


def centre(box: Box) -> tuple[float, float]:
    return (box.x + box.w / 2, box.y + box.h / 2)


# --- one frame: fill ---------------------------------------------------------------------


def test_a_detection_is_filled_solid_in_the_policy_colour_and_the_rest_is_kept():
    scene = view(world())
    slanted = np.float32([[150, 80], [360, 120], [340, 200], [130, 160]])  # not a box
    found = Detection(Label.CARD_NUMBER, slanted, 0.9, ("luhn",), "fake/1")
    out = decode(redactor(FakeDetector([found])).redact(raw(scene)).jpeg)

    polygon = np.zeros((H, W), np.uint8)
    cv2.fillPoly(polygon, [slanted.astype(np.int32)], 1)
    kernel = np.ones((9, 9), np.uint8)
    under, around = cv2.erode(polygon, kernel) > 0, cv2.dilate(polygon, kernel) == 0
    assert is_filled(out[under])  # solid: no blur, no pixelation, no trace of the label
    assert np.abs(out[around].astype(int) - scene[around]).mean() < 4  # the rest as it was


def test_the_report_says_what_was_filled_and_where_never_what_it_read():
    out = redactor(FakeDetector([secret()])).redact(raw(view(world())))
    (finding,) = out.report.findings
    assert finding.label == Label.CARD_NUMBER
    assert finding.box == Box(*SECRET)
    assert out.report.counts() == {"card_number": 1} and not out.report.fully_masked
    assert "4111" not in repr(out.report.to_dict())


def test_the_report_gives_each_detectors_time_by_the_redactors_clock():
    clock = FakeClock()
    text = FakeDetector([secret()], name="text", clock=clock, takes_s=0.120)
    out = redactor(text, clock=clock).redact(raw(view(world())))
    assert out.report.timings_ms == pytest.approx(
        {"text": 120.0, "fill_encode": 0.0, "total": 120.0}
    )


# --- one frame: failing closed -------------------------------------------------------------


def test_a_budget_overrun_withholds_the_frame():
    # every clock read moves time on 1 s: the 100 ms budget is spent before
    # the detector could answer, whatever the machine's speed
    with BlockingDetector([secret()]) as stuck:
        engine = redactor(stuck, clock=FakeClock(tick=1.0), time_budget_ms=100)
        with pytest.raises(RedactionError, match="budget.*withheld"):
            engine.redact(raw(view(world())))


def test_a_budget_overrun_returns_at_the_budget_not_when_the_detector_finishes():
    with BlockingDetector([secret()]) as stuck:
        engine = Redactor([stuck], RedactionPolicy(time_budget_ms=30))  # the real clock
        t0 = time.perf_counter()
        with pytest.raises(RedactionError, match="budget"):
            engine.redact(raw(view(world())))
        waited = time.perf_counter() - t0
        assert 0.03 <= waited < 2.0  # the detector blocks for 10 s


def test_with_the_mask_policy_a_budget_overrun_sends_the_frame_fully_masked():
    with BlockingDetector([secret()]) as stuck:
        engine = redactor(stuck, clock=FakeClock(tick=1.0), time_budget_ms=100, on_failure="mask")
        out = engine.redact(raw(view(world()), seq=7))
    assert out.seq == 7 and out.report.fully_masked
    assert out.report.findings == () and out.report.sent_pixel_fraction == 0.0
    pixels = decode(out.jpeg)
    assert pixels.shape == (H, W, 3) and pixels.max() < 8  # nothing of the frame is visible


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("model crashed"),
        ValueError("bad shape"),
        MemoryError(),
        OSError("weights gone"),
        cv2.error("opencv"),
    ],
    ids=["RuntimeError", "ValueError", "MemoryError", "OSError", "cv2.error"],
)
@pytest.mark.parametrize("on_failure", ["withhold", "mask"])
def test_any_detector_error_fails_closed(error, on_failure):
    # the other detector found the secret: one failing is enough to fail the frame
    engine = redactor(FakeDetector([secret()]), FailingDetector(error), on_failure=on_failure)
    if on_failure == "withhold":
        with pytest.raises(RedactionError, match="withheld") as caught:
            engine.redact(raw(view(world())))
        assert caught.value.__cause__ is error  # the cause is kept for the log
    else:
        out = engine.redact(raw(view(world())))
        assert out.report.fully_masked and decode(out.jpeg).max() < 8


@pytest.mark.parametrize("case", ["found", "error", "overrun", "error-after-a-finding", "not-bgr"])
@pytest.mark.parametrize("on_failure", ["withhold", "mask"])
def test_a_frame_is_never_returned_as_captured(case, on_failure):
    scene = view(world())
    assert shows_the_secret(scene)
    blocking = BlockingDetector([secret()])
    detectors = {
        "found": [FakeDetector([secret()])],
        "error": [FailingDetector()],
        "overrun": [blocking],
        "error-after-a-finding": [FakeDetector([secret()]), FailingDetector()],
        "not-bgr": [FakeDetector([secret()])],
    }[case]
    if case == "overrun":  # each clock read is 1 s later: the 100 ms budget is spent
        engine = redactor(
            *detectors, clock=FakeClock(tick=1.0), time_budget_ms=100, on_failure=on_failure
        )
    else:
        engine = redactor(*detectors, on_failure=on_failure)
    frame = raw(scene.astype(np.float32) if case == "not-bgr" else scene)
    with blocking:
        try:
            out = engine.redact(frame)
        except RedactionError:
            assert case != "found" and on_failure == "withhold"
            return
    assert case == "found" or on_failure == "mask"
    assert not shows_the_secret(decode(out.jpeg))
    assert out.report.fully_masked == (case != "found")


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_a_detection_with_a_broken_polygon_fails_closed_not_open():
    x, y, w, h = SECRET
    polygon = np.float32([[x, y], [np.nan, y], [x + w, y + h], [x, y + h]])  # a detector's bug
    broken = Detection(Label.CARD_NUMBER, polygon, 0.9, (), "fake/1")
    try:
        out = redactor(FakeDetector([broken])).redact(raw(view(world())))
    except RedactionError:
        return  # withheld: closed
    assert out.report.fully_masked or not shows_the_secret(decode(out.jpeg))


# --- a stream: reuse, strips, partial checks ---------------------------------------------


def test_while_the_view_only_pans_the_detections_are_reused_and_move_with_it():
    scene, text = world(), FakeDetector([secret()])
    stream = redactor(text).stream()
    first = stream.redact(raw(view(scene), 0))
    outs = {
        dx: stream.redact(raw(view(scene, dx, seed=k), k)) for k, dx in enumerate((4, 8, 12), 1)
    }
    assert len(text.calls) == 1  # checked once; the panned frames reused it
    assert first.report.findings[0].signals == ()
    for dx, out in outs.items():
        (card,) = [f for f in out.report.findings if f.label == Label.CARD_NUMBER]
        assert "reused" in card.signals and "reuse" in out.report.timings_ms
        (cx, cy), (x0, y0) = centre(card.box), centre(Box(*SECRET))
        assert abs(cx - (x0 - dx)) <= 1 and abs(cy - y0) <= 1  # moved with the view
        assert not shows_the_secret(decode(out.jpeg), dx)
        assert is_filled(inside(decode(out.jpeg), SECRET[0] - dx, *SECRET[1:]))


def test_the_strip_that_came_into_view_is_masked_as_unchecked():
    scene = world()
    stream = redactor(FakeDetector([secret()])).stream()
    stream.redact(raw(view(scene), 0))
    out = stream.redact(raw(view(scene, 12, seed=1), 1))  # 12 px came into view on the right
    (strip,) = [f for f in out.report.findings if f.label == Label.UNCHECKED]
    assert strip.box.x <= W - 12 and strip.box.x + strip.box.w == W and strip.box.h == H
    assert is_filled(decode(out.jpeg)[:, W - 12 + 2 :])  # JPEG rings at the strip's edge


def test_a_strip_wider_than_the_threshold_gets_a_partial_check_of_what_touches_it():
    scene, text = world(), FakeDetector([secret()])
    stream = redactor(text).stream()
    stream.redact(raw(view(scene), 0))
    stream.redact(raw(view(scene, 12, seed=1), 1))  # within the threshold: reused
    assert len(text.calls) == 1
    # what the check of the strip finds: a number that came in on the right
    arrived = box_detection(W - 30, 250, 24, 20)
    text.detections = [arrived]
    out = stream.redact(raw(view(scene, 40, seed=2), 2))  # 40 px new: over the 32 px threshold
    assert text.full_calls == 1 and len(text.partial_calls) == 1
    ((x, y, w, h),) = text.partial_calls[0]
    assert x <= W - 40 and x + w == W and (y, h) == (0, H)  # the whole new strip
    assert out.report.count(Label.UNCHECKED) == 0  # checked, so not masked as unchecked
    pixels = decode(out.jpeg)
    assert is_filled(inside(pixels, W - 30, 250, 24, 20, inset=3))  # what it found
    assert not shows_the_secret(pixels, 40)  # what the first check found, moved
    (old,) = [f for f in out.report.findings if "reused" in f.signals]
    assert abs(centre(old.box)[0] - (centre(Box(*SECRET))[0] - 40)) <= 1
    # the partly checked frame is the new reference: a small pan from it reuses
    stream.redact(raw(view(scene, 44, seed=3), 3))
    assert len(text.calls) == 2 and stream.partial_checks == 1


def _with_a_new_object(pixels: np.ndarray) -> np.ndarray:
    out = pixels.copy()
    cv2.rectangle(out, (420, 200), (520, 300), (30, 200, 30), -1)  # a hand brings something
    return out


@pytest.mark.parametrize(
    "change",
    ["something moved in the view", "another focus region", "another scene"],
)
def test_a_changed_view_gets_a_full_check(change):
    scene, text = world(), FakeDetector([secret()])
    stream = redactor(text).stream()
    for k in range(3):
        stream.redact(raw(view(scene, seed=k), k))
    assert len(text.calls) == 1
    pixels, focus = view(scene, seed=3), None
    if change == "something moved in the view":
        pixels = _with_a_new_object(pixels)
    elif change == "another focus region":
        focus = Box(0, 0, W // 2, H // 2)
    else:
        pixels = view(world(seed=1))
    out = stream.redact(raw(pixels, 3), focus)
    assert len(text.calls) == 2 and text.calls[1].windows is None  # the whole frame
    assert "reuse" not in out.report.timings_ms and stream.full_checks == 2


def test_a_still_view_is_fully_checked_every_full_every_frames():
    scene, text = world(), FakeDetector([secret()])
    stream = redactor(text, stream_full_every=4).stream()
    checked = []
    for k in range(10):
        calls = len(text.calls)
        stream.redact(raw(view(scene, seed=k), k))
        if len(text.calls) > calls:
            checked.append(k)
    assert checked == [0, 4, 8]
    assert all(c.windows is None for c in text.calls)


# --- a stream: faces held ----------------------------------------------------------------


def test_a_face_a_check_misses_stays_masked_for_face_hold_frames_then_is_dropped():
    scene = view(world())
    face = box_detection(*FACE, label=Label.FACE, detector="face/1")
    faces = FakeDetector([face], name="face")
    # every frame checked: each one after the first is a check that misses the face
    stream = redactor(faces, stream_full_every=1, face_hold_frames=3).stream()
    first = stream.redact(raw(scene, 0))
    (seen,) = first.report.findings
    assert seen.label == Label.FACE and "held" not in seen.signals
    faces.detections = []  # the model misses the face from now on
    for k in (1, 2, 3):
        out = stream.redact(raw(scene, k))
        (held,) = out.report.findings
        assert held.label == Label.FACE and "held" in held.signals
        assert is_filled(inside(decode(out.jpeg), *FACE))
    dropped = stream.redact(raw(scene, 4))
    assert dropped.report.findings == ()
    assert not is_filled(inside(decode(dropped.jpeg), *FACE))  # the scene shows again
    assert len(faces.calls) == 5


def test_a_face_seen_again_during_the_hold_is_no_longer_held():
    scene = view(world())
    face = box_detection(*FACE, label=Label.FACE, detector="face/1")
    faces = FakeDetector([face], name="face")
    stream = redactor(faces, stream_full_every=1, face_hold_frames=2).stream()
    stream.redact(raw(scene, 0))
    faces.detections = []
    stream.redact(raw(scene, 1))  # missed once: held
    faces.detections = [face]
    (again,) = stream.redact(raw(scene, 2)).report.findings
    assert "held" not in again.signals
    faces.detections = []
    for k in (3, 4):  # a fresh hold of face_hold frames
        assert stream.redact(raw(scene, k)).report.count(Label.FACE) == 1
    assert stream.redact(raw(scene, 5)).report.count(Label.FACE) == 0


# --- a stream: failing closed --------------------------------------------------------------


@pytest.mark.parametrize("on_failure", ["withhold", "mask"])
def test_a_stream_whose_check_fails_fails_closed_and_checks_the_next_frame_afresh(on_failure):
    scene = world()
    crashing = FailingDetector(after=1, detections=[secret()])  # frame 0 only
    stream = redactor(crashing, on_failure=on_failure).stream()
    stream.redact(raw(view(scene), 0))
    changed = raw(_with_a_new_object(view(scene, seed=1)), 1)  # a full check, which crashes
    if on_failure == "withhold":
        with pytest.raises(RedactionError, match="withheld"):
            stream.redact(changed)
    else:
        assert stream.redact(changed).report.fully_masked
    # the next frame is the first one again, which could have been reused; after
    # a failure nothing is reused: it is checked (and fails) again
    if on_failure == "withhold":
        with pytest.raises(RedactionError):
            stream.redact(raw(view(scene, seed=2), 2))
    else:
        assert stream.redact(raw(view(scene, seed=2), 2)).report.fully_masked
    assert crashing.calls == 3


def test_after_a_stream_overrun_the_next_frame_is_checked_not_reused():
    scene, clock = world(), FakeClock()
    with BlockingDetector([secret()], after=1) as stuck:  # frame 0 answers, then it hangs
        stream = redactor(stuck, clock=clock).stream()
        stream.redact(raw(view(scene, seed=0), 0))
        clock.tick = 10.0  # from now on each clock read is 10 s later: past the budget
        with pytest.raises(RedactionError, match="budget"):
            stream.redact(raw(_with_a_new_object(view(scene, seed=1)), 1))
        clock.tick = 0.0
        stuck.release()
        # frame 0's view again, which would have been reused: after an
        # overrun nothing is reused, it is checked
        out = stream.redact(raw(view(scene, seed=2), 2))
    # checked: the detector's time is in the report, not the reuse's (whether the
    # withheld frame's detection ever started is the pool's race, so not counted)
    assert "blocking" in out.report.timings_ms and "reuse" not in out.report.timings_ms
    assert stream.full_checks == 2
    assert out.report.count(Label.CARD_NUMBER) == 1 and not shows_the_secret(decode(out.jpeg))
