"""The store's account tables: device tokens and one-time pairing codes.

A device is bound to its user by the SHA-256 of its bearer token; revoking a
device deletes its rows, so its token stops working at the next call. A
pairing code (``glasses consent enrol`` prints one) lets the user's phone
app enrol itself: only the code's SHA-256 is kept, it expires, and taking it
deletes it in the same statement, so it works once even between server
replicas sharing one PostgreSQL.
"""

from __future__ import annotations

from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    token_sha256   TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    created_at_ns  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_user ON devices(user_id);
CREATE TABLE IF NOT EXISTS pairing_codes (
    code_sha256    TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    expires_at_ns  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS pairing_user ON pairing_codes(user_id);
"""
DELETE_USER = (
    "DELETE FROM devices WHERE user_id=?",
    "DELETE FROM pairing_codes WHERE user_id=?",
)


class SqlAccounts:
    """The accounts half of :class:`~server.store.sql.SqlSampleStore` (a mixin:
    it uses the store's connection, lock and placeholder)."""

    _lock: Any
    _run: Any
    _rows: Any

    def device_add(self, token_sha256: str, user_id: str, device_id: str, at_ns: int) -> None:
        with self._lock:
            self._run(
                "INSERT INTO devices (token_sha256, user_id, device_id, created_at_ns) "
                "VALUES (?,?,?,?)",
                (token_sha256, user_id, device_id, at_ns),
            )

    def device_lookup(self, token_sha256: str) -> tuple[str, str] | None:
        """(user id, device id) bound to this token hash, or None."""
        rows = self._rows(
            "SELECT user_id, device_id FROM devices WHERE token_sha256=?", (token_sha256,)
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def devices(self, user_id: str) -> list[tuple[str, int]]:
        """(device id, enrolled at) of the user's devices, one row per token."""
        rows = self._rows(
            "SELECT device_id, created_at_ns FROM devices WHERE user_id=? ORDER BY created_at_ns",
            (user_id,),
        )
        return [(r[0], int(r[1])) for r in rows]

    def device_revoke(self, user_id: str, device_id: str) -> int:
        """Delete every token of the user's device ``device_id``; how many there were."""
        with self._lock:
            return self._run(
                "DELETE FROM devices WHERE user_id=? AND device_id=?", (user_id, device_id)
            ).rowcount

    def pairing_add(self, code_sha256: str, user_id: str, expires_at_ns: int) -> None:
        with self._lock:
            self._run(
                "INSERT INTO pairing_codes (code_sha256, user_id, expires_at_ns) VALUES (?,?,?)",
                (code_sha256, user_id, expires_at_ns),
            )

    def pairing_take(self, code_sha256: str, now_ns: int) -> str | None:
        """The user a pairing code was made for, deleting it (once only); None when
        unknown, taken or expired. Expired codes are swept on the way."""
        with self._lock:
            self._run("DELETE FROM pairing_codes WHERE expires_at_ns <= ?", (now_ns,))
            rows = self._run(
                "DELETE FROM pairing_codes WHERE code_sha256=? RETURNING user_id", (code_sha256,)
            ).fetchall()
        return rows[0][0] if rows else None
