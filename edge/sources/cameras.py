"""Cameras read through OpenCV: a local device (V4L2), a network stream, a video file.

A live camera (device or stream) stamps each frame with the run's clock when
it arrives; when it stops mid-run it is reported and reopened with backoff
(:mod:`edge.sources.reopen`). A video file is replayed on its media clock,
mapped onto the run's clock, and ends where the file ends.

``capture_factory`` builds the ``cv2.VideoCapture``-like object; unit tests
inject a fake device there. Everything else is the real code path.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import cv2
import numpy as np

from core.errors import BackendError, InvalidInputError
from core.frames import RawImage, Stamp
from edge.sources.clock import CaptureClock
from edge.sources.reopen import DEFAULT_REOPEN, CountsDrops, Reopener, ReopenPolicy

# Frame rate assumed when a file does not say (rare; MJPEG in AVI sometimes).
DEFAULT_FILE_FPS = 10.0
# A network camera that has not answered in this long is not there (an RTSP
# camera on Wi-Fi answers within a few seconds).
STREAM_OPEN_TIMEOUT_MS = 10_000
# No frame from a network stream for this long is a dropped stream (cameras
# send 10-30 frames a second; a few seconds covers a Wi-Fi hiccup).
STREAM_READ_TIMEOUT_MS = 5_000
# URL schemes that name a network stream (read through OpenCV's FFmpeg backend).
NETWORK_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt"})


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` the cameras use."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def get(self, prop: int) -> float: ...

    def release(self) -> None: ...


CaptureFactory = Callable[[int | str, int, Sequence[int]], Capture]


def opencv_capture(target: int | str, api: int, params: Sequence[int]) -> Capture:
    """A real ``cv2.VideoCapture`` on ``target`` through backend ``api``."""
    return cv2.VideoCapture(target, api, list(params))


class _GuardedCapture:
    """A capture whose release never runs under a read in flight.

    Reads run in a worker thread; if the consumer stops while one is blocked
    (a stalled stream), releasing the capture under it could crash OpenCV, so
    the release then waits for the read in a thread of its own.
    """

    def __init__(self, capture: Capture) -> None:
        self._capture = capture
        self._lock = threading.Lock()

    def read(self) -> tuple[bool, np.ndarray | None]:
        with self._lock:
            return self._capture.read()

    def get(self, prop: int) -> float:
        with self._lock:
            return self._capture.get(prop)

    def release(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                self._capture.release()
            finally:
                self._lock.release()
        else:
            threading.Thread(target=self._release_after_read, daemon=True).start()

    def _release_after_read(self) -> None:
        with self._lock:
            self._capture.release()


class _NotOpened(Exception):
    """The capture did not open; the camera turns this into a clear error."""


def _open(factory: CaptureFactory, target: int | str, api: int, params: Sequence[int]) -> Capture:
    capture = factory(target, api, params)
    if not capture.isOpened():
        capture.release()
        raise _NotOpened
    return capture


class _LiveCamera(CountsDrops):
    """A camera that runs until stopped: stamps on arrival, reopens when it drops."""

    hint = "check the camera"

    def __init__(
        self,
        target: int | str,
        api: int,
        params: Sequence[int],
        label: str,
        source_name: str,
        clock: CaptureClock | None,
        reopen: ReopenPolicy,
        capture_factory: CaptureFactory,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.target, self.api, self.params = target, api, tuple(params)
        self.label = label
        self.source_name = source_name
        self.clock = clock or CaptureClock()
        self.capture_factory = capture_factory
        self.reopener = Reopener(label, reopen, self.hint, sleep)

    def open_error(self) -> Exception:
        """The error that says why the capture did not open and what to do."""
        raise NotImplementedError

    def _open_now(self) -> _GuardedCapture:
        try:
            return _GuardedCapture(_open(self.capture_factory, self.target, self.api, self.params))
        except _NotOpened:
            raise self.open_error() from None

    async def _open_async(self) -> _GuardedCapture:
        return await asyncio.to_thread(self._open_now)

    async def frames(self) -> AsyncIterator[RawImage]:
        self.clock.start()
        capture = await self._open_async()
        seq = 0
        try:
            while True:
                ok, pixels = await asyncio.to_thread(capture.read)
                if not ok or pixels is None:
                    capture.release()
                    capture = await self.reopener.reopen(self._open_async)
                    continue
                yield RawImage(seq, pixels, self.clock.now(), self.source_name)
                seq += 1
        finally:
            capture.release()


class DeviceCamera(_LiveCamera):
    """A local camera by index (``0``) or device path (``/dev/video0``), through V4L2 on Linux."""

    hint = "check the camera's cable and that no other program took it, then start again"

    def __init__(
        self,
        device: int | str,
        *,
        clock: CaptureClock | None = None,
        reopen: ReopenPolicy = DEFAULT_REOPEN,
        capture_factory: CaptureFactory = opencv_capture,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        linux = sys.platform.startswith("linux")
        if isinstance(device, int):
            self.node = Path(f"/dev/video{device}") if linux else None
        else:
            self.node = Path(device)
        api = cv2.CAP_V4L2 if linux else cv2.CAP_ANY
        label = f"camera {device}"
        super().__init__(
            device, api, (), label, f"device:{device}", clock, reopen, capture_factory, sleep
        )

    def open_error(self) -> Exception:
        others = "or name another camera (an index, a stream URL, a video file or replay:DIR)"
        if self.node is not None and not self.node.exists():
            return InvalidInputError(
                f"{self.label} not found ({self.node} does not exist): connect the camera and "
                f"check `ls /dev/video*` (or `v4l2-ctl --list-devices`), {others}"
            )
        if self.node is not None and not os.access(self.node, os.R_OK | os.W_OK):
            return BackendError(
                f"{self.label} is not open to this user: add yourself to the 'video' group "
                "(sudo usermod -aG video $USER, then log in again)"
            )
        return BackendError(
            f"{self.label} could not be opened: another program may be using it (close it; "
            f"`fuser {self.node or '/dev/video*'}` shows which), or it is not a capture device; "
            f"{others}"
        )


def stream_label(url: str) -> str:
    """``scheme://host:port`` of a stream URL: no credentials, path or query (may be secret)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class NetworkStreamCamera(_LiveCamera):
    """A network stream (RTSP, HTTP, ...) read through OpenCV's FFmpeg backend."""

    hint = "check the network and that the stream's server is running"

    def __init__(
        self,
        url: str,
        *,
        clock: CaptureClock | None = None,
        reopen: ReopenPolicy = DEFAULT_REOPEN,
        capture_factory: CaptureFactory = opencv_capture,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        open_timeout_ms: int = STREAM_OPEN_TIMEOUT_MS,
        read_timeout_ms: int = STREAM_READ_TIMEOUT_MS,
    ) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in NETWORK_SCHEMES:
            raise InvalidInputError(
                f"'{scheme}' is not a stream URL scheme; use one of {sorted(NETWORK_SCHEMES)}"
            )
        self.open_timeout_ms = open_timeout_ms
        params = (
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            open_timeout_ms,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            read_timeout_ms,
        )
        label = f"network camera {stream_label(url)}"
        name = f"stream:{urlsplit(url).hostname}"
        super().__init__(
            url, cv2.CAP_FFMPEG, params, label, name, clock, reopen, capture_factory, sleep
        )

    def open_error(self) -> Exception:
        return BackendError(
            f"{self.label} could not be opened within {self.open_timeout_ms / 1000:g} s: check "
            "the URL (path and credentials), that the stream is running, and that this machine "
            "reaches it"
        )


