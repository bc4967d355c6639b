"""The link to the server that loses nothing: an outbox, reconnects, retries.

:meth:`Uplink.ask` writes the question to the device's outbox
(``edge/outbox.py``) before anything is sent, and hands it to one delivery
task that sends the kept questions oldest first, each over the current
``Converse`` session, and deletes a question once its answer has ended or the
server refused it for good (a per-question outcome: the re-check withheld its
frame, the model failed). When the link drops, or a deadline passes, the
question stays kept; the task reconnects with exponential backoff and jitter
(offering the last session's resume token) and delivers it again, with the
same idempotency key, so the server answers and logs it once. Deltas the
asker already has are not handed over twice.

The asker waits ``answer_wait_s`` at most: a question still undelivered then
is *queued* (it stays in the outbox and goes up when the link returns; its
answer is in the wearer's history).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import grpc

from core.frames import AnswerDelta, AnswerDone, Hello, Query, Ready, RedactedImage, Utterance
from edge import wire
from edge.config import UplinkConfig
from edge.outbox import Outbox, Pending
from edge.uplink import ConverseSession, ServerReportedError

log = logging.getLogger(__name__)

SENT_KEPT = 1024  # send times kept for the latest questions (bounded over a long run)

# codes after which a question is delivered again: the link, not the question, failed
RETRY = frozenset(
    {"LINK_LOST", "DEADLINE_EXCEEDED", "UNAVAILABLE", "STORE_UNAVAILABLE", "CANCELLED", "BUSY"}
)


class Queued(ServerReportedError):
    """The question was not delivered in time; it stays in the outbox."""

    def __init__(self, key: str, waited_s: float) -> None:
        super().__init__(
            "QUEUED",
            f"the server was not reached within {waited_s:g} s; the question is kept on the "
            "device and is sent when the link returns (its answer will be in your history)",
        )
        self.key = key


class KeptUntilFixed(Queued):
    """The link cannot be made until a setting is fixed (``fix`` says which);
    the question stays in the outbox and goes up once it is."""

    def __init__(self, key: str, fix: Exception) -> None:
        ServerReportedError.__init__(
            self,
            "QUEUED",
            f"{fix}. The question is kept on the device and is sent once the link is made",
        )
        self.key = key


@dataclass
class _Asker:
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    forwarded: int = 0  # deltas handed over: a delivery again does not repeat them


@dataclass
class LinkStats:
    """What the link did (counts and durations only)."""

    delivered: int = 0
    refused: int = 0  # refused for good by the server (a per-question outcome)
    retries: int = 0  # deliveries started again after a drop or a deadline
    connects: int = 0
    connected_at: list[float] = field(default_factory=list)  # monotonic, each ready
    sent_at: dict[str, float] = field(default_factory=dict)  # key -> monotonic, first send
    bytes_sent: int = 0  # by sessions that have ended
    reconnect_s: list[float] = field(default_factory=list)  # link lost -> ready again


def open_uplink(
    channel: grpc.aio.Channel,
    metadata: tuple,
    config: UplinkConfig,
    outbox: Path | str,
    explain: Callable[[str, str], Exception | None] | None = None,
) -> Uplink:
    """An uplink over ``channel`` (its sessions with ``metadata``) keeping its
    questions in the outbox at ``outbox``; ``explain``: ``setting_to_fix``."""
    kept = Outbox(Path(outbox).expanduser())
    return Uplink(lambda: ConverseSession(channel, metadata, config), kept, config, explain=explain)


class Uplink:
    """Questions to the server over ``session_factory()``'s sessions, kept in ``outbox``
    (which it owns: :meth:`close` closes it)."""

    def __init__(
        self,
        session_factory: Callable[[], ConverseSession],
        outbox: Outbox,
        config: UplinkConfig | None = None,
        rng: random.Random | None = None,
        explain: Callable[[str, str], Exception | None] | None = None,
    ) -> None:
        """``explain``: a failed connect (status name, details) as the error
        that names the setting to fix (a TLS mismatch), or None when waiting
        may do: such a failure is logged once and reaches every waiting asker
        at once, instead of a quiet retry until their deadline."""
        self.session_factory, self.outbox = session_factory, outbox
        self.explain = explain
        self._told: str | None = None  # the setting to fix, last logged
        self.config = config or UplinkConfig()
        self.rng = rng or random.Random()
        self.stats = LinkStats()
        self.ready: Ready | None = None
        self._hello: Hello | None = None
        self._session: ConverseSession | None = None
        self._askers: dict[str, _Asker] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._seq = 0
        self._lost_at: float | None = None

    # --- the asker's side ---------------------------------------------------------------

    def start(self, hello: Hello) -> None:
        """Start delivering (what the outbox kept from before, first)."""
        self._hello = hello
        self._task = asyncio.create_task(self._deliver())

    @property
    def image_side(self) -> int:
        """The longest side the server's model looks at, as its last Ready said (0: not yet)."""
        return self.ready.image_side if self.ready is not None else 0

    def next_seq(self) -> int:
        """A sequence number no upload of this link's sessions has used."""
        self._seq += 1
        return self._seq

    async def ask(
        self, frame: RedactedImage | None, utterance: Utterance, query: Query
    ) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """Keep the question, then yield its answer as it is delivered. Raises
        ``ServerReportedError`` when the server refused it for good, and
        :class:`Queued` when it was not answered within ``answer_wait_s``."""
        if not query.idempotency_key:
            query = replace(query, idempotency_key=self.rng.getrandbits(128).to_bytes(16).hex())
        key = await asyncio.to_thread(self.outbox.put, frame, utterance, query)
        asker = self._askers[key] = _Asker()
        self._wake.set()
        deadline = time.monotonic() + self.config.answer_wait_s
        try:
            while True:
                left = deadline - time.monotonic()
                try:
                    item = await asyncio.wait_for(asker.queue.get(), max(left, 0.0))
                except TimeoutError:
                    raise Queued(key, self.config.answer_wait_s) from None
                if isinstance(item, Exception):
                    raise item
                yield item
                if isinstance(item, AnswerDone):
                    return
                deadline = max(deadline, time.monotonic() + self.config.idle_s)
        finally:
            self._askers.pop(key, None)

    async def drain(self, timeout_s: float) -> int:
        """Wait up to ``timeout_s`` for the outbox to empty; the questions left."""
        deadline = time.monotonic() + timeout_s
        while (left := len(self.outbox)) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return left

    async def close(self) -> None:
        """Stop delivering and close the outbox; what is undelivered stays in it."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self.stats.bytes_sent += self._session.bytes_sent
            self._session = None
        self.outbox.close()

    @property
    def bytes_sent(self) -> int:
        """Bytes sent upstream by every session of this link."""
        live = self._session.bytes_sent if self._session is not None else 0
        return self.stats.bytes_sent + live

    async def __aenter__(self) -> Uplink:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- the delivery task --------------------------------------------------------------

    async def _deliver(self) -> None:
        await self._connected()  # at once: the Ready says what the model looks at
        while True:
            pending = await asyncio.to_thread(self.outbox.oldest)
            if pending is None:
                await self._idle()
                continue
            session = await self._connected()
            try:
                await self._deliver_one(session, pending)
            except ServerReportedError as exc:
                if exc.code in RETRY:
                    self.stats.retries += 1
                    await self._drop(session, exc.code)
                    continue
                self.stats.refused += 1
                await asyncio.to_thread(self.outbox.remove, pending.key)
                self._hand(pending.key, exc)

    async def _idle(self) -> None:
        """Until a question is kept, or the idle link drops: then it is made
        again at once (the next question finds it ready)."""
        self._wake.clear()
        session = self._session
        woken = asyncio.ensure_future(self._wake.wait())
        waits = {woken}
        if session is not None:
            waits.add(asyncio.ensure_future(session.gone.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waits:
            waiter.cancel()
        if session is not None and session.ended and self._session is session:
            await self._drop(session, "idle link lost")
            await self._connected()

    async def _deliver_one(self, session: ConverseSession, pending: Pending) -> None:
        events = wire.renumbered(pending.events, self.next_seq)
        query_seq = events[-1].query.seq
        self.stats.sent_at.setdefault(pending.key, time.monotonic())
        while len(self.stats.sent_at) > SENT_KEPT:
            del self.stats.sent_at[next(iter(self.stats.sent_at))]
        async for event in session.ask_events(events, query_seq):
            if isinstance(event, AnswerDone):
                await asyncio.to_thread(self.outbox.remove, pending.key)
                self.stats.delivered += 1
            self._hand(pending.key, event)

    def _hand(self, key: str, item: object) -> None:
        """Give the asker (if it still waits) what came for its question."""
        asker = self._askers.get(key)
        if asker is None:
            return
        if isinstance(item, AnswerDelta):
            if item.index < asker.forwarded:
                return  # it has this one from an earlier delivery
            asker.forwarded = item.index + 1
        asker.queue.put_nowait(item)

    async def _connected(self) -> ConverseSession:
        """The live session, or a new one: tried with backoff until one is ready."""
        if self._session is not None and not self._session.ended:
            return self._session
        attempt = 0
        while True:
            session = self.session_factory()
            token = self.ready.resume_token if self.ready else ""
            try:
                self.ready = await session.open(replace(self._hello, resume_token=token))
            except ServerReportedError as exc:
                await session.close()
                if self._lost_at is None:
                    self._lost_at = time.monotonic()
                delay = self._backoff(attempt)
                log.info("link: not connected (%s); again in %.2f s", exc.code, delay)
                for asker in self._askers.values() if exc.code not in RETRY else ():
                    asker.queue.put_nowait(exc)  # refused (consent, token): say so now
                if fix := self.explain and self.explain(exc.code, exc.detail):
                    self._tell(fix)
                await asyncio.sleep(delay)
                attempt += 1
                continue
            self._told = None
            self.stats.connects += 1
            self.stats.connected_at.append(time.monotonic())
            if self._lost_at is not None:
                self.stats.reconnect_s.append(time.monotonic() - self._lost_at)
                self._lost_at = None
            self._session = session
            return session

    def _tell(self, fix: Exception) -> None:
        """A setting keeps the link from being made: log it once, and tell
        each waiting asker now (its question stays kept)."""
        if str(fix) != self._told:
            log.warning("link: cannot connect: %s", fix)
            self._told = str(fix)
        for key, asker in self._askers.items():
            asker.queue.put_nowait(KeptUntilFixed(key, fix))

    async def _drop(self, session: ConverseSession, why: str) -> None:
        log.info("link: dropped (%s); reconnecting", why)
        self._lost_at = time.monotonic()
        self._session = None
        await session.close()
        self.stats.bytes_sent += session.bytes_sent

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half the step, plus up to as much again."""
        c = self.config
        step = min(c.reconnect_max_s, c.reconnect_base_s * 2**attempt)
        return step / 2 + self.rng.uniform(0, step / 2)
