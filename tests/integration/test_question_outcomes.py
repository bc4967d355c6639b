"""Each question ends in an outcome the wearer can be told, whatever fails on
the server or the link: a real gRPC server on loopback, the real VAD on the
bundled spoken question, the edge's real redactor where it matters. Fakes:
the transcriber (ASR is not under test) and the server's model (for speed)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from core.frames import Hello, Query, Stamp, Transcript
from edge.asr import Heard
from edge.components import build_segmenter
from edge.config import EdgeConfig, UplinkConfig
from edge.link import open_uplink
from edge.redaction import Redactor, redact_transcript
from edge.runtime import EdgeRuntime
from edge.sources import CaptureClock, VideoFileCamera, WavFileMicrophone
from edge.uplink import ConverseSession, LinkLost, NoAnswerInTime, bearer
from glasses.assets import DEMO_AUDIO, DEMO_VIDEO
from tests.fakes import FailingDetector, FakeDetector, FakeVisionLanguageBackend
from tests.integration.serving import ASSIST_HISTORY, enrol, run, serving

QUESTION = "Hey glasses, what is this table made of?"


@dataclass
class SaidTranscriber:
    """Hears ``text`` in every segment (the ASR is not under test here)."""

    text: str = QUESTION

    def hear(self, segment):  # noqa: ANN001, ANN201
        return Heard.of(Transcript(self.text, segment.started_at, segment.ended_at, "en", 0.9))


class StalledBackend(FakeVisionLanguageBackend):
    """A model that never answers (a server stuck on a long generation)."""

    async def stream(self, question, image_jpeg, max_tokens):  # noqa: ANN001, ANN201
        await asyncio.sleep(3600)
        yield ""


NOW = Stamp.now()


def _link(channel, token, tmp_path):  # noqa: ANN001, ANN202
    return open_uplink(channel, token, UplinkConfig(), tmp_path / "outbox.sqlite")


def _runtime(models_config) -> EdgeRuntime:
    config = EdgeConfig()
    return EdgeRuntime(
        config, build_segmenter(models_config, config.vad), SaidTranscriber(), Redactor([])
    )


def _sources():
    speed = float("inf")
    clock = CaptureClock()
    return VideoFileCamera(DEMO_VIDEO, speed, clock), WavFileMicrophone(
        DEMO_AUDIO, speed, clock=clock
    )


def test_a_frame_the_server_refuses_fails_its_question_clearly_and_the_session_goes_on(
    tmp_path, models_config
):
    # the server's re-check crashes on every frame: it fails closed, and the
    # question that named the frame is told so, by its own sequence number
    recheck = Redactor([FailingDetector()])
    backend = FakeVisionLanguageBackend()

    async def scenario():
        async with serving(tmp_path, backend, recheck) as (channel, store):
            token = bearer(enrol(store, EdgeConfig().device_id))
            async with _link(channel, token, tmp_path) as link:
                (item,) = await _runtime(models_config).run(*_sources(), link)
                # the same link answers the next question (without a frame)
                said = redact_transcript(Transcript("and now?", NOW, NOW, "en", 0.9), 10_000)
                later = [e async for e in link.ask(None, said, Query(10_001, said.text, (), 0))]
                return item, later, link.stats.refused

    item, later, refused = run(scenario())
    assert item.redacted is not None  # the edge redacted and sent it
    assert item.outcome == "failed" and "REDACTION_FAILED" in item.error
    assert "was not answered" in item.error and "Ask again" in item.error
    assert refused == 1
    assert backend.calls == [("and now?", False)]  # the refused frame never reached the model
    assert later[-1].tokens > 0


def test_the_frame_and_question_go_up_together_and_are_answered(tmp_path, models_config):
    backend = FakeVisionLanguageBackend()

    async def scenario():
        async with serving(tmp_path, backend, Redactor([FakeDetector()])) as (channel, store):
            token = bearer(enrol(store, EdgeConfig().device_id))
            async with _link(channel, token, tmp_path) as link:
                runtime = _runtime(models_config)
                (item,) = await runtime.run(*_sources(), link)
                return item, runtime

    item, runtime = run(scenario())
    assert item.outcome == "answered" and item.answer == "It looks like oak wood."
    assert backend.calls == [("what is this table made of?", True)]  # the wake phrase taken off
    assert "upload_ack_ms" not in item.timings_ms  # nothing waited for the frame's ack
    assert runtime.ahead.ahead + runtime.ahead.on_demand >= 1


def test_a_question_the_server_does_not_answer_in_time_fails_with_a_deadline(tmp_path):
    deadlines = UplinkConfig(first_token_s=0.5)

    async def scenario():
        async with serving(tmp_path, StalledBackend(), None) as (channel, store):
            token = enrol(store, "dev-1")
            async with ConverseSession(channel, bearer(token), deadlines) as session:
                await session.open(Hello("dev-1", ASSIST_HISTORY))
                with pytest.raises(NoAnswerInTime) as info:
                    async for _ in session.ask(Query(1, "hello?", (), 0, 4)):
                        pass
                return info.value

    error = run(asyncio.wait_for(scenario(), 20))
    assert error.seq == 1 and "within 0.5 s" in str(error) and "Ask again" in str(error)


def test_after_the_link_is_lost_every_question_fails_at_once_instead_of_hanging(tmp_path):
    async def scenario():
        async with serving(tmp_path, FakeVisionLanguageBackend(), None) as (channel, store):
            session = ConverseSession(channel, bearer(enrol(store, "dev-1")))
            await session.open(Hello("dev-1", ASSIST_HISTORY))
            await channel.close()  # the link drops
            await asyncio.sleep(0.1)
            with pytest.raises(LinkLost) as info:
                async for _ in session.ask(Query(1, "still there?", (), 0, 4)):
                    pass
            return info.value

    error = run(asyncio.wait_for(scenario(), 10))
    assert error.code == "LINK_LOST"
