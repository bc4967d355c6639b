"""The server's one converter between wire messages and domain types.

Nothing else on the server builds or reads a generated message: servicers
decode a request here, call the domain, and encode the result here.
"""

from __future__ import annotations

from core.errors import ConsentError, InvalidInputError
from core.frames import (
    AnswerDelta,
    AnswerDone,
    ClockDomain,
    ConsentState,
    Hello,
    Query,
    Ready,
    Scope,
    Stamp,
)
from edge.wire import (
    PROTOCOL_VERSION,
    consent_from_pb,
    consent_to_pb,
    report_from_pb,
    stamp_from_pb,
    stamp_to_pb,
)
from protos import glasses_pb2 as pb
from server.domain import (
    Ack,
    ConsentChange,
    Goodbye,
    UploadedAudio,
    UploadedFrame,
    UploadedUtterance,
)
from server.imagine.imaginer import Made
from server.imagine.requests import ImagineAsk
from server.imagine.verify import VerifyReport

# Full names of the contract's services, for health and reflection.
SERVICE_NAMES = [d.full_name for d in pb.DESCRIPTOR.services_by_name.values()]

# ------------------------------------------------------------------ Assistant


def decode_hello(msg: pb.ClientEvent) -> Hello:
    if msg.WhichOneof("event") != "hello":
        raise InvalidInputError("a session must start with a hello event")
    hello = msg.hello
    if not hello.device_id:
        raise InvalidInputError("hello.device_id is empty; send the device's id")
    if hello.protocol_version not in (0, PROTOCOL_VERSION):
        raise InvalidInputError(
            f"protocol version {hello.protocol_version} is not supported; this server speaks "
            f"{PROTOCOL_VERSION}"
        )
    if not hello.HasField("consent"):
        raise ConsentError("hello.consent is required: no consent, no session")
    return Hello(
        hello.device_id,
        consent_from_pb(hello.consent),
        hello.locale,
        tuple(hello.capabilities),
        hello.resume_token,
    )


def client_event_kind(msg: pb.ClientEvent) -> str:
    """Which event a client message holds ("frame", "query", ...; "" when none)."""
    return msg.WhichOneof("event") or ""


def client_event_seq(msg: pb.ClientEvent) -> int:
    """The sequence number of the event a client message holds (0 when it has none)."""
    kind = msg.WhichOneof("event")
    return int(getattr(getattr(msg, kind), "seq", 0)) if kind else 0


def decode_client_event(
    msg: pb.ClientEvent,
) -> UploadedFrame | UploadedUtterance | UploadedAudio | Query | Goodbye | None:
    """An event after the hello; ``None`` for one the server has no use for (an ack)."""
    kind = msg.WhichOneof("event")
    if kind == "frame":
        return decode_frame(msg.frame)
    if kind == "utterance":
        return decode_utterance(msg.utterance)
    if kind == "audio":
        return UploadedAudio(msg.audio.seq, msg.audio.pcm_s16le, msg.audio.sample_rate)
    if kind == "query":
        return decode_query(msg.query)
    if kind == "goodbye":
        return Goodbye(msg.goodbye.reason)
    if kind == "hello":
        raise InvalidInputError("hello was sent twice in one session")
    return None


def decode_frame(msg: pb.RedactedFrame) -> UploadedFrame:
    return UploadedFrame(
        msg.seq,
        msg.jpeg,
        msg.width,
        msg.height,
        stamp_from_pb(msg.captured_at),
        report_from_pb(msg.report),
    )


def decode_utterance(msg: pb.Utterance) -> UploadedUtterance:
    return UploadedUtterance(msg.seq, msg.text, msg.redactions)


def decode_query(msg: pb.Query) -> Query:
    return Query(
        msg.seq,
        msg.text,
        tuple(msg.frame_seqs),
        msg.utterance_seq,
        msg.max_tokens or 64,
        msg.idempotency_key,
    )


def encode_ready(ready: Ready) -> pb.ServerEvent:
    return pb.ServerEvent(
        ready=pb.Ready(
            session_id=ready.session_id,
            resume_token=ready.resume_token,
            protocol_version=PROTOCOL_VERSION,
            model_id=ready.model_id,
            image_side=ready.image_side,
        )
    )


def encode_delta(delta: AnswerDelta) -> pb.ServerEvent:
    return pb.ServerEvent(
        delta=pb.AnswerDelta(query_seq=delta.query_seq, text=delta.text, index=delta.index)
    )


def encode_done(done: AnswerDone) -> pb.ServerEvent:
    return pb.ServerEvent(
        done=pb.AnswerDone(
            query_seq=done.query_seq,
            model_id=done.model_id,
            timings_ms=done.timings_ms,
            tokens=done.tokens,
            sample_id=done.sample_id,
            replayed=done.replayed,
        )
    )


def encode_ack(seq: int) -> pb.ServerEvent:
    return pb.ServerEvent(ack=pb.Ack(seq=seq))


