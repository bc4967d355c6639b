"""Microphones: a WAV file replayed on its media clock, and the live sound card.

Both yield 16 kHz mono :class:`AudioChunk`s stamped on the run's clock
(:class:`~edge.sources.clock.CaptureClock`), each stamp the time of the
chunk's first sample. A WAV file ends where it ends; the live microphone, if it
stops delivering audio (unplugged, taken by another program), is reported and
reopened with backoff.
"""

from __future__ import annotations

import asyncio
import wave
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import BackendError, InvalidInputError
from core.frames import AudioChunk, Stamp
from edge.sources.clock import CaptureClock
from edge.sources.reopen import DEFAULT_REOPEN, CountsDrops, Reopener, ReopenPolicy

SAMPLE_RATE = 16000  # what the VAD and ASR take
CHUNK = 512  # samples per chunk: 32 ms, the VAD's window
# No audio from the sound card for this long is a stopped microphone
# (PortAudio hands over a chunk every 32 ms while it runs).
MIC_STALL_TIMEOUT_S = 2.0
# Chunks queued between PortAudio's thread and the event loop (8 s of audio);
# beyond it a chunk is dropped and counted, never silently.
MIC_MAX_QUEUED = 256


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
    """Replays a WAV file as 16 kHz audio chunks; ends where the file ends.

    Chunks are stamped on the run's clock at ``origin + media_t / speed`` and
    paced to it; the position in the file is kept in ``media_at``.
    """

    def __init__(
        self,
        path: Path,
        speed: float = 1.0,
        chunk: int = CHUNK,
        clock: CaptureClock | None = None,
    ) -> None:
        self.path = Path(path)
        self.speed = speed
        self.chunk = chunk
        self.clock = clock or CaptureClock()
        if not self.path.is_file():
            raise InvalidInputError(f"audio file '{self.path}' does not exist")

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        self.clock.start()
        samples, rate = read_wav(self.path)
        samples = resample(samples, rate)
        for seq, start in enumerate(range(0, len(samples), self.chunk)):
            media_t = start / SAMPLE_RATE
            stamp = await self.clock.pace(media_t, self.speed)
            yield AudioChunk(
                seq,
                samples[start : start + self.chunk],
                SAMPLE_RATE,
                stamp,
                Stamp.media(media_t),
            )


class InputStream(Protocol):
    """The part of ``sounddevice.InputStream`` the microphone uses (started)."""

    def close(self) -> None: ...


# (device, samples per chunk, callback) -> a started input stream
StreamFactory = Callable[[int | str | None, int, Callable], InputStream]


def portaudio_stream(device: int | str | None, chunk: int, callback: Callable) -> InputStream:
    """A started ``sounddevice.InputStream``; failures become errors that say what to do."""
    label = microphone_label(device)
    try:
        import sounddevice  # imported here: it needs PortAudio at import time
    except OSError as exc:
        raise BackendError(
            "the live microphone needs PortAudio: install libportaudio2 "
            "(sudo apt-get install libportaudio2, or `make sysdeps`)"
        ) from exc
    others = "`python -m sounddevice` lists the microphones; name one by index or name"
    try:
        stream = sounddevice.InputStream(
            samplerate=SAMPLE_RATE,
            channels=1,
            dtype="float32",
            blocksize=chunk,
            device=device,
            callback=callback,
        )
    except ValueError as exc:  # sounddevice: no device matching the name or index
        raise InvalidInputError(f"{label} not found: connect it, or {others}") from exc
    except sounddevice.PortAudioError as exc:
        raise BackendError(
            f"{label} could not be opened ({exc}): connect a microphone, close any program "
            f"holding it, or {others}"
        ) from exc
    try:
        stream.start()
    except sounddevice.PortAudioError as exc:
        stream.close()
        raise BackendError(
            f"{label} could not start ({exc}): another program may hold it; close it"
        ) from exc
    return stream


def microphone_label(device: int | str | None) -> str:
    return "the default microphone" if device is None else f"microphone {device!r}"


class SoundDeviceMicrophone(CountsDrops):
    """The live microphone (PortAudio via ``sounddevice``; needs libportaudio2).

    PortAudio calls :meth:`callback` from its own thread; chunks are handed to
    the event loop through a bounded queue. Audio is never dropped silently:
    an overflow is counted in :attr:`overflows`. No audio for
    ``stall_timeout_s`` is a stopped device: counted in :attr:`drops`, logged,
    and reopened by ``reopen`` (``stream_factory`` is injectable for tests).
    """

    def __init__(
        self,
        device: int | str | None = None,
        chunk: int = CHUNK,
        max_queued: int = MIC_MAX_QUEUED,
        *,
        clock: CaptureClock | None = None,
        reopen: ReopenPolicy = DEFAULT_REOPEN,
        stall_timeout_s: float = MIC_STALL_TIMEOUT_S,
        stream_factory: StreamFactory = portaudio_stream,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.device = device
        self.chunk = chunk
        self.clock = clock or CaptureClock()
        self.stall_timeout_s = stall_timeout_s
        self.stream_factory = stream_factory
        self.overflows = 0
        self.reopener = Reopener(
            microphone_label(device),
            reopen,
            "check the microphone's connection, then start again",
            sleep,
        )
        self._queue: asyncio.Queue[AudioChunk] = asyncio.Queue(max_queued)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seq = 0

    def callback(self, indata: np.ndarray, frames: int, time_info, status) -> None:  # noqa: ANN001
        samples = np.asarray(indata, dtype=np.float32).reshape(-1)
        # PortAudio calls back once the chunk is complete: its first sample is older.
        now = self.clock.now()
        started = Stamp(now.nanos - round(len(samples) / SAMPLE_RATE * 1e9), now.clock)
        chunk = AudioChunk(self._seq, samples.copy(), SAMPLE_RATE, started)
        self._seq += 1
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._put, chunk)

    def _put(self, chunk: AudioChunk) -> None:
        try:
            self._queue.put_nowait(chunk)
        except asyncio.QueueFull:
            self.overflows += 1

    async def _open(self) -> InputStream:
        return await asyncio.to_thread(self.stream_factory, self.device, self.chunk, self.callback)

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        self.clock.start()
        self._loop = asyncio.get_running_loop()
        stream = await self._open()
        try:
            while True:
                try:
                    chunk = await asyncio.wait_for(self._queue.get(), self.stall_timeout_s)
                except TimeoutError:
                    stream.close()
                    stream = await self.reopener.reopen(self._open)
                    continue
                yield chunk
        finally:
            stream.close()
