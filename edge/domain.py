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


# ------------------------------------------------------------ the phone app's views


@dataclass(frozen=True)
class HistoryItem:
    """One kept interaction as the wearer's history lists it (redacted text,
    counts of what was masked; never the masked content)."""

    sample_id: str
    created_at_ns: int
    device_id: str
    kind: str  # "question", "imagine" or "riff"
    query_text: str
    answer_text: str
    answer_cut: bool
    masked: dict[str, int]
    view_fraction: float  # share of the camera's view that was sent (0: no frame)
    sent_pixel_fraction: float
    has_frame: bool
    images: int
    scopes: tuple[str, ...]  # the consent in force then
    region: str
    policy_version: str
    ledger_entry_id: str

    def __str__(self) -> str:  # the text is the wearer's: not in logs
        return f"HistoryItem({self.sample_id} {self.kind})"


@dataclass(frozen=True)
class HistoryPage:
    items: tuple[HistoryItem, ...]
    next_token: str  # "": no older page
    total: int = 0  # entries kept in all


@dataclass(frozen=True)
class LedgerRecord:
    """One change of the wearer's consent, with every field its hash covers."""

    seq: int
    entry_id: str
    prev_id: str
    at_ns: int
    scopes: tuple[str, ...]
    region: str
    policy_version: str
    actor: str
    reason: str
    user_id: str


@dataclass(frozen=True)
class LedgerView:
    records: tuple[LedgerRecord, ...]  # oldest first
    chain_valid: bool  # the server's check of the whole ledger, just now
    chain_entries: int
    chain_error: str


@dataclass(frozen=True, eq=False)
class SampleView:
    """One kept interaction in full: the frame exactly as kept, the images as sent."""

    item: HistoryItem
    frame_jpeg: bytes
    images: tuple[bytes, ...]
    transcript: str
    findings: tuple[tuple[str, tuple[int, int, int, int]], ...]  # (label, box) of each mask
    consent_record: LedgerRecord | None
    model_id: str

    def __str__(self) -> str:
        return f"SampleView({self.item.sample_id} frame={len(self.frame_jpeg)}B)"


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    enrolled_at_ns: int
    this_device: bool
