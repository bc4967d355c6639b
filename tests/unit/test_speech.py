"""VAD and on-device ASR on the bundled question (real Silero + Whisper)."""

import asyncio
import shutil

import numpy as np
import pytest

from core.frames import AudioChunk, SpeechSegment, Stamp
from edge.activation import Activation
from edge.components import build_segmenter, build_transcriber
from edge.config import ActivationConfig, AsrConfig, VadConfig
from edge.sources import CaptureClock, WavFileMicrophone
from glasses.assets import DEMO_AUDIO
from scenes.speech import speak


def segments_of(path, models_config):
    segmenter = build_segmenter(models_config, VadConfig())

    async def collect():
        found = []
        clock = CaptureClock(origin_ns=0)  # stamps read as seconds into the clip
        async for chunk in WavFileMicrophone(path, speed=float("inf"), clock=clock).chunks():
            found += list(segmenter.feed(chunk))
        return found + list(segmenter.flush())

    return asyncio.run(collect())


def test_vad_finds_the_one_question_in_the_clip(models_config):
    segments = segments_of(DEMO_AUDIO, models_config)
    assert len(segments) == 1
    seg = segments[0]
    assert 0.4 < seg.started_at.seconds < 1.0  # speech starts after 0.8 s of silence
    assert 2.0 < seg.ended_at.seconds - seg.started_at.seconds < 4.5


def test_silence_gives_no_utterance(models_config):
    segmenter = build_segmenter(models_config, VadConfig())
    chunks = [
        AudioChunk(i, np.zeros(512, np.float32), 16000, Stamp.media(i * 0.032)) for i in range(100)
    ]
    assert [s for c in chunks for s in segmenter.feed(c)] == []


def test_whisper_transcribes_the_question_on_device(models_config):
    segment = segments_of(DEMO_AUDIO, models_config)[0]
    transcript = build_transcriber(models_config, AsrConfig()).transcribe(segment)
    words = transcript.text.lower()
    assert "glasses" in words and "table" in words


def test_a_blip_cut_off_by_the_end_of_the_stream_is_dropped_not_passed_on(models_config):
    from edge.sources import read_wav

    samples, _ = read_wav(DEMO_AUDIO)
    blip = samples[: int(0.95 * 16000)]  # 0.8 s silence, then 0.15 s of speech, then the end
    segmenter = build_segmenter(models_config, VadConfig())
    chunks = [
        AudioChunk(i, blip[s : s + 512], 16000, Stamp.media(s / 16000))
        for i, s in enumerate(range(0, len(blip), 512))
    ]
    found = [seg for c in chunks for seg in segmenter.feed(c)] + list(segmenter.flush())
    assert found == []  # too short to be a question, and never a None


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_whispers_second_opinion_scores_the_wake_phrase_on_the_same_audio(models_config):
    """Forced decoding on the encoder output kept from the transcription: the
    wake phrase said is likely, a near miss is not, and what follows is the question."""
    transcriber = build_transcriber(models_config, AsrConfig())

    def heard(text):
        samples = speak(text, "en-us", 150, 50)
        segment = SpeechSegment(samples, 16000, Stamp.media(0), Stamp.media(len(samples) / 16000))
        return transcriber.hear(segment).wake("hey glasses")

    said = heard("Hey glasses, what time is it?")
    near_miss = heard("His glasses are on the table.")
    assert said.log_prob > -3.0
    assert near_miss.log_prob < ActivationConfig().heard_min_log_prob
    assert "time" in said.question.lower() and "glasses" not in said.question.lower()


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
@pytest.mark.parametrize("voice", ["en-us", "en-gb-x-rp"])
def test_a_transcript_only_close_to_the_wake_phrase_is_sent_when_the_audio_says_it(
    models_config, voice
):
    """Whisper wrote "Hey, glass, open your looks" for a teacher's "Hey, class"
    (a held-out run): the transcript alone cannot tell it from the wearer."""
    transcriber = build_transcriber(models_config, AsrConfig())

    def decided(said: str, written: str):  # noqa: ANN202 - as the runtime decides
        samples = speak(said, voice, 150, 50)
        end = len(samples) / 16000
        segment = SpeechSegment(samples, 16000, Stamp.media(0), Stamp.media(end))
        activation = Activation()
        first = activation.decide(written, 0.0, end)
        assert activation.wants_second_opinion(first)
        opinion = transcriber.hear(segment).wake("hey glasses")
        return activation.decide(written, 0.0, end, opinion), opinion

    teacher, score = decided(
        "Hey class, open your books to page ten.", "Hey, glass, open your books"
    )
    assert not teacher.send, score
    wearer, score = decided("Hey glasses, what time is it?", "Hey, glass, what time is it?")
    assert wearer.send and wearer.question == "what time is it?", score
