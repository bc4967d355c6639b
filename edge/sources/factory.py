"""One spec string picks a source: what ``--camera``/``--mic`` style options take.

Camera specs::

    0, 1, ...            a local camera by index (V4L2 on Linux)
    /dev/video0          a local camera by device path
    rtsp://..., http://..., https://..., rtmp://..., udp://..., srt://...
                         a network stream (OpenCV's FFmpeg backend)
    replay:DIR           a recorded session (edge.sources.session)
    clip.mp4             anything else: a video file

Microphone specs: ``""``/``default`` (the default input), an index or a
device name (PortAudio), ``replay:DIR``, or a WAV file.

File and replay sources play at ``speed``; pass the same ``clock`` to the
camera and the microphone of one run so their stamps compare.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from core.errors import InvalidInputError
from edge.sources.base import CameraSource, MicrophoneSource
from edge.sources.cameras import (
    NETWORK_SCHEMES,
    CaptureFactory,
    DeviceCamera,
    NetworkStreamCamera,
    VideoFileCamera,
    opencv_capture,
)
from edge.sources.clock import CaptureClock
from edge.sources.microphones import SoundDeviceMicrophone, WavFileMicrophone
from edge.sources.reopen import DEFAULT_REOPEN, ReopenPolicy
from edge.sources.session import ReplayCamera, ReplayMicrophone

REPLAY_PREFIX = "replay:"
CAMERA_SPECS = "a device index (0), a device path (/dev/video0), a stream URL, replay:DIR or a file"


def open_camera(
    spec: str,
    *,
    clock: CaptureClock | None = None,
    speed: float = 1.0,
    reopen: ReopenPolicy = DEFAULT_REOPEN,
    capture_factory: CaptureFactory = opencv_capture,
) -> CameraSource:
    """The camera source ``spec`` names (see the module's table)."""
    spec = spec.strip()
    if not spec:
        raise InvalidInputError(f"no camera given; name {CAMERA_SPECS}")
    if spec.startswith(REPLAY_PREFIX):
        return ReplayCamera(Path(spec[len(REPLAY_PREFIX) :]), speed, clock)
    if spec.isdigit():
        return DeviceCamera(int(spec), clock=clock, reopen=reopen, capture_factory=capture_factory)
    if spec.startswith("/dev/"):
        return DeviceCamera(spec, clock=clock, reopen=reopen, capture_factory=capture_factory)
    if urlsplit(spec).scheme.lower() in NETWORK_SCHEMES:
        return NetworkStreamCamera(
            spec, clock=clock, reopen=reopen, capture_factory=capture_factory
        )
    if not Path(spec).is_file():
        raise InvalidInputError(
            f"camera '{spec}' is not a file, a device or a URL; name {CAMERA_SPECS}"
        )
    return VideoFileCamera(Path(spec), speed, clock, capture_factory)


def open_microphone(
    spec: str = "",
    *,
    clock: CaptureClock | None = None,
    speed: float = 1.0,
    reopen: ReopenPolicy = DEFAULT_REOPEN,
) -> MicrophoneSource:
    """The microphone source ``spec`` names (see the module's docstring)."""
    spec = spec.strip()
    if spec.startswith(REPLAY_PREFIX):
        return ReplayMicrophone(Path(spec[len(REPLAY_PREFIX) :]), speed, clock)
    if spec.lower().endswith(".wav") or Path(spec).is_file():
        return WavFileMicrophone(Path(spec), speed, clock=clock)
    if spec in ("", "default"):
        return SoundDeviceMicrophone(None, clock=clock, reopen=reopen)
    device: int | str = int(spec) if spec.isdigit() else spec
    return SoundDeviceMicrophone(device, clock=clock, reopen=reopen)
