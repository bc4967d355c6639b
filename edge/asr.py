"""On-device speech recognition: Whisper (CTranslate2) via faster-whisper.

:meth:`WhisperTranscriber.hear` keeps what Whisper's encoder made of the
segment, so the decoder can be asked a second question about the same audio
without encoding it again (~250 ms of the ~300 ms a short segment costs
here): how likely the wake phrase is as its first words, and what follows
it (:meth:`Heard.wake`). The activation asks only about speech it would
otherwise drop, so a transcript that already starts with the wake phrase
costs nothing more.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.frames import SpeechSegment, Transcript
from edge.config import AsrConfig

# Longest decoding after the wake phrase, in tokens (Whisper's own limit is 448).
_MAX_QUESTION_TOKENS = 224
# A fast talker says about 4 words, some 6 tokens, a second: a transcript much
# longer than this many tokens a second of audio (plus a few) is a repetition
# loop, and decoding it costs ~10 ms a token on this CPU.
_TOKENS_PER_SECOND = 10
_TOKENS_AT_LEAST = 16


def _tokens_for(seconds: float) -> int:
    return min(_MAX_QUESTION_TOKENS, _TOKENS_AT_LEAST + int(_TOKENS_PER_SECOND * seconds))


_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class WakeHeard:
    """Whisper's second opinion on a segment: ``log_prob`` is the natural log
    of the probability it gives the wake phrase as the first words (the best
    of its written forms, punctuation after it not counted); ``question`` is
    what it then hears after the phrase."""

    log_prob: float
    question: str = field(repr=False)

    def __str__(self) -> str:
        return f"WakeHeard(log_prob={self.log_prob:.2f} question={len(self.question)} chars)"


def written_forms(phrase: str) -> list[str]:
    """How Whisper may write the phrase at the start of a transcript:
    capitalised, with or without a comma after its first word."""
    words = _WORDS.findall(phrase)
    first = words[0][:1].upper() + words[0][1:]
    rest = " ".join(words[1:])
    if not rest:
        return [f" {first}"]
    return [f" {first} {rest}", f" {first}, {rest}"]


class Heard:
    """One segment as Whisper heard it: the transcript, and the encoder's
    output kept for :meth:`wake` (first 30 s window)."""

    def __init__(
        self,
        transcript: Transcript,
        transcriber: WhisperTranscriber | None,
        encoded,  # noqa: ANN001
    ) -> None:
        self.transcript = transcript
        self._transcriber = transcriber
        self._encoded = encoded
        self.asked: dict[str, WakeHeard] = {}  # phrase -> answer, asked once each

    @classmethod
    def of(cls, transcript: Transcript) -> Heard:
        """A transcript with no audio kept: :meth:`wake` has no opinion."""
        return cls(transcript, None, None)

    def wake(self, phrase: str) -> WakeHeard | None:
        """How likely ``phrase`` is as the segment's first words, and what
        follows it; None when nothing was encoded (an empty segment)."""
        if self._encoded is None or self._transcriber is None:
            return None
        if phrase not in self.asked:
            self.asked[phrase] = self._transcriber.wake_heard(self._encoded, phrase)
        return self.asked[phrase]


class _Capturing:
    """Holds the first encoder output of each transcription, per thread."""

    def __init__(self) -> None:
        self.local = threading.local()

    def start(self) -> None:
        self.local.encoded = None

    def keep(self, encoded) -> None:  # noqa: ANN001
        if getattr(self.local, "encoded", None) is None:
            self.local.encoded = encoded

    def take(self):  # noqa: ANN201
        encoded, self.local.encoded = getattr(self.local, "encoded", None), None
        return encoded


class WhisperTranscriber:
    """Transcribes a speech segment on the CPU; the text never leaves unredacted."""

    def __init__(
        self, model_dir: Path, config: AsrConfig, threads: int = 2, hotwords: str | None = None
    ) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        self.config = config
        # words the decoder is nudged towards: the wake phrase (ActivationConfig.prime_asr)
        self.hotwords = hotwords
        self.version = f"faster-whisper:{model_dir.name}"
        capture = self._capture = _Capturing()

        class _Model(WhisperModel):
            def encode(self, features: np.ndarray):  # noqa: ANN202
                encoded = super().encode(features)
                capture.keep(encoded)
                return encoded

        self._model = _Model(
            str(model_dir), device="cpu", compute_type=config.compute_type, cpu_threads=threads
        )
        multilingual = self._model.model.is_multilingual
        self._tokenizer = Tokenizer(
            self._model.hf_tokenizer,
            multilingual,
            task="transcribe" if multilingual else None,
            language=config.language if multilingual else None,
        )
        self._lock = threading.Lock()  # the decoder's second question, one at a time

    def transcribe(self, segment: SpeechSegment) -> Transcript:
        return self.hear(segment).transcript

    def hear(self, segment: SpeechSegment) -> Heard:
        """The transcript, with the audio's encoding kept for :meth:`Heard.wake`."""
        if segment.sample_rate != 16000:
            raise ValueError(f"Whisper needs 16 kHz audio, got {segment.sample_rate}")
        self._capture.start()
        segments, info = self._model.transcribe(
            segment.samples.astype(np.float32),
            language=self.config.language,
            beam_size=self.config.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            hotwords=self.hotwords,
            temperature=list(self.config.temperatures),
            max_new_tokens=_tokens_for(len(segment.samples) / segment.sample_rate),
        )
        parts = list(segments)
        text = " ".join(p.text.strip() for p in parts).strip()
        confidence = float(np.exp(np.mean([p.avg_logprob for p in parts]))) if parts else 0.0
        transcript = Transcript(
            text,
            segment.started_at,
            segment.ended_at,
            info.language or self.config.language,
            confidence,
        )
        return Heard(transcript, self, self._capture.take())

    def wake_heard(self, encoded, phrase: str) -> WakeHeard:  # noqa: ANN001
        """Forced decoding on ``encoded``: the log-probability of each written
        form of ``phrase`` as the first tokens; then, after the likeliest
        form, the continuation Whisper decodes (the question)."""
        tok = self._tokenizer
        start = [*tok.sot_sequence, tok.no_timestamps]
        frames = int(encoded.shape[1]) * 2  # the encoder halves the mel frames

        def log_prob(tokens: list[int]) -> float:
            (aligned,) = self._model.model.align(encoded, start, [tokens], frames)
            probs = np.maximum(np.asarray(aligned.text_token_probs, np.float64), 1e-12)
            return float(np.log(probs).sum())

        with self._lock:
            forms = [tok.encode(form) for form in written_forms(phrase)]
            best, best_tokens = max((log_prob(tokens), tokens) for tokens in forms)
            (result,) = self._model.model.generate(
                encoded,
                [start + best_tokens],
                beam_size=self.config.beam_size,
                max_length=_MAX_QUESTION_TOKENS,
                suppress_blank=False,
            )
        ids = [t for t in result.sequences_ids[0] if t < tok.eot]
        if ids[: len(best_tokens)] == best_tokens:  # the forced prefix comes back first
            ids = ids[len(best_tokens) :]
        return WakeHeard(best, tok.decode(ids).strip())
