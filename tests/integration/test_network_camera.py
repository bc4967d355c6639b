"""The network camera for real: ffmpeg serves a clip over HTTP on loopback and
the camera reads it through OpenCV's FFmpeg backend, then the stream drops and
comes back on the same address."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.frames import ClockDomain
from edge.sources import CaptureClock, ReopenPolicy, open_camera

FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed (make sysdeps)")

FPS, FRAMES, SIZE = 25, 25, (160, 120)


def make_clip(path: Path) -> Path:
    """A second of a white bar sweeping over grey."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, SIZE)
    for i in range(FRAMES):
        frame = np.full((SIZE[1], SIZE[0], 3), 60, np.uint8)
        frame[:, i * 6 : i * 6 + 12] = 255
        writer.write(frame)
    writer.release()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port, without connecting (ffmpeg's
    ``-listen 1`` serves the first connection only)."""
    needle = f"0100007F:{port:04X}"
    try:
        rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return True  # no procfs: let the camera's open find out
    return any(r.split()[1] == needle and r.split()[3] == "0A" for r in rows)


class ClipServer:
    """``ffmpeg -re -i CLIP ... -listen 1 http://127.0.0.1:PORT``: serves one client, then exits."""

    def __init__(self, clip: Path, port: int) -> None:
        self.clip, self.port = clip, port
        self.processes: list[subprocess.Popen] = []

    def start(self, wait: bool = True) -> subprocess.Popen:
        """Start serving; with ``wait``, return once it listens (nobody else connects)."""
        process = subprocess.Popen(
            [FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-i", str(self.clip)]
            + ["-c:v", "mpeg2video", "-q:v", "3", "-f", "mpegts", "-listen", "1"]
            + [f"http://127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL,
        )
        self.processes.append(process)
        deadline = time.monotonic() + 20
        while wait and not listening(self.port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"ffmpeg did not start serving (exit {process.poll()})")
            time.sleep(0.05)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def server(tmp_path, monkeypatch):
    # probe the stream briefly: the default (5 s of analysis) only slows the test down
    monkeypatch.setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", "analyzeduration;200000|probesize;65536")
    served = ClipServer(make_clip(tmp_path / "clip.avi"), free_port())
    yield served
    served.stop()


def test_a_network_stream_is_read_and_reopened_after_it_drops(server):
    first = server.start()
    clock = CaptureClock()
    policy = ReopenPolicy(first_delay_s=0.1, factor=2.0, max_delay_s=0.5, max_tries=40)
    camera = open_camera(f"http://127.0.0.1:{server.port}", clock=clock, reopen=policy)

    async def serve_again_when_dropped() -> None:
        while camera.drops == 0:
            await asyncio.sleep(0.02)
        await asyncio.to_thread(first.wait, 10)
        server.start(wait=False)  # the camera is retrying: it may connect at once

    async def read() -> tuple[list, list]:
        before, after = [], []
        restart = asyncio.create_task(serve_again_when_dropped())
        stream = camera.frames()
        async for frame in stream:
            (after if camera.reopens else before).append(frame)
            if len(after) == 5:
                break
        await stream.aclose()
        await restart
        return before, after

    before, after = asyncio.run(asyncio.wait_for(read(), 60))

    assert len(before) >= FRAMES - 3  # the whole clip, give or take the stream's start
    assert (camera.drops, camera.reopens) == (1, 1)
    frame = before[len(before) // 2]
    assert frame.pixels.shape == (SIZE[1], SIZE[0], 3)
    assert frame.pixels.max() > 200 and frame.pixels.min() < 100  # the bar over grey
    stamps = [f.captured_at for f in before + after]
    assert all(s.clock is ClockDomain.DEVICE_MONOTONIC for s in stamps)
    assert [s.nanos for s in stamps] == sorted(s.nanos for s in stamps)
    assert stamps[0].nanos >= clock.start()
