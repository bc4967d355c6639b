"""The companion app's gRPC client for what the wearer's phone shows: the
history of what was sent (``History``), the devices (``Devices``), and the
consent ledger, deletion and export of the wearer's data (``Consent``).

As every client here, it names its caller only by the device token in
``metadata`` (:func:`edge.uplink.bearer`); ``pair`` is the one call made
without one (its one-time code is the credential).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from edge import wire_phone as wire
from edge.domain import DeviceInfo, HistoryPage, LedgerView, SampleView
from protos import glasses_pb2_grpc as pb_grpc


async def pair(
    channel: grpc.aio.Channel, code: str, device_id: str, timeout: float | None = None
) -> tuple[str, str]:
    """Enrol this phone with a pairing code: (its new token, its device id)."""
    reply = await pb_grpc.DevicesStub(channel).Pair(
        wire.encode_pair(code, device_id), timeout=timeout
    )
    return reply.token, reply.device_id


class PhoneClient:
    """The wearer's own history, devices and consent ledger over an ``aio`` channel."""

    def __init__(
        self, channel: grpc.aio.Channel, metadata: tuple = (), timeout: float | None = None
    ) -> None:
        self._history = pb_grpc.HistoryStub(channel)
        self._devices = pb_grpc.DevicesStub(channel)
        self._consent = pb_grpc.ConsentStub(channel)
        self._call = {"metadata": metadata, "timeout": timeout}

    async def history(self, page_size: int = 0, token: str = "") -> HistoryPage:
        reply = await self._history.List(
            wire.encode_history_request(page_size, token), **self._call
        )
        return wire.decode_history_page(reply)

    async def sample(self, sample_id: str, with_blobs: bool = False) -> SampleView:
        """One entry in full; its frame and images only ``with_blobs`` (else ``blob``)."""
        request = wire.encode_sample_request(sample_id, with_blobs)
        return wire.decode_sample_view(await self._history.Get(request, **self._call))

    async def blob(self, sample_id: str, kind: str, index: int = 0) -> tuple[bytes, str]:
        """An entry's frame (``kind`` "frame") or ``index``-th image, exactly as kept:
        (its bytes, its media type)."""
        request = wire.encode_blob_request(sample_id, kind, index)
        reply = await self._history.GetBlob(request, **self._call)
        return reply.data, reply.media_type

    async def delete(self, sample_id: str) -> None:
        await self._history.Delete(wire.encode_delete_sample(sample_id), **self._call)

    async def devices(self) -> tuple[DeviceInfo, ...]:
        return wire.decode_devices(
            await self._devices.List(wire.encode_list_devices(), **self._call)
        )

    async def revoke_device(self, device_id: str) -> int:
        reply = await self._devices.Revoke(wire.encode_revoke_device(device_id), **self._call)
        return reply.tokens_revoked

    async def ledger(self) -> LedgerView:
        reply = await self._consent.Ledger(wire.encode_ledger_request(), **self._call)
        return wire.decode_ledger_view(reply)

    async def delete_my_data(self) -> tuple[int, int]:
        """Everything about the wearer, gone: (samples, blobs) deleted."""
        reply = await self._consent.DeleteMyData(wire.encode_delete_my_data(True), **self._call)
        return reply.samples_deleted, reply.blobs_deleted

    async def export_my_data(self) -> AsyncIterator[bytes]:
        """A zip of everything kept about the wearer, chunk by chunk."""
        async for chunk in self._consent.ExportMyData(wire.encode_export_request(), **self._call):
            yield chunk.data
