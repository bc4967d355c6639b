"""A recorded session: frames and audio with their original timestamps, and its replay.

Format (one folder, version 1; every file is plain and appendable, so a
recording cut short still replays up to its last whole line)::

    session.json   {"format": "glasses-session", "version": 1,
                    "sample_rate": 16000, "jpeg_quality": 95}
    frames.jsonl   a line a frame, in capture order:
                   {"seq": 0, "file": "frames/000000.jpg", "captured_ns": 81234567890,
                    "clock": "DEVICE_MONOTONIC", "source": "device:0"}
    frames/        the frames as JPEG (BGR as captured)
    audio.wav      every chunk's samples in order: 16-bit PCM, mono, sample_rate
    audio.jsonl    a line a chunk: {"seq": 0, "offset": 0, "samples": 512,
                    "captured_ns": 81234000000, "clock": "DEVICE_MONOTONIC"}
                   (offset: the chunk's first sample in audio.wav)

``captured_ns``/``clock`` are the stamps the frames and chunks had when they
were recorded (the recording run's clock). Replay keeps them as ``media_at``
(``ClockDomain.MEDIA``, the same nanoseconds) and stamps each item on the
replaying run's clock at ``origin + (captured_ns - start_ns) / speed``, where
``start_ns`` is the session's earliest stamp, audio or video: camera and
microphone replayed on one clock keep their original alignment.

A session holds raw, unredacted frames and audio: it stays on the device it
was recorded on, like the camera itself.
"""

from __future__ import annotations

import asyncio
import json
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.errors import InvalidInputError
from core.frames import AudioChunk, ClockDomain, RawImage, Stamp
from edge.sources.base import CameraSource, MicrophoneSource
from edge.sources.clock import CaptureClock
from edge.sources.microphones import SAMPLE_RATE

FORMAT = "glasses-session"
VERSION = 1
# Replayed frames feed redaction and OCR: heavy JPEG artefacts would change
# what they read, so the recording keeps near-original quality.
RECORD_JPEG_QUALITY = 95


