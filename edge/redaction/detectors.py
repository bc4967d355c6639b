"""Detectors find what must not leave the device; they never change pixels.

A detector returns :class:`Detection`s (a polygon to cover plus what the
report may say about it); ``redactor.py`` fills them.

- :class:`SensitiveTextDetector` reads every line (``textscan.py``) and applies
  the rules: every run of 12+ digits on a line (fragments of one line joined),
  8+ digits printed in card groups of four, a run one digit short whose line
  goes on unread (under a finger), a digit-dense line that cannot be read on
  something card-like, a card whose number was not found, looked at again
  by its chip (what reads there, or the band if it cannot be read), and the
  personal-text kinds the policy selects.
- :class:`FaceDetector` runs CenterFace (a stream holds its boxes across frames).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import cv2
import numpy as np

from core.frames import Label
from core.geometry import Rect
from edge.redaction.faces import CenterFaceDetector, FaceBox
from edge.redaction.rules.digits import find_digit_runs
from edge.redaction.rules.pii import ALL_PII, PiiKind, find_pii
from edge.redaction.text.chaining import chain_lines
from edge.redaction.text.lines import TextLine
from edge.redaction.text.scanner import TextScanner


@dataclass(frozen=True, eq=False)
class Detection:
    """Where something sensitive is (a polygon) and what kind it is."""

    label: Label
    polygon: np.ndarray  # (N, 2) float32, image coordinates
    confidence: float
    signals: tuple[str, ...]
    detector: str


class Detector(Protocol):
    name: str
    version: str

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        """What is in ``bgr``; with ``windows``, at least everything that touches them."""
        ...


# --- geometry --------------------------------------------------------------------------


def span_polygon(line: TextLine, start: int, end: int, pad_chars: float = 0.7) -> np.ndarray:
    """The part of a line's quad that holds characters ``start:end``.

    Uses the recogniser's character positions when it has them (else assumes
    even spacing), widened by ``pad_chars`` characters each side and 20 % of
    the line height up and down so the fill covers glyph edges.
    """
    tl, tr, br, bl = (line.quad[k].astype(np.float32) for k in range(4))
    n = max(len(line.text), 1)
    pos = line.char_positions() or [0.5]
    pitch = (pos[-1] - pos[0]) / (n - 1) if n > 1 else 1.0 / n
    a = max(0.0, pos[start] - pitch * (0.5 + pad_chars))
    b = min(1.0, pos[end - 1] + pitch * (0.5 + pad_chars))
    top_a, top_b = tl + (tr - tl) * a, tl + (tr - tl) * b
    bot_a, bot_b = bl + (br - bl) * a, bl + (br - bl) * b
    grow = 0.1 * (bot_a - top_a)
    return np.stack([top_a - grow, top_b - grow, bot_b + grow, bot_a + grow])


# --- text rules ------------------------------------------------------------------------

# Words printed on payment cards, and a lone MM/YY expiry (not a full date).
_CARD_CONTEXT = re.compile(
    r"VALID|THRU|GOOD|EXPIRES|VISA|MASTERCARD|DEBIT|CREDIT|BANK|AMEX|PLATINUM"
    r"|(?<![\d/])\d{2}\s?/\s?\d{2}(?![\d/])",
    re.I,
)
_PII_LABEL = {
    PiiKind.EMAIL: Label.EMAIL,
    PiiKind.PHONE: Label.PHONE,
    PiiKind.NATIONAL_ID: Label.NATIONAL_ID,
    PiiKind.IBAN: Label.IBAN,
}


@dataclass(frozen=True)
class TextRules:
    min_digits: int = 12
    # a run of digits whose line goes on unread (a finger over the rest) is
    # judged as a number up to this many digits longer than it reads
    cut_slack: int = 1
    card_groups: bool = True  # 8+ digits printed as groups of four ("4111 1111")
    # a digit-dense line that cannot be read near card context, and a card found
    # by its chip whose number band cannot be read, are masked
    unreadable_band: bool = True
    pii: frozenset[PiiKind] = field(default_factory=lambda: ALL_PII)
    region: str = "US"


def _joined(chain: Sequence[TextLine]) -> tuple[str, list[tuple[int, int]]]:
    """The chain's text joined by spaces, and for each character its (line, index)."""
    parts, where = [], []
    for k, line in enumerate(chain):
        if parts:
            parts.append(" ")
            where.append((-1, -1))
        parts.append(line.text)
        where.extend((k, i) for i in range(len(line.text)))
    return "".join(parts), where


def _lines_of(where: list[tuple[int, int]], start: int, end: int) -> set[int]:
    """Which fragments of the chain characters ``start:end`` lie on."""
    return {k for k, _ in where[start:end] if k >= 0}


