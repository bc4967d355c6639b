"""``Imagine.Generate/Riff/Verify``: a thin servicer (decode → domain → encode).

The caller is the user bound to the call's device token. A refused request
(bad input, a blocked prompt, no consent) ends its call with the mapped
status and a message that says what to change (``server/status.py``); images
stream back one by one as :class:`~server.imagine.imaginer.Imaginer` finishes
them.
"""

from __future__ import annotations

import asyncio
import logging

from core.errors import GlassesError
from protos import glasses_pb2_grpc as pb_grpc
from server import wire
from server.accounts import Accounts
from server.imagine.imaginer import Imaginer
from server.imagine.verify import Verifier
from server.status import status_for

log = logging.getLogger(__name__)


class ImagineService(pb_grpc.ImagineServicer):
    """The ``Imagine`` gRPC service."""

    def __init__(self, imaginer: Imaginer, verifier: Verifier, accounts: Accounts) -> None:
        self.imaginer, self.verifier, self.accounts = imaginer, verifier, accounts

    async def Generate(self, request, context):  # noqa: ANN001, N802 - gRPC API
        async for reply in self._make(context, "Generate", lambda: wire.decode_generate(request)):
            yield reply

    async def Riff(self, request, context):  # noqa: ANN001, N802 - gRPC API
        async for reply in self._make(context, "Riff", lambda: wire.decode_riff(request)):
            yield reply

    async def Verify(self, request, context):  # noqa: ANN001, N802 - gRPC API
        try:
            await asyncio.to_thread(self.accounts.from_metadata, context.invocation_metadata())
            image = wire.decode_verify(request)
            report = await asyncio.to_thread(self.verifier.verify, image)
        except GlassesError as exc:
            await _abort(context, "Verify", exc)
        return wire.encode_verify(report)

    async def _make(self, context, method: str, decode):  # noqa: ANN001, ANN202
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            async for made in self.imaginer.make(caller, decode()):
                yield wire.encode_made(made)
        except GlassesError as exc:
            await _abort(context, method, exc)


async def _abort(context, method: str, exc: GlassesError) -> None:  # noqa: ANN001
    status, code = status_for(exc)
    log.info("Imagine.%s refused: %s", method, code)
    await context.abort(status, str(exc))
