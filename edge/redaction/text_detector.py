"""Card numbers and other personal text: the scanner reads, the rules decide.

``SensitiveTextDetector.detect`` runs the text cascade (``text/scanner.py``),
has the lines the card rules would look past read again longer
(``text/reread.py``), applies the rules (``rules/analyzer.py``), follows each
number's line past the detector's box where its ink goes on
(``text/extent.py``), and, for each card whose number was not found, looks
again where its chip says the number must lie (``text/chip_bands.py``).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from core.frames import Label
from core.geometry import Rect
from edge.redaction.detection import Detection
from edge.redaction.rules.analyzer import RULES_REVISION, TextAnalyzer, TextRules, reported
from edge.redaction.rules.cards import reads_as_words, worth_following
from edge.redaction.text.bands import one_band, tighten
from edge.redaction.text.extent import glyphs_in, ink_ends, lengthened, mask_of_line
from edge.redaction.text.fills import line_shaped, paint_out, solid_fills
from edge.redaction.text.lines import TextLine, is_tall, point_in_quad
from edge.redaction.text.scanner import TextScanner
from edge.redaction.text.tuning import digest


class SensitiveTextDetector:
    """Card numbers and other personal text in everything the scanner reads."""

    name = "text"

    def __init__(
        self,
        scanner: TextScanner,
        rules: TextRules | None = None,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        """``fill``: the redactor's fill colour, whose solid fills in a frame
        (the engine's own output, re-checked) are redactions, not text."""
        self.scanner, self.fill = scanner, fill
        self.rules = rules or TextRules()
        self.version = f"text-rules/{RULES_REVISION}-{digest(self.rules)}+{scanner.version}"
        self.analyzer = TextAnalyzer(self.rules, self.version, scanner.tuning.chaining)

    def detect(self, bgr: np.ndarray, windows: list[Rect] | None = None) -> list[Detection]:
        fills = self.fills(bgr)
        if fills:  # a frame redacted before: its fills are blank card, not text
            bgr = paint_out(bgr, fills, self.scanner.tuning.fills)
        lines = self.read_cut_again(bgr, self.scanner.scan(bgr, windows))
        found = self.apply(lines)
        found = self.continued(bgr, found + self.followed(bgr, lines, found))
        return found + self.unread_cards(bgr, found, windows, fills)

    def fills(self, bgr: np.ndarray) -> list[np.ndarray]:
        """The redaction's own solid fills in ``bgr`` (a frame redacted before)."""
        if self.fill is None:
            return []
        return solid_fills(bgr, self.fill, self.scanner.tuning.fills)

    def read_cut_again(self, bgr: np.ndarray, lines: list[TextLine]) -> list[TextLine]:
        """The lines whose digit run stops short at an end, read again past it."""
        return self.scanner.read_cut_again(bgr, lines, self.analyzer.shortened)

    def apply(self, lines: list[TextLine]) -> list[Detection]:
        """The rules' findings in lines already read."""
        return self.analyzer.analyze(lines)

    def continued(self, bgr: np.ndarray, found: list[Detection]) -> list[Detection]:
        """``found``, each number's polygon followed past its ends where the
        same ink goes on on the same carrier (a group the detector did not
        box), as far as a card number could still reach: the line is masked
        whole, and still reported once."""
        t = self.scanner.tuning.extent
        out = []
        for det in found:
            if det.label == Label.CARD_NUMBER:
                line = self.ink_line(bgr, det.polygon)
                steps = int(t.number_glyphs - glyphs_in(line, t))
                ends = ink_ends(bgr, line, steps, t)
                if ends != (0.0, 1.0):
                    added = mask_of_line(line, ends, t)
                    longer = cv2.convexHull(np.concatenate([det.polygon, added])).reshape(-1, 2)
                    det = replace(det, polygon=longer, signals=(*det.signals, "ink_goes_on"))
            out.append(det)
        return out

    def ink_line(self, bgr: np.ndarray, polygon: np.ndarray) -> np.ndarray:
        """The band of ``polygon`` its line's ink fills (``bands.tighten``): a
        detector's quad a little tall also holds the edge of the next line,
        whose ink must not carry the number's line on."""
        lines, _ = tighten(bgr, polygon, self.scanner.tuning.bands)
        return lines[0] if lines and not is_tall(polygon) else polygon

    def followed(
        self, bgr: np.ndarray, lines: list[TextLine], found: list[Detection]
    ) -> list[Detection]:
        """Fragments that may be a little of a longer number (a few digits
        read unsurely and boxed short: ``rules.cards.worth_following``), on which
        nothing was found, followed along their ink; where that is long enough
        for a number, read again, and what the rules find there as a number kept."""
        t, cards = self.scanner.tuning.extent, self.rules.tuning
        masked = [d.polygon for d in found]
        quads = []
        for line in lines:
            centre = line.quad.mean(axis=0)
            if any(point_in_quad(centre, m) for m in masked):
                continue
            if not worth_following(line, glyphs_in(line.quad, t), cards):
                continue
            longer = lengthened(line.quad, ink_ends(bgr, line.quad, t.number_glyphs, t))
            # one line long enough for a number; a quad at the wrong angle that
            # crosses lines would join their digits into one
            if glyphs_in(longer, t) >= cards.unreadable_glyphs and one_band(bgr, longer):
                quads.append(longer)
        read = [line for line in self.scanner.read_quads(bgr, quads) if line is not None]
        # a number read there, not a line that still cannot be read: the ink
        # followed may be a card's edge or a fill's halo, read as digits unsurely
        return [
            d
            for d in self.apply(read)
            if "unreadable_band" not in d.signals and not reported(d, found)
        ]

    def unread_cards(
        self,
        bgr: np.ndarray,
        found: list[Detection],
        windows: list[Rect] | None = None,
        fills: list[np.ndarray] = (),
    ) -> list[Detection]:
        """Cards whose number was not found, by their chips: each band where a
        number could be, looked at closer. What reads there goes through the
        rules; a band with text that reads as no number and not as words
        (blurred, faint or half-hidden digits) is masked whole, if the policy
        masks what cannot be read (``unreadable_band``)."""
        done = [d.polygon for d in found if d.label == Label.CARD_NUMBER]
        out = []
        numbers = [f for f in fills if line_shaped(f, self.scanner.tuning.fills)]
        for band, lines in self.scanner.read_card_bands(bgr, done, windows, numbers):
            # the band's lines may be some the first pass read: report each finding once
            more = [d for d in self.apply(lines) if not reported(d, found)]
            out += more
            if (
                self.rules.unreadable_band
                and not any(d.label == Label.CARD_NUMBER for d in more)
                and not reads_as_words(lines, self.rules.tuning)
            ):
                conf = self.rules.scores.unreadable
                out.append(
                    self.analyzer.detection(Label.CARD_NUMBER, band, conf, ("unread_card_band",))
                )
        return out
