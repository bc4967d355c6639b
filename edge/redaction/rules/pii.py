"""Other personal text: e-mail addresses, phone numbers, national IDs, IBANs.

One finder for OCR'd lines and for transcripts. Phone numbers come from
``phonenumbers`` (Google's libphonenumber port) and IBANs / national IDs are
checked with ``python-stdnum``'s validators, so a date or a price is not taken
for one. Which kinds are redacted is policy (:class:`PiiKind` set).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.us import ssn as stdnum_ssn


class PiiKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    NATIONAL_ID = "national_id"
    IBAN = "iban"


ALL_PII = frozenset(PiiKind)

_EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_SSN = re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)")
# A US SSN written without separators is indistinguishable from other 9-digit
# numbers, so only the grouped form is taken.


@dataclass(frozen=True)
class PiiSpan:
    start: int
    end: int
    kind: PiiKind
    signals: tuple[str, ...] = ()


def find_pii(text: str, kinds: Iterable[PiiKind] = ALL_PII, region: str = "US") -> list[PiiSpan]:
    """Spans of personal data in ``text`` (overlaps allowed; callers merge)."""
    kinds = frozenset(kinds)
    spans: list[PiiSpan] = []
    if PiiKind.EMAIL in kinds:
        spans += [PiiSpan(m.start(), m.end(), PiiKind.EMAIL) for m in _EMAIL.finditer(text)]
    if PiiKind.IBAN in kinds:
        for m in _IBAN.finditer(text):
            if stdnum_iban.is_valid(m.group()):
                spans.append(PiiSpan(m.start(), m.end(), PiiKind.IBAN, ("checksum",)))
    if PiiKind.NATIONAL_ID in kinds:
        for m in _SSN.finditer(text):
            if stdnum_ssn.is_valid(m.group().replace(" ", "-")):
                spans.append(PiiSpan(m.start(), m.end(), PiiKind.NATIONAL_ID, ("us_ssn",)))
    if PiiKind.PHONE in kinds:
        for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.VALID):
            if _phone_shaped(m.raw_string):
                spans.append(PiiSpan(m.start, m.end, PiiKind.PHONE, ("valid_number",)))
    return spans


def _phone_shaped(raw: str) -> bool:
    """Written like a phone number: international prefix, area code in brackets,
    three or more groups, or one unbroken 10-11 digit block (not "5036-177852")."""
    groups = re.findall(r"\d+", raw)
    return (
        raw.startswith(("+", "("))
        or len(groups) >= 3
        or (len(groups) == 1 and len(groups[0]) in (10, 11))
    )
