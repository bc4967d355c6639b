"""Edge-side domain types for what the Imagine service answers (the Converse
stream's frames and the consent state are in ``core/frames.py``). ``edge/wire.py`` builds them from
wire messages; nothing else on the edge reads a message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class GeneratedImage:
    """One image from ``Imagine``: watermarked PNG with its provenance manifest."""

    index: int
    png: bytes
    width: int
    height: int
    watermark_id: str
    safety_blocked: bool
    model_id: str
    timings_ms: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"GeneratedImage(#{self.index} {self.width}x{self.height} {len(self.png)}B)"
