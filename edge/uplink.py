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
from edge.config import UplinkConfig
from protos import glasses_pb2_grpc as pb_grpc

_END = object()


class ServerReportedError(BackendError):
    """The server sent an error event (code + message) about the client event
    ``seq`` (0: about the session), or the link failed (``code`` says which)."""

    def __init__(self, code: str, message: str, seq: int = 0) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.detail, self.seq = code, message, seq


class LinkLost(ServerReportedError):
    """The stream ended or broke: nothing more comes on this session."""

    def __init__(self, message: str) -> None:
        super().__init__("LINK_LOST", message)


class NoAnswerInTime(ServerReportedError):
    """A deadline passed while waiting for the server."""

    def __init__(self, message: str, seq: int = 0) -> None:
        super().__init__("DEADLINE_EXCEEDED", message, seq)


def channel_options(deadlines: UplinkConfig) -> list[tuple[str, int]]:
    """gRPC channel options for the edge: keepalive pings find a dead link while
    idle, and the channel's own reconnect backoff is kept as short as the
    uplink's (gRPC's default waits up to 120 s)."""
    ms = int(deadlines.keepalive_s * 1000)
    return [
        ("grpc.keepalive_time_ms", ms),
        ("grpc.keepalive_timeout_ms", max(ms // 2, 1000)),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
        ("grpc.initial_reconnect_backoff_ms", int(deadlines.reconnect_base_s * 1000)),
        ("grpc.min_reconnect_backoff_ms", int(deadlines.reconnect_base_s * 1000)),
        ("grpc.max_reconnect_backoff_ms", int(deadlines.reconnect_max_s * 1000)),
    ]


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata that names the caller by its device token."""
    return (("authorization", f"Bearer {token}"),)


class ConverseSession:
    """A live ``Converse`` stream. Use ``async with ConverseSession(channel) as s``.

    Every wait has a deadline (``UplinkConfig``). An error event about one
    upload or query reaches only its waiter; once the stream has ended, every
    wait, present or later, fails at once with :class:`LinkLost`.
    """

    def __init__(
        self,
        channel: grpc.aio.Channel,
        metadata: tuple = (),
        deadlines: UplinkConfig | None = None,
    ) -> None:
        self._stub = pb_grpc.AssistantStub(channel)
        self._metadata = metadata
        self.deadlines = deadlines or UplinkConfig()
        self._outgoing: asyncio.Queue = asyncio.Queue()
        self._ready: asyncio.Future[Ready] | None = None
        self._answers: dict[int, asyncio.Queue] = {}
        self._acks: dict[int, asyncio.Event] = {}
        self._reader: asyncio.Task | None = None
        self._writer: asyncio.Task | None = None
        self._call = None
        self._ended: LinkLost | None = None
        self.gone = asyncio.Event()  # set when the stream has ended
        self.bytes_sent = 0
        self.errors: list[ServerReportedError] = []
        self.refused: dict[int, ServerReportedError] = {}  # upload seq -> why

    @property
    def ended(self) -> bool:
        """Whether the stream has ended: nothing more comes on this session."""
        return self._ended is not None

    async def __aenter__(self) -> ConverseSession:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _write(self) -> None:
        """Write what is sent, in order, until the end (the reader reports failures)."""
        try:
            while (msg := await self._outgoing.get()) is not _END:
                await self._call.write(msg)
            await self._call.done_writing()
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # the stream ended: the reader says how

    def _send(self, msg) -> None:  # noqa: ANN001 - a message from edge/wire.py
        if self._ended is not None:
            raise self._ended
        self.bytes_sent += msg.ByteSize()
        self._outgoing.put_nowait(msg)

    async def open(self, hello: Hello) -> Ready:
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._call = self._stub.Converse(metadata=self._metadata)  # written by _write
        self._reader = asyncio.create_task(self._read())
        self._writer = asyncio.create_task(self._write())
        self._send(wire.encode_hello(hello))
        try:
            return await asyncio.wait_for(self._ready, self.deadlines.ready_s)
        except TimeoutError:
            raise NoAnswerInTime(
                f"the server did not answer the hello within {self.deadlines.ready_s:g} s; "
                "check that it runs and is reachable"
            ) from None

    async def _read(self) -> None:
        try:
            async for msg in self._call:
                self._dispatch(wire.decode_server_event(msg))
            ended = LinkLost("the server closed the session")
        except grpc.aio.AioRpcError as exc:
            code, details = exc.code().name, exc.details() or ""
            if self._ready and not self._ready.done():  # refused: say why, as the server did
                self._ready.set_exception(ServerReportedError(code, details))
            ended = LinkLost(f"the link to the server failed ({code}: {details})")
        except asyncio.CancelledError:
            self._end(LinkLost("the session was closed"))
            raise
        self._end(ended)

    def _end(self, ended: LinkLost) -> None:
        """Nothing more comes: every waiter, now and later, gets ``ended``."""
        self._ended = ended
        self.gone.set()
        if self._ready and not self._ready.done():
            self._ready.set_exception(ended)
        for queue in self._answers.values():
            queue.put_nowait(ended)
        for event in self._acks.values():
            event.set()

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
            _, code, message, seq = event
            error = ServerReportedError(code, message, seq)
            self.errors.append(error)
            if seq in self._answers:  # about a query: its asker alone
                self._answers[seq].put_nowait(error)
            elif seq:  # about an upload: whoever awaits it, or a query naming it, learns why
                self.refused[seq] = error
                self._acks.setdefault(seq, asyncio.Event()).set()
            elif self._ready and not self._ready.done():
                self._ready.set_exception(error)
            else:  # about the session: every question waiting
                for queue in self._answers.values():
                    queue.put_nowait(error)

    def send_frame(self, image: RedactedImage) -> None:
        self._acks.setdefault(image.seq, asyncio.Event())
        self._send(wire.encode_frame(image))

    def send_utterance(self, utterance: Utterance) -> None:
        self._send(wire.encode_utterance(utterance))

    async def wait_ack(self, seq: int) -> None:
        """Until the upload ``seq`` is acknowledged; its refusal, a lost link or
        the deadline raise."""
        event = self._acks.setdefault(seq, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), self.deadlines.ack_s)
        except TimeoutError:
            raise NoAnswerInTime(
                f"upload {seq} was not acknowledged within {self.deadlines.ack_s:g} s", seq
            ) from None
        if seq in self.refused:
            raise self.refused[seq]
        if self._ended is not None:
            raise self._ended

    async def ask(self, query: Query) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """Send ``query`` and yield its answer deltas, then its AnswerDone."""
        async for event in self.ask_events([wire.encode_query(query)], query.seq):
            yield event

    async def ask_events(
        self, events: list, query_seq: int
    ) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """Send ``events`` (from ``edge/wire.py``; the last a query of ``query_seq``)
        and yield the answer's deltas, then its AnswerDone. The first token is
        awaited ``first_token_s``, each next one ``idle_s``."""
        queue: asyncio.Queue = asyncio.Queue()
        self._answers[query_seq] = queue
        try:
            for msg in events:
                self._send(msg)
            wait = self.deadlines.first_token_s
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    raise NoAnswerInTime(
                        f"no answer to question {query_seq} within {wait:g} s; the server "
                        "may be overloaded. Ask again.",
                        query_seq,
                    ) from None
                if isinstance(item, Exception):
                    raise item
                yield item
                if isinstance(item, AnswerDone):
                    return
                wait = self.deadlines.idle_s
        finally:
            self._answers.pop(query_seq, None)

    async def close(self, reason: str = "done") -> None:
        if self._call is None:
            return
        opened = self._ready is not None and self._ready.done() and not self._ready.cancelled()
        if not opened or self._ready.exception() is not None:
            self._call.cancel()  # never opened: nothing to say goodbye to
        elif self._ended is None:
            self._send(wire.encode_goodbye(reason))
        self._outgoing.put_nowait(_END)
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 10.0)
            except (TimeoutError, asyncio.CancelledError):
                self._call.cancel()
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            await asyncio.wait({self._writer}, timeout=1.0)
        self._call = None
