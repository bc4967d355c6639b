"""Cameras and microphones: spec strings, one clock, missing devices, drops, replay.

Devices are faked at the capture object (``tests.fakes.FakeCameraDevice``);
files and recorded sessions are real and made here.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import BackendError, InvalidInputError
from core.frames import AudioChunk, ClockDomain, RawImage, Stamp
from edge.sources import (
    CaptureClock,
    DeviceCamera,
    NetworkStreamCamera,
    ReopenPolicy,
    ReplayCamera,
    ReplayMicrophone,
    SessionRecorder,
    SoundDeviceMicrophone,
    VideoFileCamera,
    WavFileMicrophone,
    open_camera,
    open_microphone,
    record_session,
)
from tests.fakes import FakeCameraDevice, FakeInputStream

FPS = 10


def make_clip(path: Path, frames: int = 10, fps: int = FPS) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (32, 24))
    for i in range(frames):
        writer.write(np.full((24, 32, 3), 20 * i % 256, np.uint8))
    writer.release()
    return path


def make_wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


def ticking_clock(start_ns: int = 10**12, step_ns: int = 1_000_000) -> CaptureClock:
    """A run clock that moves on by ``step_ns`` at every read."""
    return CaptureClock(now_ns=itertools.count(start_ns, step_ns).__next__)


class SleepRecorder:
    """An injected ``sleep``: keeps the backoff delays, waits for none of them."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def take(source, n: int) -> list:  # noqa: ANN001 - a camera or a microphone
    items = []
    stream = source.frames() if hasattr(source, "frames") else source.chunks()
    async for item in stream:
        items.append(item)
        if len(items) == n:
            break
    await stream.aclose()
    return items


async def take_all(stream) -> list:  # noqa: ANN001
    return [item async for item in stream]


POLICY = ReopenPolicy(first_delay_s=0.5, factor=2.0, max_delay_s=8.0, max_tries=5)


# --- spec strings ---------------------------------------------------------------------------


def test_a_spec_string_picks_the_source(tmp_path):
    clip = make_clip(tmp_path / "clip.avi")
    assert isinstance(open_camera("0"), DeviceCamera)
    assert isinstance(open_camera("/dev/video0"), DeviceCamera)
    assert isinstance(open_camera("rtsp://cam.local:554/live"), NetworkStreamCamera)
    assert isinstance(open_camera("http://127.0.0.1:8080/"), NetworkStreamCamera)
    assert isinstance(open_camera("https://example.org/cam.m3u8"), NetworkStreamCamera)
    assert isinstance(open_camera(str(clip)), VideoFileCamera)
    with SessionRecorder(tmp_path / "session"):
        pass
    assert isinstance(open_camera(f"replay:{tmp_path / 'session'}"), ReplayCamera)

    wav = make_wav(tmp_path / "a.wav")
    assert isinstance(open_microphone(str(wav)), WavFileMicrophone)
    assert isinstance(open_microphone(f"replay:{tmp_path / 'session'}"), ReplayMicrophone)
    assert open_microphone("").device is None
    assert open_microphone("2").device == 2
    assert open_microphone("USB Audio").device == "USB Audio"


def test_an_unknown_camera_spec_says_what_a_spec_can_be(tmp_path):
    with pytest.raises(InvalidInputError, match="device index .* stream URL, replay:DIR"):
        open_camera(str(tmp_path / "nope.mp4"))
    with pytest.raises(InvalidInputError, match="not a recorded session"):
        open_camera(f"replay:{tmp_path}")


# --- devices --------------------------------------------------------------------------------


def test_a_device_camera_stamps_frames_on_the_run_clock_as_they_arrive():
    device = FakeCameraDevice([3])
    clock = ticking_clock()
    camera = open_camera("0", clock=clock, capture_factory=device)
    frames = asyncio.run(take(camera, 3))

    target, api, _ = device.opens[0]
    assert target == 0
    assert api == (cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY)
    assert [int(f.pixels[0, 0, 0]) for f in frames] == [1, 2, 3]
    assert all(f.captured_at.clock is ClockDomain.DEVICE_MONOTONIC for f in frames)
    assert [f.captured_at.nanos for f in frames] == sorted({f.captured_at.nanos for f in frames})
    assert all(f.media_at is None for f in frames)  # live: no media time
    assert device.captures[0].released  # stopping the run releases the device


def test_a_missing_device_names_it_and_says_what_to_do():
    camera = open_camera("/dev/video97", capture_factory=FakeCameraDevice([None]))
    with pytest.raises(InvalidInputError) as error:
        asyncio.run(take(camera, 1))
    message = str(error.value)
    assert "camera /dev/video97 not found" in message
    assert "ls /dev/video*" in message and "another camera" in message


def test_a_busy_device_says_another_program_may_hold_it(tmp_path):
    node = tmp_path / "video0"  # exists and is readable: opening fails for another reason
    node.touch()
    camera = DeviceCamera(str(node), capture_factory=FakeCameraDevice([None]))
    with pytest.raises(BackendError, match="another program may be using it"):
        asyncio.run(take(camera, 1))


