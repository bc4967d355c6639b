"""Devices at the edge of the pipeline: cameras and microphones.

Each source is an async iterator of frames. File sources replay a recording
on the media clock (optionally faster than real time); live sources read the
hardware. Tests feed the live microphone's callback from WAV files.
"""

from __future__ import annotations

import asyncio
import time
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from core.errors import InvalidInputError
from core.frames import AudioChunk, ClockDomain, RawImage, Stamp

SAMPLE_RATE = 16000
CHUNK = 512


class CameraSource(Protocol):
    def frames(self) -> AsyncIterator[RawImage]: ...


class MicrophoneSource(Protocol):
    def chunks(self) -> AsyncIterator[AudioChunk]: ...


class _Pacer:
    """Sleeps so that media time ``t`` is reached at ``start + t / speed``."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.start = time.monotonic()

    async def wait_until(self, media_t: float) -> None:
        if self.speed == float("inf"):
            await asyncio.sleep(0)
            return
        delay = self.start + media_t / self.speed - time.monotonic()
        await asyncio.sleep(max(delay, 0.0))


class VideoFileCamera:
    """Replays a video file as camera frames stamped on the media clock."""

    def __init__(self, path: Path, speed: float = 1.0) -> None:
        self.path = Path(path)
        self.speed = speed
        if not self.path.is_file():
            raise InvalidInputError(f"video file '{self.path}' does not exist")

    async def frames(self) -> AsyncIterator[RawImage]:
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            raise InvalidInputError(f"cannot decode video '{self.path}' (try an mp4 or avi)")
        fps = capture.get(cv2.CAP_PROP_FPS) or 10.0
        pacer = _Pacer(self.speed)
        seq = 0
        try:
            while True:
                ok, pixels = await asyncio.to_thread(capture.read)
                if not ok:
                    return
                media_t = seq / fps
                await pacer.wait_until(media_t)
                yield RawImage(seq, pixels, Stamp.media(media_t), source=self.path.name)
                seq += 1
        finally:
            capture.release()


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1] and the sample rate of a PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InvalidInputError(f"'{path}' is not a PCM WAV file: {exc}") from exc
    if width != 2:
        raise InvalidInputError(f"'{path}' has {8 * width}-bit samples; 16-bit PCM is needed")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Linear-interpolation resampling (adequate for speech recognition)."""
    if rate == target:
        return samples.astype(np.float32)
    n = round(len(samples) * target / rate)
    return np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples).astype(
        np.float32
    )


class WavFileMicrophone:
    """Replays a WAV file as 16 kHz audio chunks stamped on the media clock."""

    def __init__(self, path: Path, speed: float = 1.0, chunk: int = CHUNK) -> None:
        self.path = Path(path)
        self.speed = speed
        self.chunk = chunk
        if not self.path.is_file():
            raise InvalidInputError(f"audio file '{self.path}' does not exist")

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        samples, rate = read_wav(self.path)
        samples = resample(samples, rate)
        pacer = _Pacer(self.speed)
        for seq, start in enumerate(range(0, len(samples), self.chunk)):
            media_t = start / SAMPLE_RATE
            await pacer.wait_until(media_t)
            yield AudioChunk(
                seq, samples[start : start + self.chunk], SAMPLE_RATE, Stamp.media(media_t)
            )


class SoundDeviceMicrophone:
    """The live microphone (PortAudio via ``sounddevice``; needs libportaudio2).

    PortAudio calls :meth:`callback` from its own thread; chunks are handed to
    the event loop through a bounded queue. Audio is never dropped silently:
    an overflow is counted in :attr:`overflows`.
    """

    def __init__(
        self, device: int | str | None = None, chunk: int = CHUNK, max_queued: int = 256
    ) -> None:
        self.device = device
        self.chunk = chunk
        self.overflows = 0
        self._queue: asyncio.Queue[AudioChunk] = asyncio.Queue(max_queued)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seq = 0

    def callback(self, indata: np.ndarray, frames: int, time_info, status) -> None:  # noqa: ANN001
        samples = np.asarray(indata, dtype=np.float32).reshape(-1)
        chunk = AudioChunk(
            self._seq,
            samples.copy(),
            SAMPLE_RATE,
            Stamp(time.monotonic_ns(), ClockDomain.DEVICE_MONOTONIC),
        )
        self._seq += 1
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._put, chunk)

    def _put(self, chunk: AudioChunk) -> None:
        try:
            self._queue.put_nowait(chunk)
        except asyncio.QueueFull:
            self.overflows += 1

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        import sounddevice  # imported here: it needs PortAudio at import time

        self._loop = asyncio.get_running_loop()
        with sounddevice.InputStream(
            samplerate=SAMPLE_RATE,
            channels=1,
            dtype="float32",
            blocksize=self.chunk,
            device=self.device,
            callback=self.callback,
        ):
            while True:
                yield await self._queue.get()
