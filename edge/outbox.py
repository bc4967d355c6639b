"""The device's outbox: questions kept on disk until the server has answered them.

A question (its redacted frame, redacted utterance and query, serialised by
``edge/wire.py``: nothing else can be put here, so the outbox holds only
redacted data) is written before it is sent and deleted once its answer has
ended, or once the server refused it for good. A question asked while the link
is down therefore waits here, across restarts of the edge, and goes up oldest
first when the link returns; its idempotency key lets the server answer and
log it once however many times it is delivered.

The outbox is bounded (``OutboxLimits``): when a new question does not fit,
the oldest are dropped and counted (``dropped``, kept on disk), never silently.
SQLite in WAL mode with ``synchronous=FULL``: a question whose ``put``
returned survives a power cut.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import InvalidInputError
from core.frames import Query, RedactedImage, Utterance
from edge import wire

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT NOT NULL UNIQUE,
    asked_at_ns  INTEGER NOT NULL,
    events       BLOB NOT NULL,
    bytes        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class OutboxLimits:
    """How much the outbox keeps. A frame is 60-150 kB as sent (1280x720 JPEG);
    200 MB hold over a thousand questions with their frames, hours of
    questions at the pace people ask them."""

    max_questions: int = 1000
    max_bytes: int = 200 * 1024 * 1024


@dataclass(frozen=True)
class Pending:
    """A kept question: its key, when it was asked, and its serialised events."""

    key: str
    asked_at_ns: int
    events: list[bytes]


def _join(events: list[bytes]) -> bytes:
    """Events as one blob: each prefixed by its length (4 bytes, big-endian)."""
    return b"".join(len(e).to_bytes(4, "big") + e for e in events)


def _split(blob: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(blob):
        n = int.from_bytes(blob[at : at + 4], "big")
        out.append(blob[at + 4 : at + 4 + n])
        at += 4 + n
    return out


class Outbox:
    """Questions waiting for their answer, on disk at ``path`` (thread-safe)."""

    def __init__(self, path: Path | str, limits: OutboxLimits = OutboxLimits()) -> None:
        self.path, self.limits = Path(path), limits
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(self.path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise InvalidInputError(
                f"the outbox '{self.path}' cannot be opened ({exc}); move it aside to start "
                "a new one (its questions are then not sent)"
            ) from exc
        self._lock = threading.Lock()

    def put(self, frame: RedactedImage | None, utterance: Utterance, query: Query) -> str:
        """Keep a question (its ``query.idempotency_key``, or a new one); returns the key."""
        key = query.idempotency_key or uuid.uuid4().hex
        if not query.idempotency_key:
            query = replace(query, idempotency_key=key)
        blob = _join(wire.question_events(frame, utterance, query))
        if len(blob) > self.limits.max_bytes:
            raise InvalidInputError(
                f"a question of {len(blob)} bytes does not fit the outbox "
                f"({self.limits.max_bytes} bytes); lower edge.redaction.jpeg_quality"
            )
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO questions (key, asked_at_ns, events, bytes) "
                "VALUES (?, ?, ?, ?)",
                (key, time.time_ns(), blob, len(blob)),
            )
            self._make_room()
        return key

    def _make_room(self) -> None:
        """Drop the oldest questions until the outbox is within its limits."""
        count, size = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM questions"
        ).fetchone()
        dropped = 0
        rows = self._db.execute("SELECT id, bytes FROM questions ORDER BY id").fetchall()
        for row_id, n in rows:
            if count <= self.limits.max_questions and size <= self.limits.max_bytes:
                break
            self._db.execute("DELETE FROM questions WHERE id = ?", (row_id,))
            count, size, dropped = count - 1, size - n, dropped + 1
        if dropped:
            self._db.execute(
                "INSERT INTO counters (name, value) VALUES ('dropped', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (dropped,),
            )

    def oldest(self) -> Pending | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, asked_at_ns, events FROM questions ORDER BY id LIMIT 1"
            ).fetchone()
        return None if row is None else Pending(row[0], row[1], _split(row[2]))

    def remove(self, key: str) -> None:
        """Forget a question: answered, or refused for good."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM questions WHERE key = ?", (key,))

    def __contains__(self, key: str) -> bool:
        with self._lock:
            found = self._db.execute("SELECT 1 FROM questions WHERE key = ?", (key,))
            return found.fetchone() is not None

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]

    @property
    def dropped(self) -> int:
        """Questions dropped to keep within the limits, over the outbox's life."""
        with self._lock:
            row = self._db.execute("SELECT value FROM counters WHERE name = 'dropped'").fetchone()
        return row[0] if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