class SessionRecorder:
    """Writes frames and audio chunks into a session folder (see the module's format)."""

    def __init__(
        self,
        directory: Path,
        sample_rate: int = SAMPLE_RATE,
        jpeg_quality: int = RECORD_JPEG_QUALITY,
    ) -> None:
        self.directory = Path(directory)
        if (self.directory / "session.json").exists():
            raise InvalidInputError(
                f"'{self.directory}' already holds a session; record into a new folder"
            )
        (self.directory / "frames").mkdir(parents=True, exist_ok=True)
        self.sample_rate = sample_rate
        self.jpeg_quality = jpeg_quality
        header = {
            "format": FORMAT,
            "version": VERSION,
            "sample_rate": sample_rate,
            "jpeg_quality": jpeg_quality,
        }
        (self.directory / "session.json").write_text(json.dumps(header) + "\n")
        self._frames_index = open(self.directory / "frames.jsonl", "a")  # noqa: SIM115
        self._audio_index = open(self.directory / "audio.jsonl", "a")  # noqa: SIM115
        self._wav = wave.open(str(self.directory / "audio.wav"), "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(sample_rate)
        self.frames = 0
        self.samples = 0
        self.chunks = 0

    def add_frame(self, frame: RawImage) -> None:
        name = f"frames/{self.frames:06d}.jpg"
        ok, jpeg = cv2.imencode(".jpg", frame.pixels, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not ok:
            raise InvalidInputError(f"frame {frame.seq} could not be encoded as JPEG")
        (self.directory / name).write_bytes(jpeg.tobytes())
        self._write(
            self._frames_index,
            {"seq": frame.seq, "file": name, **_stamp_fields(frame.captured_at)},
            source=frame.source,
        )
        self.frames += 1

    def add_chunk(self, chunk: AudioChunk) -> None:
        if chunk.sample_rate != self.sample_rate:
            raise InvalidInputError(
                f"audio chunk at {chunk.sample_rate} Hz in a {self.sample_rate} Hz session"
            )
        pcm = np.clip(np.round(chunk.samples * 32768.0), -32768, 32767).astype("<i2")
        self._wav.writeframes(pcm.tobytes())
        n = len(chunk.samples)
        row = {"seq": chunk.seq, "offset": self.samples, "samples": n}
        self._write(self._audio_index, {**row, **_stamp_fields(chunk.captured_at)})
        self.samples += n
        self.chunks += 1

    @staticmethod
    def _write(index, row: dict, **extra: str) -> None:  # noqa: ANN001
        index.write(json.dumps({**row, **extra}) + "\n")
        index.flush()

    def close(self) -> None:
        self._wav.close()
        self._frames_index.close()
        self._audio_index.close()

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stamp_fields(stamp: Stamp) -> dict:
    return {"captured_ns": stamp.nanos, "clock": stamp.clock.name}


async def record_session(
    camera: CameraSource,
    mic: MicrophoneSource,
    directory: Path,
    seconds: float | None = None,
) -> SessionRecorder:
    """Record both sources into ``directory`` until they end or ``seconds`` pass.

    Returns the (closed) recorder, whose counts say what was written.
    """
    with SessionRecorder(directory) as recorder:

        async def video() -> None:
            async for frame in camera.frames():
                await asyncio.to_thread(recorder.add_frame, frame)  # JPEG encoding off the loop

        async def audio() -> None:
            async for chunk in mic.chunks():
                recorder.add_chunk(chunk)

        tasks = [asyncio.create_task(video()), asyncio.create_task(audio())]
        done, pending = await asyncio.wait(
            tasks, timeout=seconds, return_when=asyncio.FIRST_EXCEPTION
        )
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()  # a source's error ends the recording with that error
    return recorder


@dataclass(frozen=True)
class _Entry:
    row: dict

    @property
    def captured_ns(self) -> int:
        return int(self.row["captured_ns"])


class RecordedSession:
    """A session folder opened for replay: its header, both indexes, and its start."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        header_path = self.directory / "session.json"
        if not header_path.is_file():
            raise InvalidInputError(
                f"'{self.directory}' is not a recorded session (no session.json); record one "
                "with edge.sources.record_session, or name a camera another way"
            )
        header = json.loads(header_path.read_text())
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise InvalidInputError(
                f"'{self.directory}' holds a {header.get('format')} v{header.get('version')} "
                f"session; this build replays {FORMAT} v{VERSION}"
            )
        self.sample_rate = int(header["sample_rate"])
        self.frames = _read_index(self.directory / "frames.jsonl")
        self.chunks = _read_index(self.directory / "audio.jsonl")
        firsts = [rows[0].captured_ns for rows in (self.frames, self.chunks) if rows]
        self.start_ns = min(firsts) if firsts else 0

    def media_s(self, entry: _Entry) -> float:
        """Seconds from the session's start to ``entry``."""
        return (entry.captured_ns - self.start_ns) / 1e9


def _read_index(path: Path) -> list[_Entry]:
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text().splitlines():
        try:
            entries.append(_Entry(json.loads(line)))
        except json.JSONDecodeError:
            break  # a recording cut short: its last line may be partial
    return entries


def _media_stamp(entry: _Entry) -> Stamp:
    """The original capture stamp, kept as the item's position in the recording."""
    return Stamp(entry.captured_ns, ClockDomain.MEDIA)


class _Replay:
    """A recorded session played on the run's clock at ``speed``."""

    def __init__(
        self, directory: Path, speed: float = 1.0, clock: CaptureClock | None = None
    ) -> None:
        self.session = RecordedSession(directory)
        self.speed = speed
        self.clock = clock or CaptureClock()

    async def _paced(self, entries: list[_Entry]) -> AsyncIterator[tuple[_Entry, Stamp]]:
        """Each entry once it is due, with its stamp on the run's clock."""
        self.clock.start()
        for entry in entries:
            yield entry, await self.clock.pace(self.session.media_s(entry), self.speed)


class ReplayCamera(_Replay):
    """Plays a recorded session's frames, stamped on the run's clock, originals in ``media_at``."""

    async def frames(self) -> AsyncIterator[RawImage]:
        async for entry, stamp in self._paced(self.session.frames):
            path = self.session.directory / entry.row["file"]
            pixels = await asyncio.to_thread(cv2.imread, str(path), cv2.IMREAD_COLOR)
            if pixels is None:
                raise InvalidInputError(f"recorded frame '{path}' is missing or unreadable")
            source = entry.row.get("source", "replay")
            yield RawImage(int(entry.row["seq"]), pixels, stamp, source, _media_stamp(entry))


class ReplayMicrophone(_Replay):
    """Plays a recorded session's audio in its original chunks and timing."""

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        samples = np.zeros(0, np.float32)
        if self.session.chunks:
            with wave.open(str(self.session.directory / "audio.wav"), "rb") as wav:
                raw = wav.readframes(wav.getnframes())
            samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        rate = self.session.sample_rate
        async for entry, stamp in self._paced(self.session.chunks):
            offset, n = int(entry.row["offset"]), int(entry.row["samples"])
            piece = samples[offset : offset + n]
            yield AudioChunk(int(entry.row["seq"]), piece, rate, stamp, _media_stamp(entry))
