"""The app's paired sessions, kept on the phone in SQLite.

Pairing gives this phone a device token; it stays here, server-side of the
page, keyed by the SHA-256 of a random session id. The browser holds only
that id, in an HttpOnly, Secure, SameSite=Strict cookie: no script in the
page can read the token or the id, and another site cannot send them. Each
session has its own CSRF token, which every form that changes something
carries back.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_sha256     TEXT PRIMARY KEY,
    token         TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    csrf          TEXT NOT NULL,
    last_used_ns  BIGINT NOT NULL
);
"""


@dataclass(frozen=True)
class Session:
    token: str = ""
    device_id: str = ""
    csrf: str = ""

    def csrf_ok(self, sent: str) -> bool:
        return bool(self.csrf) and hmac.compare_digest(self.csrf, sent or "")

    def __repr__(self) -> str:  # the token is a secret: never in a log or a traceback
        return f"Session(device_id={self.device_id!r})"


def _sha(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    def __init__(self, path: Path | str, max_age_s: float) -> None:
        path = Path(path).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            path.touch(mode=0o600)
        os.chmod(path, 0o600)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self.max_age_ns = int(max_age_s * 1e9)

    def create(self, token: str, device_id: str) -> tuple[str, Session]:
        """A new session for a freshly paired token: (the cookie's session id, it)."""
        session_id = secrets.token_urlsafe(32)
        session = Session(token, device_id, secrets.token_urlsafe(32))
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?)",
                (_sha(session_id), token, device_id, session.csrf, time.time_ns()),
            )
        return session_id, session

    def get(self, session_id: str) -> Session | None:
        if not session_id:
            return None
        now = time.time_ns()
        with self._lock:
            self._db.execute(
                "DELETE FROM sessions WHERE last_used_ns < ?", (now - self.max_age_ns,)
            )
            row = self._db.execute(
                "SELECT token, device_id, csrf FROM sessions WHERE id_sha256=?",
                (_sha(session_id),),
            ).fetchone()
            if row is not None:
                self._db.execute(
                    "UPDATE sessions SET last_used_ns=? WHERE id_sha256=?", (now, _sha(session_id))
                )
        return Session(*row) if row else None

    def end(self, session_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE id_sha256=?", (_sha(session_id),))

    def end_token(self, token: str) -> None:
        """End every session of a token the server no longer accepts."""
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE token=?", (token,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
