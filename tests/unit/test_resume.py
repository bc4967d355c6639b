"""Resuming a session: a device whose stream broke gets its session back (its
frames, its session id) with the resume token its Ready gave, within the grace
period; otherwise it starts a fresh one. A real SQLite store, the fake model,
a fake clock; the servicer's part (``leave`` when a stream ends) is called by hand."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import InvalidInputError
from core.frames import AnswerDone, ConsentSnapshot, Hello, Query, RedactionReport, Scope, Stamp
from server.accounts import Accounts, Caller
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.conversation import Conversation, Conversations
from server.domain import Ack, UploadedFrame
from server.store import SqliteSampleStore
from tests.fakes import FakeClock, FakeVisionLanguageBackend
from tests.support.worlds import worlds

POLICY = "2026-11"
ANNOUNCED = ConsentSnapshot(frozenset({Scope.ASSIST}), "US", POLICY)
JPEG = b"\xff\xd8 a redacted frame"


class World:
    def __init__(self, tmp_path, **config) -> None:  # noqa: ANN001, ANN003
        self.store = SqliteSampleStore(tmp_path / "store")
        self.caller, _ = Accounts(self.store).enrol("dev-1")
        self.clock = FakeClock()
        self.backend = FakeVisionLanguageBackend()
        self.conversations = Conversations(
            ServerConfig(port=0, **config),
            self.backend,
            self.store,
            None,
            ConsentLedger(self.store),
            self.clock,
        )

    def open(self, token: str = "", caller: Caller | None = None) -> Conversation:
        hello = Hello("dev-1", ANNOUNCED, resume_token=token)
        return asyncio.run(self.conversations.open(caller or self.caller, hello))

    def broken(self, conversation: Conversation) -> None:
        """Its stream ended without a goodbye (what the servicer reports)."""
        self.conversations.leave(conversation, goodbye=False)


@pytest.fixture
def world(tmp_path):
    yield from worlds(tmp_path, World)


def send(conversation: Conversation, event) -> list:  # noqa: ANN001
    async def collect():  # noqa: ANN202
        return [r async for r in conversation.handle(event)]

    return asyncio.run(collect())


def frame(seq: int) -> UploadedFrame:
    return UploadedFrame(seq, JPEG, 32, 32, Stamp.media(0), RedactionReport(()))


def ask_about(conversation: Conversation, seq: int, frame_seq: int) -> AnswerDone:
    return send(conversation, Query(seq, "what is this?", (frame_seq,), 0, 4))[-1]


def test_a_resumed_session_still_holds_its_frame(world):
    w = world(resume_grace_s=120)
    first = w.open()
    assert send(first, frame(1)) == [Ack(1)]
    w.broken(first)
    w.clock.advance(119)
    resumed = w.open(first.ready.resume_token)
    assert resumed.session_id == first.session_id and resumed.ready == first.ready
    assert ask_about(resumed, 2, frame_seq=1).tokens > 0
    assert w.backend.calls == [("what is this?", True)]  # the model saw the held frame


def test_an_expired_or_unknown_token_starts_a_fresh_session(world):
    w = world(resume_grace_s=120)
    first = w.open()
    send(first, frame(1))
    w.broken(first)
    w.clock.advance(121)
    late = w.open(first.ready.resume_token)
    unknown = w.open("no-such-token")
    assert len({first.session_id, late.session_id, unknown.session_id}) == 3
    with pytest.raises(InvalidInputError, match="does not hold"):
        ask_about(late, 2, frame_seq=1)


def test_a_session_ended_with_a_goodbye_is_not_kept(world):
    w = world(resume_grace_s=120)
    first = w.open()
    w.conversations.leave(first, goodbye=True)
    assert w.open(first.ready.resume_token).session_id != first.session_id


def test_only_the_device_that_opened_a_session_resumes_it(world):
    w = world(resume_grace_s=120)
    first = w.open()
    w.broken(first)
    other, _ = Accounts(w.store).enrol("dev-2")
    stranger = asyncio.run(
        w.conversations.open(
            other, Hello("dev-2", ANNOUNCED, resume_token=first.ready.resume_token)
        )
    )
    assert stranger.session_id != first.session_id
    assert w.open(first.ready.resume_token).session_id == first.session_id


def test_a_reconnect_before_the_old_stream_is_torn_down_resumes_too(world):
    w = world(resume_grace_s=120)
    first = w.open()
    send(first, frame(1))
    resumed = w.open(first.ready.resume_token)  # the old stream has not ended yet
    w.broken(first)  # now it has: the session stays with the new stream
    w.clock.advance(1000)
    assert resumed is first and ask_about(resumed, 2, frame_seq=1).tokens > 0
    w.broken(resumed)
    assert w.open(first.ready.resume_token).session_id == first.session_id  # within grace


def test_sessions_kept_for_resume_are_bounded_oldest_dropped_first(world):
    w = world(resume_grace_s=120, resume_max_sessions=2)
    sessions = [w.open() for _ in range(3)]
    for s in sessions:
        w.broken(s)
        w.clock.advance(1)
    assert len(w.conversations.sessions) == 2
    resumed = [w.open(s.ready.resume_token).session_id == s.session_id for s in sessions]
    assert resumed == [False, True, True]


def test_with_no_grace_nothing_is_kept(world):
    w = world(resume_grace_s=0)
    first = w.open()
    w.broken(first)
    assert len(w.conversations.sessions) == 0
    assert w.open(first.ready.resume_token).session_id != first.session_id
