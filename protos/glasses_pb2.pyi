from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ClockDomain(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOCK_DOMAIN_UNSPECIFIED: _ClassVar[ClockDomain]
    CLOCK_DOMAIN_DEVICE_MONOTONIC: _ClassVar[ClockDomain]
    CLOCK_DOMAIN_MEDIA: _ClassVar[ClockDomain]
    CLOCK_DOMAIN_HOST_WALL: _ClassVar[ClockDomain]

class Scope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCOPE_UNSPECIFIED: _ClassVar[Scope]
    SCOPE_ASSIST: _ClassVar[Scope]
    SCOPE_HISTORY: _ClassVar[Scope]
    SCOPE_TRAINING: _ClassVar[Scope]
    SCOPE_AUDIO: _ClassVar[Scope]
CLOCK_DOMAIN_UNSPECIFIED: ClockDomain
CLOCK_DOMAIN_DEVICE_MONOTONIC: ClockDomain
CLOCK_DOMAIN_MEDIA: ClockDomain
CLOCK_DOMAIN_HOST_WALL: ClockDomain
SCOPE_UNSPECIFIED: Scope
SCOPE_ASSIST: Scope
SCOPE_HISTORY: Scope
SCOPE_TRAINING: Scope
SCOPE_AUDIO: Scope

class Timestamp(_message.Message):
    __slots__ = ("nanos", "clock")
    NANOS_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    nanos: int
    clock: ClockDomain
    def __init__(self, nanos: _Optional[int] = ..., clock: _Optional[_Union[ClockDomain, str]] = ...) -> None: ...

class ConsentSnapshot(_message.Message):
    __slots__ = ("scopes", "region", "policy_version", "ledger_entry_id")
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    LEDGER_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    scopes: _containers.RepeatedScalarFieldContainer[Scope]
    region: str
    policy_version: str
    ledger_entry_id: str
    def __init__(self, scopes: _Optional[_Iterable[_Union[Scope, str]]] = ..., region: _Optional[str] = ..., policy_version: _Optional[str] = ..., ledger_entry_id: _Optional[str] = ...) -> None: ...

class Box(_message.Message):
    __slots__ = ("x", "y", "w", "h")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    W_FIELD_NUMBER: _ClassVar[int]
    H_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    w: int
    h: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ..., w: _Optional[int] = ..., h: _Optional[int] = ...) -> None: ...

class RedactionFinding(_message.Message):
    __slots__ = ("label", "box", "confidence", "signals", "detector")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_FIELD_NUMBER: _ClassVar[int]
    label: str
    box: Box
    confidence: float
    signals: _containers.RepeatedScalarFieldContainer[str]
    detector: str
    def __init__(self, label: _Optional[str] = ..., box: _Optional[_Union[Box, _Mapping]] = ..., confidence: _Optional[float] = ..., signals: _Optional[_Iterable[str]] = ..., detector: _Optional[str] = ...) -> None: ...

class RedactionReport(_message.Message):
    __slots__ = ("findings", "timings_ms", "sent_pixel_fraction", "fully_masked", "detector_versions", "view_fraction")
    class TimingsMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class DetectorVersionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_MS_FIELD_NUMBER: _ClassVar[int]
    SENT_PIXEL_FRACTION_FIELD_NUMBER: _ClassVar[int]
    FULLY_MASKED_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FRACTION_FIELD_NUMBER: _ClassVar[int]
    findings: _containers.RepeatedCompositeFieldContainer[RedactionFinding]
    timings_ms: _containers.ScalarMap[str, float]
    sent_pixel_fraction: float
    fully_masked: bool
    detector_versions: _containers.ScalarMap[str, str]
    view_fraction: float
    def __init__(self, findings: _Optional[_Iterable[_Union[RedactionFinding, _Mapping]]] = ..., timings_ms: _Optional[_Mapping[str, float]] = ..., sent_pixel_fraction: _Optional[float] = ..., fully_masked: _Optional[bool] = ..., detector_versions: _Optional[_Mapping[str, str]] = ..., view_fraction: _Optional[float] = ...) -> None: ...

