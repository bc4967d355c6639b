"""Assistant.Converse over a real gRPC server on loopback (port 0), with the
real tiny vision-language model, the real SQLite store and the re-check."""

from __future__ import annotations

import asyncio
import contextlib

import cv2
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from edge import wire
from edge.frames import ConsentSnapshot, Hello, Query, RawImage, Scope, Stamp
from edge.uplink import ConverseSession, ServerReportedError
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.app import create_server
from server.components import build_vlm
from server.config import ServerConfig
from server.store import SqliteSampleStore
from tests.conftest import card_scene, decode, readable_digit_runs

ASSIST_HISTORY = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e1")
ASSIST_ONLY = ConsentSnapshot(frozenset({Scope.ASSIST}), "US", "2026-11", "e2")


@pytest.fixture(scope="module")
def vlm(models_config):
    return build_vlm(models_config)


@contextlib.asynccontextmanager
async def serving(tmp_path, vlm, redactor):
    store = SqliteSampleStore(tmp_path / "store")
    running = await create_server(ServerConfig(port=0), vlm, store, redactor)
    await running.set_serving(True)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield channel, store
    finally:
        await channel.close()
        await running.stop(grace=0.5)
        store.close()


def run(coro):
    return asyncio.run(coro)


def test_answer_streams_back_and_a_consented_sample_is_logged(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            async with ConverseSession(channel) as session:
                ready = await session.open(Hello("dev-1", ASSIST_HISTORY))
                frame = redactor.redact(RawImage(1, card_scene(), Stamp.media(0.5)))
                session.send_frame(frame)
                await session.wait_ack(1)
                events = [
                    e
                    async for e in session.ask(Query(2, "what is this table made of?", (1,), 0, 12))
                ]
            return ready, events, store

    ready, events, store = run(scenario())
    assert ready.model_id == vlm.model_id and ready.session_id
    *deltas, done = events
    assert deltas and [d.index for d in deltas] == list(range(len(deltas)))
    assert done.sample_id and done.tokens == len(deltas)
    sample = SqliteSampleStore(tmp_path / "store").get(done.sample_id)
    assert sample.consent == ASSIST_HISTORY  # tagged with the session's consent
    assert sample.answer_text == "".join(d.text for d in deltas)
    assert sample.frame_jpeg and sample.redaction == {"card_number": 1}


def test_without_history_or_training_consent_nothing_is_kept(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            async with ConverseSession(channel) as session:
                await session.open(Hello("dev-2", ASSIST_ONLY))
                events = [e async for e in session.ask(Query(1, "hello?", (), 0, 4))]
            return events, store.count()

    events, count = run(scenario())
    assert events[-1].sample_id == "" and count == 0


def test_a_session_without_assist_consent_is_refused(tmp_path, vlm, redactor):
    no_assist = ConsentSnapshot(frozenset({Scope.HISTORY}), "US", "2026-11")

    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, _):
            session = ConverseSession(channel)
            with pytest.raises(ServerReportedError) as info:
                await session.open(Hello("dev-3", no_assist))
            await session.close()
            return info.value

    error = run(scenario())
    assert error.code == "CONSENT_REQUIRED" and "assist" in str(error)


async def _raw_stream(channel, events):
    """A misbehaving client: sends hand-built wire messages, bypassing the edge."""
    stub = pb_grpc.AssistantStub(channel)

    async def requests():
        for event in events:
            yield event

    return [wire.decode_server_event(m) async for m in stub.Converse(requests())]


def test_an_unredacted_upload_is_redacted_by_the_server_before_model_and_store(
    tmp_path, vlm, redactor, strong_reader
):
    ok, jpeg = cv2.imencode(".jpg", card_scene())
    events = [
        wire.encode_hello(Hello("evil-1", ASSIST_HISTORY)),
        pb.ClientEvent(frame=pb.RedactedFrame(seq=1, jpeg=jpeg.tobytes(), width=1280, height=720)),
        pb.ClientEvent(query=pb.Query(seq=2, text="read this", frame_seqs=[1], max_tokens=4)),
        wire.encode_goodbye(),
    ]

    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            replies = await _raw_stream(channel, events)
            return replies, store

    replies, _ = run(scenario())
    done = replies[-1]
    stored = SqliteSampleStore(tmp_path / "store").get(done.sample_id)
    assert readable_digit_runs(strong_reader, decode(stored.frame_jpeg)) == []
    assert stored.redaction.get("card_number") == 1


def test_bad_input_gets_a_clear_error_and_the_session_keeps_serving(tmp_path, vlm, redactor):
    events = [
        wire.encode_hello(Hello("dev-4", ASSIST_HISTORY)),
        pb.ClientEvent(frame=pb.RedactedFrame(seq=1, jpeg=b"not a jpeg")),
        pb.ClientEvent(audio=pb.AudioChunk(seq=2, pcm_s16le=b"\0\0", sample_rate=16000)),
        pb.ClientEvent(query=pb.Query(seq=3, text="and this?", frame_seqs=[9], max_tokens=4)),
        pb.ClientEvent(query=pb.Query(seq=4, text="what now?", max_tokens=4)),
        wire.encode_goodbye(),
    ]

    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, _):
            return await _raw_stream(channel, events)

    replies = run(scenario())
    errors = [r for r in replies if isinstance(r, tuple) and r[0] == "error"]
    assert [e[1] for e in errors] == ["INVALID_INPUT"] * 3
    assert "not a decodable JPEG" in errors[0][2]
    assert "audio" in errors[1][2] and "frames [9]" in errors[2][2]
    assert replies[-1].query_seq == 4  # the session still answers


def test_health_reflection_and_contract_services(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, _):
            health = health_pb2_grpc.HealthStub(channel)
            status = await health.Check(
                health_pb2.HealthCheckRequest(service="glasses.v1.Assistant")
            )
            refl = reflection_pb2_grpc.ServerReflectionStub(channel)

            async def ask():
                yield reflection_pb2.ServerReflectionRequest(list_services="")

            listed = [r async for r in refl.ServerReflectionInfo(ask())]
            imagine = pb_grpc.ImagineStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await imagine.Verify(pb.VerifyRequest(image=b""))
            return status, listed, info.value.code()

    status, listed, imagine_code = run(scenario())
    assert status.status == health_pb2.HealthCheckResponse.SERVING
    names = {s.name for s in listed[0].list_services_response.service}
    assert {
        "glasses.v1.Assistant",
        "glasses.v1.Imagine",
        "glasses.v1.Consent",
        "grpc.health.v1.Health",
    } <= names
    assert imagine_code == grpc.StatusCode.UNIMPLEMENTED  # server side comes later
