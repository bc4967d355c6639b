"""The segmenter: utterances end at the end-point, and the utterance so far is
offered for transcription at an early pause, withdrawn if speech resumes."""

from __future__ import annotations

import numpy as np

from core.frames import AudioChunk, Stamp
from edge.config import VadConfig
from edge.vad import WINDOW, VadSegmenter

WINDOW_MS = WINDOW * 1000 / 16000  # 32 ms


class ScriptedVad:
    """Speech or not per window, as scripted (the VAD model is not under test)."""

    def __init__(self, script: str) -> None:
        self.script, self.k = script, 0

    def probability(self, window: np.ndarray) -> float:
        said = self.script[self.k] == "s" if self.k < len(self.script) else False
        self.k += 1
        return 0.9 if said else 0.1


def _feed(script: str, config: VadConfig):  # noqa: ANN202
    """Feed the script window by window; (segments closed, tentatives seen) with window indices."""
    segmenter = VadSegmenter(ScriptedVad(script), config)
    closed, tentatives, last = [], [], None
    for k in range(len(script)):
        chunk = AudioChunk(k, np.zeros(WINDOW, np.float32), 16000, Stamp.media(k * WINDOW / 16000))
        closed += [(k, s) for s in segmenter.feed(chunk)]
        if segmenter.tentative is not None and segmenter.tentative is not last:
            last = segmenter.tentative
            tentatives.append((k, last))
    return closed, tentatives, segmenter


CONFIG = VadConfig(min_silence_ms=400, early_ms=160, speech_pad_ms=0, min_speech_ms=100)


def test_the_utterance_is_offered_at_the_early_pause_and_closes_at_the_end_point():
    script = "." * 5 + "s" * 40 + "." * 20
    closed, tentatives, _ = _feed(script, CONFIG)
    ((k_early, tentative),) = tentatives
    ((k_end, segment),) = closed
    assert (k_early - 44) * WINDOW_MS >= 160 > (k_early - 45) * WINDOW_MS
    assert (k_end - 44) * WINDOW_MS >= 400
    assert tentative.started_at == segment.started_at  # the same utterance, more silence
    assert len(segment.samples) > len(tentative.samples)


def test_speech_after_the_early_pause_withdraws_the_offer():
    script = "." * 5 + "s" * 20 + "." * 7 + "s" * 20 + "." * 20
    closed, tentatives, _ = _feed(script, CONFIG)
    assert len(closed) == 1 and len(tentatives) == 2  # the first offer was withdrawn
    (_, segment) = closed[0]
    assert tentatives[-1][1].started_at == segment.started_at
    assert len(tentatives[-1][1].samples) > 40 * WINDOW  # it holds both stretches of speech


def test_no_offer_when_early_transcription_is_off():
    script = "." * 5 + "s" * 40 + "." * 20
    closed, tentatives, _ = _feed(script, CONFIG.model_copy(update={"early_ms": 0}))
    assert len(closed) == 1 and tentatives == []


def test_a_new_utterance_withdraws_the_last_ones_offer_at_its_first_window():
    # the runtime reuses a transcript made ahead only for the offer standing when
    # an utterance closes: the one before's must not stand for a one-window utterance
    script = "." * 5 + "s" * 20 + "." * 14 + "s" + "." * 14
    config = CONFIG.model_copy(update={"min_speech_ms": 0})
    closed, tentatives, segmenter = _feed(script, config)
    assert len(closed) == 2 and len(tentatives) == 2  # each utterance its own offer
    for (_, segment), (_, offer) in zip(closed, tentatives, strict=True):
        assert offer.started_at == segment.started_at
    assert segmenter.tentative.started_at == closed[1][1].started_at
