"""A ``Converse`` session as a domain object: no protobuf, no gRPC.

:class:`Conversations` opens one per device hello (checks the device and its
consent); a :class:`Conversation` takes the domain events ``server/wire.py``
decodes (frames, utterances, audio, queries) and yields what goes back (acks,
answer deltas, the answer's end). Every frame, utterance and query is
re-checked before the model or the store sees it (``server/recheck.py``);
every answer is kept as the consent rules (``server/consent_rules.py``) allow.
A question with an idempotency key is answered and logged once, whatever the
number of deliveries (``server/deliveries.py``); a session whose stream broke
can be resumed with its resume token (``server/sessions.py``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import replace

from core.clock import SYSTEM_CLOCK, Clock
from core.errors import GlassesError, InvalidInputError
from core.frames import AnswerDelta, AnswerDone, Hello, Query, Ready
from edge.redaction import Redactor
from server.accounts import Caller
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.consent_rules import (
    AUDIO_CONSENT_MAX_AGE_S,
    ConsentRules,
    SessionConsent,
    require_assist,
    require_audio,
)
from server.deliveries import Deliveries
from server.domain import Ack, Sample, UploadedAudio, UploadedFrame, UploadedUtterance
from server.recheck import recheck_text, recheck_upload
from server.sessions import ResumableSessions
from server.store.base import SampleStore
from server.vlm import VisionLanguageBackend

log = logging.getLogger(__name__)

Upload = UploadedFrame | UploadedUtterance | UploadedAudio | Query
Reply = Ack | AnswerDelta | AnswerDone


class Conversations:
    """Opens conversations and resumes them; holds what every session shares (model,
    store, re-check, consent rules, deliveries, clock)."""

    def __init__(
        self,
        config: ServerConfig,
        backend: VisionLanguageBackend,
        store: SampleStore,
        recheck: Redactor | None,
        ledger: ConsentLedger,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.config = config
        self.backend = backend
        self.store = store
        self.recheck = recheck
        self.rules = ConsentRules(ledger, config.retention.transient_s, clock)
        self.clock = clock
        self.deliveries = Deliveries(
            store, config.retention.deliveries_s, clock, config.duplicate_wait_s
        )
        self.sessions = ResumableSessions(config.resume_grace_s, config.resume_max_sessions, clock)

    async def open(self, caller: Caller, hello: Hello) -> Conversation:
        """The session ``hello.resume_token`` names, if it is the caller's and still
        kept (with the consent this hello announces), else a new one; or
        ConsentError / InvalidInputError. Call :meth:`leave` when its stream ends."""
        require_assist(hello.consent)  # the device's own word: refused without a ledger read
        if hello.device_id != caller.device_id:
            raise InvalidInputError(
                "hello.device_id is not the device this token was issued to; "
                "send the enrolled device's id"
            )
        consent = self.rules.session(caller.user_id, hello.consent)
        now = await asyncio.to_thread(consent.current)
        require_assist(now)
        if hello.resume_token:
            resumed = self.sessions.resume(hello.resume_token, caller)
            if resumed is not None:
                resumed.consent = consent
                log.info("session %s resumed (%s)", resumed.session_id, now)
                return resumed
        backend = self.backend
        ready = Ready(
            uuid.uuid4().hex, secrets.token_urlsafe(16), backend.model_id, backend.image_side
        )
        log.info("session %s opened (%s)", ready.session_id, now)
        conversation = Conversation(ready, caller, consent, self)
        self.sessions.add(conversation)
        return conversation

    def leave(self, conversation: Conversation, goodbye: bool) -> None:
        """A stream of ``conversation`` ended: it is kept for resume unless the device
        said goodbye."""
        self.sessions.leave(conversation, goodbye)


class Conversation:
    """One device's session: recent frames and utterances, and the answers to its queries.

    ``handle`` takes one upload and yields the replies to it; a domain error
    it raises concerns that upload only, and the session goes on.
    """

    def __init__(
        self, ready: Ready, caller: Caller, consent: SessionConsent, shared: Conversations
    ) -> None:
        self.ready = ready
        self.caller = caller
        self.consent = consent
        self._shared = shared
        self._config = shared.config
        self._clock = shared.clock
        # seq -> (frame as re-checked, re-check time in ms); the oldest go first
        self._frames: OrderedDict[int, tuple[UploadedFrame, float]] = OrderedDict()
        # seq -> (text as re-checked, spans the re-check replaced)
        self._utterances: OrderedDict[int, tuple[str, int]] = OrderedDict()
        # seq -> the error that refused the frame: a query naming it is told why
        self._refused: OrderedDict[int, GlassesError] = OrderedDict()

    @property
    def session_id(self) -> str:
        return self.ready.session_id

    async def handle(self, event: Upload) -> AsyncIterator[Reply]:
        if isinstance(event, UploadedFrame):
            await self.accept_frame(event)
            yield Ack(event.seq)
        elif isinstance(event, UploadedUtterance):
            self._remember(
                self._utterances, event.seq, recheck_text(event.text, "utterance", event.seq)
            )
            yield Ack(event.seq)
        elif isinstance(event, UploadedAudio):
            max_age = AUDIO_CONSENT_MAX_AGE_S
            require_audio(await asyncio.to_thread(self.consent.current, max_age))
            yield Ack(event.seq)
        elif isinstance(event, Query):
            async for reply in self.answer(event):
                yield reply
        else:
            raise TypeError(f"a conversation does not take {type(event).__name__}")

    def _remember(self, recent: OrderedDict, seq: int, item: object) -> None:
        recent[seq] = item
        while len(recent) > self._config.frames_per_session:
            recent.popitem(last=False)

    async def accept_frame(self, frame: UploadedFrame) -> None:
        """Re-check the frame and hold it for the queries that name it (with the
        re-check switched off, as it was sent)."""
        limit = self._config.max_frame_bytes
        if len(frame.jpeg) > limit:
            raise InvalidInputError(
                f"frame {frame.seq} is {len(frame.jpeg)} bytes; the limit is "
                f"{limit}. Lower edge.redaction.max_side or jpeg_quality."
            )
        t0 = self._clock.monotonic()
        if self._shared.recheck is not None:
            try:
                frame = await asyncio.to_thread(recheck_upload, self._shared.recheck, frame)
            except GlassesError as exc:
                self._remember(self._refused, frame.seq, exc)
                raise
        recheck_ms = (self._clock.monotonic() - t0) * 1e3
        self._refused.pop(frame.seq, None)  # a resumed session's device may number anew
        self._remember(self._frames, frame.seq, (frame, recheck_ms))

    async def answer(self, query: Query) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """Stream the model's answer about the query's last frame, then keep it as
        consent allows (``AnswerDone.sample_id`` is empty when it was not kept).

        A query with an idempotency key answered before is replayed instead
        (``AnswerDone.replayed``): nothing is generated or stored again."""
        key = query.idempotency_key
        if not key:
            async for reply in self._generate(query):
                yield reply
            return
        async with self._shared.deliveries.claim(self.caller.user_id, key) as earlier:
            replies = (
                self._shared.deliveries.replay(query, earlier)
                if earlier is not None
                else self._generate(query)
            )
            async for reply in replies:
                yield reply

    async def _generate(self, query: Query) -> AsyncIterator[AnswerDelta | AnswerDone]:
        refused = [s for s in query.frame_seqs if s in self._refused]
        if refused:  # the same kind of error, about this query: fail closed, no model call
            error = self._refused[refused[0]]
            raise type(error)(
                f"query {query.seq} was not answered: its frame {refused[0]} was refused "
                f"({error}). Ask again."
            )
        missing = [s for s in query.frame_seqs if s not in self._frames]
        if missing:
            raise InvalidInputError(
                f"query {query.seq} names frames {missing} that this session "
                "does not hold; send its frames first, on this session"
            )
        frame, recheck_ms = self._frames[query.frame_seqs[-1]] if query.frame_seqs else (None, 0)
        text, redacted = recheck_text(query.text, "query", query.seq)
        query = replace(query, text=text)
        backend = self._shared.backend
        max_tokens = min(query.max_tokens, self._config.max_answer_tokens)
        t0 = self._clock.monotonic()
        first_token_ms = None
        parts: list[str] = []
        async for text in backend.stream(query.text, frame.jpeg if frame else None, max_tokens):
            if first_token_ms is None:
                first_token_ms = (self._clock.monotonic() - t0) * 1e3
            parts.append(text)
            yield AnswerDelta(query.seq, text, len(parts) - 1)
        timings = {
            "generate_ms": (self._clock.monotonic() - t0) * 1e3,
            "first_token_ms": first_token_ms or 0.0,
        }
        if frame is not None:
            timings["recheck_ms"] = recheck_ms
        t0 = self._clock.monotonic()
        sample = await self._sample(query, redacted, frame, "".join(parts), timings)
        sample_id, replayed = await self._log(query, sample, len(parts))
        if sample is not None or query.idempotency_key:
            timings["store_ms"] = (self._clock.monotonic() - t0) * 1e3
        yield AnswerDone(query.seq, backend.model_id, timings, len(parts), sample_id, replayed)

    async def _sample(
        self,
        query: Query,
        query_redacted: int,
        frame: UploadedFrame | None,
        answer: str,
        timings: dict[str, float],
    ) -> Sample | None:
        """The interaction (``query`` as re-checked, ``query_redacted`` the spans that
        took) as a sample, if the consent read now keeps it."""
        consent = await asyncio.to_thread(self.consent.current)
        now = self._clock.wall_ns()
        retention = self._shared.rules.retention(consent, now)
        if not retention.kept:
            return None
        transcript, transcript_redacted = self._utterances.get(query.utterance_seq, ("", 0))
        redaction = frame.report.to_dict() if frame else {}
        # what the server's re-check replaced in the text (counts, never the text)
        redaction["text_recheck"] = {"query": query_redacted, "transcript": transcript_redacted}
        return Sample(
            sample_id=uuid.uuid4().hex,
            created_at_ns=now,
            user_id=self.caller.user_id,
            device_id=self.caller.device_id,
            session_id=self.session_id,
            consent=consent,
            query_text=query.text,
            answer_text=answer,
            transcript=transcript,
            model_id=self._shared.backend.model_id,
            timings_ms=dict(timings),
            frame_jpeg=frame.jpeg if frame else None,
            redaction=redaction,
            expires_at_ns=retention.expires_at_ns,
        )

    async def _log(self, query: Query, sample: Sample | None, tokens: int) -> tuple[str, bool]:
        """Store ``sample`` (None: consent keeps none) and, where the query has a key,
        its delivery with it: (the sample id on record or "", whether another
        delivery of the query was on record first and this answer was not kept)."""
        if not query.idempotency_key:
            if sample is None:
                return "", False
            return await asyncio.to_thread(self._shared.store.put, sample), False
        deliveries = self._shared.deliveries
        delivery = deliveries.answered(
            self.caller.user_id,
            query.idempotency_key,
            sample.sample_id if sample else "",
            self._shared.backend.model_id,
            tokens,
        )
        on_record = await deliveries.record(delivery, sample)
        return on_record.sample_id, on_record != delivery
