"""Spoken questions for the benchmarks: espeak-ng speech, its true end known.

:func:`speak` renders a sentence with ``espeak-ng`` (a voice, a speed, a
pitch), at 16 kHz mono float32. :func:`session` lays sentences one after
another with silence between, noise mixed in at a given SNR, and returns the
audio with each sentence's true start and end of speech (from the clean
rendering, not from any VAD).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000
# a rendering's speech starts and ends where its envelope (10 ms RMS) first and
# last exceeds this share of its peak
SPEECH_SHARE = 0.02
# espeak-ng English voices of several accents and sexes (espeak-ng --voices=en)
VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us+f3", "en-gb+f2")


@dataclass(frozen=True)
class Said:
    """A sentence in a session: its text and true speech span (seconds)."""

    text: str
    start_s: float
    end_s: float


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str = "en-us", wpm: int = 160, pitch: int = 50) -> np.ndarray:
    """``text`` spoken by espeak-ng, 16 kHz mono float32 in [-1, 1]."""
    if not available():
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "said.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "-w", str(out), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(out), "rb") as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
    if rate != RATE:
        n = round(len(pcm) * RATE / rate)
        pcm = np.interp(np.linspace(0, len(pcm) - 1, n), np.arange(len(pcm)), pcm)
    return pcm.astype(np.float32)


def speech_span(pcm: np.ndarray) -> tuple[float, float]:
    """Where speech starts and ends in a clean rendering (seconds)."""
    hop = RATE // 100
    frames = len(pcm) // hop
    rms = np.sqrt(np.mean(pcm[: frames * hop].reshape(frames, hop) ** 2, axis=1))
    loud = np.nonzero(rms > SPEECH_SHARE * rms.max())[0]
    return loud[0] * hop / RATE, (loud[-1] + 1) * hop / RATE


def session(
    texts: list[str],
    rng: np.random.Generator,
    gap_s: tuple[float, float] = (2.5, 3.5),
    snr_db: float | None = 20.0,
    lead_s: float = 1.0,
) -> tuple[np.ndarray, list[Said]]:
    """``texts`` spoken one after another (voice, speed and pitch drawn from
    ``rng``), a silence of ``gap_s`` after each, noise at ``snr_db`` (None:
    clean); the audio and each sentence's true speech span."""
    parts = [np.zeros(round(lead_s * RATE), np.float32)]
    said, at = [], lead_s
    for text in texts:
        voice = VOICES[int(rng.integers(len(VOICES)))]
        pcm = speak(text, voice, int(rng.integers(140, 200)), int(rng.integers(35, 70)))
        start, end = speech_span(pcm)
        said.append(Said(text, at + start, at + end))
        gap = np.zeros(round(rng.uniform(*gap_s) * RATE), np.float32)
        parts += [pcm, gap]
        at += (len(pcm) + len(gap)) / RATE
    audio = np.concatenate(parts)
    if snr_db is not None:
        level = np.sqrt(np.mean(np.concatenate([p for p in parts if p.any()]) ** 2))
        noise = rng.normal(0, level / 10 ** (snr_db / 20), len(audio)).astype(np.float32)
        audio = np.clip(audio + noise, -1, 1)
    return audio, said


def write_wav(path: Path, audio: np.ndarray) -> None:
    """16-bit PCM mono at 16 kHz."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
