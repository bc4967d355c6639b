"""The card-number rules: each takes a chain (one printed line, read) and
returns the spans it finds, with a confidence and the signal that fired.

Luhn, issuer ranges and card words raise confidence but never gate: one
misread digit fails a Luhn check and would leak the other fifteen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.frames import Label
from edge.redaction.rules.chain import Chain, Span
from edge.redaction.rules.digits import SEPARATORS, find_digit_runs
from edge.redaction.text.lines import TextLine

_SEPARATORS = "".join(SEPARATORS)

# Words printed on payment cards, and a lone MM/YY expiry (not a full date).
CARD_CONTEXT = re.compile(
    r"VALID|THRU|GOOD|EXPIRES|VISA|MASTERCARD|DEBIT|CREDIT|BANK|AMEX|PLATINUM"
    r"|(?<![\d/])\d{2}\s?/\s?\d{2}(?![\d/])",
    re.I,
)


# A plus sign or a bracket inside a digit run: a phone number, which no card
# number is printed with; the width it takes is not a number read short
PHONE_MARKS = re.compile(r"[+()\uff08\uff09]")
# A date printed whole ("2022-12-11", "11/12/2022", "11.12.22 14:05"): its
# width is a date's, not a number read short
DATE = re.compile(
    r"(\d{4}([-/.])\d{1,2}\2\d{1,2}|\d{1,2}([-/.])\d{1,2}\3\d{2,4})(\s+\d{1,2}:\d{2}(:\d{2})?)?"
)


@dataclass(frozen=True)
class CardTuning:
    """The card rules' thresholds. Set with the rules (no benchmark sweep is
    recorded for them); each is named where two rules share an idea."""

    # the shortest digit run the rules below look at: 8, the benchmark's leak
    # (8 digits of a card number still legible after redaction)
    short_run: int = 8
    # a line whose run of 8+ digits stops at its end short of the long-number
    # rule is read again past that end, as far as the digits it would still
    # need and this many characters more
    reread_margin: int = 2
    # a digit run shorter than the long-number rule's, whose line goes on unread
    # (a finger over the rest), is judged as a number this many digits longer
    cut_slack: int = 1
    # "undercounted": the width of a run, in characters this many line heights
    # wide, reaches the long-number rule though fewer digits were read
    glyph_width: float = 0.5
    # a read with a score under this is "unsure" (unreadable-number rule; a
    # band that reads as words is trusted only above it)
    sure_score: float = 0.8
    # a digit-dense line that cannot be read: at least this many digits, this
    # share of its characters, and room for ``unreadable_glyphs`` characters of
    # ``unreadable_glyph_width`` line heights each
    unreadable_digits: int = 4
    unreadable_share: float = 0.5
    unreadable_glyphs: int = 12
    unreadable_glyph_width: float = 0.55
    # card words count for a line this many of its heights away (centre to centre)
    context_reach: float = 8.0
    # a band "reads as words": this many letters, more than twice its digits
    word_letters: int = 3
    # a fragment beside a number's that is at least this share digits goes too
    neighbour_digits: float = 0.5
    # a fragment of ``follow_digits``+ digits, at least ``unreadable_share``
    # digits, read unsurely and boxed short (under ``unreadable_glyphs``
    # characters), may be a little of a longer number the detector missed:
    # its line is followed where its ink goes on and read again (a receipt at
    # 30 degrees in an OCR-style font, boxed as "52" of sixteen digits)
    follow_digits: int = 2


@dataclass(frozen=True)
class CardScores:
    """The confidence each card rule reports (a chain's score multiplies those
    marked so). Reported, never used to decide."""

    long_run: float = 0.6  # times the chain's score
    luhn: float = 0.2  # added when the digits pass Luhn
    issuer: float = 0.1  # added when they fall in an issuer's range
    groups: float = 0.5  # times the chain's score
    shortened: float = 0.4
    same_line: float = 0.5  # times the chain's score
    unreadable: float = 0.3


def card_groups(text: str, short_run: int = 8) -> list[tuple[int, int]]:
    """``short_run``+ digits where at least two groups are exactly four digits."""
    out = []
    for run in find_digit_runs(text, short_run):
        groups = [len(g) for g in re.split(r"[^0-9A-Za-z|]+", text[run.start : run.end]) if g]
        if sum(1 for g in groups if g == 4) >= 2:
            out.append((run.start, run.end))
    return out


class LongDigitRun:
    """Every run of ``min_digits``+ digits on a line (fragments joined)."""

    yields = False  # never gives way to another finding

    def __init__(self, min_digits: int, scores: CardScores) -> None:
        self.min_digits, self.scores = min_digits, scores

    def spans(self, chain: Chain) -> list[Span]:
        out = []
        for run in find_digit_runs(chain.text, self.min_digits):
            signals = run.signals + (("card_context",) if chain.context else ())
            s = self.scores
            conf = (
                s.long_run + s.luhn * ("luhn" in signals) + s.issuer * ("issuer_range" in signals)
            )
            out.append(Span(Label.CARD_NUMBER, run.start, run.end, conf * chain.score, signals))
        return out


class CardGroups:
    """8+ digits printed as groups of four ("4111 1111"), where no longer run was found."""

    yields = True  # a fragment that already holds a number is not reported again

    def __init__(self, tuning: CardTuning, scores: CardScores) -> None:
        self.tuning, self.scores = tuning, scores

    def spans(self, chain: Chain) -> list[Span]:
        conf = self.scores.groups * chain.score
        return [
            Span(Label.CARD_NUMBER, a, b, conf, ("card_groups",))
            for a, b in card_groups(chain.text, self.tuning.short_run)
        ]


class ShortenedNumber:
    """8+ digits that are a long number read short: the run's width holds
    ``min_digits`` characters ("undercounted": the reader merged repeated
    digits), or it is one digit short and its line goes on unread ("cut_short":
    a finger over the rest)."""

    yields = True

    def __init__(self, min_digits: int, tuning: CardTuning, scores: CardScores) -> None:
        self.min_digits, self.tuning, self.scores = min_digits, tuning, scores

    def spans(self, chain: Chain) -> list[Span]:
        out = []
        for run in find_digit_runs(chain.text, self.tuning.short_run):
            printed = chain.text[run.start : run.end]
            if PHONE_MARKS.search(printed) or DATE.fullmatch(printed.strip()):
                continue  # a phone number (the phone rule's) or a date, not a number read short
            glyphs = chain.span_glyphs(run.start, run.end, self.tuning.glyph_width)
            if glyphs >= self.min_digits:
                signal = "undercounted"
            elif len(run.digits) + self.tuning.cut_slack >= self.min_digits and any(
                chain.lines[k].runs_on for k in chain.fragments(run.start, run.end)
            ):
                signal = "cut_short"
            else:
                continue
            out.append(
                Span(Label.CARD_NUMBER, run.start, run.end, self.scores.shortened, (signal,))
            )
        return out

    # --- what the scanner reads again past a line's end (``text.reread.CutText``)

    def room(self, text: str) -> tuple[int, int]:
        """Characters to read before and after ``text``: a run of 8 to
        ``min_digits - 1`` digits that reaches that end may go on."""
        before = after = 0
        for run in find_digit_runs(text, self.tuning.short_run):
            if len(run.digits) >= self.min_digits:
                continue
            need = self.min_digits - len(run.digits) + self.tuning.reread_margin
            if not text[: run.start].strip(_SEPARATORS):
                before = need
            if not text[run.end :].strip(_SEPARATORS):
                after = need
        return before, after

    def held(self, text: str) -> int:
        """Digits in the longest run of 8+ (0 if none)."""
        runs = find_digit_runs(text, self.tuning.short_run)
        return max((len(r.digits) for r in runs), default=0)

    def complete(self, text: str) -> bool:
        return self.held(text) >= self.min_digits


class UnreadableNumber:
    """A line that looks like a long number but did not read as one: mostly
    digits, long enough for 12+ characters, and either near card words or
    read unsurely. Asked only of lines where no number was found."""

    def __init__(self, tuning: CardTuning, scores: CardScores) -> None:
        self.tuning, self.scores = tuning, scores

    def spans(self, chain: Chain, near_context: bool) -> list[Span]:
        t = self.tuning
        if not near_context and chain.score >= t.sure_score:
            return []
        text = chain.text
        digits = sum(c.isdigit() for c in text)
        glyphs = sum(not c.isspace() for c in text)
        est_glyphs = chain.length / (t.unreadable_glyph_width * chain.height)
        if (
            digits >= t.unreadable_digits
            and digits >= t.unreadable_share * glyphs
            and max(est_glyphs, glyphs) >= t.unreadable_glyphs
        ):
            whole = tuple(range(len(chain.lines)))
            return [
                Span(Label.CARD_NUMBER, 0, 0, self.scores.unreadable, ("unreadable_band",), whole)
            ]
        return []


def worth_following(line: TextLine, glyphs: float, tuning: CardTuning) -> bool:
    """Whether a fragment no rule found anything on, ``glyphs`` characters
    long, may be a little of a longer number: a few digits, read unsurely and
    boxed short. (A sure read boxed short, at a wrong angle, was followed
    across a receipt's lines: seeded scene 1102.)"""
    text = line.text.replace(" ", "")
    digits = sum(c.isdigit() for c in text)
    return (
        digits >= tuning.follow_digits
        and digits >= tuning.unreadable_share * len(text)
        and line.score < tuning.sure_score
        and glyphs < tuning.unreadable_glyphs
    )


def near_context(chain: Chain, chains: Sequence[Chain], reach: float) -> bool:
    """Whether a chain with card words lies within ``reach`` of ``chain``'s heights."""
    centre = chain.centre()
    for other in chains:
        if other.context and np.linalg.norm(other.centre() - centre) < reach * chain.height:
            return True
    return False


def digit_neighbours(chain: Chain, hits: set[int], share: float) -> list[int]:
    """Fragments next to a number's fragments that are mostly digits (a split-off group)."""
    out, frontier = [], set(hits)
    while frontier:
        k = frontier.pop()
        for j in (k - 1, k + 1):
            if 0 <= j < len(chain.lines) and j not in hits:
                text = chain.lines[j].text.replace(" ", "")
                if text and sum(c.isdigit() for c in text) >= share * len(text):
                    hits.add(j)
                    frontier.add(j)
                    out.append(j)
    return out


def reads_as_words(lines: Sequence[TextLine], tuning: CardTuning) -> bool:
    """Whether lines read clearly as words (a name, "VALID THRU", the bank's),
    not as a number: mostly letters, read with confidence. Three letters are
    enough: a band across the card cuts "VALID THRU" to "VAL"."""
    text = "".join(line.text for line in lines)
    letters, digits = sum(c.isalpha() for c in text), sum(c.isdigit() for c in text)
    return (
        letters >= tuning.word_letters
        and letters > 2 * digits
        and min(line.score for line in lines) >= tuning.sure_score
    )
