"""Devices at the edge of the pipeline: cameras and microphones.

Each source is an async iterator of frames or chunks, stamped on one clock per
run (:class:`CaptureClock`) with media time kept beside it. Pick one from a
spec string with :func:`open_camera` / :func:`open_microphone`.

- ``base``: the ports, ``CameraSource`` and ``MicrophoneSource``
- ``clock``: the run's clock, shared by its camera and microphone
- ``cameras``: device (V4L2), network stream and video file, through OpenCV
- ``microphones``: WAV file and the live sound card (``sounddevice``)
- ``session``: record a session and replay it with its original timestamps
- ``reopen``: a live source that stops is reported and reopened with backoff
- ``factory``: spec string -> source
"""

from edge.sources.base import CameraSource, MicrophoneSource
from edge.sources.cameras import DeviceCamera, NetworkStreamCamera, VideoFileCamera
from edge.sources.clock import CaptureClock
from edge.sources.factory import open_camera, open_microphone
from edge.sources.microphones import (
    CHUNK,
    SAMPLE_RATE,
    SoundDeviceMicrophone,
    WavFileMicrophone,
    read_wav,
    resample,
)
from edge.sources.reopen import ReopenPolicy
from edge.sources.session import (
    ReplayCamera,
    ReplayMicrophone,
    SessionRecorder,
    record_session,
)

__all__ = [
    "CHUNK",
    "SAMPLE_RATE",
    "CameraSource",
    "CaptureClock",
    "DeviceCamera",
    "MicrophoneSource",
    "NetworkStreamCamera",
    "ReopenPolicy",
    "ReplayCamera",
    "ReplayMicrophone",
    "SessionRecorder",
    "SoundDeviceMicrophone",
    "VideoFileCamera",
    "WavFileMicrophone",
    "open_camera",
    "open_microphone",
    "read_wav",
    "record_session",
    "resample",
]
