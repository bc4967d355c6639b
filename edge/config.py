"""The ``edge`` configuration section: what runs on the glasses/phone."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.frames import ConsentSnapshot, Scope
from edge.redaction.faces import CENTERFACE, YUNET
from edge.redaction.redactor import RedactionPolicy
from edge.redaction.rules.analyzer import TextRules
from edge.redaction.rules.pii import PiiKind
from edge.redaction.text.tuning import TEXT

# Defaults are declared once, by the engine's policy objects (``RedactionPolicy``,
# ``TextRules``, the tunings); the config reads them, and ``edge.components``
# builds those objects from this section (``RedactionConfig.policy``, ``.rules``).
_POLICY, _RULES = RedactionPolicy(), TextRules()


class RedactionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_side: int = Field(
        _POLICY.max_side, ge=64, le=8192, description="downscale longer side to this (px)"
    )
    jpeg_quality: int = Field(_POLICY.jpeg_quality, ge=30, le=100)
    time_budget_ms: float = Field(
        _POLICY.time_budget_ms, gt=0, description="over budget -> fail closed"
    )
    on_failure: Literal["withhold", "mask"] = Field(
        _POLICY.on_failure, description="withhold the frame, or send it fully masked"
    )
    min_digits: int = Field(
        _RULES.min_digits, ge=8, le=19, description="digit runs this long are redacted"
    )
    card_groups: bool = Field(
        _RULES.card_groups, description="also redact 8+ digits printed in groups of four"
    )
    unreadable_band: bool = Field(
        _RULES.unreadable_band,
        description="mask a digit-dense line near card context, and the number band of a "
        "card found by its chip, even when they cannot be read",
    )
    pii: list[Literal["email", "phone", "national_id", "iban"]] = Field(
        [k.value for k in PiiKind if k in _RULES.pii], description="other personal text to redact"
    )
    pii_region: str = Field(
        _RULES.pii_region, pattern=r"^[A-Z]{2}$", description="default phone region"
    )
    faces: bool = Field(True, description="mask faces (CenterFace, and YuNet beside it)")
    face_input_width: int = Field(
        CENTERFACE.input_width,
        ge=160,
        le=1920,
        description="CenterFace's input width; beside YuNet, 960 misses no more faces than "
        "1120 for 20 ms less (alone, 1120 catches faces from 32 px high in a 1280-wide frame "
        "and 640 misses a third of those 32-64 px high)",
    )
    face_second_scale: float = Field(
        YUNET.scale,
        ge=0,
        le=3,
        description="the second face model (YuNet) sees the frame scaled by this, its boxes "
        "unioned with CenterFace's; 0 turns it off. 2 finds most of the small, tinted, "
        "rotated or blurred faces CenterFace misses (1.5: twice the misses of 32-64 px, "
        "for half the time; docs/REDACTION.md)",
    )
    face_hold_frames: int = Field(
        _POLICY.face_hold_frames,
        ge=0,
        le=30,
        description="in a stream, keep a face box this many frames after a miss",
    )
    stream_full_every: int = Field(
        _POLICY.stream_full_every,
        ge=1,
        le=300,
        description="in a stream, check every detector at least every N frames",
    )
    int8: list[Literal["face", "ocr_det", "ocr_rec"]] = Field(
        ["face"],
        description="models run as int8 copies, built once into models.cache_dir. The face "
        "model is 2x faster at the same recall; the text models, once folded (models/fold.py), "
        "gain only about 1.1x, and as int8 they covered about 6% fewer small card numbers in "
        "bench/redaction.py, so they stay float",
    )
    coarse_side: int = Field(
        TEXT.coarse_side, ge=320, le=1920, description="text detection resolution"
    )
    fine_pass: bool = Field(True, description="full-resolution pass on small-text regions")
    crop: Literal["none", "centre"] = Field(_POLICY.crop, description="send only the focus region")
    crop_fraction: float = Field(
        _POLICY.crop_fraction, gt=0.1, le=1.0, description="focus region side / frame side"
    )

    def policy(self) -> RedactionPolicy:
        """The redactor's policy: this section's values for its fields."""
        return _from_section(RedactionPolicy, self)

    def rules(self) -> TextRules:
        """The text rules: this section's values for their fields."""
        rules = _from_section(TextRules, self)
        return replace(rules, pii=frozenset(PiiKind(k) for k in self.pii))


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
    early_ms: int = Field(
        96,
        ge=0,
        description="after this much silence the utterance so far is transcribed already; "
        "if no speech follows before the end-point, that transcript is used (0: off). "
        "bench/question_latency.py, 24 spoken questions, end of speech -> sent p50/p95: "
        "160 ms 590/864 ms (28 transcriptions), 96 ms 505/887 (37), 64 ms 529/811 (44: "
        "more pauses inside sentences transcribed for nothing)",
    )
    speech_pad_ms: int = Field(150, ge=0, description="audio kept before/after speech")
    min_speech_ms: int = Field(250, ge=0, description="shorter blips are ignored")


class AsrConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = "en"
    beam_size: int = Field(1, ge=1, le=10)
    compute_type: Literal["int8", "int8_float32", "float32"] = "int8"
    temperatures: list[float] = Field(
        [0.0],
        min_length=1,
        description="decoding temperatures, tried in turn while a result looks unreliable "
        "(faster-whisper's fallback: log-probability under -1, or repetitive). Each retry is a "
        "whole decode again (on a noisy 1 s 'hey glasses' five retries took 1.5-1.9 s instead "
        "of 0.3 s, holding up the question behind it) and samples at random, so the same "
        "audio could be heard differently twice: on the device, one greedy pass",
    )


class MinimiseConfig(BaseModel):
    """How little of a frame goes up (``edge/focus.py``)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="send only what the question needs")
    default_side: int = Field(
        512,
        ge=64,
        description="the longest side sent before the server has said what its model uses",
    )
    full_resolution_on_request: bool = Field(
        True, description="a question that needs detail ('read this label') gets full resolution"
    )
    detail_words: list[str] = Field(
        [
            "read",
            "reading",
            "label",
            "written",
            "writing",
            "says",
            "say",
            "text",
            "print",
            "sign",
            "tiny",
            "zoom",
            "detail",
            "details",
            "spell",
        ],
        description="words that make a question one that needs detail",
    )
    region_share: float = Field(
        0.6, gt=0.2, le=1.0, description="a named side ('on the left') keeps this share across"
    )


class SpeakConfig(BaseModel):
    """Answers spoken as they stream in (``edge/speaker.py``)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="speak answers through espeak-ng")
    voice: str = Field("en-us", description="an espeak-ng voice ('espeak-ng --voices')")
    words_per_minute: int = Field(175, ge=80, le=450)


class UplinkConfig(BaseModel):
    """How long the edge waits for the server before a question is given up
    (each wait has a deadline; a question that misses one fails on its own,
    the session goes on)."""

    model_config = ConfigDict(extra="forbid")

    ready_s: float = Field(10.0, gt=0, description="hello -> ready")
    ack_s: float = Field(10.0, gt=0, description="an upload -> its ack, where one is awaited")
    first_token_s: float = Field(
        30.0,
        gt=0,
        description="query sent -> first answer token: the server's re-check (2 s budget) "
        "and the model's prefill on a busy server",
    )
    idle_s: float = Field(15.0, gt=0, description="one answer token -> the next")
    answer_wait_s: float = Field(
        60.0,
        gt=0,
        description="how long the wearer's question waits for the link before it is left "
        "queued in the outbox (sent when the link returns, its answer in the history)",
    )
    reconnect_base_s: float = Field(
        0.1, gt=0, description="first reconnect delay; it doubles per failed try"
    )
    reconnect_max_s: float = Field(
        0.5,
        gt=0,
        description="reconnect delay cap (with equal jitter: 0.25-0.5 s between tries): a "
        "server back up is found within about half a second (bench/resilience.py: at 1 s "
        "the median reconnect was 0.8-1.1 s), and glasses retrying do not beat it in step",
    )
    drain_s: float = Field(
        10.0,
        ge=0,
        description="when the sources end, how long questions still kept may go up before "
        "the edge stops (what is left stays in the outbox for the next start)",
    )
    keepalive_s: float = Field(
        10.0, gt=0, description="HTTP/2 pings this often find a dead link while idle"
    )
    outbox: str = Field(
        "~/.local/state/glasses/outbox.sqlite",
        description="the on-device outbox: questions kept until answered (redacted only)",
    )


