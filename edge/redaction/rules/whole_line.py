"""A card number is masked as a whole line.

Where any rule fires on part of a printed line of digit groups, every group
on that line goes too, though the chainer did not join it to the number:
under steep perspective the far groups shrink and the near ones grow past
the chainer's height ratio, and a group read as letters in an OCR-style
font ("GE" for "6E") is no number of its own. A fragment belongs to the
number's line when it lies on the line's axis (the straight line through the
number's fragments: perspective keeps lines straight), within a few of its
heights of the line's end, and does not read clearly as words ("VALID THRU",
a name, "CARD" before a receipt's number stay).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge.redaction.rules.cards import CardTuning, reads_as_words
from edge.redaction.text.lines import TextLine


@dataclass(frozen=True)
class LineTuning:
    """When a fragment is on a number's line. Set on steep cards in OCR-style
    fonts (issue 23's probe: the first group left legible beside three masked)."""

    # its centre lies under ``across`` of the nearer end's height off the axis
    across: float = 0.55
    # its height within ``height_ratio`` of the nearer end's either way
    # (perspective: a card at 60 degrees halves the far group's height)
    height_ratio: float = 2.5
    # a gap under ``gap`` of the nearer end's heights along the axis
    gap: float = 3.0


LINE = LineTuning()


def _axis(quads: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The unit direction and a point of the line through the number's fragments."""
    if len(quads) > 1:  # through the centres of the two farthest apart
        centres = np.array([q.mean(axis=0) for q in quads], np.float64)
        spread = centres - centres.mean(axis=0)
        _, _, vt = np.linalg.svd(spread, full_matrices=False)
        d = vt[0]
    else:
        tl, tr, br, bl = quads[0].astype(np.float64)
        d = (tr - tl) + (br - bl)
    d = d / (np.linalg.norm(d) + 1e-9)
    return d, np.mean([q.mean(axis=0) for q in quads], axis=0)


def _height(quad: np.ndarray) -> float:
    return max(float(np.linalg.norm(quad[3] - quad[0])), float(np.linalg.norm(quad[2] - quad[1])))


def line_mates(
    number: Sequence[TextLine],
    lines: Sequence[TextLine],
    cards: CardTuning,
    tuning: LineTuning = LINE,
) -> list[TextLine]:
    """The fragments of ``lines`` on the printed line of ``number`` (its
    fragments), beyond them, that do not read as words; grown outwards one
    fragment at a time from the number's ends."""
    members = [line.quad.astype(np.float64) for line in number]
    d, origin = _axis(members)
    normal = np.array([-d[1], d[0]])
    taken = {id(line) for line in number}
    mates: list[TextLine] = []
    grown = True
    while grown:
        grown = False
        spans = [[float((p - origin) @ d) for p in q] for q in members]
        lo, hi = min(min(s) for s in spans), max(max(s) for s in spans)
        h_lo = _height(members[int(np.argmin([min(s) for s in spans]))])
        h_hi = _height(members[int(np.argmax([max(s) for s in spans]))])
        for line in lines:
            if id(line) in taken:
                continue
            quad = line.quad.astype(np.float64)
            along = [float((p - origin) @ d) for p in quad]
            centre = quad.mean(axis=0) - origin
            if max(along) < lo:
                gap, h_end = lo - max(along), h_lo
            elif min(along) > hi:
                gap, h_end = min(along) - hi, h_hi
            else:  # beside the number, not beyond it: another line (or itself read twice)
                continue
            h = _height(quad)
            if (
                gap <= tuning.gap * h_end
                and abs(float(centre @ normal)) <= tuning.across * h_end
                and h_end / tuning.height_ratio <= h <= h_end * tuning.height_ratio
                and not reads_as_words([line], cards)
            ):
                taken.add(id(line))
                mates.append(line)
                members.append(quad)
                grown = True
                break  # the line's ends moved: measure again
    return mates
