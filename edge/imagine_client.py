"""The edge's gRPC client for ``Imagine``: generate, riff and verify."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from core.frames import RedactedImage
from edge import wire
from edge.domain import GeneratedImage, ImagineOptions, Verification
from protos import glasses_pb2_grpc as pb_grpc


class ImagineClient:
    """Imagine over an ``aio`` channel; images stream back one by one.

    ``metadata`` carries the device's token (``authorization: Bearer …``).
    """

    def __init__(
        self, channel: grpc.aio.Channel, metadata: tuple = (), device_id: str = ""
    ) -> None:
        self._stub = pb_grpc.ImagineStub(channel)
        self._metadata = metadata
        self._device_id = device_id

    async def generate(
        self, options: ImagineOptions, timeout: float | None = None
    ) -> AsyncIterator[GeneratedImage]:
        request = wire.encode_generate(options, self._device_id)
        call = self._stub.Generate(request, metadata=self._metadata, timeout=timeout)
        async for msg in call:
            yield wire.decode_generated_image(msg)

    async def riff(
        self,
        photo: RedactedImage,
        options: ImagineOptions,
        strength: float = 0.0,
        timeout: float | None = None,
    ) -> AsyncIterator[GeneratedImage]:
        request = wire.encode_riff(photo, options, strength, self._device_id)
        call = self._stub.Riff(request, metadata=self._metadata, timeout=timeout)
        async for msg in call:
            yield wire.decode_generated_image(msg)

    async def verify(self, image: bytes, timeout: float | None = None) -> Verification:
        msg = await self._stub.Verify(
            wire.encode_verify(image), metadata=self._metadata, timeout=timeout
        )
        return wire.decode_verify(msg)
