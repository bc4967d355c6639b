"""Nothing leaves the device unless the wearer asked: the runtime with the real
VAD on spoken audio, a real server on loopback and the outbox on disk. Fakes:
the transcriber (it "hears" a script: ASR is not under test) and the model."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np

from core.frames import Transcript
from edge.asr import Heard
from edge.components import build_segmenter
from edge.config import EdgeConfig, UplinkConfig
from edge.link import open_uplink
from edge.redaction import Redactor
from edge.runtime import EdgeRuntime
from edge.sources import CaptureClock, VideoFileCamera, WavFileMicrophone, read_wav, resample
from glasses.assets import DEMO_AUDIO, DEMO_VIDEO
from scenes.speech import write_wav
from tests.fakes import FakeVisionLanguageBackend
from tests.integration.serving import enrol, serving

SPEED = 2.0  # paced (the follow-up window is in seconds of the runtime's clock), twice as fast


@dataclass
class ScriptedTranscriber:
    """Hears the script's lines in turn, one per utterance (an utterance
    transcribed early and again, or in part at a pause, hears the same line)."""

    lines: list[str]
    starts: list[int] = field(default_factory=list)

    def hear(self, segment):  # noqa: ANN001, ANN201
        if segment.started_at.nanos not in self.starts:
            self.starts.append(segment.started_at.nanos)
        k = self.starts.index(segment.started_at.nanos)
        text = self.lines[k] if k < len(self.lines) else ""
        return Heard.of(Transcript(text, segment.started_at, segment.ended_at, "en", 0.9))


def _twice(tmp_path, gap_s: float):  # noqa: ANN001, ANN202
    """The bundled spoken question twice, ``gap_s`` of silence between: two utterances."""
    samples, rate = read_wav(DEMO_AUDIO)
    said = resample(samples, rate)
    audio = np.concatenate([said, np.zeros(int(gap_s * 16000), np.float32), said])
    path = tmp_path / "twice.wav"
    write_wav(path, audio)
    return path


def _ask(tmp_path, models_config, lines, audio, config=EdgeConfig(), before=None, transcriber=None):  # noqa: ANN001, ANN202, B008
    backend = FakeVisionLanguageBackend()
    transcriber = transcriber or ScriptedTranscriber(list(lines))

    async def scenario():
        async with serving(tmp_path, backend, Redactor([])) as (channel, store):
            token = enrol(store, config.device_id)
            link = open_uplink(
                channel, (("authorization", f"Bearer {token}"),), UplinkConfig(), tmp_path / "o"
            )
            runtime = EdgeRuntime(
                config, build_segmenter(models_config, config.vad), transcriber, Redactor([])
            )
            if before is not None:
                before(runtime)
            clock = CaptureClock()
            async with link:
                items = await runtime.run(
                    VideoFileCamera(DEMO_VIDEO, SPEED, clock),
                    WavFileMicrophone(audio, SPEED, clock=clock),
                    link,
                )
                kept = len(link.outbox)
            return items, store.count(), kept, runtime.dropped

    return asyncio.run(asyncio.wait_for(scenario(), 120)), backend


def test_speech_without_the_wake_phrase_is_never_sent(tmp_path, models_config):
    (items, stored, kept, dropped), backend = _ask(
        tmp_path, models_config, ["I lost my glasses yesterday, you know"], DEMO_AUDIO
    )
    (item,) = items
    assert item.outcome == "not_sent" and item.activation == "not_activated"
    assert item.utterance is None and item.redacted is None  # no text, no frame kept
    assert backend.calls == [] and stored == 0 and kept == 0
    assert dropped == {"not_activated": 1}


def test_push_to_talk_sends_what_is_said_while_held(tmp_path, models_config):
    def hold(runtime):  # noqa: ANN001, ANN202 - the wearer holds the button from the start
        runtime.activation.press(time.monotonic())

    (items, stored, _, _), backend = _ask(
        tmp_path, models_config, ["what is this table made of"], DEMO_AUDIO, before=hold
    )
    (item,) = items
    assert item.outcome == "answered" and item.activation == "push_to_talk"
    assert backend.calls == [("what is this table made of", True)]


def test_a_follow_up_needs_no_wake_phrase_unless_the_window_is_off(tmp_path, models_config):
    lines = ["Hey glasses, what is this table made of?", "and how old is it?"]
    audio = _twice(tmp_path, 2.0)
    (items, _, _, _), backend = _ask(tmp_path, models_config, lines, audio)
    assert [i.activation for i in items] == ["wake_phrase", "follow_up"]
    assert [q for q, _ in backend.calls] == ["what is this table made of?", "and how old is it?"]

    off = EdgeConfig().model_copy(deep=True)
    off.activation.follow_up_s = 0
    (items, _, _, _), backend = _ask(tmp_path / "off", models_config, lines, audio, off)
    assert [i.activation for i in items] == ["wake_phrase", "not_activated"]
    assert len(backend.calls) == 1


@dataclass
class SlowTranscriber:
    """Hears the whole question only in the whole utterance; takes its time
    and counts how many transcriptions ran at once."""

    whole_s: float
    running: int = 0
    most: int = 0
    calls: int = 0

    def hear(self, segment):  # noqa: ANN001, ANN201
        self.calls += 1
        self.running += 1
        self.most = max(self.most, self.running)
        time.sleep(0.8)
        self.running -= 1
        whole = len(segment.samples) / 16000 >= self.whole_s
        text = "Hey glasses, what is this table made of?" if whole else "Hey glasses"
        return Heard.of(Transcript(text, segment.started_at, segment.ended_at, "en", 0.9))


def test_a_pause_mid_question_neither_splits_it_nor_runs_two_transcriptions_at_once(
    tmp_path, models_config
):
    samples, rate = read_wav(DEMO_AUDIO)
    said = resample(samples, rate)
    part = lambda a, b: said[int(a * 16000) : int(b * 16000)]  # noqa: E731
    pause = np.zeros(int(0.22 * 16000), np.float32)  # past the early pause, short of the end
    audio = np.concatenate([part(0, 2.0), pause, part(0.81, 1.5), np.zeros(16000, np.float32)])
    path = tmp_path / "paused.wav"
    write_wav(path, audio)
    transcriber, runtimes = SlowTranscriber(whole_s=2.0), []
    _, backend = _ask(
        tmp_path, models_config, [], path, before=runtimes.append, transcriber=transcriber
    )
    early = runtimes[0].early_asr
    assert [q for q, _ in backend.calls] == ["what is this table made of?"]
    assert early >= 1 and transcriber.calls >= 2  # transcribed ahead at the pause, then again
    assert transcriber.most == 1  # one Whisper at a time: the two would share the cores
