"""The edge's (and the companion app's) gRPC client for the ``Consent`` service.

The caller is the user bound to the device token in ``metadata``
(:func:`edge.uplink.bearer`); no call names a user. Answers come back as
:class:`~core.frames.ConsentState`.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from core.frames import ConsentState, Scope
from edge import wire
from protos import glasses_pb2_grpc as pb_grpc


class ConsentClient:
    """Read and change the wearer's own consent over an ``aio`` channel."""

    def __init__(
        self, channel: grpc.aio.Channel, metadata: tuple = (), timeout: float | None = None
    ) -> None:
        self._stub = pb_grpc.ConsentStub(channel)
        self._metadata = metadata
        self._timeout = timeout

    async def get(self) -> ConsentState:
        reply = await self._stub.Get(
            wire.encode_get_consent(), metadata=self._metadata, timeout=self._timeout
        )
        return wire.decode_consent_state(reply)

    async def update(
        self,
        *,
        grant: Iterable[Scope] = (),
        revoke: Iterable[Scope] = (),
        region: str = "",
        policy_version: str = "",
        reason: str = "",
    ) -> ConsentState:
        """One change; granting needs the policy version the wearer accepted."""
        request = wire.encode_consent_update(grant, revoke, region, policy_version, reason)
        reply = await self._stub.Update(request, metadata=self._metadata, timeout=self._timeout)
        return wire.decode_consent_state(reply)

    async def grant(
        self, scopes: Iterable[Scope], *, policy_version: str, region: str = "", reason: str = ""
    ) -> ConsentState:
        return await self.update(
            grant=scopes, region=region, policy_version=policy_version, reason=reason
        )

    async def revoke(
        self,
        scopes: Iterable[Scope],
        *,
        region: str = "",
        policy_version: str = "",
        reason: str = "",
    ) -> ConsentState:
        return await self.update(
            revoke=scopes, region=region, policy_version=policy_version, reason=reason
        )
