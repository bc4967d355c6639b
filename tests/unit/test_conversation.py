"""A Converse session's rules without gRPC: a real SQLite store and consent
ledger, a scripted model and a clock the test moves by hand."""

from __future__ import annotations

import asyncio

import cv2
import numpy as np
import pytest

from core.errors import ConsentError, InvalidInputError
from core.frames import (
    AnswerDelta,
    AnswerDone,
    ConsentSnapshot,
    Hello,
    Query,
    RedactionReport,
    Scope,
    Stamp,
)
from server.accounts import Accounts, Caller
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.conversation import Conversation, Conversations
from server.domain import Ack, UploadedAudio, UploadedFrame, UploadedUtterance
from server.store import SqliteSampleStore
from tests.conftest import card_scene
from tests.support.worlds import worlds

POLICY = "2026-11"
WALL_NS = 1_800_000_000_000_000_000


class ManualClock:
    """Time stands still until the test moves it."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def wall_ns(self) -> int:
        return WALL_NS + int(self.seconds * 1e9)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


class ScriptedBackend:
    """Answers every question with the same words; remembers the frame it was shown."""

    model_id = "scripted-vlm"
    image_side = 384

    def __init__(self) -> None:
        self.frames_seen: list[bytes | None] = []

    async def stream(self, question: str, image_jpeg: bytes | None, max_tokens: int):
        self.frames_seen.append(image_jpeg)
        for word in ("a ", "wooden ", "table")[:max_tokens]:
            yield word


def snapshot(*scopes: Scope) -> ConsentSnapshot:
    return ConsentSnapshot(frozenset({Scope.ASSIST, *scopes}), "US", POLICY)


def jpeg(seq: int, side: int = 32) -> bytes:
    pixels = np.full((side, side, 3), seq * 20 % 256, np.uint8)
    return cv2.imencode(".jpg", pixels)[1].tobytes()


def frame(seq: int, data: bytes | None = None) -> UploadedFrame:
    data = data if data is not None else jpeg(seq)
    return UploadedFrame(seq, data, 32, 32, Stamp.media(seq), RedactionReport(()))


class World:
    """One enrolled device, its user's ledger, and the conversations they open."""

    def __init__(self, tmp_path, recheck=None, **config) -> None:  # noqa: ANN001
        self.store = SqliteSampleStore(tmp_path / "store")
        self.ledger = ConsentLedger(self.store)
        self.caller, _ = Accounts(self.store).enrol("dev-1")
        self.clock = ManualClock()
        self.backend = ScriptedBackend()
        self.conversations = Conversations(
            ServerConfig(port=0, **config),
            self.backend,
            self.store,
            recheck,
            self.ledger,
            self.clock,
        )

    def consent(self, grant=(), revoke=()) -> None:  # noqa: ANN001
        self.ledger.update(
            self.caller.user_id, grant=grant, revoke=revoke, policy_version=POLICY, actor="test"
        )

    def open(self, announced: ConsentSnapshot, caller: Caller | None = None) -> Conversation:
        hello = Hello("dev-1", announced)
        return asyncio.run(self.conversations.open(caller or self.caller, hello))


@pytest.fixture
def world(tmp_path):
    yield from worlds(tmp_path, World)


def replies(conversation: Conversation, event) -> list:  # noqa: ANN001
    async def collect():  # noqa: ANN202
        return [r async for r in conversation.handle(event)]

    return asyncio.run(collect())


def ask(conversation: Conversation, seq: int, frames=(), utterance_seq: int = 0) -> AnswerDone:  # noqa: ANN001
    out = replies(conversation, Query(seq, "what is this made of?", tuple(frames), utterance_seq))
    assert [type(r) for r in out] == [AnswerDelta] * (len(out) - 1) + [AnswerDone]
    return out[-1]


def test_the_device_cannot_widen_its_consent_samples_carry_the_stricter_of_hello_and_ledger(
    world,
):
    w = world()
    w.consent(grant=(Scope.HISTORY, Scope.TRAINING))
    conversation = w.open(snapshot(Scope.HISTORY))  # the device announced no training
    done = ask(conversation, 1)
    sample = w.store.get(done.sample_id)
    assert sample.consent.scopes == {Scope.ASSIST, Scope.HISTORY}
    assert sample.consent.ledger_entry_id == w.ledger.current(w.caller.user_id).ledger_entry_id
    assert sample.answer_text == "a wooden table" and done.tokens == 3


