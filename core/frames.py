"""Typed frames that flow through the edge and across the wire.

Frozen dataclasses; ``__str__`` prints kind, ids and sizes, never payloads
(pixels, audio, text), so a frame can be logged safely.

Privacy by type: only :class:`RedactedImage` and :class:`Utterance` can be
serialised for upload (``edge/wire.py`` accepts nothing else), and both can
only be minted by the redaction code. A :class:`RawImage` or a raw
:class:`Transcript` has no path to the wire.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

import numpy as np


class ClockDomain(IntEnum):
    """Which clock a timestamp was read from (values match the proto enum)."""

    DEVICE_MONOTONIC = 1
    MEDIA = 2  # position within a recording being replayed
    HOST_WALL = 3


@dataclass(frozen=True)
class Stamp:
    """A timestamp that says which clock it came from."""

    nanos: int
    clock: ClockDomain

    @property
    def seconds(self) -> float:
        return self.nanos / 1e9

    @classmethod
    def media(cls, seconds: float) -> Stamp:
        return cls(round(seconds * 1e9), ClockDomain.MEDIA)

    @classmethod
    def now(cls) -> Stamp:
        return cls(time.monotonic_ns(), ClockDomain.DEVICE_MONOTONIC)

    @classmethod
    def wall(cls) -> Stamp:
        return cls(time.time_ns(), ClockDomain.HOST_WALL)


class Scope(IntEnum):
    """Consent scopes (values match the proto enum)."""

    ASSIST = 1
    HISTORY = 2
    TRAINING = 3
    AUDIO = 4


def scope_names(scopes: Iterable[Scope]) -> list[str]:
    """Sorted lower-case names, e.g. ['assist', 'history'] (the text form everywhere)."""
    return sorted(s.name.lower() for s in scopes)


@dataclass(frozen=True)
class ConsentSnapshot:
    """The consent that covered a session or a sample."""

    scopes: frozenset[Scope]
    region: str
    policy_version: str
    ledger_entry_id: str = ""

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes

    def to_dict(self) -> dict:
        return {
            "scopes": scope_names(self.scopes),
            "region": self.region,
            "policy_version": self.policy_version,
            "ledger_entry_id": self.ledger_entry_id,
        }

    def __str__(self) -> str:
        names = ",".join(scope_names(self.scopes))
        return f"ConsentSnapshot(scopes={names} region={self.region} policy={self.policy_version})"


@dataclass(frozen=True)
class ConsentState:
    """A user's consent as the ledger holds it now, as the Consent service tells
    it (both sides of the wire)."""

    snapshot: ConsentSnapshot
    training_regions: tuple[str, ...]  # where training use is offered
    updated_at_ns: int = 0  # host wall clock; 0: never changed (the defaults apply)
    available_scopes: frozenset[Scope] = frozenset(Scope)
    current_policy: str = ""  # the policy version that granting a scope accepts now

    def __str__(self) -> str:
        return f"ConsentState({self.snapshot})"


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        return max(self.w, 0) * max(self.h, 0)


class Label(StrEnum):
    CARD_NUMBER = "card_number"
    FACE = "face"
    EMAIL = "email"
    PHONE = "phone"
    NATIONAL_ID = "national_id"
    IBAN = "iban"
    OTHER_TEXT = "other_text"
    UNCHECKED = "unchecked"  # came into view in a stream and not checked yet: masked


@dataclass(frozen=True)
class Finding:
    """One thing redaction found and removed. Never holds the content itself."""

    label: Label
    box: Box
    confidence: float
    signals: tuple[str, ...] = ()
    detector: str = ""


@dataclass(frozen=True)
class RedactionReport:
    """What redaction did to one frame."""

    findings: tuple[Finding, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    sent_pixel_fraction: float = 1.0
    fully_masked: bool = False
    detector_versions: dict[str, str] = field(default_factory=dict)
    view_fraction: float = 1.0  # share of the camera's view inside what was sent

    def count(self, label: Label) -> int:
        return sum(1 for f in self.findings if f.label == label)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.label.value] = out.get(f.label.value, 0) + 1
        return out

    def to_dict(self) -> dict:
        """Plain JSON-ready form (labels, boxes, signals, timings; never content)."""
        return {
            "counts": self.counts(),
            "findings": [
                {
                    "label": f.label.value,
                    "box": {"x": f.box.x, "y": f.box.y, "w": f.box.w, "h": f.box.h},
                    "confidence": round(f.confidence, 4),
                    "signals": list(f.signals),
                    "detector": f.detector,
                }
                for f in self.findings
            ],
            "timings_ms": self.timings_ms,
            "sent_pixel_fraction": self.sent_pixel_fraction,
            "view_fraction": self.view_fraction,
            "fully_masked": self.fully_masked,
            "detector_versions": self.detector_versions,
        }


@dataclass(frozen=True, eq=False)
class RawImage:
    """A camera frame as captured (BGR uint8). Never leaves the device.

    ``captured_at`` is on the runtime's clock (what the edge compares);
    ``media_at`` is the frame's position in the recording it was replayed from
    (a file or a recorded session), ``None`` for a live camera.
    """

    seq: int
    pixels: np.ndarray
    captured_at: Stamp
    source: str = "camera"
    media_at: Stamp | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    def __str__(self) -> str:
        return (
            f"RawImage(seq={self.seq} {self.width}x{self.height} t={self.captured_at.seconds:.3f})"
        )


# Only edge.redaction holds a reference to this object and passes it when it
# builds a RedactedImage or an Utterance; any other construction raises.
_REDACTION_MINT = object()


class _Minted:
    """Mixin: instances can only be created by the redaction code."""

    def _check_mint(self, mint: object) -> None:
        if mint is not _REDACTION_MINT:
            raise TypeError(
                f"{type(self).__name__} can only be produced by edge.redaction "
                "(redact the frame or text first); refusing to build one directly"
            )


@dataclass(frozen=True, eq=False)
class RedactedImage(_Minted):
    """A frame after redaction: JPEG bytes re-encoded from pixels, no metadata.

    The only image type that ``edge/wire.py`` serialises for upload.
    """

    seq: int
    jpeg: bytes
    width: int
    height: int
    captured_at: Stamp
    report: RedactionReport
    mint: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._check_mint(self.mint)

    def __str__(self) -> str:
        return (
            f"RedactedImage(seq={self.seq} {self.width}x{self.height} {len(self.jpeg)}B "
            f"findings={self.report.counts()} masked={self.report.fully_masked})"
        )


@dataclass(frozen=True, eq=False)
class AudioChunk:
    """Mono float32 samples in [-1, 1] at ``sample_rate``.

    ``captured_at`` is when the first sample was heard, on the runtime's clock;
    ``media_at`` is its position in a replayed recording (``None`` when live).
    """

    seq: int
    samples: np.ndarray
    sample_rate: int
    captured_at: Stamp
    media_at: Stamp | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def __str__(self) -> str:
        return f"AudioChunk(seq={self.seq} n={len(self.samples)} sr={self.sample_rate})"


@dataclass(frozen=True, eq=False)
class SpeechSegment:
    """A stretch of audio the VAD judged to be speech."""

    samples: np.ndarray
    sample_rate: int
    started_at: Stamp
    ended_at: Stamp

    def __str__(self) -> str:
        return (
            f"SpeechSegment({self.started_at.seconds:.2f}-{self.ended_at.seconds:.2f}s "
            f"n={len(self.samples)})"
        )


@dataclass(frozen=True, eq=False)
class Transcript:
    """What on-device ASR heard: raw text, never sent as is."""

    text: str
    started_at: Stamp
    ended_at: Stamp
    language: str
    confidence: float

    def __str__(self) -> str:
        return f"Transcript({len(self.text)} chars lang={self.language})"


@dataclass(frozen=True, eq=False)
class Utterance(_Minted):
    """A transcript after text redaction: the only text type sent upstream."""

    seq: int
    text: str
    started_at: Stamp
    ended_at: Stamp
    language: str
    confidence: float
    redactions: int
    mint: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._check_mint(self.mint)

    def __str__(self) -> str:
        return f"Utterance(seq={self.seq} {len(self.text)} chars redactions={self.redactions})"


@dataclass(frozen=True)
class Query:
    """A question about zero or more frames, built from an utterance."""

    seq: int
    text: str
    frame_seqs: tuple[int, ...]
    utterance_seq: int
    max_tokens: int = 64
    # unique per question, kept across retries: the server answers and logs it once
    idempotency_key: str = ""

    def __str__(self) -> str:
        return f"Query(seq={self.seq} frames={list(self.frame_seqs)} {len(self.text)} chars)"


@dataclass(frozen=True)
class Hello:
    device_id: str
    consent: ConsentSnapshot
    locale: str = "en-US"
    capabilities: tuple[str, ...] = ("text",)
    resume_token: str = ""


@dataclass(frozen=True)
class Ready:
    session_id: str
    resume_token: str
    model_id: str
    image_side: int = 0  # the longest side (px) the model looks at; 0: not known


@dataclass(frozen=True)
class AnswerDelta:
    query_seq: int
    text: str
    index: int

    def __str__(self) -> str:
        return f"AnswerDelta(q={self.query_seq} #{self.index} {len(self.text)} chars)"


@dataclass(frozen=True)
class AnswerDone:
    query_seq: int
    model_id: str
    timings_ms: dict[str, float]
    tokens: int
    sample_id: str = ""
    replayed: bool = False  # answered before (a repeated delivery): not generated again
