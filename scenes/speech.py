"""Spoken questions for the benchmarks: synthetic speech, its true end known.

:func:`speak` renders a sentence with ``espeak-ng`` or ``flite`` (a voice, a
speed, a pitch), at 16 kHz mono float32. :func:`session` lays sentences one
after another with silence between, noise mixed in at a given SNR, and
returns the audio with each sentence's true start and end of speech (from the
clean rendering, not from any VAD). :class:`Speaker` renders utterances with
pauses and one of several noises (white, pink, brown, mains hum, babble) at a
drawn SNR, for the activation benchmark.
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
# noises mixed into the activation benchmark's speech (Speaker)
NOISES = ["clean", "white", "pink", "brown", "hum", "babble"]
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
    """``text`` spoken by espeak-ng, or by flite for a ``flite:NAME`` voice
    (``wpm`` as a stretch of its ~150 wpm, ``pitch`` 0-99 as 80-200 Hz);
    16 kHz mono float32 in [-1, 1]."""
    synthesiser = "flite" if voice.startswith("flite:") else "espeak-ng"
    if not shutil.which(synthesiser):
        raise RuntimeError(f"{synthesiser} is not installed (apt-get install {synthesiser})")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "said.wav"
        if synthesiser == "flite":
            command = ["flite", "-voice", voice.removeprefix("flite:"), "-t", text, "-o", str(out)]
            command += ["--setf", f"duration_stretch={150 / wpm:.2f}"]
            command += ["--setf", f"int_f0_target_mean={80 + 1.2 * pitch:.0f}"]
        else:
            command = ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "-w", str(out)]
            command += [text]
        subprocess.run(command, check=True, capture_output=True)
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


@dataclass
class Spoken:
    """One utterance as said: what, how, and where it lies in its stream."""

    kind: str  # ordinary | near_miss | bystander_question | wake:<form>
    text: str
    voice: str
    wpm: int
    noise: str
    snr_db: int | None
    start_s: float = 0.0
    end_s: float = 0.0

    def speed(self) -> str:
        return "slow (<140 wpm)" if self.wpm < 140 else "fast (>160)" if self.wpm > 160 else "mid"


def noise(kind: str, n: int, rng: np.random.Generator, babble: list[np.ndarray]) -> np.ndarray:
    """Unit-RMS noise of ``kind``, ``n`` samples."""
    if kind == "white":
        x = rng.normal(size=n)
    elif kind in ("pink", "brown"):
        spectrum = np.fft.rfft(rng.normal(size=n))
        f = np.maximum(np.fft.rfftfreq(n, 1 / RATE), 20.0)
        x = np.fft.irfft(spectrum / (f ** (0.5 if kind == "pink" else 1.0)), n)
    elif kind == "hum":
        t = np.arange(n) / RATE
        base = rng.choice([50.0, 60.0])
        x = sum(np.sin(2 * np.pi * base * k * t + rng.uniform(0, 6)) / k for k in (1, 2, 3, 5))
        x = x + 0.1 * rng.normal(size=n)
    else:  # babble: three reversed voices, unintelligible but speech-like
        x = np.zeros(n)
        for _ in range(3):
            clip = babble[rng.integers(len(babble))][::-1]
            x += np.resize(np.roll(clip, rng.integers(len(clip))), n)
    x = np.asarray(x, np.float64)
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


class Speaker:
    """Renders utterances into one stream: pause, speech, pause, noise on all."""

    def __init__(
        self, seed: int, voices: list[str], snrs_db: list[int], babble_lines: list[str]
    ) -> None:
        self.seed = seed
        self.voices = voices
        self.snrs_db = snrs_db
        self.count = 0
        # every draw from (seed, what for): seeds next to each other share none
        # (seed + count shared all but a few of their utterances' voices and noises)
        rng = np.random.default_rng([seed, 0])
        babble_lines = rng.choice(babble_lines, 6, replace=False)
        self.babble = [speak(s, "en-us", 170, 50) for s in babble_lines]

    def say(self, kind: str, text: str) -> tuple[Spoken, np.ndarray]:
        self.count += 1
        rng = np.random.default_rng([self.seed, self.count])
        voice = self.voices[rng.integers(len(self.voices))]
        wpm, pitch = int(rng.integers(120, 181)), int(rng.integers(30, 71))
        kind_noise = NOISES[rng.integers(len(NOISES))]
        snr = None if kind_noise == "clean" else int(rng.choice(self.snrs_db))
        parts = []
        for part in text.split("|"):  # "|": a pause of its own, 0.8-1.5 s
            if parts:
                parts.append(np.zeros(int(rng.uniform(0.8, 1.5) * RATE), np.float32))
            parts.append(speak(part, voice, wpm, pitch) * rng.uniform(0.4, 1.0))
        speech = np.concatenate(parts).astype(np.float32)
        before = int(rng.uniform(0.6, 2.0) * RATE)
        clip = np.concatenate([np.zeros(before, np.float32), speech, np.zeros(RATE // 2)])
        if snr is not None:
            voiced = speech[np.abs(speech) > 0.02]
            level = np.sqrt(np.mean(voiced**2)) / 10 ** (snr / 20)
            clip = clip + level * noise(kind_noise, len(clip), rng, self.babble)
        spoken = Spoken(kind, text.replace("|", " "), voice, wpm, kind_noise, snr)
        spoken.start_s, spoken.end_s = before / RATE, (before + len(speech)) / RATE
        return spoken, np.clip(clip, -1, 1).astype(np.float32)


def join(clips: list[tuple[Spoken, np.ndarray]]) -> tuple[list[Spoken], np.ndarray]:
    """One stream of the clips, each utterance's span moved to its place in it."""
    offset, spoken, audio = 0.0, [], []
    for said, clip in clips:
        said.start_s += offset
        said.end_s += offset
        offset += len(clip) / RATE
        spoken.append(said)
        audio.append(clip)
    return spoken, np.concatenate(audio)