class VideoFileCamera:
    """Replays a video file as camera frames; ends where the file ends.

    Frames are stamped on the run's clock at ``origin + media_t / speed`` and
    paced to it (``speed`` infinite: as fast as they decode); the position in
    the file is kept in ``media_at``.
    """

    def __init__(
        self,
        path: Path,
        speed: float = 1.0,
        clock: CaptureClock | None = None,
        capture_factory: CaptureFactory = opencv_capture,
    ) -> None:
        self.path = Path(path)
        self.speed = speed
        self.clock = clock or CaptureClock()
        self.capture_factory = capture_factory
        if not self.path.is_file():
            raise InvalidInputError(f"video file '{self.path}' does not exist")

    async def frames(self) -> AsyncIterator[RawImage]:
        self.clock.start()
        try:
            raw = await asyncio.to_thread(
                _open, self.capture_factory, str(self.path), cv2.CAP_ANY, ()
            )
        except _NotOpened:
            raise InvalidInputError(
                f"cannot decode video '{self.path}' (try an mp4 or avi)"
            ) from None
        capture = _GuardedCapture(raw)
        fps = capture.get(cv2.CAP_PROP_FPS) or DEFAULT_FILE_FPS
        seq = 0
        try:
            while True:
                ok, pixels = await asyncio.to_thread(capture.read)
                if not ok or pixels is None:
                    return
                media_t = seq / fps
                stamp = await self.clock.pace(media_t, self.speed)
                yield RawImage(seq, pixels, stamp, self.path.name, Stamp.media(media_t))
                seq += 1
        finally:
            capture.release()
