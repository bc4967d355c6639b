"""The redactor on real PP-OCR weights: what a user would notice."""

import threading

import numpy as np
import pytest

from core.errors import RedactionError
from core.frames import Box, Label, RawImage, Stamp
from edge.redaction import RedactionPolicy, Redactor
from tests.conftest import TEST_CARD, card_scene, decode, readable_digit_runs


def raw(pixels, seq=1):
    return RawImage(seq, pixels, Stamp.media(0.0))


@pytest.mark.parametrize(
    "number,width", [(TEST_CARD, 430), ("4111111111111111", 300), ("378282246310005", 520)]
)
def test_card_number_is_unreadable_after_redaction(redactor, strong_reader, number, width):
    scene = card_scene(number, width)
    assert number in readable_digit_runs(strong_reader, scene)  # legible before
    out = redactor.redact(raw(scene))
    assert out.report.count(Label.CARD_NUMBER) >= 1
    assert readable_digit_runs(strong_reader, decode(out.jpeg)) == []  # nothing of 8+ digits


def test_the_rest_of_the_frame_is_kept(redactor):
    scene = card_scene()
    out = redactor.redact(raw(scene))
    findings = out.report.findings
    assert sum(f.box.area for f in findings) < 0.05 * 1280 * 720  # only the number band
    assert any({"luhn", "issuer_range"} <= set(f.signals) for f in findings)
    # Outside the filled boxes the picture is the same picture (JPEG noise aside).
    mask = np.ones(scene.shape[:2], bool)
    for f in findings:
        b = f.box
        mask[b.y : b.y + b.h, b.x : b.x + b.w] = False
    diff = np.abs(decode(out.jpeg).astype(int) - scene.astype(int))[mask]
    assert diff.mean() < 6


def test_redacted_region_is_a_solid_fill_not_a_blur(redactor):
    out = redactor.redact(raw(card_scene()))
    b = out.report.findings[0].box
    inner = decode(out.jpeg)[b.y + 6 : b.y + b.h - 6, b.x + 6 : b.x + b.w - 6]
    # Solid black up to JPEG ringing at the edges; white glyphs would be ~245.
    assert inner.mean() < 4 and inner.max() < 48


def _jpeg_segments(data: bytes) -> tuple[list[int], bytes]:
    """Marker codes of a baseline JPEG, and the bytes after its EOI marker."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        markers.append(marker)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data runs to EOI
            eoi = data.index(b"\xff\xd9", i + 2 + length)
            while data[eoi - 1] == 0xFF:  # skip stuffed/fill bytes before a real EOI
                eoi = data.index(b"\xff\xd9", eoi + 2)
            return markers, data[eoi + 2 :]
        i += 2 + length
    raise AssertionError("no scan in JPEG")


def test_output_carries_no_metadata(redactor):
    out = redactor.redact(raw(card_scene()))
    markers, trailing = _jpeg_segments(out.jpeg)
    app_segments = [m for m in markers if 0xE1 <= m <= 0xEF]  # EXIF/XMP/ICC/...
    assert app_segments == [] and 0xFE not in markers  # no APPn beyond JFIF, no comments
    assert trailing == b""  # nothing hidden after the image


class _Exploding:
    name, version = "exploding", "0"

    def detect(self, bgr, windows=None):
        raise RuntimeError("model crashed")


class _Slow:
    name, version = "slow", "0"

    def detect(self, bgr, windows=None):
        import time

        time.sleep(0.05)
        return []


def test_a_detector_error_withholds_the_frame():
    with pytest.raises(RedactionError, match="withheld"):
        Redactor([_Exploding()]).redact(raw(card_scene()))


def test_mask_policy_sends_a_fully_masked_frame_instead():
    out = Redactor([_Exploding()], RedactionPolicy(on_failure="mask")).redact(raw(card_scene()))
    assert out.report.fully_masked and decode(out.jpeg).max() < 8


def test_a_budget_overrun_fails_closed():
    with pytest.raises(RedactionError, match="budget"):
        Redactor([_Slow()], RedactionPolicy(time_budget_ms=10)).redact(raw(card_scene()))


class _StuckOnce:
    """Hangs on its first frame until released; answers at once after that."""

    name, version = "stuck_once", "0"

    def __init__(self) -> None:
        self.release, self.calls = threading.Event(), 0

    def detect(self, bgr, windows=None):
        self.calls += 1
        if self.calls == 1:
            self.release.wait(10)
        return []


def test_after_an_overrun_the_next_frames_are_served_and_withheld_ones_never_run():
    stuck = _StuckOnce()
    redactor = Redactor([stuck], RedactionPolicy(time_budget_ms=100))
    for seq in (1, 2):  # the first hangs; the second waits behind it past its budget
        with pytest.raises(RedactionError, match="budget"):
            redactor.redact(raw(card_scene(), seq))
    stuck.release.set()
    out = redactor.redact(raw(card_scene(), 3))
    assert out.seq == 3 and not out.report.fully_masked
    assert stuck.calls == 2  # frames 1 and 3: the withheld frame 2 was never scanned


def test_a_frame_that_is_not_bgr_is_refused_not_passed():
    with pytest.raises(RedactionError, match="8-bit BGR"):
        Redactor([]).redact(raw(np.zeros((10, 10), np.uint8)))


def test_minimisation_downscales_the_whole_view():
    out = Redactor([], RedactionPolicy(max_side=640)).redact(raw(card_scene()))
    assert (out.width, out.height) == (640, 360)
    assert out.report.view_fraction == pytest.approx(1.0)  # the whole view, at
    assert out.report.sent_pixel_fraction == pytest.approx(0.25)  # a quarter of its pixels


def test_minimisation_crops_to_the_centre_and_reports_the_fraction_sent():
    out = Redactor([], RedactionPolicy(crop="centre", crop_fraction=0.5)).redact(raw(card_scene()))
    assert (out.width, out.height) == (640, 360)
    assert out.report.sent_pixel_fraction == pytest.approx(0.25)
    assert out.report.view_fraction == pytest.approx(0.25)


def test_a_focus_box_from_the_caller_wins_over_the_centre():
    focus = Box(0, 0, 320, 180)
    out = Redactor([], RedactionPolicy(crop="centre")).redact(raw(card_scene()), focus=focus)
    assert (out.width, out.height) == (320, 180)
    assert out.report.sent_pixel_fraction == pytest.approx(1 / 16)
    assert out.report.view_fraction == pytest.approx(1 / 16)
