"""``Consent``: the phone app's service (decode -> :class:`~server.rights.Rights` -> encode).

The caller is always the user bound to the call's device token; no request
names a user, so one user's token cannot read or change another's data.
"""

from __future__ import annotations

import asyncio
import logging

from core.errors import GlassesError, InvalidInputError
from core.frames import ConsentState
from protos import glasses_pb2_grpc as pb_grpc
from server import wire, wire_phone
from server.accounts import Accounts, Caller
from server.rights import Rights
from server.servicing import unary
from server.status import status_for

log = logging.getLogger(__name__)


class ConsentService(pb_grpc.ConsentServicer):
    """The phone app's ``Consent`` service: each method decodes its request in
    ``server/wire.py``, acts through :class:`~server.rights.Rights` for the
    token's user, and encodes the result there."""

    def __init__(self, accounts: Accounts, rights: Rights) -> None:
        self.accounts, self.rights = accounts, rights

    def _state(self, caller: Caller):  # noqa: ANN202 - a wire ConsentState
        ledger = self.rights.ledger
        latest = ledger.table.ledger_latest(caller.user_id)
        state = ConsentState(
            ledger.current(caller.user_id),
            ledger.policy.training_regions,
            latest.at_ns if latest else 0,
            current_policy=ledger.policy.policy_version,
        )
        return wire.encode_consent_state(state)

    @unary
    def Get(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        return self._state(caller)

    @unary
    def Update(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        change = wire.decode_consent_change(request)
        self.rights.update(
            caller,
            grant=change.grant,
            revoke=change.revoke,
            region=change.region,
            policy_version=change.policy_version,
            reason=change.reason,
        )
        return self._state(caller)

    @unary
    def Revoke(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        self.rights.revoke(caller, wire.decode_revoke(request))
        return self._state(caller)

    @unary
    def Ledger(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        return wire_phone.encode_ledger_history(*self.rights.ledger_history(caller))

    @unary
    def DeleteMyData(self, caller: Caller, request):  # noqa: ANN001, N802 - gRPC API
        if not wire.decode_delete_confirmed(request):
            raise InvalidInputError(
                "deleting all your data cannot be undone; send confirm=true to go ahead"
            )
        samples, blobs = self.rights.delete_my_data(caller)
        log.info("deleted a user's data: %d samples, %d blobs", samples, blobs)
        return wire.encode_deleted(samples, blobs)

    async def ExportMyData(self, request, context):  # noqa: ANN001, N802 - gRPC API
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            chunks = self.rights.export_my_data(caller)
            chunk = await asyncio.to_thread(next, chunks, None)
        except GlassesError as exc:
            status, _ = status_for(exc)
            await context.abort(status, str(exc))
        offset = 0
        while chunk is not None:  # one chunk ahead, so the last one can say so
            following = await asyncio.to_thread(next, chunks, None)
            yield wire.encode_export_chunk(chunk, offset, following is None)
            offset += len(chunk)
            chunk = following
