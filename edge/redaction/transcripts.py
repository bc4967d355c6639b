"""Redaction of transcripts and queries before upload or logging.

Card numbers are caught whether written as digits or said aloud ("four one
one one ..."); e-mail addresses, phone numbers, national IDs and IBANs are
replaced too (the same finder as for text in frames). Each replaced span becomes
a bracketed label, so the answer model still knows something was there.
"""

from __future__ import annotations

import re

from core.frames import _REDACTION_MINT, Transcript, Utterance
from edge.redaction.rules.digits import MIN_DIGITS, find_digit_runs
from edge.redaction.rules.pii import ALL_PII, PiiKind, find_pii

_NUMBER_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "to": "2",
    "too": "2",
    "three": "3",
    "four": "4",
    "for": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_WORD = re.compile(r"[A-Za-z]+|\d+|\S", re.UNICODE)
# Plain-word connectors that may stand between spoken digit groups.
_SPOKEN_SEPARATORS = {"-", ",", "."}


def _spoken_digit_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where 12+ digits are spoken or written, mixed freely."""
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        count, j, start, end = 0, i, None, None
        while j < len(tokens):
            _, _, tok = tokens[j]
            digits = tok if tok.isdigit() else _NUMBER_WORDS.get(tok.lower())
            if digits is not None and not (
                count == 0 and tok.lower() in ("to", "too", "for", "o", "oh")
            ):
                count += len(digits)
                start = tokens[j][0] if start is None else start
                end = tokens[j][1]
            elif not (count and tok in _SPOKEN_SEPARATORS):
                break
            j += 1
        if count >= MIN_DIGITS and start is not None and end is not None:
            spans.append((start, end))
        i = max(j, i + 1)
    return spans


def find_text_spans(text: str, pii: frozenset[PiiKind] = ALL_PII) -> list[tuple[int, int, str]]:
    """(start, end, label) of every card number (written or spoken) and personal text."""
    spans = [(r.start, r.end, "card number") for r in find_digit_runs(text)]
    spans += [(a, b, "card number") for a, b in _spoken_digit_spans(text)]
    spans += [(p.start, p.end, p.kind.value.replace("_", " ")) for p in find_pii(text, pii)]
    return spans


def redact_string(text: str, pii: frozenset[PiiKind] = ALL_PII) -> tuple[str, int]:
    """Redact card numbers (written or spoken) and personal text; return text and count."""
    spans = [(a, b, f"[{label}]") for a, b, label in find_text_spans(text, pii)]
    if not spans:
        return text, 0
    spans.sort()
    merged: list[list] = []
    for a, b, label in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b, label])
    out, pos = [], 0
    for a, b, label in merged:
        out.append(text[pos:a])
        out.append(label)
        pos = b
    out.append(text[pos:])
    return "".join(out), len(merged)


def redact_transcript(transcript: Transcript, seq: int) -> Utterance:
    """The only way a transcript becomes text that may leave the device."""
    text, count = redact_string(transcript.text)
    return Utterance(
        seq,
        text,
        transcript.started_at,
        transcript.ended_at,
        transcript.language,
        transcript.confidence,
        count,
        mint=_REDACTION_MINT,
    )
