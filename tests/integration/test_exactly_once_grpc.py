"""Exactly-once answers and resumed sessions over a real gRPC server on loopback
(port 0) with the real SQLite store: a question the edge's outbox delivers
again (a new session, new seq numbers, the same idempotency key, its frame
and utterance re-sent just before it) is answered and logged once, across
reconnects and a server restart. The model is the fake (it counts what it
generates); the re-check is the real ``Redactor`` with no detectors."""

from __future__ import annotations

import asyncio

import grpc
import numpy as np

from core.frames import AnswerDelta, AnswerDone, Hello, Query, RawImage, Ready, Stamp, Transcript
from edge import wire
from edge.redaction import Redactor, redact_transcript
from edge.uplink import bearer
from protos import glasses_pb2_grpc as pb_grpc
from tests.fakes import FakeVisionLanguageBackend
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving

QUESTION = "what is this table made of?"
KEY = "7f1c-question-1"


class GatedBackend(FakeVisionLanguageBackend):
    """The fake model, held after its first word until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.gate = asyncio.Event(), asyncio.Event()

    async def stream(self, question, image_jpeg, max_tokens):  # noqa: ANN001, ANN201
        async for word in super().stream(question, image_jpeg, max_tokens):
            yield word
            self.started.set()
            await self.gate.wait()


class Link:
    """One ``Converse`` stream driven by hand through the edge's wire converter,
    which a test can cut as a network would (no goodbye)."""

    def __init__(self, channel, token: str) -> None:  # noqa: ANN001
        self._out: asyncio.Queue = asyncio.Queue()
        stub = pb_grpc.AssistantStub(channel)
        self._call = stub.Converse(self._requests(), metadata=bearer(token))

    async def _requests(self):  # noqa: ANN202
        while (msg := await self._out.get()) is not None:
            yield msg

    async def _next(self):  # noqa: ANN202
        return wire.decode_server_event(await asyncio.wait_for(self._call.read(), 10))

    async def open(self, resume_token: str = "") -> Ready:
        self._out.put_nowait(
            wire.encode_hello(Hello("dev-1", ASSIST_HISTORY, resume_token=resume_token))
        )
        return await self._next()

    async def upload_frame(self, seq: int) -> None:
        pixels = np.full((48, 64, 3), 120, np.uint8)
        self._out.put_nowait(
            wire.encode_frame(Redactor([]).redact(RawImage(seq, pixels, Stamp.media(0))))
        )
        assert await self._next() == ("ack", seq)

    async def upload_utterance(self, seq: int) -> None:
        said = Transcript(f"hey glasses, {QUESTION}", Stamp.media(0), Stamp.media(2), "en", 0.9)
        self._out.put_nowait(wire.encode_utterance(redact_transcript(said, seq)))
        assert await self._next() == ("ack", seq)

    async def ask(self, query: Query) -> list:
        """The query's answer: its deltas and its AnswerDone (or the error event)."""
        self._out.put_nowait(wire.encode_query(query))
        replies = []
        while not replies or isinstance(replies[-1], AnswerDelta):
            replies.append(await self._next())
        return replies

    async def deliver(self, first_seq: int, key: str = KEY) -> list:
        """What the edge's outbox sends for one question: frame, utterance, query."""
        await self.upload_frame(first_seq)
        await self.upload_utterance(first_seq + 1)
        query = Query(first_seq + 2, QUESTION, (first_seq,), first_seq + 1, 16, key)
        return await self.ask(query)

    def cut(self) -> None:
        self._call.cancel()

    async def close(self) -> None:
        self._out.put_nowait(wire.encode_goodbye())
        self._out.put_nowait(None)
        while await asyncio.wait_for(self._call.read(), 10) is not grpc.aio.EOF:
            pass


def text_of(replies: list) -> str:
    return "".join(r.text for r in replies if isinstance(r, AnswerDelta))


