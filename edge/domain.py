"""Edge-side domain types for what the unary services answer (the Converse
stream's frames are in ``core/frames.py``). ``edge/wire.py`` builds them from
wire messages; nothing else on the edge reads a message."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.frames import ConsentSnapshot, Scope, Stamp, scope_names


@dataclass(frozen=True)
class ConsentState:
    """The wearer's consent as the server's ledger holds it now."""

    snapshot: ConsentSnapshot
    available_scopes: frozenset[Scope]
    training_regions: tuple[str, ...]  # where training use is offered
    updated_at: Stamp | None = None  # None: never changed (the defaults apply)

    def __str__(self) -> str:
        return (
            f"ConsentState(scopes={','.join(scope_names(self.snapshot.scopes))} "
            f"region={self.snapshot.region} policy={self.snapshot.policy_version})"
        )


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