def test_a_dropped_camera_is_reported_and_reopened_with_backoff(caplog):
    # streams 2 frames, drops; the device is gone for two tries, then streams again
    device = FakeCameraDevice([2, None, None, 3])
    sleep = SleepRecorder()
    camera = DeviceCamera(0, capture_factory=device, reopen=POLICY, sleep=sleep)
    with caplog.at_level(logging.WARNING, logger="edge.sources"):
        frames = asyncio.run(take(camera, 5))

    assert [int(f.pixels[0, 0, 0]) for f in frames] == [1, 2, 3, 4, 5]
    assert sleep.delays == [0.5, 1.0, 2.0]  # doubling waits until it came back
    assert (camera.drops, camera.reopens) == (1, 1)
    assert "camera 0 stopped (drop 1)" in caplog.text
    assert all(c.released for c in device.captures)


def test_a_camera_that_does_not_come_back_ends_with_a_clear_error():
    sleep = SleepRecorder()
    camera = DeviceCamera(0, capture_factory=FakeCameraDevice([1]), reopen=POLICY, sleep=sleep)
    with pytest.raises(BackendError, match="camera 0 stopped and did not come back after 5 tries"):
        asyncio.run(take(camera, 10))
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_backoff_doubles_up_to_its_cap_and_ends_after_max_tries():
    policy = ReopenPolicy(first_delay_s=1.0, factor=2.0, max_delay_s=4.0, max_tries=6)
    assert list(policy.delays()) == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    forever = ReopenPolicy(max_tries=None).delays()
    assert len(list(itertools.islice(forever, 100))) == 100


def test_a_network_stream_goes_through_ffmpeg_and_logs_no_credentials(caplog):
    device = FakeCameraDevice([1, 1])
    url = "rtsp://viewer:hunter2@cam.local:8554/live?token=s3cret"
    camera = open_camera(url, capture_factory=device, reopen=POLICY)
    camera.reopener.sleep = SleepRecorder()
    with caplog.at_level(logging.WARNING, logger="edge.sources"):
        asyncio.run(take(camera, 2))

    target, api, params = device.opens[0]
    assert (target, api) == (url, cv2.CAP_FFMPEG)
    assert cv2.CAP_PROP_OPEN_TIMEOUT_MSEC in params and cv2.CAP_PROP_READ_TIMEOUT_MSEC in params
    assert "network camera rtsp://cam.local:8554 stopped" in caplog.text
    for secret in ("hunter2", "viewer", "s3cret", "/live"):
        assert secret not in caplog.text


def test_an_unreachable_stream_says_what_to_check():
    camera = open_camera("rtsp://me:pw@10.0.0.9/cam", capture_factory=FakeCameraDevice([None]))
    with pytest.raises(BackendError) as error:
        asyncio.run(take(camera, 1))
    assert "network camera rtsp://10.0.0.9 could not be opened" in str(error.value)
    assert "pw" not in str(error.value)


def test_a_live_microphone_stamps_each_chunk_at_its_first_sample_and_reopens_when_it_stalls():
    streams: list[FakeInputStream] = []

    def stream_factory(device, chunk, callback):  # noqa: ANN001
        streams.append(FakeInputStream(callback))
        return streams[-1]

    now = iter([10**12, 2 * 10**12])
    clock = CaptureClock(now_ns=lambda: next(now), origin_ns=0)
    sleep = SleepRecorder()
    mic = SoundDeviceMicrophone(
        clock=clock, stall_timeout_s=0.05, stream_factory=stream_factory, sleep=sleep
    )

    async def run() -> list[AudioChunk]:
        got = []
        chunks = mic.chunks()
        streams_before = len(streams)
        first = asyncio.ensure_future(chunks.__anext__())
        while len(streams) == streams_before:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(streams[0].feed, np.zeros(512, np.float32))
        got.append(await first)
        second = asyncio.ensure_future(chunks.__anext__())  # nothing comes: a stall
        while len(streams) < 2:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(streams[1].feed, np.ones(512, np.float32))
        got.append(await second)
        await chunks.aclose()
        return got

    chunks = asyncio.run(asyncio.wait_for(run(), 10))
    assert chunks[0].captured_at == Stamp(10**12 - 32_000_000, ClockDomain.DEVICE_MONOTONIC)
    assert (mic.drops, mic.reopens, sleep.delays) == (1, 1, [0.5])
    assert streams[0].closed and streams[1].closed
    assert float(chunks[1].samples[0]) == 1.0


# --- one clock ------------------------------------------------------------------------------