class ErrorInfo(_message.Message):
    __slots__ = ("code", "message", "seq")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    seq: int
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("device_id", "consent", "region", "locale", "capabilities", "resume_token", "protocol_version")
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    consent: ConsentSnapshot
    region: str
    locale: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    resume_token: str
    protocol_version: int
    def __init__(self, device_id: _Optional[str] = ..., consent: _Optional[_Union[ConsentSnapshot, _Mapping]] = ..., region: _Optional[str] = ..., locale: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ..., resume_token: _Optional[str] = ..., protocol_version: _Optional[int] = ...) -> None: ...

class RedactedFrame(_message.Message):
    __slots__ = ("seq", "jpeg", "width", "height", "captured_at", "sent_at", "report")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    JPEG_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    CAPTURED_AT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    seq: int
    jpeg: bytes
    width: int
    height: int
    captured_at: Timestamp
    sent_at: Timestamp
    report: RedactionReport
    def __init__(self, seq: _Optional[int] = ..., jpeg: _Optional[bytes] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., captured_at: _Optional[_Union[Timestamp, _Mapping]] = ..., sent_at: _Optional[_Union[Timestamp, _Mapping]] = ..., report: _Optional[_Union[RedactionReport, _Mapping]] = ...) -> None: ...

class Utterance(_message.Message):
    __slots__ = ("seq", "text", "started_at", "ended_at", "language", "confidence", "redactions")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    REDACTIONS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    text: str
    started_at: Timestamp
    ended_at: Timestamp
    language: str
    confidence: float
    redactions: int
    def __init__(self, seq: _Optional[int] = ..., text: _Optional[str] = ..., started_at: _Optional[_Union[Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[Timestamp, _Mapping]] = ..., language: _Optional[str] = ..., confidence: _Optional[float] = ..., redactions: _Optional[int] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("seq", "pcm_s16le", "sample_rate", "captured_at")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    PCM_S16LE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    CAPTURED_AT_FIELD_NUMBER: _ClassVar[int]
    seq: int
    pcm_s16le: bytes
    sample_rate: int
    captured_at: Timestamp
    def __init__(self, seq: _Optional[int] = ..., pcm_s16le: _Optional[bytes] = ..., sample_rate: _Optional[int] = ..., captured_at: _Optional[_Union[Timestamp, _Mapping]] = ...) -> None: ...

class Query(_message.Message):
    __slots__ = ("seq", "text", "frame_seqs", "utterance_seq", "max_tokens", "idempotency_key")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FRAME_SEQS_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_SEQ_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    seq: int
    text: str
    frame_seqs: _containers.RepeatedScalarFieldContainer[int]
    utterance_seq: int
    max_tokens: int
    idempotency_key: str
    def __init__(self, seq: _Optional[int] = ..., text: _Optional[str] = ..., frame_seqs: _Optional[_Iterable[int]] = ..., utterance_seq: _Optional[int] = ..., max_tokens: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class Ack(_message.Message):
    __slots__ = ("seq",)
    SEQ_FIELD_NUMBER: _ClassVar[int]
    seq: int
    def __init__(self, seq: _Optional[int] = ...) -> None: ...

class Goodbye(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class ClientEvent(_message.Message):
    __slots__ = ("hello", "frame", "utterance", "audio", "query", "ack", "goodbye")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    GOODBYE_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    frame: RedactedFrame
    utterance: Utterance
    audio: AudioChunk
    query: Query
    ack: Ack
    goodbye: Goodbye
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., frame: _Optional[_Union[RedactedFrame, _Mapping]] = ..., utterance: _Optional[_Union[Utterance, _Mapping]] = ..., audio: _Optional[_Union[AudioChunk, _Mapping]] = ..., query: _Optional[_Union[Query, _Mapping]] = ..., ack: _Optional[_Union[Ack, _Mapping]] = ..., goodbye: _Optional[_Union[Goodbye, _Mapping]] = ...) -> None: ...

class Ready(_message.Message):
    __slots__ = ("session_id", "resume_token", "protocol_version", "model_id", "image_side")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    RESUME_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_SIDE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    resume_token: str
    protocol_version: int
    model_id: str
    image_side: int
    def __init__(self, session_id: _Optional[str] = ..., resume_token: _Optional[str] = ..., protocol_version: _Optional[int] = ..., model_id: _Optional[str] = ..., image_side: _Optional[int] = ...) -> None: ...

class AnswerDelta(_message.Message):
    __slots__ = ("query_seq", "text", "index")
    QUERY_SEQ_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    query_seq: int
    text: str
    index: int
    def __init__(self, query_seq: _Optional[int] = ..., text: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class AnswerDone(_message.Message):
    __slots__ = ("query_seq", "model_id", "timings_ms", "tokens", "sample_id", "replayed")
    class TimingsMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    QUERY_SEQ_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_MS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    query_seq: int
    model_id: str
    timings_ms: _containers.ScalarMap[str, float]
    tokens: int
    sample_id: str
    replayed: bool
    def __init__(self, query_seq: _Optional[int] = ..., model_id: _Optional[str] = ..., timings_ms: _Optional[_Mapping[str, float]] = ..., tokens: _Optional[int] = ..., sample_id: _Optional[str] = ..., replayed: _Optional[bool] = ...) -> None: ...

class ServerEvent(_message.Message):
    __slots__ = ("ready", "delta", "done", "error", "ack")
    READY_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    ready: Ready
    delta: AnswerDelta
    done: AnswerDone
    error: ErrorInfo
    ack: Ack
    def __init__(self, ready: _Optional[_Union[Ready, _Mapping]] = ..., delta: _Optional[_Union[AnswerDelta, _Mapping]] = ..., done: _Optional[_Union[AnswerDone, _Mapping]] = ..., error: _Optional[_Union[ErrorInfo, _Mapping]] = ..., ack: _Optional[_Union[Ack, _Mapping]] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("prompt", "num_images", "width", "height", "steps", "seed", "consent", "device_id", "guidance", "format")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    NUM_IMAGES_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    num_images: int
    width: int
    height: int
    steps: int
    seed: int
    consent: ConsentSnapshot
    device_id: str
    guidance: float
    format: str
    def __init__(self, prompt: _Optional[str] = ..., num_images: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., steps: _Optional[int] = ..., seed: _Optional[int] = ..., consent: _Optional[_Union[ConsentSnapshot, _Mapping]] = ..., device_id: _Optional[str] = ..., guidance: _Optional[float] = ..., format: _Optional[str] = ...) -> None: ...

class RiffRequest(_message.Message):
    __slots__ = ("image_jpeg", "prompt", "strength", "num_images", "seed", "consent", "device_id", "steps", "guidance", "format")
    IMAGE_JPEG_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    STRENGTH_FIELD_NUMBER: _ClassVar[int]
    NUM_IMAGES_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    image_jpeg: bytes
    prompt: str
    strength: float
    num_images: int
    seed: int
    consent: ConsentSnapshot
    device_id: str
    steps: int
    guidance: float
    format: str
    def __init__(self, image_jpeg: _Optional[bytes] = ..., prompt: _Optional[str] = ..., strength: _Optional[float] = ..., num_images: _Optional[int] = ..., seed: _Optional[int] = ..., consent: _Optional[_Union[ConsentSnapshot, _Mapping]] = ..., device_id: _Optional[str] = ..., steps: _Optional[int] = ..., guidance: _Optional[float] = ..., format: _Optional[str] = ...) -> None: ...

class GeneratedImage(_message.Message):
    __slots__ = ("index", "image", "width", "height", "watermark_id", "safety_blocked", "model_id", "timings_ms", "media_type", "sample_id", "notice", "seed")
    class TimingsMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    INDEX_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_ID_FIELD_NUMBER: _ClassVar[int]
    SAFETY_BLOCKED_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_MS_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    index: int
    image: bytes
    width: int
    height: int
    watermark_id: str
    safety_blocked: bool
    model_id: str
    timings_ms: _containers.ScalarMap[str, float]
    media_type: str
    sample_id: str
    notice: str
    seed: int
    def __init__(self, index: _Optional[int] = ..., image: _Optional[bytes] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., watermark_id: _Optional[str] = ..., safety_blocked: _Optional[bool] = ..., model_id: _Optional[str] = ..., timings_ms: _Optional[_Mapping[str, float]] = ..., media_type: _Optional[str] = ..., sample_id: _Optional[str] = ..., notice: _Optional[str] = ..., seed: _Optional[int] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    def __init__(self, image: _Optional[bytes] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("watermark_found", "watermark_id", "watermark_bit_accuracy", "provenance_found", "provenance_valid", "provenance_summary", "watermark_false_positive_rate", "watermark_transform", "provenance_trusted", "signer", "actions", "ingredients", "soft_binding", "agreement", "failures", "verdict")
    WATERMARK_FOUND_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_ID_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_BIT_ACCURACY_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_FOUND_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_VALID_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_FALSE_POSITIVE_RATE_FIELD_NUMBER: _ClassVar[int]
    WATERMARK_TRANSFORM_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_TRUSTED_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    INGREDIENTS_FIELD_NUMBER: _ClassVar[int]
    SOFT_BINDING_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    watermark_found: bool
    watermark_id: str
    watermark_bit_accuracy: float
    provenance_found: bool
    provenance_valid: bool
    provenance_summary: str
    watermark_false_positive_rate: float
    watermark_transform: str
    provenance_trusted: bool
    signer: str
    actions: _containers.RepeatedScalarFieldContainer[str]
    ingredients: _containers.RepeatedScalarFieldContainer[str]
    soft_binding: str
    agreement: str
    failures: _containers.RepeatedScalarFieldContainer[str]
    verdict: str
    def __init__(self, watermark_found: _Optional[bool] = ..., watermark_id: _Optional[str] = ..., watermark_bit_accuracy: _Optional[float] = ..., provenance_found: _Optional[bool] = ..., provenance_valid: _Optional[bool] = ..., provenance_summary: _Optional[str] = ..., watermark_false_positive_rate: _Optional[float] = ..., watermark_transform: _Optional[str] = ..., provenance_trusted: _Optional[bool] = ..., signer: _Optional[str] = ..., actions: _Optional[_Iterable[str]] = ..., ingredients: _Optional[_Iterable[str]] = ..., soft_binding: _Optional[str] = ..., agreement: _Optional[str] = ..., failures: _Optional[_Iterable[str]] = ..., verdict: _Optional[str] = ...) -> None: ...

class GetConsentRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ConsentState(_message.Message):
    __slots__ = ("snapshot", "available_scopes", "training_regions", "updated_at", "current_policy_version")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_SCOPES_FIELD_NUMBER: _ClassVar[int]
    TRAINING_REGIONS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    snapshot: ConsentSnapshot
    available_scopes: _containers.RepeatedScalarFieldContainer[Scope]
    training_regions: _containers.RepeatedScalarFieldContainer[str]
    updated_at: Timestamp
    current_policy_version: str
    def __init__(self, snapshot: _Optional[_Union[ConsentSnapshot, _Mapping]] = ..., available_scopes: _Optional[_Iterable[_Union[Scope, str]]] = ..., training_regions: _Optional[_Iterable[str]] = ..., updated_at: _Optional[_Union[Timestamp, _Mapping]] = ..., current_policy_version: _Optional[str] = ...) -> None: ...

class UpdateConsentRequest(_message.Message):
    __slots__ = ("grant", "revoke", "region", "policy_version", "reason")
    GRANT_FIELD_NUMBER: _ClassVar[int]
    REVOKE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    grant: _containers.RepeatedScalarFieldContainer[Scope]
    revoke: _containers.RepeatedScalarFieldContainer[Scope]
    region: str
    policy_version: str
    reason: str
    def __init__(self, grant: _Optional[_Iterable[_Union[Scope, str]]] = ..., revoke: _Optional[_Iterable[_Union[Scope, str]]] = ..., region: _Optional[str] = ..., policy_version: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RevokeRequest(_message.Message):
    __slots__ = ("scopes",)
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    scopes: _containers.RepeatedScalarFieldContainer[Scope]
    def __init__(self, scopes: _Optional[_Iterable[_Union[Scope, str]]] = ...) -> None: ...

class DeleteMyDataRequest(_message.Message):
    __slots__ = ("confirm",)
    CONFIRM_FIELD_NUMBER: _ClassVar[int]
    confirm: bool
    def __init__(self, confirm: _Optional[bool] = ...) -> None: ...

class DeleteMyDataResponse(_message.Message):
    __slots__ = ("samples_deleted", "blobs_deleted")
    SAMPLES_DELETED_FIELD_NUMBER: _ClassVar[int]
    BLOBS_DELETED_FIELD_NUMBER: _ClassVar[int]
    samples_deleted: int
    blobs_deleted: int
    def __init__(self, samples_deleted: _Optional[int] = ..., blobs_deleted: _Optional[int] = ...) -> None: ...

class ExportMyDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("seq", "entry_id", "prev_id", "at", "scopes", "region", "policy_version", "actor", "reason", "user_id")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    PREV_ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    seq: int
    entry_id: str
    prev_id: str
    at: Timestamp
    scopes: _containers.RepeatedScalarFieldContainer[Scope]
    region: str
    policy_version: str
    actor: str
    reason: str
    user_id: str
    def __init__(self, seq: _Optional[int] = ..., entry_id: _Optional[str] = ..., prev_id: _Optional[str] = ..., at: _Optional[_Union[Timestamp, _Mapping]] = ..., scopes: _Optional[_Iterable[_Union[Scope, str]]] = ..., region: _Optional[str] = ..., policy_version: _Optional[str] = ..., actor: _Optional[str] = ..., reason: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class LedgerHistoryRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LedgerHistory(_message.Message):
    __slots__ = ("entries", "chain_valid", "chain_entries", "chain_error")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    CHAIN_VALID_FIELD_NUMBER: _ClassVar[int]
    CHAIN_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    CHAIN_ERROR_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    chain_valid: bool
    chain_entries: int
    chain_error: str
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., chain_valid: _Optional[bool] = ..., chain_entries: _Optional[int] = ..., chain_error: _Optional[str] = ...) -> None: ...

class ExportChunk(_message.Message):
    __slots__ = ("data", "offset", "last")
    DATA_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    offset: int
    last: bool
    def __init__(self, data: _Optional[bytes] = ..., offset: _Optional[int] = ..., last: _Optional[bool] = ...) -> None: ...

class ListHistoryRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("sample_id", "created_at", "device_id", "kind", "query_text", "answer_text", "answer_cut", "masked", "view_fraction", "sent_pixel_fraction", "has_frame", "images", "consent")
    class MaskedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    QUERY_TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_CUT_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    VIEW_FRACTION_FIELD_NUMBER: _ClassVar[int]
    SENT_PIXEL_FRACTION_FIELD_NUMBER: _ClassVar[int]
    HAS_FRAME_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    created_at: Timestamp
    device_id: str
    kind: str
    query_text: str
    answer_text: str
    answer_cut: bool
    masked: _containers.ScalarMap[str, int]
    view_fraction: float
    sent_pixel_fraction: float
    has_frame: bool
    images: int
    consent: ConsentSnapshot
    def __init__(self, sample_id: _Optional[str] = ..., created_at: _Optional[_Union[Timestamp, _Mapping]] = ..., device_id: _Optional[str] = ..., kind: _Optional[str] = ..., query_text: _Optional[str] = ..., answer_text: _Optional[str] = ..., answer_cut: _Optional[bool] = ..., masked: _Optional[_Mapping[str, int]] = ..., view_fraction: _Optional[float] = ..., sent_pixel_fraction: _Optional[float] = ..., has_frame: _Optional[bool] = ..., images: _Optional[int] = ..., consent: _Optional[_Union[ConsentSnapshot, _Mapping]] = ...) -> None: ...

class HistoryPage(_message.Message):
    __slots__ = ("entries", "next_page_token", "total")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    next_page_token: str
    total: int
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total: _Optional[int] = ...) -> None: ...

class GetSampleRequest(_message.Message):
    __slots__ = ("sample_id", "without_blobs")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    WITHOUT_BLOBS_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    without_blobs: bool
    def __init__(self, sample_id: _Optional[str] = ..., without_blobs: _Optional[bool] = ...) -> None: ...

class GetBlobRequest(_message.Message):
    __slots__ = ("sample_id", "kind", "index")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    kind: str
    index: int
    def __init__(self, sample_id: _Optional[str] = ..., kind: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class SampleBlob(_message.Message):
    __slots__ = ("data", "media_type")
    DATA_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    media_type: str
    def __init__(self, data: _Optional[bytes] = ..., media_type: _Optional[str] = ...) -> None: ...

class SampleDetail(_message.Message):
    __slots__ = ("entry", "frame_jpeg", "images", "transcript", "consent_entry", "report", "model_id")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    FRAME_JPEG_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    CONSENT_ENTRY_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    entry: HistoryEntry
    frame_jpeg: bytes
    images: _containers.RepeatedScalarFieldContainer[bytes]
    transcript: str
    consent_entry: LedgerEntry
    report: RedactionReport
    model_id: str
    def __init__(self, entry: _Optional[_Union[HistoryEntry, _Mapping]] = ..., frame_jpeg: _Optional[bytes] = ..., images: _Optional[_Iterable[bytes]] = ..., transcript: _Optional[str] = ..., consent_entry: _Optional[_Union[LedgerEntry, _Mapping]] = ..., report: _Optional[_Union[RedactionReport, _Mapping]] = ..., model_id: _Optional[str] = ...) -> None: ...

class DeleteSampleRequest(_message.Message):
    __slots__ = ("sample_id",)
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    def __init__(self, sample_id: _Optional[str] = ...) -> None: ...

class DeleteSampleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDevicesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Device(_message.Message):
    __slots__ = ("device_id", "enrolled_at", "this_device")
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_AT_FIELD_NUMBER: _ClassVar[int]
    THIS_DEVICE_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    enrolled_at: Timestamp
    this_device: bool
    def __init__(self, device_id: _Optional[str] = ..., enrolled_at: _Optional[_Union[Timestamp, _Mapping]] = ..., this_device: _Optional[bool] = ...) -> None: ...

class DeviceList(_message.Message):
    __slots__ = ("devices",)
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    devices: _containers.RepeatedCompositeFieldContainer[Device]
    def __init__(self, devices: _Optional[_Iterable[_Union[Device, _Mapping]]] = ...) -> None: ...

class RevokeDeviceRequest(_message.Message):
    __slots__ = ("device_id",)
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    def __init__(self, device_id: _Optional[str] = ...) -> None: ...

class RevokeDeviceResponse(_message.Message):
    __slots__ = ("tokens_revoked",)
    TOKENS_REVOKED_FIELD_NUMBER: _ClassVar[int]
    tokens_revoked: int
    def __init__(self, tokens_revoked: _Optional[int] = ...) -> None: ...

class PairRequest(_message.Message):
    __slots__ = ("code", "device_id")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    code: str
    device_id: str
    def __init__(self, code: _Optional[str] = ..., device_id: _Optional[str] = ...) -> None: ...

class PairResponse(_message.Message):
    __slots__ = ("token", "device_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    device_id: str
    def __init__(self, token: _Optional[str] = ..., device_id: _Optional[str] = ...) -> None: ...
