"""Server-side domain types: what arrived on the wire, what goes back, and what is logged.

``server/wire.py`` converts between these and the generated messages; nothing
else on the server reads or builds a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.frames import ConsentSnapshot, RedactionReport, Scope, Stamp


@dataclass(frozen=True, eq=False)
class UploadedFrame:
    """A redacted frame as the edge sent it (before the server's re-check)."""

    seq: int
    jpeg: bytes
    width: int
    height: int
    captured_at: Stamp
    report: RedactionReport

    def __str__(self) -> str:
        return f"UploadedFrame(seq={self.seq} {self.width}x{self.height} {len(self.jpeg)}B)"


@dataclass(frozen=True, eq=False)
class UploadedUtterance:
    """A transcript the edge redacted and sent, kept to go with a later query."""

    seq: int
    text: str
    redactions: int

    def __str__(self) -> str:
        return f"UploadedUtterance(seq={self.seq} {len(self.text)} chars)"


@dataclass(frozen=True, eq=False)
class UploadedAudio:
    """Raw audio the edge sent; only acceptable under the ``audio`` scope."""

    seq: int
    pcm_s16le: bytes
    sample_rate: int

    def __str__(self) -> str:
        return f"UploadedAudio(seq={self.seq} {len(self.pcm_s16le)}B sr={self.sample_rate})"


@dataclass(frozen=True)
class Goodbye:
    """The edge ends the session."""

    reason: str = ""


@dataclass(frozen=True)
class Ack:
    """The server holds the frame, utterance or audio chunk numbered ``seq``."""

    seq: int


@dataclass(frozen=True)
class ConsentChange:
    """A user's request to change their own consent (the phone app's settings)."""

    grant: tuple[Scope, ...] = ()
    revoke: tuple[Scope, ...] = ()
    region: str = ""  # empty: unchanged
    policy_version: str = ""  # the version the user saw and accepted
    reason: str = ""


@dataclass(frozen=True)
class Delivery:
    """A question answered once: the user's idempotency key for it, and the sample
    its answer was kept as ("" when consent kept none). Kept so that a repeated
    delivery is replayed, not answered or logged again; it holds no personal
    text. ``tokens`` and ``model_id`` describe the answer as it was generated."""

    user_id: str
    idempotency_key: str
    sample_id: str
    answered_at_ns: int
    expires_at_ns: int
    model_id: str = ""
    tokens: int = 0

    def __str__(self) -> str:
        return f"Delivery(sample={self.sample_id or '-'} tokens={self.tokens})"


@dataclass(frozen=True, eq=False)
class Sample:
    """One logged interaction. ``consent`` is required: no consent, no sample.

    ``expires_at_ns`` is set when no ``history`` or ``training`` consent
    covers the sample: the retention job deletes it then. Frames and
    generated images are stored as content-addressed blobs.
    """

    sample_id: str
    created_at_ns: int
    user_id: str
    device_id: str
    session_id: str
    consent: ConsentSnapshot
    query_text: str
    answer_text: str
    model_id: str
    transcript: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    frame_jpeg: bytes | None = None
    images: tuple[bytes, ...] = ()
    redaction: dict = field(default_factory=dict)
    expires_at_ns: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.consent, ConsentSnapshot):
            raise TypeError("a Sample needs the ConsentSnapshot that covered it")
        if not self.user_id:
            raise TypeError("a Sample needs the (pseudonymous) user it belongs to")

    def blobs(self) -> list[tuple[str, int, bytes]]:
        """(kind, index, bytes) of every blob the sample holds."""
        frame = [("frame", 0, self.frame_jpeg)] if self.frame_jpeg else []
        return frame + [("image", i, png) for i, png in enumerate(self.images)]

    def __str__(self) -> str:
        return f"Sample({self.sample_id} frame={'yes' if self.frame_jpeg else 'no'})"
