"""Edge-side domain types for what the Imagine service is asked and answers (the
Converse stream's frames and the consent state are in ``core/frames.py``).
``edge/wire.py`` converts them; nothing else on the edge reads a message."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImagineOptions:
    """What to imagine; zero/empty fields take the server's defaults."""

    prompt: str
    count: int = 0  # images (server default 4)
    width: int = 0
    height: int = 0
    steps: int = 0
    guidance: float = 0.0
    seed: int = 0  # 0: the server picks one (and reports it)
    format: str = ""  # "png" or "jpeg"

    def __str__(self) -> str:
        return f"ImagineOptions({len(self.prompt)} chars, n={self.count or 'default'})"


@dataclass(frozen=True, eq=False)
class GeneratedImage:
    """One image from ``Imagine``: watermarked, with its signed provenance manifest,
    or (``safety_blocked``) only a notice."""

    index: int
    data: bytes
    width: int
    height: int
    watermark_id: str
    safety_blocked: bool
    model_id: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    media_type: str = "image/png"
    sample_id: str = ""
    notice: str = ""
    seed: int = 0

    @property
    def extension(self) -> str:
        return "jpg" if self.media_type == "image/jpeg" else "png"

    def __str__(self) -> str:
        state = "withheld" if self.safety_blocked else f"{len(self.data)}B"
        return f"GeneratedImage(#{self.index} {self.width}x{self.height} {state})"


@dataclass(frozen=True)
class Verification:
    """What ``Imagine.Verify`` found in a file: both marks, and whether they agree."""

    watermark_found: bool
    watermark_id: str
    bit_accuracy: float
    false_positive_rate: float
    transform: str
    manifest_found: bool
    manifest_valid: bool
    manifest_trusted: bool
    signer: str
    actions: tuple[str, ...]
    ingredients: tuple[str, ...]
    soft_binding: str
    agreement: str
    failures: tuple[str, ...]
    summary: str
    verdict: str
