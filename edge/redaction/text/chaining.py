"""Fragments of one printed line chained together, and the same line found twice dropped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from core.geometry import quad_size
from edge.redaction.text.lines import TextLine


@dataclass(frozen=True)
class ChainTuning:
    """When read fragments are one printed line, and when two quads are one
    line found twice. The chain limits date from the first cascade (cae0297;
    no sweep recorded) and are looser than joining unread blobs
    (``slant.SlantTuning``): these fragments are text."""

    # fragments of one line: heights within ``chain_height_ratio``, directions
    # within about 26 degrees (cosine ``chain_cosine``), under ``chain_across``
    # heights off the line, under ``chain_gap`` heights apart along it; a
    # fragment ``long_fragment`` heights long says which way its line runs
    chain_height_ratio: float = 1.8
    chain_cosine: float = 0.9
    chain_across: float = 0.6
    chain_gap: float = 4.0
    long_fragment: int = 3
    # two reads that overlap by ``repeat_share`` of the shorter along the line
    # are one stretch read twice, not two parts of it
    repeat_share: float = 0.5
    # a quad with ``dedupe_overlap`` of its area inside a larger one less than
    # ``dedupe_height_ratio`` times as tall is the same line found twice
    # (0.5 -> 0.8: benchmark leaks 1 -> 0, scene 1109, c447b8d; the ratio keeps
    # a line inside a taller block, ed374c2)
    dedupe_overlap: float = 0.8
    dedupe_height_ratio: float = 1.6


CHAINING = ChainTuning()


def _axis(line: TextLine) -> tuple[np.ndarray, np.ndarray, float]:
    """Unit direction along the line, its centre and its height."""
    tl, tr, br, bl = line.quad
    d = (tr - tl) + (br - bl)
    d = d / (np.linalg.norm(d) + 1e-6)
    return d, line.quad.mean(axis=0), max(line.height, 1.0)


def off_line(offset: np.ndarray, direction: np.ndarray) -> float:
    """How far ``offset`` lies off a line running along the unit ``direction``."""
    return abs(float(offset[0] * -direction[1] + offset[1] * direction[0]))


def linked_groups(n: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """Indices ``0..n-1`` grouped by the transitive closure of ``linked(i, j)``
    (asked once per pair, ``i < j``), each group in increasing order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if linked(i, j):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def chain_lines(lines: Sequence[TextLine], tuning: ChainTuning = CHAINING) -> list[list[TextLine]]:
    """Group fragments of one printed line (split by wide gaps or a finger) in reading order."""
    t = tuning
    axes = [_axis(line) for line in lines]
    longer = [line.length >= t.long_fragment * line.height for line in lines]

    def linked(i: int, j: int) -> bool:
        di, ci, hi = axes[i]
        dj, cj, hj = axes[j]
        if max(hi, hj) > t.chain_height_ratio * min(hi, hj) or abs(float(di @ dj)) < (
            t.chain_cosine
        ):
            return False
        h = max(hi, hj)
        offset = cj - ci
        # off the line measured from both fragments' axes: from only one, the
        # answer would depend on which of the two is asked first. But a group
        # of a few digits says little about the line's direction (its quad
        # may sit level on a slanted line): where only one of the two is three
        # heights long, its axis alone decides
        if longer[i] != longer[j]:
            across = off_line(offset, di if longer[i] else dj)
        else:
            across = max(off_line(offset, di), off_line(offset, dj))
        if across > t.chain_across * h:
            return False
        # gap between the two fragments along the line
        pi = [float(p @ di) for p in lines[i].quad]
        pj = [float(p @ di) for p in lines[j].quad]
        return max(min(pj) - max(pi), min(pi) - max(pj)) < t.chain_gap * h

    def span(k: int, d: np.ndarray) -> tuple[float, float]:
        along = [float(p @ d) for p in lines[k].quad]
        return min(along), max(along)

    def repeats(k: int, j: int, d: np.ndarray) -> bool:
        (a0, a1), (b0, b1) = span(k, d), span(j, d)
        return min(a1, b1) - max(a0, b0) > t.repeat_share * min(a1 - a0, b1 - b0)

    chains = []
    for members in linked_groups(len(lines), linked):
        d = axes[members[0]][0]
        # Two reads of the same stretch of a line (both passes found it, offset
        # too far for ``dedupe``) are not two parts of it: joined, a date would
        # read as a 16-digit number. The longer read stays (before reading, the
        # longer fragment: a short one below it must not take its place); a
        # repeat stands alone.
        kept: list[int] = []
        for k in sorted(members, key=lambda k: (-len(lines[k].text), -lines[k].length)):
            if any(repeats(k, j, d) for j in kept):
                chains.append([lines[k]])
            else:
                kept.append(k)
        kept.sort(key=lambda k: float(axes[k][1] @ d))
        chains.append([lines[k] for k in kept])
    return chains


def dedupe(quads: list[np.ndarray], tuning: ChainTuning = CHAINING) -> list[np.ndarray]:
    """Drop a quad mostly inside (``dedupe_overlap`` of its area) a larger one of about
    its height (the same line found by both passes); reading it twice would
    join the line with itself into a longer number. A line inside a block of
    several lines is kept, and so is a thin line that runs on well past a
    thicker piece of it (a whole number beside its first half, found taller):
    dropped, the rest of the number would go unread."""
    areas = [abs(cv2.contourArea(q)) for q in quads]
    heights = [min(quad_size(q)) for q in quads]
    order = sorted(range(len(quads)), key=lambda k: -areas[k])
    kept: list[int] = []
    for k in order:
        small = quads[k].astype(np.float32)
        if areas[k] <= 0:
            continue
        if any(
            heights[j] < tuning.dedupe_height_ratio * heights[k]
            and cv2.intersectConvexConvex(small, quads[j].astype(np.float32))[0]
            > tuning.dedupe_overlap * areas[k]
            for j in kept
        ):
            continue
        kept.append(k)
    return [quads[k] for k in sorted(kept)]
