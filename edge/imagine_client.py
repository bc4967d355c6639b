"""The edge's gRPC client for ``Imagine.Generate``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from edge import wire
from edge.domain import GeneratedImage
from protos import glasses_pb2_grpc as pb_grpc


class ImagineClient:
    """Ask for images from a prompt over an ``aio`` channel; they stream back one by one."""

    def __init__(self, channel: grpc.aio.Channel, metadata: tuple = ()) -> None:
        self._stub = pb_grpc.ImagineStub(channel)
        self._metadata = metadata

    async def generate(
        self,
        prompt: str,
        num_images: int = 4,
        seed: int = 0,
        device_id: str = "",
        timeout: float | None = None,
    ) -> AsyncIterator[GeneratedImage]:
        request = wire.encode_generate(prompt, num_images, seed, device_id)
        call = self._stub.Generate(request, metadata=self._metadata, timeout=timeout)
        async for msg in call:
            yield wire.decode_generated_image(msg)
