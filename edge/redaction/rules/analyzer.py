"""The rules, composed: read lines in, detections out (Presidio's analyzer).

Each rule takes a :class:`Chain` (one printed line, read) and returns spans;
the composite decides how rules give way to each other and maps spans to
polygons on the frame. Order on a chain:

1. card numbers: every long digit run; then groups of four and numbers read
   short, each only on fragments that hold no number yet;
2. personal text of the kinds the policy selects (e-mail, phone, national
   ID, IBAN);
3. where a number was found, the fragments beside it that are mostly digits
   (a split-off group), and every fragment on its printed line that the
   chainer did not join (``whole_line.py``); where none was, a digit-dense
   line that cannot be read, if the policy masks what cannot be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from core.frames import Label
from edge.redaction.detection import Detection
from edge.redaction.rules.cards import (
    CARD_CONTEXT,
    CardGroups,
    CardScores,
    CardTuning,
    LongDigitRun,
    ShortenedNumber,
    UnreadableNumber,
    digit_neighbours,
    near_context,
)
from edge.redaction.rules.chain import Chain, Span
from edge.redaction.rules.digits import MIN_DIGITS
from edge.redaction.rules.pii import ALL_PII, PiiKind, find_pii
from edge.redaction.rules.whole_line import LINE, LineTuning, line_mates
from edge.redaction.text.chaining import CHAINING, ChainTuning, chain_lines
from edge.redaction.text.lines import TextLine

PII_LABEL = {
    PiiKind.EMAIL: Label.EMAIL,
    PiiKind.PHONE: Label.PHONE,
    PiiKind.NATIONAL_ID: Label.NATIONAL_ID,
    PiiKind.IBAN: Label.IBAN,
}
PII_SCORE = 0.8  # times the chain's score
# A finding of personal text is reported once: one with this share of its
# polygon under an earlier finding of its kind is the same one read again
REPORTED_SHARE = 0.9
# Bumped whenever a rule changes what it finds; part of the detector's version.
RULES_REVISION = 4


@dataclass(frozen=True)
class TextRules:
    """What the policy redacts in text (``edge.redaction`` config)."""

    min_digits: int = MIN_DIGITS  # every run of this many digits on a line
    card_groups: bool = True  # 8+ digits printed as groups of four ("4111 1111")
    # a digit-dense line that cannot be read near card context, and a card found
    # by its chip whose number band cannot be read, are masked
    unreadable_band: bool = True
    pii: frozenset[PiiKind] = field(default_factory=lambda: ALL_PII)
    pii_region: str = "US"  # the default region for phone numbers
    tuning: CardTuning = CardTuning()
    scores: CardScores = CardScores()
    line: LineTuning = LINE


class PersonalText:
    """E-mail addresses, phone numbers, national IDs and IBANs (``pii.py``)."""

    def __init__(self, kinds: frozenset[PiiKind], region: str) -> None:
        self.kinds, self.region = kinds, region

    def spans(self, chain: Chain) -> list[Span]:
        return [
            Span(PII_LABEL[p.kind], p.start, p.end, PII_SCORE * chain.score, p.signals)
            for p in find_pii(chain.text, self.kinds, self.region)
        ]


class TextAnalyzer:
    """Applies the rules to read lines and maps what they find to detections."""

    def __init__(self, rules: TextRules, version: str, chaining: ChainTuning = CHAINING) -> None:
        self.rules, self.version, self.chaining = rules, version, chaining
        t, s = rules.tuning, rules.scores
        self.numbers: list = [LongDigitRun(rules.min_digits, s)]
        if rules.card_groups:
            self.numbers.append(CardGroups(t, s))
        # it also tells the scanner which lines to read again past their end
        self.shortened = ShortenedNumber(rules.min_digits, t, s)
        self.numbers.append(self.shortened)
        self.personal = PersonalText(rules.pii, rules.pii_region)
        self.unreadable = UnreadableNumber(t, s) if rules.unreadable_band else None

    def analyze(self, lines: Sequence[TextLine]) -> list[Detection]:
        chains = [
            Chain(c, bool(CARD_CONTEXT.search(" ".join(x.text for x in c))))
            for c in chain_lines(lines, self.chaining)
        ]
        found: list[Detection] = []
        for chain in chains:
            spans, hit = self._numbers(chain)
            spans += self.personal.spans(chain)
            if hit:  # the number's neighbours on its line that are mostly digits go too
                share = self.rules.tuning.neighbour_digits
                conf = self.rules.scores.same_line * chain.score
                spans += [
                    Span(Label.CARD_NUMBER, 0, 0, conf, ("same_line",), (k,))
                    for k in digit_neighbours(chain, hit, share)
                ]
                # and the groups of its printed line that the chainer left out
                number = [chain.lines[k] for k in sorted(hit)]
                for mate in line_mates(number, lines, self.rules.tuning, self.rules.line):
                    whole = Chain([mate])
                    found += [
                        self.detection(Label.CARD_NUMBER, polygon, conf, ("whole_line",))
                        for polygon in whole.polygons(Span(Label.CARD_NUMBER, 0, 0, conf, (), (0,)))
                    ]
            elif self.unreadable is not None:
                near = near_context(chain, chains, self.rules.tuning.context_reach)
                spans += self.unreadable.spans(chain, near)
            found += [
                self.detection(span.label, polygon, span.confidence, span.signals)
                for span in spans
                for polygon in chain.polygons(span)
            ]
        return found

    def _numbers(self, chain: Chain) -> tuple[list[Span], set[int]]:
        """The card-number rules' spans, in order, and the fragments they hold."""
        spans, hit = [], set()
        for rule in self.numbers:
            for span in rule.spans(chain):
                on = chain.fragments(span.start, span.end)
                if rule.yields and hit & on:
                    continue
                hit |= on
                spans.append(span)
        return spans, hit

    def detection(self, label: Label, polygon: np.ndarray, conf: float, signals) -> Detection:  # noqa: ANN001
        return Detection(
            label, polygon, round(float(min(conf, 1.0)), 3), tuple(signals), self.version
        )


def reported(det: Detection, found: Sequence[Detection], share: float = REPORTED_SHARE) -> bool:
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
