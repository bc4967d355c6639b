"""``Consent``: the phone app's service (decode -> :class:`~server.rights.Rights` -> encode).

The caller is always the user bound to the call's device token; no request
names a user, so one user's token cannot read or change another's data.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from core.errors import GlassesError, InvalidInputError
from protos import glasses_pb2 as pb
from protos import glasses_pb2_grpc as pb_grpc
from server import wire
from server.accounts import Accounts, Caller
from server.rights import Rights
from server.status import status_for

log = logging.getLogger(__name__)


def _unary(method):  # noqa: ANN001, ANN202
    """Authenticate, run in a worker thread, map domain errors to gRPC status."""

    @functools.wraps(method)
    async def wrapper(self: ConsentService, request, context):  # noqa: ANN001
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            return await asyncio.to_thread(method, self, caller, request)
        except GlassesError as exc:
            status, code = status_for(exc)
            log.info("Consent.%s refused: %s", method.__name__, code)
            await context.abort(status, str(exc))

    return wrapper


class ConsentService(pb_grpc.ConsentServicer):
    def __init__(self, accounts: Accounts, rights: Rights) -> None:
        self.accounts, self.rights = accounts, rights

    def _state(self, caller: Caller) -> pb.ConsentState:
        ledger = self.rights.ledger
        latest = ledger.table.ledger_latest(caller.user_id)
        return wire.encode_consent_state(
            ledger.current(caller.user_id),
            ledger.policy.training_regions,
            latest.at_ns if latest else 0,
        )

    @_unary
    def Get(self, caller: Caller, request: pb.GetConsentRequest) -> pb.ConsentState:  # noqa: N802
        return self._state(caller)

    @_unary
    def Update(self, caller: Caller, request: pb.UpdateConsentRequest) -> pb.ConsentState:  # noqa: N802
        self.rights.update(
            caller,
            grant=wire.decode_scopes(request.grant),
            revoke=wire.decode_scopes(request.revoke),
            region=request.region,
            policy_version=request.policy_version,
            reason=request.reason,
        )
        return self._state(caller)

    @_unary
    def Revoke(self, caller: Caller, request: pb.RevokeRequest) -> pb.ConsentState:  # noqa: N802
        self.rights.revoke(caller, wire.decode_scopes(request.scopes))
        return self._state(caller)

    @_unary
    def DeleteMyData(  # noqa: N802
        self, caller: Caller, request: pb.DeleteMyDataRequest
    ) -> pb.DeleteMyDataResponse:
        if not request.confirm:
            raise InvalidInputError(
                "deleting all your data cannot be undone; send confirm=true to go ahead"
            )
        samples, blobs = self.rights.delete_my_data(caller)
        log.info("deleted a user's data: %d samples, %d blobs", samples, blobs)
        return pb.DeleteMyDataResponse(samples_deleted=samples, blobs_deleted=blobs)

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
            yield pb.ExportChunk(data=chunk, offset=offset, last=following is None)
            offset += len(chunk)
            chunk = following
