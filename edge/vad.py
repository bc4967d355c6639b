"""Voice activity detection: Silero VAD on ONNX Runtime, and a segmenter that
turns a stream of audio chunks into speech segments (utterances)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import numpy as np
import onnxruntime as ort

from core.frames import AudioChunk, SpeechSegment, Stamp
from edge.config import VadConfig

SAMPLE_RATE = 16000
WINDOW = 512  # new samples per call at 16 kHz
CONTEXT = 64  # samples of the previous window the model also sees


class SileroVad:
    """Speech probability per 512-sample window (32 ms at 16 kHz)."""

    version = "silero-vad-v5"

    def __init__(self, session: ort.InferenceSession) -> None:
        self._session = session
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)

    def probability(self, window: np.ndarray) -> float:
        if window.shape != (WINDOW,):
            raise ValueError(f"Silero VAD takes {WINDOW} samples at 16 kHz, got {window.shape}")
        x = np.concatenate([self._context, window.astype(np.float32)])[None, :]
        out, self._state = self._session.run(
            None, {"input": x, "state": self._state, "sr": self._sr}
        )
        self._context = x[0, -CONTEXT:]
        return float(out[0, 0])


class VadSegmenter:
    """Feeds chunks through the VAD; yields a :class:`SpeechSegment` when an
    utterance ends (speech followed by ``min_silence_ms`` of silence).

    After ``early_ms`` of silence the utterance so far is offered as
    :attr:`tentative`, so that it can be transcribed while the end-point is
    awaited; it is withdrawn (None) when speech resumes. A segment that closes
    while its tentative stands has the same start and only more silence."""

    def __init__(self, vad: SileroVad, config: VadConfig) -> None:
        self.vad = vad
        self.config = config
        self._pending = np.zeros(0, np.float32)
        self._pending_t0 = 0.0  # media seconds of _pending[0]
        pad = int(config.speech_pad_ms * SAMPLE_RATE / 1000) // WINDOW + 1
        self._preroll: deque[np.ndarray] = deque(maxlen=pad)
        self._speech: list[np.ndarray] = []
        self._speech_start = 0.0
        self._silence_windows = 0
        self._clock = None
        self.tentative: SpeechSegment | None = None

    @property
    def speaking(self) -> bool:
        """Whether a segment is open: speech heard and not yet ended by silence."""
        return bool(self._speech)

    def feed(self, chunk: AudioChunk) -> Iterator[SpeechSegment]:
        """Segments that end within ``chunk`` (usually none)."""
        if chunk.sample_rate != SAMPLE_RATE:
            raise ValueError(f"VAD needs {SAMPLE_RATE} Hz audio, got {chunk.sample_rate}")
        self._clock = chunk.captured_at.clock
        if not len(self._pending):
            self._pending_t0 = chunk.captured_at.seconds
        self._pending = np.concatenate([self._pending, chunk.samples.astype(np.float32)])
        while len(self._pending) >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            t0 = self._pending_t0
            self._pending_t0 += WINDOW / SAMPLE_RATE
            segment = self._step(window, t0)
            if segment is not None:
                yield segment

    def flush(self) -> Iterator[SpeechSegment]:
        """End of stream: an utterance still open is closed."""
        if self._speech and (segment := self._close(self._pending_t0)) is not None:
            yield segment

    def _step(self, window: np.ndarray, t0: float) -> SpeechSegment | None:
        speaking = self.vad.probability(window) >= self.config.threshold
        if not self._speech:
            if speaking:
                self._speech = [*self._preroll, window]
                self._speech_start = t0 - len(self._preroll) * WINDOW / SAMPLE_RATE
                self._silence_windows = 0
                self.tentative = None  # the last utterance's is not this one's
            else:
                self._preroll.append(window)
            return None
        self._speech.append(window)
        self._silence_windows = 0 if speaking else self._silence_windows + 1
        silence_ms = self._silence_windows * WINDOW * 1000 / SAMPLE_RATE
        if speaking:
            self.tentative = None
        elif self.config.early_ms and self.tentative is None and silence_ms >= self.config.early_ms:
            self.tentative = self._segment(np.concatenate(self._speech), t0 + WINDOW / SAMPLE_RATE)
        if silence_ms >= self.config.min_silence_ms:
            return self._close(t0 + WINDOW / SAMPLE_RATE)
        return None

    def _close(self, t_end: float) -> SpeechSegment | None:
        samples = np.concatenate(self._speech)
        self._speech, self._preroll = [], deque(maxlen=self._preroll.maxlen)
        if (
            len(samples) * 1000 / SAMPLE_RATE
            < self.config.min_speech_ms + self.config.min_silence_ms
        ):
            return None
        return self._segment(samples, t_end)

    def _segment(self, samples: np.ndarray, t_end: float) -> SpeechSegment:
        clock = self._clock
        return SpeechSegment(
            samples,
            SAMPLE_RATE,
            Stamp(round(self._speech_start * 1e9), clock),
            Stamp(round(t_end * 1e9), clock),
        )
