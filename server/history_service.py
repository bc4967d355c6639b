"""``History`` and ``Devices``: the phone app's view of what was kept and of
the devices enrolled (decode -> :class:`~server.history.History` or
:class:`~server.accounts.Accounts` -> encode).

The caller is always the user bound to the call's device token, except for
``Devices.Pair``, whose one-time code is its credential.
"""

from __future__ import annotations

import asyncio
import logging

from core.errors import GlassesError
from protos import glasses_pb2_grpc as pb_grpc
from server import wire_phone as wire
from server.accounts import Accounts, Caller
from server.history import History
from server.servicing import unary
from server.status import status_for

log = logging.getLogger(__name__)


class HistoryService(pb_grpc.HistoryServicer):
    def __init__(self, accounts: Accounts, history: History) -> None:
        self.accounts, self.history = accounts, history

    @unary
    def List(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        page = self.history.page(caller, request.page_size, request.page_token)
        return wire.encode_history_page(page)

    @unary
    def Get(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        detail = self.history.get(caller, request.sample_id)
        return wire.encode_sample_detail(detail, blobs=not request.without_blobs)

    @unary
    def GetBlob(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        data = self.history.blob(caller, request.sample_id, request.kind, request.index)
        return wire.encode_blob(data)

    @unary
    def Delete(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        self.history.delete(caller, request.sample_id)
        return wire.encode_sample_deleted()


class DevicesService(pb_grpc.DevicesServicer):
    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    @unary
    def List(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        return wire.encode_devices(self.accounts.devices(caller.user_id), caller.device_id)

    @unary
    def Revoke(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        revoked = self.accounts.revoke(caller.user_id, request.device_id)
        return wire.encode_revoked(revoked)

    async def Pair(self, request, context):  # noqa: ANN001, N802 - gRPC API
        try:
            caller, token = await asyncio.to_thread(
                self.accounts.pair, request.code, request.device_id or "phone-app"
            )
        except GlassesError as exc:
            status, code = status_for(exc)
            log.info("Devices.Pair refused: %s", code)
            await context.abort(status, str(exc))
        log.info("a device was paired")
        return wire.encode_paired(token, caller.device_id)
