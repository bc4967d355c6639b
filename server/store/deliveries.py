"""The deliveries table: which of a user's questions (by idempotency key) were answered.

A row is written in the same transaction as the answer's sample (``put(sample,
delivery)``), or alone when consent keeps no sample (``record_delivery``), so a
crash leaves both or neither. The primary key (user, key) makes the first
answer win even between server replicas sharing one PostgreSQL: a second
``put`` for the same key is refused with :class:`AlreadyDelivered` and its
sample is not stored. Rows hold no personal text (the key, the user id, the
sample id, times); they are purged once ``expires_at_ns`` passes and deleted
with the user's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import StoreError
from server.domain import Delivery

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    user_id          TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    sample_id        TEXT NOT NULL,
    answered_at_ns   BIGINT NOT NULL,
    expires_at_ns    BIGINT NOT NULL,
    model_id         TEXT NOT NULL,
    tokens           INTEGER NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries(expires_at_ns);
"""
COLUMNS = "user_id, idempotency_key, sample_id, answered_at_ns, expires_at_ns, model_id, tokens"
INSERT = f"INSERT INTO deliveries ({COLUMNS}) VALUES (?,?,?,?,?,?,?)"
PURGE = "DELETE FROM deliveries WHERE expires_at_ns <= ?"
DELETE_USER = "DELETE FROM deliveries WHERE user_id=?"


class AlreadyDelivered(StoreError):
    """The question was answered and recorded already (by another delivery of it)."""


def delivery_row(d: Delivery) -> tuple:
    return (
        d.user_id,
        d.idempotency_key,
        d.sample_id,
        d.answered_at_ns,
        d.expires_at_ns,
        d.model_id,
        d.tokens,
    )


def delivery_from_row(row: Sequence) -> Delivery:
    user_id, key, sample_id, answered, expires, model_id, tokens = row
    return Delivery(user_id, key, sample_id, int(answered), int(expires), model_id, int(tokens))


class SqlDeliveries:
    """The deliveries half of :class:`~server.store.sql.SqlSampleStore` (a mixin:
    it uses the store's connection, lock and placeholder)."""

    _lock: Any
    _run: Any

    def delivery(self, user_id: str, idempotency_key: str) -> Delivery | None:
        """The recorded answer to the user's question with this key, or None."""
        with self._lock:
            rows = self._run(
                f"SELECT {COLUMNS} FROM deliveries WHERE user_id=? AND idempotency_key=?",
                (user_id, idempotency_key),
            ).fetchall()
        return delivery_from_row(rows[0]) if rows else None

    def record_delivery(self, delivery: Delivery) -> Delivery:
        """Record an answer that kept no sample; return the delivery now on record
        (``delivery``, or the earlier one when the key was answered already)."""
        with self._lock:
            self._run(
                INSERT + " ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                delivery_row(delivery),
            )
        found = self.delivery(delivery.user_id, delivery.idempotency_key)
        if found is None:  # deleted between the two statements (the user's data erased)
            raise StoreError("the delivery was deleted as it was recorded; ask again")
        return found
