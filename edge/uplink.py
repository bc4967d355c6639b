"""The edge's gRPC client for ``Assistant.Converse``.

One :class:`ConverseSession` is one bidirectional stream: hello first, then
redacted frames, utterances and queries; answers stream back per query.
Only the encoders in ``edge/wire.py`` build outgoing messages, so only
redacted types can be sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from core.errors import BackendError
from core.frames import AnswerDelta, AnswerDone, Hello, Query, Ready, RedactedImage, Utterance
from edge import wire
from protos import glasses_pb2_grpc as pb_grpc

_END = object()


class ServerReportedError(BackendError):
    """The server sent an error event (code + message) on the session."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata that names the caller by its device token."""
    return (("authorization", f"Bearer {token}"),)


class ConverseSession:
    """A live ``Converse`` stream. Use ``async with ConverseSession(channel) as s``."""

    def __init__(self, channel: grpc.aio.Channel, metadata: tuple = ()) -> None:
        self._stub = pb_grpc.AssistantStub(channel)
        self._metadata = metadata
        self._outgoing: asyncio.Queue = asyncio.Queue()
        self._ready: asyncio.Future[Ready] | None = None
        self._answers: dict[int, asyncio.Queue] = {}
        self._acks: dict[int, asyncio.Event] = {}
        self._reader: asyncio.Task | None = None
        self._call = None
        self.bytes_sent = 0
        self.errors: list[ServerReportedError] = []

    async def __aenter__(self) -> ConverseSession:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _requests(self) -> AsyncIterator:  # of messages from edge/wire.py
        while True:
            msg = await self._outgoing.get()
            if msg is _END:
                return
            yield msg

    def _send(self, msg) -> None:  # noqa: ANN001 - a message from edge/wire.py
        self.bytes_sent += msg.ByteSize()
        self._outgoing.put_nowait(msg)

    async def open(self, hello: Hello, timeout: float = 30.0) -> Ready:
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._call = self._stub.Converse(self._requests(), metadata=self._metadata)
        self._reader = asyncio.create_task(self._read())
        self._send(wire.encode_hello(hello))
        return await asyncio.wait_for(self._ready, timeout)

    async def _read(self) -> None:
        try:
            async for msg in self._call:
                self._dispatch(wire.decode_server_event(msg))
        except grpc.aio.AioRpcError as exc:
            self._fail(ServerReportedError(exc.code().name, exc.details() or ""))
        finally:
            for queue in self._answers.values():
                queue.put_nowait(_END)

    def _dispatch(self, event) -> None:  # noqa: ANN001 - a decoded server event
        if isinstance(event, Ready):
            if self._ready and not self._ready.done():
                self._ready.set_result(event)
        elif isinstance(event, AnswerDelta | AnswerDone):
            queue = self._answers.get(event.query_seq)
            if queue is not None:
                queue.put_nowait(event)
        elif event[0] == "ack":
            self._acks.setdefault(event[1], asyncio.Event()).set()
        elif event[0] == "error":
            self._fail(ServerReportedError(event[1], event[2]))

    def _fail(self, error: ServerReportedError) -> None:
        self.errors.append(error)
        if self._ready and not self._ready.done():
            self._ready.set_exception(error)
        for queue in self._answers.values():
            queue.put_nowait(error)

    def send_frame(self, image: RedactedImage) -> None:
        self._acks.setdefault(image.seq, asyncio.Event())
        self._send(wire.encode_frame(image))

    def send_utterance(self, utterance: Utterance) -> None:
        self._send(wire.encode_utterance(utterance))

    async def wait_ack(self, seq: int, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self._acks.setdefault(seq, asyncio.Event()).wait(), timeout)

    async def ask(self, query: Query) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """Send ``query`` and yield its answer deltas, then its AnswerDone."""
        queue: asyncio.Queue = asyncio.Queue()
        self._answers[query.seq] = queue
        self._send(wire.encode_query(query))
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    raise ServerReportedError("STREAM_CLOSED", "the server closed the session")
                if isinstance(item, Exception):
                    raise item
                yield item
                if isinstance(item, AnswerDone):
                    return
        finally:
            self._answers.pop(query.seq, None)

    async def close(self, reason: str = "done") -> None:
        if self._call is None:
            return
        self._send(wire.encode_goodbye(reason))
        self._outgoing.put_nowait(_END)
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 10.0)
            except (TimeoutError, asyncio.CancelledError):
                self._call.cancel()
        self._call = None
