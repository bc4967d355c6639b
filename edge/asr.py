"""On-device speech recognition: Whisper (CTranslate2) via faster-whisper."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.frames import SpeechSegment, Transcript
from edge.config import AsrConfig


class WhisperTranscriber:
    """Transcribes a speech segment on the CPU; the text never leaves unredacted."""

    def __init__(
        self, model_dir: Path, config: AsrConfig, threads: int = 2, hotwords: str | None = None
    ) -> None:
        from faster_whisper import WhisperModel

        self.config = config
        # words the decoder is nudged towards: the wake phrase (ActivationConfig.prime_asr)
        self.hotwords = hotwords
        self.version = f"faster-whisper:{model_dir.name}"
        self._model = WhisperModel(
            str(model_dir), device="cpu", compute_type=config.compute_type, cpu_threads=threads
        )

    def transcribe(self, segment: SpeechSegment) -> Transcript:
        if segment.sample_rate != 16000:
            raise ValueError(f"Whisper needs 16 kHz audio, got {segment.sample_rate}")
        segments, info = self._model.transcribe(
            segment.samples.astype(np.float32),
            language=self.config.language,
            beam_size=self.config.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            hotwords=self.hotwords,
        )
        parts = list(segments)
        text = " ".join(p.text.strip() for p in parts).strip()
        confidence = float(np.exp(np.mean([p.avg_logprob for p in parts]))) if parts else 0.0
        return Transcript(
            text,
            segment.started_at,
            segment.ended_at,
            info.language or self.config.language,
            confidence,
        )
