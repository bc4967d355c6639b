"""``Assistant.Converse``: a thin servicer (decode -> domain call -> encode).

The caller is the user bound to the call's device token. Their consent comes
from the ledger, read again for every query, and narrowed to what the
device's hello announced (the stricter of the two wins). Every uploaded frame
is re-checked by the edge's redaction engine before the model or the store
sees it (defence in depth). A sample is kept when the consent allows it
(``history`` or ``training``), or for the retention window when one is set.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import cv2
import numpy as np

from core.errors import ConsentError, GlassesError, InvalidInputError
from core.frames import (
    AnswerDelta,
    AnswerDone,
    ConsentSnapshot,
    Query,
    RawImage,
    Ready,
    RedactionReport,
    Scope,
)
from edge.redaction import Redactor
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server import wire
from server.accounts import Accounts, Caller
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.domain import Sample, UploadedFrame
from server.status import status_for
from server.store.base import SampleStore
from server.vlm import VisionLanguageBackend

log = logging.getLogger(__name__)


@dataclass
class _Session:
    session_id: str
    caller: Caller
    announced: ConsentSnapshot  # what the device's hello said
    ledger: ConsentLedger
    frames: OrderedDict[int, UploadedFrame] = field(default_factory=OrderedDict)
    recheck_ms: dict[int, float] = field(default_factory=dict)
    utterances: OrderedDict[int, str] = field(default_factory=OrderedDict)
    _read: tuple[float, ConsentSnapshot] | None = None  # (when, what) the ledger last said

    def consent(self, max_age_s: float = 0.0) -> ConsentSnapshot:
        """The ledger's consent, narrowed to the scopes the device announced; read afresh
        unless the last read is at most ``max_age_s`` old (for per-chunk checks)."""
        now = time.monotonic()
        if self._read is not None and now - self._read[0] <= max_age_s:
            return self._read[1]
        live = self.ledger.current(self.caller.user_id)
        snapshot = ConsentSnapshot(
            live.scopes & self.announced.scopes,
            live.region,
            live.policy_version,
            live.ledger_entry_id,
        )
        self._read = (now, snapshot)
        return snapshot


class AssistantService(pb_grpc.AssistantServicer):
    def __init__(
        self,
        config: ServerConfig,
        backend: VisionLanguageBackend,
        store: SampleStore,
        recheck: Redactor | None,
        accounts: Accounts,
        ledger: ConsentLedger,
    ) -> None:
        self.config = config
        self.backend = backend
        self.store = store
        self.recheck = recheck
        self.accounts = accounts
        self.ledger = ledger

    async def Converse(self, request_iterator, context):  # noqa: ANN001, N802 - gRPC API
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            first = await anext(aiter(request_iterator))
            hello = wire.decode_hello(first)
            if hello.device_id != caller.device_id:
                raise InvalidInputError(
                    "hello.device_id is not the device this token was issued to; "
                    "send the enrolled device's id"
                )
            session = _Session(uuid.uuid4().hex, caller, hello.consent, self.ledger)
            consent = await asyncio.to_thread(session.consent)
            if not consent.allows(Scope.ASSIST):
                raise ConsentError(
                    "your consent does not include 'assist'; nothing can be processed. "
                    "Turn on the assistant in the companion app."
                )
        except StopAsyncIteration:
            return
        except GlassesError as exc:
            status, code = status_for(exc)
            yield wire.encode_error(code, str(exc))
            context.set_code(status)
            context.set_details(str(exc))
            return
        log.info("session %s opened (%s)", session.session_id, consent)
        yield wire.encode_ready(
            Ready(session.session_id, secrets.token_urlsafe(16), self.backend.model_id)
        )
        async for msg in request_iterator:
            kind = msg.WhichOneof("event")
            try:
                if kind == "frame":
                    await self._accept_frame(session, msg.frame)
                    yield wire.encode_ack(msg.frame.seq)
                elif kind == "utterance":
                    session.utterances[msg.utterance.seq] = msg.utterance.text
                    while len(session.utterances) > self.config.frames_per_session:
                        session.utterances.popitem(last=False)
                    yield wire.encode_ack(msg.utterance.seq)
                elif kind == "audio":
                    # audio arrives many times a second: a revocation reaches it within 1 s
                    consent = await asyncio.to_thread(session.consent, 1.0)
                    if not consent.allows(Scope.AUDIO):
                        raise InvalidInputError(
                            "raw audio was sent without the 'audio' consent scope; it was "
                            "discarded. Send transcripts, or grant 'audio' in the app."
                        )
                    yield wire.encode_ack(msg.audio.seq)
                elif kind == "query":
                    async for event in self._answer(session, wire.decode_query(msg.query)):
                        yield event
                elif kind == "goodbye":
                    break
                elif kind == "hello":
                    raise InvalidInputError("hello was sent twice in one session")
            except GlassesError as exc:
                _, code = status_for(exc)
                log.warning("session %s: %s on %s event", session.session_id, code, kind)
                yield wire.encode_error(code, str(exc))
        log.info("session %s closed", session.session_id)

    async def _accept_frame(self, session: _Session, msg: pb.RedactedFrame) -> None:
        if len(msg.jpeg) > self.config.max_frame_bytes:
            raise InvalidInputError(
                f"frame {msg.seq} is {len(msg.jpeg)} bytes; the limit is "
                f"{self.config.max_frame_bytes}. Lower edge.redaction.max_side or jpeg_quality."
            )
        frame = wire.decode_frame(msg)
        t0 = time.perf_counter()
        if self.recheck is not None:
            frame = await asyncio.to_thread(self._recheck, frame)
        session.recheck_ms[frame.seq] = (time.perf_counter() - t0) * 1e3
        session.frames[frame.seq] = frame
        while len(session.frames) > self.config.frames_per_session:
            session.frames.popitem(last=False)

    def _recheck(self, frame: UploadedFrame) -> UploadedFrame:
        pixels = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
        if pixels is None:
            raise InvalidInputError(f"frame {frame.seq} is not a decodable JPEG; it was dropped")
        checked = self.recheck.redact(RawImage(frame.seq, pixels, frame.captured_at, "upload"))
        if not checked.report.findings and not checked.report.fully_masked:
            return frame
        # The edge missed something: keep the server's redaction, never the upload.
        log.warning(
            "re-check redacted %d finding(s) in frame seq=%d",
            len(checked.report.findings),
            frame.seq,
        )
        merged = frame.report.findings + checked.report.findings
        report = RedactionReport(
            merged,
            frame.report.timings_ms,
            frame.report.sent_pixel_fraction,
            checked.report.fully_masked,
            frame.report.detector_versions,
        )
        return UploadedFrame(
            frame.seq, checked.jpeg, checked.width, checked.height, frame.captured_at, report
        )

    async def _answer(self, session: _Session, query: Query):
        frames = [session.frames[s] for s in query.frame_seqs if s in session.frames]
        missing = [s for s in query.frame_seqs if s not in session.frames]
        if missing:
            raise InvalidInputError(
                f"query {query.seq} names frames {missing} that this session "
                "does not hold; send (and await the ack of) frames first"
            )
        frame = frames[-1] if frames else None
        max_tokens = min(query.max_tokens, self.config.max_answer_tokens)
        t0 = time.perf_counter()
        first_token_ms = None
        parts: list[str] = []
        async for text in self.backend.stream(
            query.text, frame.jpeg if frame else None, max_tokens
        ):
            if first_token_ms is None:
                first_token_ms = (time.perf_counter() - t0) * 1e3
            parts.append(text)
            yield wire.encode_delta(AnswerDelta(query.seq, text, len(parts) - 1))
        timings = {
            "generate_ms": (time.perf_counter() - t0) * 1e3,
            "first_token_ms": first_token_ms or 0.0,
        }
        if frame is not None:
            timings["recheck_ms"] = session.recheck_ms.get(frame.seq, 0.0)
        sample_id = await self._log(session, query, frame, "".join(parts), timings)
        yield wire.encode_done(
            AnswerDone(query.seq, self.backend.model_id, timings, len(parts), sample_id)
        )

    async def _log(
        self,
        session: _Session,
        query: Query,
        frame: UploadedFrame | None,
        answer: str,
        timings: dict[str, float],
    ) -> str:
        """Keep the interaction as consent allows; return its id ("" when not kept)."""
        t0 = time.perf_counter()
        consent = await asyncio.to_thread(session.consent)
        now = time.time_ns()
        expires = None
        if not (consent.allows(Scope.HISTORY) or consent.allows(Scope.TRAINING)):
            if not self.config.retention.transient_s:
                return ""
            expires = now + int(self.config.retention.transient_s * 1e9)
        sample = Sample(
            sample_id=uuid.uuid4().hex,
            created_at_ns=now,
            user_id=session.caller.user_id,
            device_id=session.caller.device_id,
            session_id=session.session_id,
            consent=consent,
            query_text=query.text,
            answer_text=answer,
            transcript=session.utterances.get(query.utterance_seq, ""),
            model_id=self.backend.model_id,
            timings_ms=dict(timings),
            frame_jpeg=frame.jpeg if frame else None,
            redaction=frame.report.to_dict() if frame else {},
            expires_at_ns=expires,
        )
        sample_id = await asyncio.to_thread(self.store.put, sample)
        timings["store_ms"] = (time.perf_counter() - t0) * 1e3
        return sample_id
