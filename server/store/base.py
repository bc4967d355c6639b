"""The ``SampleStore`` port: where consent-tagged samples are logged."""

from __future__ import annotations

from typing import Protocol

from server.domain import Sample


class SampleStore(Protocol):
    def put(self, sample: Sample) -> str:
        """Store ``sample`` durably; return its id once it is safe on disk."""

    def get(self, sample_id: str) -> Sample | None:
        """The sample with this id, or None."""

    def count(self) -> int:
        """How many samples are stored."""

    def close(self) -> None: ...