@pytest.mark.parametrize("speed", [float("inf"), 8.0])
def test_audio_and_video_of_one_media_time_get_the_same_run_stamp(tmp_path, speed):
    clip = make_clip(tmp_path / "clip.avi", frames=8)
    wav = make_wav(tmp_path / "a.wav", seconds=0.8)
    clock = CaptureClock()
    camera = open_camera(str(clip), clock=clock, speed=speed)
    mic = WavFileMicrophone(wav, speed, chunk=16000 // FPS, clock=clock)  # a chunk per frame

    async def both() -> tuple[list[RawImage], list[AudioChunk]]:
        return await asyncio.gather(take_all(camera.frames()), take_all(mic.chunks()))

    frames, chunks = asyncio.run(both())
    assert len(frames) == len(chunks) == 8
    for frame, chunk in zip(frames, chunks, strict=True):
        assert frame.media_at == chunk.media_at  # same media time ...
        assert frame.captured_at == chunk.captured_at  # ... same stamp on the run's clock
        assert frame.captured_at.clock is ClockDomain.DEVICE_MONOTONIC
    assert frames[3].media_at == Stamp.media(0.3)
    scale = 1.0 if speed == float("inf") else 1.0 / speed
    gap = frames[3].captured_at.nanos - frames[0].captured_at.nanos
    assert gap == pytest.approx(0.3 * scale * 1e9, abs=1)
    assert frames[0].captured_at.nanos == clock.start()


# --- recorded sessions ----------------------------------------------------------------------


def test_record_then_replay_gives_the_original_timestamps(tmp_path):
    t0 = 5_000_000_000
    live = ClockDomain.DEVICE_MONOTONIC  # as a live run stamped them
    frames = [
        RawImage(i, np.full((24, 32, 3), 40 * i, np.uint8), Stamp(t0 + i * 100_000_000, live), "x")
        for i in range(4)
    ]
    tone = np.sin(np.arange(2048) / 10).astype(np.float32) * 0.5
    chunks = [  # the microphone started 20 ms before the camera
        AudioChunk(
            i, tone[i * 512 : (i + 1) * 512], 16000, Stamp(t0 - 20_000_000 + i * 32_000_000, live)
        )
        for i in range(4)
    ]
    session = tmp_path / "session"
    with SessionRecorder(session) as recorder:
        for frame, chunk in zip(frames, chunks, strict=True):
            recorder.add_chunk(chunk)
            recorder.add_frame(frame)

    clock = CaptureClock()
    camera = open_camera(f"replay:{session}", clock=clock, speed=float("inf"))
    mic = open_microphone(f"replay:{session}", clock=clock, speed=float("inf"))

    async def both():
        return await asyncio.gather(take_all(camera.frames()), take_all(mic.chunks()))

    replayed_frames, replayed_chunks = asyncio.run(both())
    for original, replayed in zip(frames, replayed_frames, strict=True):
        assert replayed.seq == original.seq and replayed.source == "x"
        assert replayed.media_at == Stamp(original.captured_at.nanos, ClockDomain.MEDIA)
        assert np.abs(replayed.pixels.astype(int) - original.pixels).max() <= 2  # JPEG
    for original, replayed in zip(chunks, replayed_chunks, strict=True):
        assert replayed.media_at.nanos == original.captured_at.nanos
        assert np.abs(replayed.samples - original.samples).max() < 1e-4  # 16-bit PCM
    # on the replaying run's clock, audio and video keep their original spacing
    origin = clock.start()
    assert replayed_chunks[0].captured_at.nanos == origin  # the session's earliest stamp
    assert replayed_frames[2].captured_at.nanos - origin == 220_000_000


def test_a_session_recorded_from_files_replays_in_step(tmp_path):
    clip = make_clip(tmp_path / "clip.avi", frames=5)
    wav = make_wav(tmp_path / "a.wav", seconds=0.5)
    clock = CaptureClock()
    inf = float("inf")
    camera = VideoFileCamera(clip, inf, clock)
    mic = WavFileMicrophone(wav, inf, chunk=1600, clock=clock)
    recorder = asyncio.run(record_session(camera, mic, tmp_path / "session"))
    assert (recorder.frames, recorder.chunks) == (5, 5)
    with pytest.raises(InvalidInputError, match="already holds a session"):
        SessionRecorder(tmp_path / "session")

    replay = ReplayCamera(tmp_path / "session", inf)
    replay_mic = ReplayMicrophone(tmp_path / "session", inf, clock=replay.clock)

    async def both():
        return await asyncio.gather(take_all(replay.frames()), take_all(replay_mic.chunks()))

    frames, chunks = asyncio.run(both())
    assert [f.captured_at for f in frames] == [c.captured_at for c in chunks]


def test_reopen_waits_are_jittered_within_their_share_and_set_from_the_config():
    import random

    from edge.config import ReopenConfig

    policy = ReopenPolicy(
        **ReopenConfig(first_delay_s=1.0, max_delay_s=4.0, max_tries=6).model_dump()
    )
    waits = list(policy.delays(random.Random(7)))
    computed = [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    assert len(waits) == 6 and len(set(waits)) == 6  # not in step with other glasses
    assert all((1 - policy.jitter) * c <= w <= c for w, c in zip(waits, computed, strict=True))
