"""The text detector's flow with a fake reader: what the rules make of a card's
number band, and what a partial check asks the reader (no OCR models)."""

import numpy as np

from core.frames import Label
from edge.redaction.rules.analyzer import TextRules
from edge.redaction.text.lines import TextLine
from edge.redaction.text_detector import SensitiveTextDetector
from tests.fakes import FakeScanner

FRAME = np.zeros((720, 1280, 3), np.uint8)
BAND = np.float32([[290, 290], [600, 290], [600, 340], [290, 340]])


def _line(text: str, score: float) -> TextLine:
    return TextLine(np.float32([[300, 300], [560, 300], [560, 324], [300, 324]]), text, score)


def _band_findings(lines: list[TextLine], rules: TextRules | None = None) -> list:
    detector = SensitiveTextDetector(FakeScanner([], [(BAND, lines)]), rules or TextRules())
    return detector.detect(FRAME)


def test_a_chip_band_that_reads_as_no_number_is_masked_whole():
    # text was found where the number must lie, but it reads as nothing, or as
    # a jumble no rule takes for a number: the whole band goes
    for lines in ([], [_line("~.:; ,", 0.3)]):
        (found,) = _band_findings(lines)
        assert found.label == Label.CARD_NUMBER and found.signals == ("unread_card_band",)
        assert np.array_equal(found.polygon, BAND)


def test_a_digit_dense_band_read_unsurely_is_masked_by_its_line():
    (found,) = _band_findings([_line("5I8 7?2 4.1", 0.41)])
    assert found.signals == ("unreadable_band",)


def test_a_chip_band_that_reads_as_words_is_left_alone():
    assert _band_findings([_line("VALID THRU", 0.95)]) == []


def test_a_band_whose_number_is_read_is_masked_by_the_number_rule_not_as_a_band():
    (found,) = _band_findings([_line("4111 1111 1111 1111", 0.9)])
    assert "unread_card_band" not in found.signals and "luhn" in found.signals


def test_masking_what_cannot_be_read_is_policy():
    rules = TextRules(unreadable_band=False)
    assert _band_findings([], rules) == []
    assert _band_findings([_line("5I8 7?2 4.1", 0.41)], rules) == []


def test_a_partial_check_asks_the_reader_only_about_its_windows():
    scanner = FakeScanner()
    SensitiveTextDetector(scanner).detect(FRAME, [(1240, 0, 40, 720)])
    assert scanner.windows == [[(1240, 0, 40, 720)]]