def encode_reply(reply: Ready | Ack | AnswerDelta | AnswerDone) -> pb.ServerEvent:
    """The server event for a session's reply."""
    if isinstance(reply, Ack):
        return encode_ack(reply.seq)
    if isinstance(reply, AnswerDelta):
        return encode_delta(reply)
    if isinstance(reply, AnswerDone):
        return encode_done(reply)
    if isinstance(reply, Ready):
        return encode_ready(reply)
    raise TypeError(f"no server event for {type(reply).__name__}")


def encode_error(code: str, message: str, seq: int = 0) -> pb.ServerEvent:
    """An error event about the client event ``seq`` (0: about the session)."""
    return pb.ServerEvent(error=pb.ErrorInfo(code=code, message=message, seq=seq))


# ------------------------------------------------------------------ Consent


def decode_scopes(values) -> tuple[Scope, ...]:  # noqa: ANN001 - repeated pb.Scope
    unknown = [v for v in values if v not in Scope._value2member_map_]
    if unknown:
        raise InvalidInputError(
            f"unknown scope value(s) {unknown}; use assist, history, training or audio"
        )
    return tuple(Scope(v) for v in values)


def decode_consent_change(msg: pb.UpdateConsentRequest) -> ConsentChange:
    return ConsentChange(
        grant=decode_scopes(msg.grant),
        revoke=decode_scopes(msg.revoke),
        region=msg.region,
        policy_version=msg.policy_version,
        reason=msg.reason,
    )


def decode_revoke(msg: pb.RevokeRequest) -> tuple[Scope, ...]:
    """The scopes to revoke (empty: every scope but assist)."""
    return decode_scopes(msg.scopes)


def decode_delete_confirmed(msg: pb.DeleteMyDataRequest) -> bool:
    return msg.confirm


def wall_stamp(ns: int) -> pb.Timestamp | None:
    return stamp_to_pb(Stamp(ns, ClockDomain.HOST_WALL)) if ns else None


def encode_consent_state(state: ConsentState) -> pb.ConsentState:
    return pb.ConsentState(
        snapshot=consent_to_pb(state.snapshot),
        available_scopes=sorted(int(s) for s in Scope),
        training_regions=list(state.training_regions),
        current_policy_version=state.current_policy,
        updated_at=wall_stamp(state.updated_at_ns),
    )


def encode_deleted(samples: int, blobs: int) -> pb.DeleteMyDataResponse:
    return pb.DeleteMyDataResponse(samples_deleted=samples, blobs_deleted=blobs)


def encode_export_chunk(data: bytes, offset: int, last: bool) -> pb.ExportChunk:
    return pb.ExportChunk(data=data, offset=offset, last=last)


# ------------------------------------------------------------------ Imagine


def _ask(msg: pb.GenerateRequest | pb.RiffRequest, **fields) -> ImagineAsk:
    """The fields both requests share, and ``fields`` of one."""
    return ImagineAsk(
        prompt=msg.prompt,
        count=msg.num_images,
        steps=msg.steps,
        guidance=msg.guidance,
        seed=msg.seed,
        format=msg.format,
        consent=consent_from_pb(msg.consent) if msg.HasField("consent") else None,
        device_id=msg.device_id,
        **fields,
    )


def decode_generate(msg: pb.GenerateRequest) -> ImagineAsk:
    return _ask(msg, width=msg.width, height=msg.height)


def decode_riff(msg: pb.RiffRequest) -> ImagineAsk:
    if not msg.image_jpeg:
        raise InvalidInputError("a riff needs a photo (image_jpeg is empty)")
    return _ask(msg, strength=msg.strength, photo=msg.image_jpeg)


def encode_made(made: Made) -> pb.GeneratedImage:
    image = made.image
    return pb.GeneratedImage(
        index=image.index,
        image=image.data,
        width=image.width,
        height=image.height,
        watermark_id=image.watermark_id,
        safety_blocked=image.blocked,
        model_id=made.model_id,
        timings_ms=image.timings_ms,
        media_type=image.media_type,
        sample_id=made.sample_id,
        notice=image.notice,
        seed=made.seed,
    )


def decode_verify(msg: pb.VerifyRequest) -> bytes:
    return msg.image


def encode_verify(report: VerifyReport) -> pb.VerifyResponse:
    w, m = report.watermark, report.manifest
    return pb.VerifyResponse(
        watermark_found=w.found,
        watermark_id=report.watermark_id,
        watermark_bit_accuracy=w.bit_accuracy,
        provenance_found=m.found,
        provenance_valid=m.valid,
        provenance_summary=m.summary(),
        watermark_false_positive_rate=w.false_positive_rate,
        watermark_transform=w.transform,
        provenance_trusted=m.trusted,
        signer=m.signer,
        actions=list(m.actions),
        ingredients=[
            f"{i.title} ({i.relationship}"
            + (f", watermark {i.soft_binding}" if i.soft_binding else "")
            + ")"
            for i in m.ingredients
        ],
        soft_binding=m.soft_binding or "",
        agreement=report.agreement,
        failures=list(m.failures),
        verdict=report.verdict(),
    )
