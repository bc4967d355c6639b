"""The ``edge`` configuration section: what runs on the glasses/phone."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.frames import ConsentSnapshot, Scope


class RedactionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_side: int = Field(1280, ge=64, le=8192, description="downscale longer side to this (px)")
    jpeg_quality: int = Field(85, ge=30, le=100)
    time_budget_ms: float = Field(2000.0, gt=0, description="over budget -> fail closed")
    on_failure: Literal["withhold", "mask"] = Field(
        "withhold", description="withhold the frame, or send it fully masked"
    )
    min_digits: int = Field(12, ge=8, le=19, description="digit runs this long are redacted")
    card_groups: bool = Field(True, description="also redact 8+ digits printed in groups of four")
    unreadable_band: bool = Field(
        True,
        description="mask a digit-dense line near card context, and the number band of a "
        "card found by its chip, even when they cannot be read",
    )
    pii: list[Literal["email", "phone", "national_id", "iban"]] = Field(
        ["email", "phone", "national_id", "iban"], description="other personal text to redact"
    )
    pii_region: str = Field("US", pattern=r"^[A-Z]{2}$", description="default phone region")
    faces: bool = Field(True, description="mask faces (CenterFace)")
    face_input_width: int = Field(
        1120,
        ge=160,
        le=1920,
        description="face detector input width; 1120 catches faces from 32 px high in a "
        "1280-wide frame (640 misses a third of those 32-64 px high, at a third of the time)",
    )
    face_hold_frames: int = Field(
        3, ge=0, le=30, description="in a stream, keep a face box this many frames after a miss"
    )
    stream_full_every: int = Field(
        30, ge=1, le=300, description="in a stream, check every detector at least every N frames"
    )
    int8: list[Literal["face", "ocr_det", "ocr_rec"]] = Field(
        ["face"],
        description="models run as int8 copies, built once into models.cache_dir. The face "
        "model is 2x faster at the same recall; the text models, once folded (models/fold.py), "
        "gain only about 1.1x, and as int8 they covered about 6% fewer small card numbers in "
        "bench/redaction.py, so they stay float",
    )
    coarse_side: int = Field(640, ge=320, le=1920, description="text detection resolution")
    fine_pass: bool = Field(True, description="full-resolution pass on small-text regions")
    crop: Literal["none", "centre"] = Field("none", description="send only the focus region")
    crop_fraction: float = Field(0.6, gt=0.1, le=1.0, description="focus region side / frame side")


class ConsentConfig(BaseModel):
    """The consent the device announces in its hello (from the phone app)."""

    model_config = ConfigDict(extra="forbid")

    scopes: list[Literal["assist", "history", "training", "audio"]] = ["assist"]
    region: str = Field("US", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    policy_version: str = "2026-11"

    def snapshot(self, ledger_entry_id: str = "") -> ConsentSnapshot:
        return ConsentSnapshot(
            frozenset(Scope[s.upper()] for s in self.scopes),
            self.region,
            self.policy_version,
            ledger_entry_id,
        )


class VadConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.5, gt=0, lt=1, description="speech probability threshold")
    min_silence_ms: int = Field(400, ge=50, description="silence that ends an utterance")
    speech_pad_ms: int = Field(150, ge=0, description="audio kept before/after speech")
    min_speech_ms: int = Field(250, ge=0, description="shorter blips are ignored")


class AsrConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = "en"
    beam_size: int = Field(1, ge=1, le=10)
    compute_type: Literal["int8", "int8_float32", "float32"] = "int8"


class EdgeConfig(BaseModel):
    """Everything the edge runtime needs; it receives only this section."""

    model_config = ConfigDict(extra="forbid")

    server: str = Field("127.0.0.1:50051", description="host:port of the gRPC server")
    device_id: str = Field("glasses-demo-0001", min_length=1)
    token: str = Field(
        "",
        description="the device's bearer token from enrolment ('glasses consent enrol'); "
        "keep it out of files, e.g. GLASSES__EDGE__TOKEN=...",
        repr=False,
    )
    locale: str = "en-US"
    consent: ConsentConfig = ConsentConfig()
    redaction: RedactionConfig = RedactionConfig()
    vad: VadConfig = VadConfig()
    asr: AsrConfig = AsrConfig()
    frame_buffer_s: float = Field(3.0, gt=0, description="how much recent video is kept")
    frame_sample_hz: float = Field(4.0, gt=0, description="frames kept per second")
    replay_speed: float = Field(
        4.0, gt=0, description="file sources play this many times faster than real time"
    )
    max_answer_tokens: int = Field(48, ge=1, le=4096)