class VoiceImagineConfig(BaseModel):
    """Spoken requests to imagine ("imagine a lighthouse", "imagine this as a
    watercolour": ``edge/intent.py``) go to the server's Imagine service."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="off: every utterance is a question about the view")
    images: int = Field(0, ge=0, le=8, description="images per request (0: the server's, 4)")
    riff_side: int = Field(
        1024,
        ge=256,
        le=4096,
        description="'imagine this as …': the redacted view goes up at most this many px a "
        "side (the server sizes it for its model, at most 1280)",
    )
    timeout_s: float = Field(300.0, gt=0, description="how long a request waits for its last image")
    folder: str = Field(
        "~/Pictures/glasses",
        description="where 'glasses edge' saves the images (each keeps its signed manifest)",
    )


class ReopenConfig(BaseModel):
    """How a live camera or microphone that stopped mid-run is reopened
    (``edge.reopen``; ``edge/sources/reopen.py``)."""

    model_config = ConfigDict(extra="forbid")

    first_delay_s: float = Field(0.5, ge=0, description="wait before the first try")
    factor: float = Field(2.0, ge=1, description="each failed try multiplies the wait by this")
    max_delay_s: float = Field(8.0, ge=0, description="the wait never grows past this")
    max_tries: int | None = Field(
        20, ge=1, description="failed tries in a row before the source gives up (empty: never)"
    )
    jitter: float = Field(
        0.5,
        ge=0,
        le=1,
        description="share of each wait drawn at random, so glasses that lost one stream "
        "server together do not retry in step",
    )


class ActivationConfig(BaseModel):
    """When an utterance may be sent: nothing is, unless the wearer asked
    (``edge.activation``). Times are seconds."""

    model_config = ConfigDict(extra="forbid")

    wake: bool = Field(True, description="spot the wake phrase in the on-device transcript")
    wake_phrase: str = Field(
        "hey glasses",
        min_length=2,
        pattern=r"[A-Za-z]",
        description="said at the start of a question (after at most two fillers such as 'um')",
    )
    tolerance: float = Field(
        0.25,
        ge=0,
        le=0.5,
        description="ASR variants accepted, per wake word: weighted letter edits up to this "
        "share of its letters (a vowel or a like-sounding consonant costs 0.5, another letter "
        "1). 0.25 takes 'hay glass', 'hey classes', 'he glasses'; not 'his glasses', 'hey "
        "class', 'hi glasses' (bench/activation.py)",
    )
    question_window_s: float = Field(
        5.0,
        ge=0,
        le=30,
        description="after the wake phrase said alone, or a push-to-talk tap, the next "
        "utterance that starts within this is the question",
    )
    follow_up_s: float = Field(
        5.0,
        ge=0,
        le=60,
        description="after an answer ends, one utterance that starts within this is sent "
        "without the wake phrase; 0 turns follow-ups off",
    )
    heard_min_log_prob: float | None = Field(
        -6.0,
        le=0,
        description="when the transcript does not start with the wake phrase and nothing else "
        "activates the utterance, Whisper is asked again on the same audio how likely the wake "
        "phrase is as its first words (natural log, forced decoding): at least this, and it is "
        "sent with what Whisper hears after the phrase. Set where no utterance without the "
        "phrase reached, on two synthesisers (bench/activation.py): flite voices (--calibrate; "
        "likeliest -8.21, 'Hey, classic cars') and espeak-ng's development voices ('Eyeglasses "
        "are much cheaper' -6.99 and 'Hey Gladys' -7.13 were sent at -7.5). At -6.0 recall "
        "rose from 22.5 to 70 % on flite and from 67.5 to 82.5 % on espeak-ng. A transcript "
        "that only comes close to the phrase ('Hey, glass') is sent only when the same score "
        "confirms it: Whisper writes 'Hey, glass' for 'Hey, class' (-8.5 to -10.7 on four "
        "voices; 'hey glasses' said: -1.1 to -2.9). Empty: the transcript alone decides",
    )
    prime_asr: bool = Field(
        False,
        description="give Whisper the wake phrase as hotwords. It then writes 'hey glasses' "
        "where it wrote 'Hey, Glassen' or 'take lesson' (espeak-ng questions sent: 85 % "
        "instead of 67.5 %), but also for 'Hey Gladys', 'Hey Lassie' and 'Hey, classic cars' "
        "(3 false uploads in 10 min of speech, against 0): off, as nothing may leave unasked "
        "(bench/activation.py, development set)",
    )

    def hotwords(self) -> str | None:
        """What the transcriber is nudged towards (``build_transcriber``)."""
        return self.wake_phrase if self.wake and self.prime_asr else None


class EdgeConfig(BaseModel):
    """Everything the edge runtime needs; it receives only this section."""

    model_config = ConfigDict(extra="forbid")

    server: str = Field("127.0.0.1:50051", description="host:port of the gRPC server")
    tls_ca: Path | None = Field(
        None,
        description="PEM file of the CA that signed the server's certificate: the ca.pem that "
        "'glasses certs' wrote, or that the server created in its state folder "
        "(store.path/tls) on first start; empty: the system's trusted CAs",
    )
    plaintext: bool = Field(
        False,
        description="talk to the server without TLS; allowed only to a loopback address "
        "(127.0.0.1, ::1, localhost) and refused before connecting otherwise",
    )
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
    uplink: UplinkConfig = UplinkConfig()
    minimise: MinimiseConfig = MinimiseConfig()
    speak: SpeakConfig = SpeakConfig()
    activation: ActivationConfig = ActivationConfig()
    reopen: ReopenConfig = ReopenConfig()
    imagine: VoiceImagineConfig = VoiceImagineConfig()
    frame_buffer_s: float = Field(3.0, gt=0, description="how much recent video is kept")
    frame_sample_hz: float = Field(4.0, gt=0, description="frames kept per second")
    control_socket: str = Field(
        "~/.local/state/glasses/control.sock",
        description="the local control socket (push-to-talk from the phone app: 'glasses ptt')",
    )
    replay_speed: float = Field(
        4.0, gt=0, description="file sources play this many times faster than real time"
    )
    max_answer_tokens: int = Field(48, ge=1, le=4096)


def _from_section(cls: type, section: BaseModel) -> object:
    """``cls`` (a dataclass) with every field the section also has taken from it."""
    names = set(type(section).model_fields)
    return cls(**{f.name: getattr(section, f.name) for f in fields(cls) if f.name in names})
