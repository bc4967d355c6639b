"""Find card-number-like digit runs in a line of OCR'd or transcribed text.

The rule that protects users: **every run of 12 or more digits on a line is
redacted**. Digit groups are joined across spaces, dashes and dots, and the
letters OCR confuses with digits count as digits. Luhn, issuer ranges and
card context raise confidence and are reported, but never gate redaction:
one misread digit fails a Luhn check and would leak the other fifteen.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MIN_DIGITS = 12

# Letters that OCR (and people) confuse with digits.
CONFUSABLE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "q": "9",
        "g": "9",
        "T": "7",
    }
)
SEPARATORS = frozenset(" -._\u2013\u2014·:,/")
# Symbols a reader makes of a dotted or slashed zero, or a dot-matrix digit
# ("532589*67735" of "5325 8900 7735"): one alone between digits joins them,
# as a letter does. Not "$" or "+": prices and phone numbers use them.
MISREAD_SYMBOLS = frozenset("*#")
MAX_GAP = 3  # separators allowed between two digit groups


@dataclass(frozen=True)
class DigitRun:
    """A run of digits inside ``text[start:end]`` with its normalised digits."""

    start: int
    end: int
    digits: str

    @property
    def signals(self) -> tuple[str, ...]:
        out = []
        if luhn_valid(self.digits):
            out.append("luhn")
        if issuer_range(self.digits):
            out.append("issuer_range")
        if 13 <= len(self.digits) <= 19:
            out.append("card_length")
        return tuple(out)


def _is_confusable(ch: str) -> bool:
    return not ch.isdigit() and ch.translate(CONFUSABLE).isdigit()


def _mark_digitish(text: str) -> list[bool]:
    """Which characters count as digits.

    A confusable letter counts when it touches a digit inside its token
    ("4l11"), or when its whole token is confusables and a neighbouring token
    ends in a digit ("4111 IIII 1111"); so words like "call" or "BOSS" stay words.
    Then one letter (or ``MISREAD_SYMBOLS``) misread inside a number joins its
    digits (but is not counted as one): a letter alone between digits ("3419 L1440480107"),
    touching no other character that does not count. Brackets and plus signs
    are not misread digits but a phone number's ("+1 (328) 555-3775").
    """
    n = len(text)
    mark = [c.isdigit() for c in text]
    changed = True
    while changed:  # spread through touching confusables: "4OO0"
        changed = False
        for i, ch in enumerate(text):
            if (
                not mark[i]
                and _is_confusable(ch)
                and ((i > 0 and mark[i - 1]) or (i + 1 < n and mark[i + 1]))
            ):
                mark[i] = changed = True
    i = 0
    while i < n:  # whole tokens of confusables next to numbers
        if text[i] in SEPARATORS:
            i += 1
            continue
        j = i
        while j < n and text[j] not in SEPARATORS:
            j += 1
        if all(_is_confusable(c) for c in text[i:j]):
            left = i - 1
            while left >= 0 and text[left] in SEPARATORS and i - left <= MAX_GAP:
                left -= 1
            right = j
            while right < n and text[right] in SEPARATORS and right - j < MAX_GAP:
                right += 1
            if (left >= 0 and mark[left]) or (right < n and mark[right]):
                mark[i:j] = [True] * (j - i)
        i = j
    wedged = [
        i
        for i, ch in enumerate(text)
        if not mark[i]
        and (ch.isalpha() or ch in MISREAD_SYMBOLS)
        and _neighbour(text, mark, i, -1)
        and _neighbour(text, mark, i, 1)
    ]
    for i in wedged:
        mark[i] = True
    return mark


def _neighbour(text: str, mark: list[bool], i: int, step: int) -> bool:
    """Whether the next character from ``i`` that is no separator, ``step`` being
    -1 or 1 and across at most ``MAX_GAP`` separators, counts as a digit, and
    no character that does not count touches ``i`` that way."""
    j = i + step
    if 0 <= j < len(text) and text[j] not in SEPARATORS and not mark[j]:
        return False
    while 0 <= j < len(text) and text[j] in SEPARATORS and abs(j - i) <= MAX_GAP:
        j += step
    return 0 <= j < len(text) and mark[j]


def _plain(text: str) -> str:
    """``text`` with each character in its compatibility form where that is one
    character: full-width digits and punctuation ("１２／３４", which a reader
    trained on Chinese emits) become ASCII. Positions are kept."""
    out = []
    for ch in text:
        plain = unicodedata.normalize("NFKC", ch)
        out.append(plain if len(plain) == 1 else ch)
    return "".join(out)


def find_digit_runs(text: str, min_digits: int = MIN_DIGITS) -> list[DigitRun]:
    """All runs of ``min_digits``+ digits, joined across short separators."""
    text = _plain(text)
    n = len(text)
    digitish = _mark_digitish(text)
    runs: list[DigitRun] = []
    i = 0
    while i < n:
        if not digitish[i]:
            i += 1
            continue
        end = i
        digits = []
        j = i
        while j < n:
            if digitish[j]:
                digit = text[j].translate(CONFUSABLE)
                if digit.isdigit():  # a character misread alone joins, but is not counted
                    digits.append(digit)
                end = j = j + 1
                continue
            gap = j
            while gap < n and text[gap] in SEPARATORS and gap - j < MAX_GAP:
                gap += 1
            if gap > j and gap < n and digitish[gap]:
                j = gap
                continue
            break
        if len(digits) >= min_digits:
            runs.append(DigitRun(i, end, "".join(digits)))
        i = end
    return runs


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for k, ch in enumerate(reversed(body)):
        d = int(ch)
        if k % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 12:
        return False
    return luhn_check_digit(digits[:-1]) == digits[-1]


def issuer_range(digits: str) -> str:
    """The card network whose IIN range the number falls in, or ''."""
    if digits.startswith("4"):
        return "visa"
    two, four = int(digits[:2] or 0), int(digits[:4] or 0)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if digits.startswith(("6011", "65")) or 644 <= int(digits[:3] or 0) <= 649:
        return "discover"
    if 3528 <= four <= 3589:
        return "jcb"
    if two in (36, 38, 39) or 300 <= int(digits[:3] or 0) <= 305:
        return "diners"
    if two == 62:
        return "unionpay"
    return ""