def test_a_question_delivered_in_two_sessions_is_answered_and_logged_once(tmp_path):
    backend = FakeVisionLanguageBackend()

    async def scenario():  # noqa: ANN202
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            token = enrol(store, "dev-1")
            link = Link(channel, token)
            await link.open()
            first = await link.deliver(1)
            link.cut()  # the link drops before the edge saw the answer end, say
            again = Link(channel, token)
            ready = await again.open()
            replayed = await again.deliver(100)  # the outbox's retry: new seqs, same key
            await again.close()
            return first, replayed, ready, store.count()

    first, replayed, ready, logged = run(scenario())
    assert ready.session_id and logged == 1 and len(backend.calls) == 1
    done, repeat = first[-1], replayed[-1]
    assert isinstance(repeat, AnswerDone) and repeat.replayed and not done.replayed
    assert repeat.query_seq == 102 and repeat.sample_id == done.sample_id
    assert text_of(replayed) == text_of(first) == backend.answer


def test_a_duplicate_while_the_first_is_still_answered_waits_and_replays(tmp_path):
    backend = GatedBackend()

    async def scenario():  # noqa: ANN202
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            token = enrol(store, "dev-1")
            old, new = Link(channel, token), Link(channel, token)
            await old.open()
            first = asyncio.create_task(old.deliver(1))
            await backend.started.wait()  # answering; the old stream is still up
            await new.open()
            second = asyncio.create_task(new.deliver(1))
            await asyncio.sleep(0.3)
            waited = not second.done()
            backend.gate.set()
            first, second = await first, await second
            await old.close()
            await new.close()
            return first, second, waited, store.count()

    first, second, waited, logged = run(scenario())
    assert waited and len(backend.calls) == 1 and logged == 1
    assert not first[-1].replayed and second[-1].replayed
    assert second[-1].sample_id == first[-1].sample_id and text_of(second) == text_of(first)


def test_a_question_answered_before_a_server_restart_is_replayed_after_it(tmp_path):
    backend = FakeVisionLanguageBackend()

    async def before():  # noqa: ANN202
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            token = enrol(store, "dev-1")
            link = Link(channel, token)
            ready = await link.open()
            answer = await link.deliver(1)
            link.cut()
            return token, ready, answer

    async def after(token: str, old: Ready):  # noqa: ANN202
        # a new server process on the same store folder
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            link = Link(channel, token)
            ready = await link.open(old.resume_token)  # forgotten: a fresh session
            answer = await link.deliver(1)
            await link.close()
            return ready, answer, store.count()

    token, old, first = run(before())
    ready, again, logged = run(after(token, old))
    assert ready.session_id != old.session_id
    assert again[-1].replayed and again[-1].sample_id == first[-1].sample_id
    assert text_of(again) == text_of(first) and logged == 1 and len(backend.calls) == 1


def test_a_resumed_session_still_holds_its_frame(tmp_path):
    backend = FakeVisionLanguageBackend()

    async def scenario():  # noqa: ANN202
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            token = enrol(store, "dev-1")
            link = Link(channel, token)
            ready = await link.open()
            await link.upload_frame(1)
            link.cut()
            resumed, fresh = Link(channel, token), Link(channel, token)
            again = await resumed.open(ready.resume_token)
            answer = await resumed.ask(Query(2, QUESTION, (1,), 0, 8))
            await fresh.open()
            refused = await fresh.ask(Query(2, QUESTION, (1,), 0, 8))
            await resumed.close()
            await fresh.close()
            return ready, again, answer, refused

    ready, again, answer, refused = run(scenario())
    assert again.session_id == ready.session_id
    assert isinstance(answer[-1], AnswerDone) and answer[-1].tokens > 0
    assert backend.calls == [(QUESTION, True)]  # the model was shown the frame held
    assert refused[-1][:2] == ("error", "INVALID_INPUT") and "does not hold" in refused[-1][2]
