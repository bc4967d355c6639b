"""``Assistant.Converse``: a thin servicer (decode -> domain call -> encode).

The caller is the user bound to the call's device token. What a session does
(consent, the re-check, answers, what is kept) is
:class:`~server.conversation.Conversation`; this module authenticates, turns
wire messages into domain events and back, and turns domain errors into error
events (``server/status.py``).
"""

from __future__ import annotations

import asyncio
import logging

from core.errors import GlassesError
from protos import glasses_pb2_grpc as pb_grpc
from server import wire
from server.accounts import Accounts
from server.conversation import Conversations
from server.domain import Goodbye
from server.status import status_for

log = logging.getLogger(__name__)


class AssistantService(pb_grpc.AssistantServicer):
    """The ``Assistant`` gRPC service: one :class:`Conversation` per ``Converse`` stream.

    A refused hello ends the stream with an error event and the mapped status;
    an error on a later event is reported as an error event and the session
    goes on. A stream that ends without a goodbye leaves its session to be
    resumed by the hello's resume token.
    """

    def __init__(self, conversations: Conversations, accounts: Accounts) -> None:
        self.accounts, self.conversations = accounts, conversations

    async def Converse(self, request_iterator, context):  # noqa: ANN001, N802 - gRPC API
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            hello = wire.decode_hello(await anext(aiter(request_iterator)))
            conversation = await self.conversations.open(caller, hello)
        except StopAsyncIteration:
            return
        except GlassesError as exc:
            status, code = status_for(exc)
            yield wire.encode_error(code, str(exc))
            context.set_code(status)
            context.set_details(str(exc))
            return
        goodbye = False
        try:
            yield wire.encode_reply(conversation.ready)
            async for msg in request_iterator:
                try:
                    event = wire.decode_client_event(msg)
                    if isinstance(event, Goodbye):
                        goodbye = True
                        break
                    if event is None:
                        continue
                    async for reply in conversation.handle(event):
                        yield wire.encode_reply(reply)
                except GlassesError as exc:
                    _, code = status_for(exc)
                    kind, seq = wire.client_event_kind(msg), wire.client_event_seq(msg)
                    log.warning(
                        "session %s: %s on %s event %d", conversation.session_id, code, kind, seq
                    )
                    yield wire.encode_error(code, str(exc), seq)
        finally:  # a broken stream leaves the session to be resumed
            self.conversations.leave(conversation, goodbye)
            log.info("session %s %s", conversation.session_id, "closed" if goodbye else "left")
