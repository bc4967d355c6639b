"""What every token-authenticated unary method of the phone app's services
does around its work: name the caller by the call's device token, run the
work in a worker thread (the store is blocking), and turn a domain error into
its gRPC status with a message that says what to do (``server/status.py``)."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

import grpc

from core.errors import GlassesError
from server.status import status_for

log = logging.getLogger(__name__)


def unary(method: Callable) -> Callable:
    """``method(self, caller, request)`` as a gRPC method; ``self.accounts`` names
    the caller. The log line names the method and the code, never the request."""

    @functools.wraps(method)
    async def wrapper(self, request, context):  # noqa: ANN001, ANN202
        try:
            caller = await asyncio.to_thread(
                self.accounts.from_metadata, context.invocation_metadata()
            )
            return await asyncio.to_thread(method, self, caller, request)
        except GlassesError as exc:
            status, code = status_for(exc)
            log.info("%s.%s refused: %s", type(self).__name__, method.__name__, code)
            await context.abort(status, str(exc))
        except Exception as exc:  # a bug: say so, without its message (it may quote input)
            log.error("%s.%s failed: %s", type(self).__name__, method.__name__, type(exc).__name__)
            await context.abort(grpc.StatusCode.INTERNAL, "the server failed on this; try again")

    return wrapper
