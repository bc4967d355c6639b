"""Assistant.Converse over a real gRPC server on loopback (port 0), with the
real tiny vision-language model, the real SQLite store and the re-check.
Callers are enrolled devices; their consent comes from the ledger."""

from __future__ import annotations

import cv2
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from core.frames import Hello, Query, RawImage, Scope, Stamp
from edge import wire
from edge.uplink import ConverseSession, ServerReportedError, bearer
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server.store import SqliteSampleStore
from tests.conftest import card_scene, decode, readable_digit_runs
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving


def test_answer_streams_back_and_a_consented_sample_is_logged(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            async with ConverseSession(channel, bearer(enrol(store, "dev-1"))) as session:
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
    # tagged with the consent the ledger held when it was logged
    assert sample.consent.scopes == ASSIST_HISTORY.scopes
    assert sample.consent.ledger_entry_id and sample.consent.policy_version == "2026-11"
    assert sample.answer_text == "".join(d.text for d in deltas)
    assert sample.frame_jpeg and sample.redaction["counts"] == {"card_number": 1}


def test_without_history_or_training_consent_nothing_is_kept(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            token = enrol(store, "dev-2", grant=())
            async with ConverseSession(channel, bearer(token)) as session:
                await session.open(Hello("dev-2", ASSIST_HISTORY))  # the ledger says no history
                events = [e async for e in session.ask(Query(1, "hello?", (), 0, 4))]
            return events, store.count()

    events, count = run(scenario())
    assert events[-1].sample_id == "" and count == 0


def test_a_session_without_assist_consent_is_refused(tmp_path, vlm, redactor):
    async def scenario():
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            token = enrol(store, "dev-3", grant=(), revoke=(Scope.ASSIST,))
            session = ConverseSession(channel, bearer(token))
            with pytest.raises(ServerReportedError) as info:
                await session.open(Hello("dev-3", ASSIST_HISTORY))
            await session.close()
            return info.value

    error = run(scenario())
    assert error.code == "CONSENT_REQUIRED" and "assist" in str(error)


def test_a_session_needs_a_token_the_server_issued(tmp_path, vlm, redactor):
    async def scenario():
        codes = []
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            token = enrol(store, "dev-5")
            for metadata, device in [
                ((), "dev-5"),
                (bearer("forged"), "dev-5"),
                (bearer(token), "dev-6"),
            ]:
                session = ConverseSession(channel, metadata)
                with pytest.raises(ServerReportedError) as info:
                    await session.open(Hello(device, ASSIST_HISTORY))
                await session.close()
                codes.append((info.value.code, str(info.value)))
        return codes

    (none, forged, other_device) = run(scenario())
    assert none[0] == forged[0] == "UNAUTHENTICATED"
    assert "no device token" in none[1] and "not known" in forged[1]
    assert other_device[0] == "INVALID_INPUT" and "issued to" in other_device[1]


async def _raw_stream(channel, store, events):
    """A misbehaving client: sends hand-built wire messages, bypassing the edge."""
    stub = pb_grpc.AssistantStub(channel)
    token = enrol(store, events[0].hello.device_id)

    async def requests():
        for event in events:
            yield event

    call = stub.Converse(requests(), metadata=bearer(token))
    return [wire.decode_server_event(m) async for m in call]


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
            replies = await _raw_stream(channel, store, events)
            return replies, store

    replies, _ = run(scenario())
    done = replies[-1]
    stored = SqliteSampleStore(tmp_path / "store").get(done.sample_id)
    assert readable_digit_runs(strong_reader, decode(stored.frame_jpeg)) == []
    assert stored.redaction["counts"].get("card_number") == 1


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
        async with serving(tmp_path, vlm, redactor) as (channel, store):
            return await _raw_stream(channel, store, events)

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
    assert {"glasses.v1.Assistant", "glasses.v1.Consent", "grpc.health.v1.Health"} <= names
    # a server started without Imagine (server.imagine.enabled: false) says so
    assert "glasses.v1.Imagine" not in names
    assert imagine_code == grpc.StatusCode.UNIMPLEMENTED