def _polygons(chain: Sequence[TextLine], where: list[tuple[int, int]], start: int, end: int):
    by_line: dict[int, list[int]] = {}
    for k, i in where[start:end]:
        if k >= 0:
            by_line.setdefault(k, []).append(i)
    for k, idx in by_line.items():
        yield span_polygon(chain[k], min(idx), max(idx) + 1)


def _span_glyphs(chain: Sequence[TextLine], where, start: int, end: int) -> float:  # noqa: ANN001
    """How many digits the span's width would hold at the line's height, less
    the separators read in it (a dash or a gap holds no digit): a long number
    the recogniser read short (repeated digits merge) shows here."""
    total = 0.0
    for k in _lines_of(where, start, end):
        line = chain[k]
        idx = [i for kk, i in where[start:end] if kk == k]
        pos = line.char_positions()
        span = (pos[max(idx)] - pos[min(idx)]) * line.length
        separators = sum(not line.text[i].isalnum() for i in idx)
        total += span / (0.5 * max(line.height, 1.0)) + 1 - separators
    return total


def _digit_neighbours(chain: Sequence[TextLine], hits: set[int]) -> list[TextLine]:
    """Fragments next to a number's fragments that are mostly digits (a split-off group)."""
    out, frontier = [], set(hits)
    while frontier:
        k = frontier.pop()
        for j in (k - 1, k + 1):
            if 0 <= j < len(chain) and j not in hits:
                text = chain[j].text.replace(" ", "")
                if text and sum(c.isdigit() for c in text) >= 0.5 * len(text):
                    hits.add(j)
                    frontier.add(j)
                    out.append(chain[j])
    return out


def _words(lines: Sequence[TextLine]) -> bool:
    """Whether lines read clearly as words (a name, "VALID THRU", the bank's),
    not as a number: mostly letters, read with confidence. Three letters are
    enough: a band across the card cuts "VALID THRU" to "VAL"."""
    text = "".join(line.text for line in lines)
    letters, digits = sum(c.isalpha() for c in text), sum(c.isdigit() for c in text)
    return letters >= 3 and letters > 2 * digits and min(line.score for line in lines) >= 0.8


def _card_groups(text: str) -> list[tuple[int, int]]:
    """8+ digits where at least two groups are exactly four digits."""
    out = []
    for run in find_digit_runs(text, 8):
        groups = [len(g) for g in re.split(r"[^0-9A-Za-z|]+", text[run.start : run.end]) if g]
        if sum(1 for g in groups if g == 4) >= 2:
            out.append((run.start, run.end))
    return out


