"""Exactly-once answers: each (user, idempotency key) is answered and logged once.

The edge gives every question a key and keeps it across retries (its outbox
re-sends a question after a reconnect, in a new session). A delivery of a
key is *claimed* while it is answered: a duplicate arriving meanwhile (the
old stream not yet torn down) waits for the claim, then finds the answer on
record and replays it. The record is the store's deliveries table, written
in the answer's sample transaction (``SampleStore.put(sample, delivery)``),
so it survives server restarts and a crash leaves both or neither. It is
kept for ``server.retention.deliveries_s`` (purged with the samples).

Claims are per process; server replicas sharing one PostgreSQL store are
kept to one *logged* answer by the table's primary key (the later one is told
``AlreadyDelivered`` and reports the earlier answer's sample as replayed),
though both may have generated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import replace

from core.clock import Clock
from core.errors import BusyError
from core.frames import AnswerDelta, AnswerDone, Query
from server.domain import Delivery, Sample
from server.store import AlreadyDelivered
from server.store.base import SampleStore


class Deliveries:
    """The questions being answered in this process, and the store's record of
    those answered (shared by every session)."""

    def __init__(
        self, store: SampleStore, keep_s: float, clock: Clock, wait_s: float = 30.0
    ) -> None:
        self._store, self._clock = store, clock
        self.keep_ns = int(keep_s * 1e9)
        self.wait_s = wait_s  # a duplicate's longest wait for the claim (duplicate_wait_s)
        self._answering: dict[tuple[str, str], asyncio.Event] = {}

    @contextlib.asynccontextmanager
    async def claim(self, user_id: str, key: str) -> AsyncIterator[Delivery | None]:
        """Hold the user's question ``key`` while it is answered: yields its earlier
        delivery (replay it), or None (answer it now; a duplicate waits until
        this claim ends, answered, failed or cancelled, for at most ``wait_s``:
        then :class:`BusyError`, and the device sends it again later)."""
        ident = (user_id, key)
        deadline = time.monotonic() + self.wait_s
        while (busy := self._answering.get(ident)) is not None:
            try:
                await asyncio.wait_for(busy.wait(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BusyError(
                    f"this question is still being answered on an earlier link after "
                    f"{self.wait_s:g} s; send it again shortly (its answer is then replayed)"
                ) from None
        done = self._answering[ident] = asyncio.Event()
        try:
            yield await asyncio.to_thread(self._store.delivery, user_id, key)
        finally:
            del self._answering[ident]
            done.set()

    def answered(
        self, user_id: str, key: str, sample_id: str, model_id: str, tokens: int
    ) -> Delivery:
        """The delivery of an answer just generated (``sample_id`` "": none kept)."""
        now = self._clock.wall_ns()
        return Delivery(user_id, key, sample_id, now, now + self.keep_ns, model_id, tokens)

    async def record(self, delivery: Delivery, sample: Sample | None) -> Delivery:
        """Record ``delivery`` (with its sample, in one transaction); the delivery on
        record: this one, or an earlier one another process recorded first (then
        ``sample`` is not stored)."""
        if sample is None:
            return await asyncio.to_thread(self._store.record_delivery, delivery)
        try:
            await asyncio.to_thread(self._store.put, sample, delivery)
        except AlreadyDelivered:
            earlier = await asyncio.to_thread(
                self._store.delivery, delivery.user_id, delivery.idempotency_key
            )
            # None: erased meanwhile with the user's data; this answer was not kept either
            return earlier or replace(delivery, sample_id="")
        return delivery

    async def replay(
        self, query: Query, earlier: Delivery
    ) -> AsyncIterator[AnswerDelta | AnswerDone]:
        """The earlier answer again, for a repeated delivery of ``query``: its text as
        one delta when its sample is still kept (consent allowed it), else none."""
        t0 = self._clock.monotonic()
        sample = None
        if earlier.sample_id:
            sample = await asyncio.to_thread(self._store.get, earlier.sample_id)
        if sample is not None and sample.user_id == earlier.user_id and sample.answer_text:
            yield AnswerDelta(query.seq, sample.answer_text, 0)
        timings = {"replay_ms": (self._clock.monotonic() - t0) * 1e3}
        yield AnswerDone(
            query.seq, earlier.model_id, timings, earlier.tokens, earlier.sample_id, replayed=True
        )
