"""Exactly-once answers at the conversation level: a question's idempotency key
is answered and logged once, however often and in whichever session it is
delivered. A real SQLite store and ledger, the fake model, a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import BackendError, BusyError
from core.frames import AnswerDelta, AnswerDone, ConsentSnapshot, Hello, Query, Scope
from server.accounts import Accounts
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.conversation import Conversation, Conversations
from server.store import SqliteSampleStore
from tests.fakes import FakeClock, FakeVisionLanguageBackend
from tests.support.worlds import worlds

POLICY = "2026-11"
ANSWER = "It looks like oak wood."
DAY_S = 86400.0


class GatedBackend(FakeVisionLanguageBackend):
    """The fake model, held after its first word until the test opens the gate;
    with ``fail_first``, its first answer breaks off there with an error."""

    def __init__(self, fail_first: bool = False) -> None:
        super().__init__(ANSWER)
        self.fail_first = fail_first
        self.started, self.gate = asyncio.Event(), asyncio.Event()

    async def stream(self, question, image_jpeg, max_tokens):  # noqa: ANN001, ANN201
        first = not self.calls
        async for i, word in _enumerate(super().stream(question, image_jpeg, max_tokens)):
            yield word
            if i == 0:
                self.started.set()
                await self.gate.wait()
                if first and self.fail_first:
                    raise BackendError("the model crashed mid-answer")


async def _enumerate(items):  # noqa: ANN001, ANN202
    i = 0
    async for item in items:
        yield i, item
        i += 1


class World:
    """One enrolled device whose user's ledger grants ``grant``, and its conversations."""

    def __init__(self, tmp_path, backend=None, grant=(Scope.HISTORY,), wait_s=30.0) -> None:  # noqa: ANN001
        self.store = SqliteSampleStore(tmp_path / "store")
        ledger = ConsentLedger(self.store)
        self.caller, _ = Accounts(self.store).enrol("dev-1")
        if grant:
            ledger.update(self.caller.user_id, grant=grant, policy_version=POLICY, actor="test")
        self.backend = backend or FakeVisionLanguageBackend(ANSWER)
        self.clock = FakeClock()
        config = ServerConfig(
            port=0, retention={"deliveries_s": 7 * DAY_S}, duplicate_wait_s=wait_s
        )
        self.conversations = Conversations(
            config, self.backend, self.store, None, ledger, self.clock
        )

    async def open(self) -> Conversation:
        announced = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", POLICY)
        return await self.conversations.open(self.caller, Hello("dev-1", announced))


@pytest.fixture
def world(tmp_path):
    yield from worlds(tmp_path, World)


async def ask(conversation: Conversation, seq: int, key: str = "q-1") -> list:
    query = Query(seq, "what is this table made of?", (), 0, 16, key)
    return [r async for r in conversation.handle(query)]


def text_of(replies: list) -> str:
    return "".join(r.text for r in replies if isinstance(r, AnswerDelta))


def test_a_question_delivered_in_two_sessions_is_answered_and_logged_once(world):
    w = world()

    async def scenario():  # noqa: ANN202
        first = await ask(await w.open(), 5)
        again = await ask(await w.open(), 1)  # after a reconnect: a new session, new seq
        return first, again

    first, again = asyncio.run(scenario())
    assert w.backend.calls == [("what is this table made of?", False)]  # generated once
    assert w.store.count() == 1  # logged once
    done, replay = first[-1], again[-1]
    assert not done.replayed and replay.replayed and replay.query_seq == 1
    assert replay.sample_id == done.sample_id and text_of(again) == text_of(first) == ANSWER
    assert (replay.tokens, replay.model_id) == (done.tokens, done.model_id)


def test_without_a_kept_sample_a_repeat_is_replayed_without_its_text(world):
    w = world(grant=())  # assist only: the answer is not kept

    async def scenario():  # noqa: ANN202
        return await ask(await w.open(), 1), await ask(await w.open(), 2)

    first, again = asyncio.run(scenario())
    assert text_of(first) == ANSWER and first[-1].sample_id == ""
    assert again == [AnswerDone(2, "fake-vlm", again[-1].timings_ms, 5, "", True)]
    assert len(w.backend.calls) == 1 and w.store.count() == 0
    assert w.store.delivery(w.caller.user_id, "q-1").sample_id == ""


