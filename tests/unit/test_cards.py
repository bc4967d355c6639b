from dataclasses import replace

import numpy as np
import pytest

from edge.redaction.rules.analyzer import TextRules
from edge.redaction.rules.digits import find_digit_runs, issuer_range, luhn_valid
from edge.redaction.text.lines import TextLine
from edge.redaction.text_detector import SensitiveTextDetector
from tests.fakes import FakeScanner


@pytest.mark.parametrize(
    "text,digits",
    [
        ("4111 1111 1111 1111", "4111111111111111"),  # 4-4-4-4
        ("3782 822463 10005", "378282246310005"),  # 4-6-5 (Amex)
        ("3056 930902 5904", "30569309025904"),  # 4-6-4 (Diners)
        ("5500005555555559", "5500005555555559"),  # unspaced
        ("card 2223-0031-2200-3222 exp", "2223003122003222"),  # dashes, Mastercard 2-series
        ("4111.1111.1111.1111", "4111111111111111"),  # dots
        ("4l11 1111 IIII 1111", "4111111111111111"),  # OCR confusions
        ("6011 0009 9013 9424 3", "60110009901394243"),  # 17 digits
    ],
)
def test_card_numbers_are_found_in_every_grouping(text, digits):
    runs = find_digit_runs(text)
    assert [r.digits for r in runs] == [digits]
    span = text[runs[0].start : runs[0].end]
    assert sum(c not in " -." for c in span) == len(digits)  # the span is exactly the number


def test_a_misread_digit_still_redacts():
    # One wrong digit fails Luhn; the number must still be caught.
    runs = find_digit_runs("4111 1111 1111 1112")
    assert len(runs) == 1 and "luhn" not in runs[0].signals


@pytest.mark.parametrize(
    "text",
    [
        "3419 L1440480107",  # a digit misread as a letter the confusables do not list
        "3419 11440480欢07",  # ... or as a Chinese character
        "4111 1111 K 1111 1111",  # a lone letter between groups
        "４１１１ １１１１ １１１１ １１１１",  # full-width forms, from a reader trained on Chinese
        "4111／1111／1111／1111",
    ],
)
def test_one_character_misread_inside_a_number_does_not_split_it(text):
    runs = find_digit_runs(text)
    assert len(runs) == 1 and len(runs[0].digits) >= 13 and runs[0].digits.isdigit()


@pytest.mark.parametrize(
    "text",
    [
        "order 123456 on 12/05/2026",
        "Ref 4197-497796 x 2",  # a lone letter joins digits but is not counted
        "+1 (328) 555-3775 / 12",  # brackets are no misread digits
        "Flight LH 400 at 10:45, gate B 12",
        "total $1,234.56",
        "call 555-123-4567",
        "BOSS 1234",
        "VALID THRU 12/29",
        "at 10:45 gate 12",
    ],
)
def test_short_numbers_and_words_are_left_alone(text):
    assert find_digit_runs(text) == []


def test_long_non_card_numbers_fall_under_the_12_digit_rule():
    assert [r.digits for r in find_digit_runs("tracking 1Z9999 9999 9999 9999")]


def test_confidence_signals():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert issuer_range("2223003122003222") == "mastercard"
    assert issuer_range("378282246310005") == "amex"
    assert set(find_digit_runs("4111 1111 1111 1111")[0].signals) == {
        "luhn",
        "issuer_range",
        "card_length",
    }


def _read(text: str, pitch: float, height: float = 20.0) -> TextLine:
    """A level line read as ``text``, printed ``pitch`` px per character."""
    length = pitch * len(text)
    quad = np.float32([[0, 0], [length, 0], [length, height], [0, height]])
    return TextLine(quad, text, 0.95)


def test_a_number_read_short_goes_and_a_dashed_reference_stays():
    # the rules alone, on lines as the reader would return them
    rules = SensitiveTextDetector(FakeScanner(), TextRules())
    # 19 characters of print ("4111 1111 1111 1111") read as 11 digits: the
    # reader merged repeated digits, and the width shows the room for more
    merged = rules.apply([_read("41111111111", pitch=11 * 19 / 11)])
    assert [d.signals for d in merged] == [("undercounted",)]
    # a reference of 10 digits and a dash, as wide as it reads: nothing to hide
    assert rules.apply([_read("Ref 3060-777307", pitch=11)]) == []


def test_a_number_cut_short_by_what_covers_it_goes():
    rules = SensitiveTextDetector(FakeScanner(), TextRules())
    visible = _read("43923709745", pitch=9)  # 11 digits, as wide as they read
    # where the line plainly ends, 11 digits are a short number
    assert rules.apply([visible]) == []
    # where its ink goes on unread (a finger over the rest), it may be a card number
    assert [d.signals for d in rules.apply([replace(visible, runs_on=True)])] == [("cut_short",)]
    # a reference of 10 digits running into the background stays
    assert rules.apply([replace(_read("Ref 3060-777307", pitch=11), runs_on=True)]) == []
