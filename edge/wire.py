"""The edge's one converter between domain frames and wire messages.

Only :class:`RedactedImage` and :class:`Utterance` become uploadable
messages; anything else handed to :func:`encode_frame` or
:func:`encode_utterance` is refused, so a raw frame cannot reach the wire.
The shared helpers (stamps, consent, reports) are reused by ``server/wire.py``.
The unary services' requests and answers (Consent, Imagine, and the phone
app's History and Devices) are converted here too, so no other edge or
glasses module touches a generated message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.frames import (
    AnswerDelta,
    AnswerDone,
    Box,
    ClockDomain,
    ConsentSnapshot,
    ConsentState,
    Finding,
    Hello,
    Label,
    Query,
    Ready,
    RedactedImage,
    RedactionReport,
    Scope,
    Stamp,
    Utterance,
)
from edge.domain import (
    GeneratedImage,
    ImagineOptions,
    Verification,
)
from edge.redaction.transcripts import redact_string
from protos import glasses_pb2 as pb

PROTOCOL_VERSION = 1


# ------------------------------------------------------------ shared helpers


def stamp_to_pb(stamp: Stamp) -> pb.Timestamp:
    return pb.Timestamp(nanos=stamp.nanos, clock=int(stamp.clock))


def stamp_from_pb(msg: pb.Timestamp) -> Stamp:
    clock = msg.clock if msg.clock in ClockDomain._value2member_map_ else ClockDomain.HOST_WALL
    return Stamp(msg.nanos, ClockDomain(clock))


def consent_to_pb(consent: ConsentSnapshot) -> pb.ConsentSnapshot:
    return pb.ConsentSnapshot(
        scopes=sorted(int(s) for s in consent.scopes),
        region=consent.region,
        policy_version=consent.policy_version,
        ledger_entry_id=consent.ledger_entry_id,
    )


def consent_from_pb(msg: pb.ConsentSnapshot) -> ConsentSnapshot:
    scopes = frozenset(Scope(s) for s in msg.scopes if s in Scope._value2member_map_)
    return ConsentSnapshot(scopes, msg.region, msg.policy_version, msg.ledger_entry_id)


def report_to_pb(report: RedactionReport) -> pb.RedactionReport:
    return pb.RedactionReport(
        findings=[
            pb.RedactionFinding(
                label=f.label.value,
                box=pb.Box(x=f.box.x, y=f.box.y, w=f.box.w, h=f.box.h),
                confidence=f.confidence,
                signals=list(f.signals),
                detector=f.detector,
            )
            for f in report.findings
        ],
        timings_ms=report.timings_ms,
        sent_pixel_fraction=report.sent_pixel_fraction,
        view_fraction=report.view_fraction,
        fully_masked=report.fully_masked,
        detector_versions=report.detector_versions,
    )


def report_from_pb(msg: pb.RedactionReport) -> RedactionReport:
    findings = []
    for f in msg.findings:
        label = Label(f.label) if f.label in Label._value2member_map_ else Label.OTHER_TEXT
        findings.append(
            Finding(
                label,
                Box(f.box.x, f.box.y, f.box.w, f.box.h),
                f.confidence,
                tuple(f.signals),
                f.detector,
            )
        )
    return RedactionReport(
        tuple(findings),
        dict(msg.timings_ms),
        msg.sent_pixel_fraction,
        msg.fully_masked,
        dict(msg.detector_versions),
        msg.view_fraction,
    )


# ------------------------------------------------------------ client events


def encode_hello(hello: Hello) -> pb.ClientEvent:
    return pb.ClientEvent(
        hello=pb.Hello(
            device_id=hello.device_id,
            consent=consent_to_pb(hello.consent),
            region=hello.consent.region,
            locale=hello.locale,
            capabilities=list(hello.capabilities),
            resume_token=hello.resume_token,
            protocol_version=PROTOCOL_VERSION,
        )
    )


def encode_frame(image: RedactedImage) -> pb.ClientEvent:
    if not isinstance(image, RedactedImage):
        raise TypeError(f"only a RedactedImage can be uploaded, not {type(image).__name__}")
    return pb.ClientEvent(
        frame=pb.RedactedFrame(
            seq=image.seq,
            jpeg=image.jpeg,
            width=image.width,
            height=image.height,
            captured_at=stamp_to_pb(image.captured_at),
            sent_at=stamp_to_pb(Stamp.now()),
            report=report_to_pb(image.report),
        )
    )


def encode_utterance(utterance: Utterance) -> pb.ClientEvent:
    if not isinstance(utterance, Utterance):
        raise TypeError(
            f"only a redacted Utterance can be uploaded, not {type(utterance).__name__}"
        )
    return pb.ClientEvent(
        utterance=pb.Utterance(
            seq=utterance.seq,
            text=utterance.text,
            started_at=stamp_to_pb(utterance.started_at),
            ended_at=stamp_to_pb(utterance.ended_at),
            language=utterance.language,
            confidence=utterance.confidence,
            redactions=utterance.redactions,
        )
    )


def encode_query(query: Query) -> pb.ClientEvent:
    return pb.ClientEvent(
        query=pb.Query(
            seq=query.seq,
            text=query.text,
            frame_seqs=list(query.frame_seqs),
            utterance_seq=query.utterance_seq,
            max_tokens=query.max_tokens,
            idempotency_key=query.idempotency_key,
        )
    )


def question_events(frame: RedactedImage | None, utterance: Utterance, query: Query) -> list[bytes]:
    """A question as it goes up, serialised (what the outbox keeps): its frame
    (if any), its utterance and its query. Only redacted types encode."""
    events = [] if frame is None else [encode_frame(frame)]
    events += [encode_utterance(utterance), encode_query(query)]
    return [e.SerializeToString() for e in events]


def renumbered(events: list[bytes], next_seq: Callable[[], int]) -> list[pb.ClientEvent]:
    """A kept question's events (:func:`question_events`) with fresh sequence
    numbers for the session that delivers them; the query names the new ones."""
    out = [pb.ClientEvent.FromString(e) for e in events]
    *uploads, query = out
    frames = []
    for msg in uploads:
        kind = msg.WhichOneof("event")
        getattr(msg, kind).seq = next_seq()
        if kind == "frame":
            frames.append(msg.frame.seq)
        elif kind == "utterance":
            query.query.utterance_seq = msg.utterance.seq
    query.query.seq = next_seq()
    query.query.ClearField("frame_seqs")
    query.query.frame_seqs.extend(frames)
    return out


def encode_goodbye(reason: str = "done") -> pb.ClientEvent:
    return pb.ClientEvent(goodbye=pb.Goodbye(reason=reason))


# ------------------------------------------------------------ server events


def decode_server_event(msg: pb.ServerEvent):
    """A domain object for each server event: Ready, AnswerDelta, AnswerDone,
    ``("ack", seq)`` or ``("error", code, message, seq)`` (seq 0: about the session)."""
    kind = msg.WhichOneof("event")
    if kind == "ready":
        r = msg.ready
        return Ready(r.session_id, r.resume_token, r.model_id, r.image_side)
    if kind == "delta":
        return AnswerDelta(msg.delta.query_seq, msg.delta.text, msg.delta.index)
    if kind == "done":
        d = msg.done
        return AnswerDone(
            d.query_seq, d.model_id, dict(d.timings_ms), d.tokens, d.sample_id, d.replayed
        )
    if kind == "ack":
        return ("ack", msg.ack.seq)
    if kind == "error":
        return ("error", msg.error.code, msg.error.message, msg.error.seq)
    raise ValueError(f"unknown server event {kind!r}")


# ------------------------------------------------------------ Consent


def encode_get_consent() -> pb.GetConsentRequest:
    return pb.GetConsentRequest()


def encode_consent_update(
    grant: Iterable[Scope] = (),
    revoke: Iterable[Scope] = (),
    region: str = "",
    policy_version: str = "",
    reason: str = "",
) -> pb.UpdateConsentRequest:
    return pb.UpdateConsentRequest(
        grant=[int(s) for s in grant],
        revoke=[int(s) for s in revoke],
        region=region,
        policy_version=policy_version,
        reason=reason,
    )


def decode_consent_state(msg: pb.ConsentState) -> ConsentState:
    return ConsentState(
        consent_from_pb(msg.snapshot),
        tuple(msg.training_regions),
        stamp_from_pb(msg.updated_at).nanos if msg.HasField("updated_at") else 0,
        frozenset(Scope(s) for s in msg.available_scopes if s in Scope._value2member_map_),
        msg.current_policy_version,
    )


# ------------------------------------------------------------ Imagine


def _imagine_fields(options: ImagineOptions, device_id: str) -> dict:
    """What both Imagine requests carry. The prompt is redacted here, on the device,
    as the contract says: a card number or an e-mail said into a prompt never leaves."""
    text, _ = redact_string(options.prompt)
    return {
        "prompt": text,
        "num_images": options.count,
        "steps": options.steps,
        "seed": options.seed,
        "device_id": device_id,
        "guidance": options.guidance,
        "format": options.format,
    }


def encode_generate(options: ImagineOptions, device_id: str = "") -> pb.GenerateRequest:
    """An Imagine request, its prompt redacted."""
    fields = _imagine_fields(options, device_id)
    return pb.GenerateRequest(width=options.width, height=options.height, **fields)


def encode_riff(
    photo: RedactedImage, options: ImagineOptions, strength: float = 0.0, device_id: str = ""
) -> pb.RiffRequest:
    """A riff on a photo: only a redacted image can be the photo, and the second
    prompt is redacted like any prompt."""
    if not isinstance(photo, RedactedImage):
        raise TypeError(f"only a RedactedImage can be riffed on, not {type(photo).__name__}")
    fields = _imagine_fields(options, device_id)
    return pb.RiffRequest(image_jpeg=photo.jpeg, strength=strength, **fields)


def decode_generated_image(msg: pb.GeneratedImage) -> GeneratedImage:
    return GeneratedImage(
        msg.index,
        msg.image,
        msg.width,
        msg.height,
        msg.watermark_id,
        msg.safety_blocked,
        msg.model_id,
        dict(msg.timings_ms),
        msg.media_type,
        msg.sample_id,
        msg.notice,
        msg.seed,
    )


def encode_verify(image: bytes) -> pb.VerifyRequest:
    return pb.VerifyRequest(image=image)


def decode_verify(msg: pb.VerifyResponse) -> Verification:
    return Verification(
        watermark_found=msg.watermark_found,
        watermark_id=msg.watermark_id,
        bit_accuracy=msg.watermark_bit_accuracy,
        false_positive_rate=msg.watermark_false_positive_rate,
        transform=msg.watermark_transform,
        manifest_found=msg.provenance_found,
        manifest_valid=msg.provenance_valid,
        manifest_trusted=msg.provenance_trusted,
        signer=msg.signer,
        actions=tuple(msg.actions),
        ingredients=tuple(msg.ingredients),
        soft_binding=msg.soft_binding,
        agreement=msg.agreement,
        failures=tuple(msg.failures),
        summary=msg.provenance_summary,
        verdict=msg.verdict,
    )
