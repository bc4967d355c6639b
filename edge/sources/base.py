"""The two source ports: a camera yields frames, a microphone yields audio chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from core.frames import AudioChunk, RawImage


class CameraSource(Protocol):
    def frames(self) -> AsyncIterator[RawImage]: ...


class MicrophoneSource(Protocol):
    def chunks(self) -> AsyncIterator[AudioChunk]: ...