class SensitiveTextDetector:
    """Card numbers and other personal text in everything the scanner reads."""

    name = "text"

    def __init__(self, scanner: TextScanner, rules: TextRules | None = None) -> None:
        self.scanner = scanner
        self.rules = rules or TextRules()
        self.version = f"text-rules/2+{scanner.version}"

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        found = self.apply(self.scanner.scan(bgr, self.rules.min_digits, windows))
        return found + self.unread_cards(bgr, found, windows)

    def unread_cards(
        self, bgr: np.ndarray, found: list[Detection], windows: list[Rect] | None = None
    ) -> list[Detection]:
        """Cards whose number was not found, by their chips: each band where a
        number could be, looked at closer. What reads there goes through the
        rules; a band with text that reads as no number and not as words
        (blurred, faint or half-hidden digits) is masked whole, if the policy
        masks what cannot be read (``unreadable_band``)."""
        done = [d.polygon for d in found if d.label == Label.CARD_NUMBER]
        out = []
        for band, lines in self.scanner.read_card_bands(bgr, done, windows=windows):
            # the band's lines may be some the first pass read: report each finding once
            more = [d for d in self.apply(lines) if not _reported(d, found)]
            out += more
            if (
                self.rules.unreadable_band
                and not any(d.label == Label.CARD_NUMBER for d in more)
                and not _words(lines)
            ):
                out.append(self._det(Label.CARD_NUMBER, band, 0.3, ("unread_card_band",)))
        return out

    def apply(self, lines: Sequence[TextLine]) -> list[Detection]:
        found: list[Detection] = []
        chains = chain_lines(lines)
        context = [bool(_CARD_CONTEXT.search(" ".join(x.text for x in c))) for c in chains]
        for chain, has_context in zip(chains, context, strict=True):
            text, where = _joined(chain)
            score = min(line.score for line in chain)
            hit_lines: set[int] = set()
            for run in find_digit_runs(text, self.rules.min_digits):
                hit_lines |= _lines_of(where, run.start, run.end)
                signals = run.signals + (("card_context",) if has_context else ())
                conf = 0.6 + 0.2 * ("luhn" in signals) + 0.1 * ("issuer_range" in signals)
                for poly in _polygons(chain, where, run.start, run.end):
                    found.append(self._det(Label.CARD_NUMBER, poly, conf * score, signals))
            if self.rules.card_groups:
                for a, b in _card_groups(text):
                    if hit_lines & _lines_of(where, a, b):
                        continue  # the 12-digit rule already has this number
                    hit_lines |= _lines_of(where, a, b)
                    for poly in _polygons(chain, where, a, b):
                        found.append(
                            self._det(Label.CARD_NUMBER, poly, 0.5 * score, ("card_groups",))
                        )
            for run in find_digit_runs(text, 8):
                lines_of_run = _lines_of(where, run.start, run.end)
                if hit_lines & lines_of_run:
                    continue
                if _span_glyphs(chain, where, run.start, run.end) >= self.rules.min_digits:
                    signal = "undercounted"  # a reader that dropped digits ("4111111111")
                elif len(run.digits) + self.rules.cut_slack >= self.rules.min_digits and any(
                    chain[k].runs_on for k in lines_of_run
                ):
                    signal = "cut_short"  # the rest of the number is hidden or unreadable
                else:
                    continue
                hit_lines |= lines_of_run
                for poly in _polygons(chain, where, run.start, run.end):
                    found.append(self._det(Label.CARD_NUMBER, poly, 0.4, (signal,)))
            hit = bool(hit_lines)
            for span in find_pii(text, self.rules.pii, self.rules.region):
                for poly in _polygons(chain, where, span.start, span.end):
                    found.append(self._det(_PII_LABEL[span.kind], poly, 0.8 * score, span.signals))
            if hit:  # the number's neighbours on its line that are mostly digits go too
                for line in _digit_neighbours(chain, hit_lines):
                    poly = span_polygon(line, 0, len(line.text))
                    found.append(self._det(Label.CARD_NUMBER, poly, 0.5 * score, ("same_line",)))
            elif self.rules.unreadable_band and self._unreadable_number(
                chain, text, near_context=self._near(chain, chains, context)
            ):
                for line in chain:
                    found.append(
                        self._det(
                            Label.CARD_NUMBER,
                            span_polygon(line, 0, len(line.text)),
                            0.3,
                            ("unreadable_band",),
                        )
                    )
        return found

    def _unreadable_number(self, chain: Sequence[TextLine], text: str, near_context: bool) -> bool:
        """A line that looks like a long number but did not read as one: mostly
        digits, long enough for 12+ characters, and either near card context or
        read with low confidence."""
        if not near_context and min(line.score for line in chain) >= 0.8:
            return False
        digits = sum(c.isdigit() for c in text)
        glyphs = sum(not c.isspace() for c in text)
        length = sum(line.length for line in chain)
        height = max(line.height for line in chain)
        est_glyphs = length / (0.55 * height)
        return digits >= 4 and digits >= 0.5 * glyphs and max(est_glyphs, glyphs) >= 12

    @staticmethod
    def _near(chain, chains, context) -> bool:  # noqa: ANN001
        centre = np.mean([line.quad.mean(axis=0) for line in chain], axis=0)
        height = max(line.height for line in chain)
        for other, has in zip(chains, context, strict=True):
            if has:
                oc = np.mean([line.quad.mean(axis=0) for line in other], axis=0)
                if np.linalg.norm(oc - centre) < 8 * height:
                    return True
        return False

    def _det(self, label: Label, poly: np.ndarray, conf: float, signals) -> Detection:  # noqa: ANN001
        return Detection(label, poly, round(float(min(conf, 1.0)), 3), tuple(signals), self.version)


def _reported(det: Detection, found: Sequence[Detection], share: float = 0.9) -> bool:
    """Whether ``det`` is personal text already found: ``share`` of its polygon
    under a finding of its kind. A card number is never dropped: the fills
    differ by a little, and that little may hold a digit."""
    if det.label == Label.CARD_NUMBER:
        return False
    mine = det.polygon.astype(np.float32)
    area = abs(cv2.contourArea(mine))
    return any(
        d.label == det.label
        and cv2.intersectConvexConvex(mine, d.polygon.astype(np.float32))[0] >= share * area
        for d in found
    )


# --- faces -----------------------------------------------------------------------------


class FaceDetector:
    """CenterFace boxes, grown by ``margin``. Stateless: a stream holds boxes
    across frames (``stream.py``)."""

    name = "face"

    def __init__(self, model: CenterFaceDetector, margin: float = 0.2) -> None:
        self.model, self.margin = model, margin
        self.version = f"{model.version}@{model.input_width}"

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        """Faces in the whole frame, whatever the windows: one may be as large as it."""
        h, w = bgr.shape[:2]
        return [self._det(b, w, h) for b in self.model.detect(bgr)]

    def _det(self, b: FaceBox, w: int, h: int) -> Detection:
        mx, my = (b.x1 - b.x0) * self.margin, (b.y1 - b.y0) * self.margin
        x0, y0 = max(b.x0 - mx, 0), max(b.y0 - my, 0)
        x1, y1 = min(b.x1 + mx, w), min(b.y1 + my, h)
        poly = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        return Detection(Label.FACE, poly, round(b.score, 3), (), self.version)
