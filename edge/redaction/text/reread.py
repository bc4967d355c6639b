"""Lines the detector cut short, read again past their end.

The detector often cuts a small or slanted number short ("38462431153" of
"3846 243115 3541"), and the rest of it would be sent. What counts as cut
short is the rules' to say (:class:`CutText`, ``rules.cards.ShortenedNumber``);
this stage only lengthens the line where ink goes on, and reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from edge.redaction.text.chaining import CHAINING, ChainTuning, chain_lines
from edge.redaction.text.cues import ink
from edge.redaction.text.lines import TextLine, crop_line
from edge.redaction.text.ppocr import TextRecognizer
from edge.redaction.text.reading import read_each


@dataclass(frozen=True)
class RereadTuning:
    """When a line goes on past its end (e261d88: a line is read again only
    where ink goes on, re-reads 30 -> 6 ms a frame; 8c8fcdd: or a finger
    covers it, fresh seeds 2100-2299 leaks 12 -> 10)."""

    # the added part holds ink: ``ink_share`` of the line's own (horizontal
    # gradient energy)
    ink_share: float = 0.25
    # or over ``cover_share`` of its pixels differ from the line's median colour
    # by more than ``cover_unlike`` in a channel (not the card's surface)
    cover_share: float = 0.5
    cover_unlike: int = 48
    # an end lengthened by less than ``min_px`` is not looked at
    min_px: float = 2


REREAD = RereadTuning()


class CutText(Protocol):
    """What the rules look for past a line's ends."""

    def room(self, text: str) -> tuple[int, int]:
        """How many characters to look for before and after ``text`` (0: none)."""
        ...

    def held(self, text: str) -> int:
        """How much of what is sought ``text`` holds (a longer read is better)."""
        ...

    def complete(self, text: str) -> bool:
        """Whether ``text`` holds all of it (else its line is marked ``runs_on``)."""
        ...


def _lengthened(quad: np.ndarray, before: float, after: float) -> np.ndarray:
    tl, tr, br, bl = quad.astype(np.float32)
    along = (tr - tl) / max(float(np.linalg.norm(tr - tl)), 1e-6)
    return np.stack(
        [tl - along * before, tr + along * after, br + along * after, bl - along * before]
    )


def _goes_on(
    bgr: np.ndarray, line: np.ndarray, longer: np.ndarray, tuning: RereadTuning = REREAD
) -> bool:
    """Whether a line's lengthened quad goes on past the line's ends: with ink
    (at least ``ink_share`` of the line's own), or under something that is not the
    line's carrier over most of it (a finger: smooth, but no card's surface).
    Where the carrier is blank the text ended, and reading it again cannot
    find more."""
    tl, tr, br, bl = line.astype(np.float32)
    ltl, ltr, lbr, lbl = longer.astype(np.float32)
    added = [
        np.stack([ltl, tl, bl, lbl]) if np.linalg.norm(tl - ltl) >= tuning.min_px else None,
        np.stack([tr, ltr, lbr, br]) if np.linalg.norm(ltr - tr) >= tuning.min_px else None,
    ]
    crop = crop_line(bgr, line)
    own, carrier = ink(crop), np.median(crop.reshape(-1, 3), axis=0)

    def past(part: np.ndarray) -> bool:
        there = crop_line(bgr, part)
        off_carrier = np.abs(there.reshape(-1, 3) - carrier).max(axis=1) > tuning.cover_unlike
        covered = float(off_carrier.mean()) > tuning.cover_share
        return ink(there) >= tuning.ink_share * own or covered

    return any(part is not None and past(part) for part in added)


def _extended(chain: list[TextLine], sought: CutText) -> dict[int, np.ndarray]:
    """The end fragments of a printed line (``chain``, in reading order) past
    which the rules would look (``sought.room``), each lengthened past that end by
    that many characters of its own width; by position in the chain."""
    before, after = sought.room(" ".join(line.text for line in chain))
    ends = {0: [0.0, 0.0], len(chain) - 1: [0.0, 0.0]}
    ends[0][0] = before * chain[0].length / max(len(chain[0].text), 1)
    ends[len(chain) - 1][1] = after * chain[-1].length / max(len(chain[-1].text), 1)
    return {k: _lengthened(chain[k].quad, b, a) for k, (b, a) in ends.items() if b or a}


def read_cut_again(
    recognizer: TextRecognizer,
    bgr: np.ndarray,
    lines: list[TextLine],
    sought: CutText,
    tuning: RereadTuning = REREAD,
    chaining: ChainTuning = CHAINING,
) -> list[TextLine]:
    """Read again, longer, the end fragments of printed lines past which the
    rules would look (``sought``) where ink or a cover goes on; a longer read
    that holds more replaces the line, and a line still incomplete is marked
    ``runs_on`` ("3740 385990" of "3740 385990 73036", the rest under a finger)."""
    height, width = bgr.shape[:2]
    index = {id(line): k for k, line in enumerate(lines)}
    cut = {
        index[id(chain[k])]: quad
        for chain in chain_lines(lines, chaining)
        for k, quad in _extended(chain, sought).items()
    }
    if not cut:
        return lines
    for quad in cut.values():
        quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
        quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
    cut = {k: quad for k, quad in cut.items() if _goes_on(bgr, lines[k].quad, quad, tuning)}
    if not cut:
        return lines
    again = dict(zip(cut, read_each(recognizer, bgr, list(cut.values())), strict=True))
    out = []
    for k, line in enumerate(lines):
        if k in cut:
            if (longer := again[k]) and sought.held(longer.text) > sought.held(line.text):
                line = longer
            if not sought.complete(line.text):
                line = replace(line, runs_on=True)
        out.append(line)
    return out
