"""What of the view a question needs: which part, at what resolution.

A frame goes up at the resolution the server's model looks at (its ``Ready``
says; ``default_side`` before the server has said), cut to the part of the
view the question names ("what is on the left?": the left part), or to the
caller's gaze box where one is given. A question that needs detail ("read
this label") gets the full resolution, where the policy allows it. The
decision is a share of the frame and a side; ``edge/redaction/minimise.py``
applies it to the frame already redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.frames import Box
from edge.config import MinimiseConfig
from edge.redaction.minimise import WHOLE, Share

_WORDS = re.compile(r"[a-z]+")
# the part of the view each named region keeps (left, top, right, bottom)
_SIDES = {
    "left": (0.0, None, None, None),
    "right": (None, None, 1.0, None),
    "top": (None, 0.0, None, None),
    "upper": (None, 0.0, None, None),
    "above": (None, 0.0, None, None),
    "bottom": (None, None, None, 1.0),
    "lower": (None, None, None, 1.0),
    "below": (None, None, None, 1.0),
}
_CENTRE = frozenset({"centre", "center", "middle"})


@dataclass(frozen=True)
class Need:
    """What a question needs of the frame: a share of it, at most ``max_side`` px
    (0: full resolution), and why (for the report)."""

    region: Share
    max_side: int
    why: str


def need(
    question: str,
    config: MinimiseConfig,
    model_side: int,
    gaze: Box | None = None,
    size: tuple[int, int] = (1, 1),
) -> Need:
    """What ``question`` needs of a frame of ``size`` (w, h), the server's model
    looking at ``model_side`` px (0: not known)."""
    if not config.enabled:
        return Need(WHOLE, 0, "minimisation off")
    words = set(_WORDS.findall(question.lower()))
    detail = bool(words & set(config.detail_words)) and config.full_resolution_on_request
    side = 0 if detail else (model_side or config.default_side)
    why = "detail asked for: full resolution" if detail else f"model side {side} px"
    if gaze is not None:
        w, h = size
        region = (gaze.x / w, gaze.y / h, (gaze.x + gaze.w) / w, (gaze.y + gaze.h) / h)
        return Need(_clipped(region), side, why + ", gaze")
    named = [w for w in words if w in _SIDES or w in _CENTRE]
    if not named:
        return Need(WHOLE, side, why)
    return Need(_region(named, config.region_share), side, why + ", " + "+".join(sorted(named)))


def _region(named: list[str], share: float) -> Share:
    """The part of the view the named sides keep: ``share`` of it across each."""
    if any(w in _CENTRE for w in named) and not any(w in _SIDES for w in named):
        margin = (1 - share) / 2
        return (margin, margin, 1 - margin, 1 - margin)
    x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
    for word in named:
        left, top, right, bottom = _SIDES.get(word, (None,) * 4)
        if left is not None:
            x1 = share
        if right is not None:
            x0 = 1 - share
        if top is not None:
            y1 = share
        if bottom is not None:
            y0 = 1 - share
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else WHOLE


def _clipped(region: Share) -> Share:
    x0, y0, x1, y1 = (min(max(v, 0.0), 1.0) for v in region)
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else WHOLE