def test_a_revocation_during_a_session_stops_keeping_answers_at_the_next_one(world):
    w = world()
    w.consent(grant=(Scope.HISTORY,))
    conversation = w.open(snapshot(Scope.HISTORY, Scope.TRAINING))
    kept = ask(conversation, 1)
    w.consent(revoke=(Scope.HISTORY,))
    dropped = ask(conversation, 2)
    assert kept.sample_id and dropped.sample_id == ""
    assert w.store.count() == 1


def test_without_history_a_sample_lives_only_for_the_retention_window_of_the_clock(world):
    w = world(retention={"transient_s": 60})
    conversation = w.open(snapshot(Scope.HISTORY))  # the ledger says assist only
    w.clock.advance(5)
    done = ask(conversation, 1)
    sample = w.store.get(done.sample_id)
    assert sample.created_at_ns == WALL_NS + 5_000_000_000
    assert sample.expires_at_ns == sample.created_at_ns + 60_000_000_000
    # every timing is read from the injected clock, which did not move meanwhile
    assert set(done.timings_ms.values()) == {0.0}
    assert {"generate_ms", "first_token_ms", "store_ms"} <= set(done.timings_ms)


def test_the_utterance_a_query_names_is_kept_with_its_answer(world):
    w = world()
    w.consent(grant=(Scope.HISTORY,))
    conversation = w.open(snapshot(Scope.HISTORY))
    utterance = UploadedUtterance(7, "hey glasses, what is this made of?", 0)
    assert replies(conversation, utterance) == [Ack(7)]
    done = ask(conversation, 8, utterance_seq=7)
    assert w.store.get(done.sample_id).transcript == "hey glasses, what is this made of?"


def test_audio_needs_the_audio_scope_and_a_revocation_reaches_it_within_a_second(world):
    w = world()
    w.consent(grant=(Scope.AUDIO,))
    conversation = w.open(snapshot(Scope.AUDIO))
    chunk = UploadedAudio(1, b"\0\0" * 160, 16000)
    assert replies(conversation, chunk) == [Ack(1)]
    w.consent(revoke=(Scope.AUDIO,))
    w.clock.advance(0.5)
    assert replies(conversation, chunk) == [Ack(1)]  # the last read is still fresh
    w.clock.advance(0.6)
    with pytest.raises(InvalidInputError, match="'audio' consent scope"):
        replies(conversation, chunk)


def test_a_session_opens_only_for_the_enrolled_device_with_assist_consent(world):
    w = world()
    with pytest.raises(InvalidInputError, match="issued to"):
        w.open(snapshot(), Caller(w.caller.user_id, "dev-other"))
    with pytest.raises(ConsentError, match="assist"):
        w.open(ConsentSnapshot(frozenset({Scope.HISTORY}), "US", POLICY))
    w.consent(revoke=(Scope.ASSIST,))
    with pytest.raises(ConsentError, match="assist"):
        w.open(snapshot())


def test_only_recent_frames_are_held_and_the_model_sees_the_last_one_a_query_names(world):
    w = world(frames_per_session=2)
    conversation = w.open(snapshot())
    for seq in (1, 2, 3):
        assert replies(conversation, frame(seq)) == [Ack(seq)]
    with pytest.raises(InvalidInputError, match=r"frames \[1\]"):
        ask(conversation, 4, frames=(1, 3))
    done = ask(conversation, 5, frames=(2, 3))
    assert w.backend.frames_seen == [jpeg(3)]
    assert "recheck_ms" in done.timings_ms


def test_a_frame_over_the_size_limit_is_refused(world):
    w = world(max_frame_bytes=1024)
    conversation = w.open(snapshot())
    with pytest.raises(InvalidInputError, match="the limit is 1024"):
        replies(conversation, frame(1, b"\xff" * 2048))


def test_an_unredacted_upload_reaches_the_model_and_the_store_only_after_the_recheck(
    world, redactor
):
    w = world(recheck=redactor)
    w.consent(grant=(Scope.HISTORY,))
    conversation = w.open(snapshot(Scope.HISTORY))
    upload = cv2.imencode(".jpg", card_scene())[1].tobytes()
    replies(conversation, UploadedFrame(1, upload, 1280, 720, Stamp.media(0), RedactionReport(())))
    done = ask(conversation, 2, frames=(1,))
    sample = w.store.get(done.sample_id)
    assert w.backend.frames_seen[0] != upload and sample.frame_jpeg == w.backend.frames_seen[0]
    assert sample.redaction["counts"] == {"card_number": 1}