def test_a_duplicate_while_the_first_is_being_answered_waits_and_replays(world):
    w = world(backend=GatedBackend())

    async def scenario():  # noqa: ANN202
        old, new = await w.open(), await w.open()
        first = asyncio.create_task(ask(old, 1))
        await w.backend.started.wait()  # the first delivery is being answered
        second = asyncio.create_task(ask(new, 1))
        await asyncio.sleep(0.05)
        waited = not second.done()
        w.backend.gate.set()
        return await first, await second, waited

    first, second, waited = asyncio.run(scenario())
    assert waited and len(w.backend.calls) == 1 and w.store.count() == 1
    assert not first[-1].replayed and second[-1].replayed
    assert second[-1].sample_id == first[-1].sample_id and text_of(second) == ANSWER


def test_a_duplicate_of_a_stuck_delivery_is_told_busy_not_held(world):
    w = world(backend=GatedBackend(), wait_s=0.2)

    async def scenario():  # noqa: ANN202
        old, new = await w.open(), await w.open()
        first = asyncio.create_task(ask(old, 1))
        await w.backend.started.wait()  # the first delivery is stuck in the model
        with pytest.raises(BusyError, match="send it again shortly"):
            await asyncio.wait_for(ask(new, 1), 5.0)  # told, well before any edge deadline
        w.backend.gate.set()
        await first
        return await ask(await w.open(), 1)  # sent again later: replayed

    again = asyncio.run(scenario())
    assert again[-1].replayed and len(w.backend.calls) == 1 and w.store.count() == 1


def test_a_delivery_that_failed_leaves_the_question_to_the_next_one(world):
    w = world(backend=GatedBackend(fail_first=True))

    async def scenario():  # noqa: ANN202
        old, new = await w.open(), await w.open()
        first = asyncio.create_task(ask(old, 1))
        await w.backend.started.wait()
        second = asyncio.create_task(ask(new, 1))  # waits for the first
        w.backend.gate.set()
        with pytest.raises(BackendError):
            await first
        return await second

    second = asyncio.run(scenario())
    assert len(w.backend.calls) == 2 and w.store.count() == 1  # nothing of the first was kept
    assert not second[-1].replayed and text_of(second) == ANSWER


def test_a_delivery_cancelled_with_its_stream_leaves_the_question_to_the_next_one(world):
    w = world(backend=GatedBackend())

    async def scenario():  # noqa: ANN202
        first = asyncio.create_task(ask(await w.open(), 1))
        await w.backend.started.wait()
        first.cancel()  # the old stream is torn down mid-answer
        with pytest.raises(asyncio.CancelledError):
            await first
        w.backend.gate.set()
        return await ask(await w.open(), 1)

    again = asyncio.run(scenario())
    assert len(w.backend.calls) == 2 and w.store.count() == 1
    assert not again[-1].replayed and again[-1].sample_id


def test_questions_without_a_key_or_with_another_key_are_answered_each_time(world):
    w = world()

    async def scenario():  # noqa: ANN202
        conversation = await w.open()
        return [await ask(conversation, seq, key) for seq, key in [(1, ""), (2, ""), (3, "q-2")]]

    answers = asyncio.run(scenario())
    assert len(w.backend.calls) == 3 and w.store.count() == 3
    assert not any(a[-1].replayed for a in answers)


def test_a_delivery_is_forgotten_after_its_retention(world):
    w = world()

    async def scenario():  # noqa: ANN202
        first = await ask(await w.open(), 1)
        w.clock.advance(7 * DAY_S)
        w.store.purge_expired(w.clock.wall_ns())
        return first, await ask(await w.open(), 2)

    first, again = asyncio.run(scenario())
    assert not again[-1].replayed and again[-1].sample_id != first[-1].sample_id
    assert len(w.backend.calls) == 2
