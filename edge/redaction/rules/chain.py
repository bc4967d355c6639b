"""A printed line as the rules see it, and what a rule found on it.

The scanner reads fragments; ``chain_lines`` groups those of one printed line.
A :class:`Chain` joins their texts with spaces and keeps, for each character,
which fragment it came from, so a :class:`Span` of the joined text maps back
to polygons on the frame (``Chain.polygons``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.frames import Label
from edge.redaction.text.lines import TextLine

# How far a span's fill reaches past its characters: each side along the line,
# in character pitches, and above and below, as a share of the line's height
# (glyph edges, and a recogniser's positions that sit a little off).
PAD_CHARS = 0.7
PAD_HEIGHT = 0.1


@dataclass(frozen=True)
class Span:
    """What a rule found: characters ``start:end`` of a chain's text, or whole
    ``fragments`` of it (by index), with a label, a confidence and the signals
    that fired."""

    label: Label
    start: int
    end: int
    confidence: float
    signals: tuple[str, ...]
    fragments: tuple[int, ...] = ()


def span_polygon(line: TextLine, start: int, end: int, pad_chars: float = PAD_CHARS) -> np.ndarray:
    """The part of a line's quad that holds characters ``start:end``.

    Uses the recogniser's character positions when it has them (else assumes
    even spacing), widened by ``pad_chars`` characters each side and by
    ``PAD_HEIGHT`` of the line's height up and down so the fill covers glyph edges.
    """
    tl, tr, br, bl = (line.quad[k].astype(np.float32) for k in range(4))
    n = max(len(line.text), 1)
    pos = line.char_positions() or [0.5]
    pitch = (pos[-1] - pos[0]) / (n - 1) if n > 1 else 1.0 / n
    a = max(0.0, pos[start] - pitch * (0.5 + pad_chars))
    b = min(1.0, pos[end - 1] + pitch * (0.5 + pad_chars))
    top_a, top_b = tl + (tr - tl) * a, tl + (tr - tl) * b
    bot_a, bot_b = bl + (br - bl) * a, bl + (br - bl) * b
    grow = PAD_HEIGHT * (bot_a - top_a)
    return np.stack([top_a - grow, top_b - grow, bot_b + grow, bot_a + grow])


class Chain:
    """The fragments of one printed line (in reading order), their text joined by spaces."""

    def __init__(self, lines: Sequence[TextLine], context: bool = False) -> None:
        self.lines = list(lines)
        self.context = context  # card words or an expiry on the line
        parts, where = [], []
        for k, line in enumerate(self.lines):
            if parts:
                parts.append(" ")
                where.append((-1, -1))
            parts.append(line.text)
            where.extend((k, i) for i in range(len(line.text)))
        self.text = "".join(parts)
        self.where = where  # for each character of ``text``: (fragment, index), or (-1, -1)
        self.score = min(line.score for line in self.lines)

    def fragments(self, start: int, end: int) -> set[int]:
        """Which fragments characters ``start:end`` lie on."""
        return {k for k, _ in self.where[start:end] if k >= 0}

    def centre(self) -> np.ndarray:
        return np.mean([line.quad.mean(axis=0) for line in self.lines], axis=0)

    @property
    def height(self) -> float:
        return max(line.height for line in self.lines)

    @property
    def length(self) -> float:
        return sum(line.length for line in self.lines)

    def polygons(self, span: Span) -> list[np.ndarray]:
        """Where ``span`` lies on the frame: one polygon per fragment it touches."""
        if span.fragments:
            return [span_polygon(self.lines[k], 0, len(self.lines[k].text)) for k in span.fragments]
        by_line: dict[int, list[int]] = {}
        for k, i in self.where[span.start : span.end]:
            if k >= 0:
                by_line.setdefault(k, []).append(i)
        return [span_polygon(self.lines[k], min(idx), max(idx) + 1) for k, idx in by_line.items()]

    def span_glyphs(self, start: int, end: int, glyph_width: float) -> float:
        """How many characters ``start:end``'s width would hold at ``glyph_width``
        line heights each, less the separators read in it (a dash or a gap holds
        no digit): a long number the recogniser read short (repeated digits
        merge) shows here."""
        total = 0.0
        for k in self.fragments(start, end):
            line = self.lines[k]
            idx = [i for kk, i in self.where[start:end] if kk == k]
            pos = line.char_positions()
            span = (pos[max(idx)] - pos[min(idx)]) * line.length
            separators = sum(not line.text[i].isalnum() for i in idx)
            total += span / (glyph_width * max(line.height, 1.0)) + 1 - separators
        return total
