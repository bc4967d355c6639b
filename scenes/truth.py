"""What a synthetic scene holds, as ground truth: its numbers, negatives, faces and objects."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Number:
    """A card number placed in the scene: its digits and its quad in the frame."""

    digits: str
    quad: np.ndarray  # (4, 2) tl, tr, br, bl around the printed number
    kind: str  # card | paper | phone
    object_quad: np.ndarray  # the card / paper / screen it is on


@dataclass
class Negative:
    text: str
    quad: np.ndarray
    kind: str  # date | price | time | order | phone | long


@dataclass
class Scene:
    seed: int
    image: np.ndarray
    numbers: list[Number] = field(default_factory=list)
    negatives: list[Negative] = field(default_factory=list)
    faces: list[tuple[float, float, float, float]] = field(default_factory=list)
    objects: list[np.ndarray] = field(default_factory=list)  # quads where redaction is fair


def record_sheet(
    scene: Scene,
    digits: str,
    placed: list[tuple[str, str, np.ndarray]],
    frame_quads: list[np.ndarray],
    sheet: np.ndarray,
    screen: bool,
) -> None:
    """The truth of a receipt, letter or screen laid on the frame at ``sheet``:
    its lines (kind, text, quad on the sheet) at ``frame_quads`` in the frame;
    the "card" line is the card number ``digits``, the others negatives."""
    scene.objects.append(sheet)
    for (kind, text, _), quad in zip(placed, frame_quads, strict=True):
        if kind == "card":
            scene.numbers.append(Number(digits, quad, "phone" if screen else "paper", sheet))
        else:
            scene.negatives.append(Negative(text, quad, kind))
