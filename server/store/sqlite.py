"""The embedded sample store: SQLite in WAL mode plus a content-addressed
blob folder. A sample is acknowledged only after its blob is fsynced and its
row committed, so an acknowledged sample survives a crash."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path

from edge.errors import StoreError
from edge.frames import ConsentSnapshot
from server.consent import LedgerEntry
from server.domain import Sample
from server.store.base import entry_from_row, entry_row, scopes_from_text, scopes_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    sample_id       TEXT PRIMARY KEY,
    created_at_ns   INTEGER NOT NULL,
    device_id       TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    consent_scopes  TEXT NOT NULL,
    consent_region  TEXT NOT NULL,
    consent_policy  TEXT NOT NULL,
    consent_entry   TEXT NOT NULL,
    query_text      TEXT NOT NULL,
    answer_text     TEXT NOT NULL,
    model_id        TEXT NOT NULL,
    timings_json    TEXT NOT NULL,
    redaction_json  TEXT NOT NULL,
    frame_sha256    TEXT
);
CREATE INDEX IF NOT EXISTS samples_device ON samples(device_id, created_at_ns);
CREATE TABLE IF NOT EXISTS consent_ledger (
    seq             INTEGER PRIMARY KEY,
    entry_id        TEXT NOT NULL UNIQUE,
    prev_id         TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL,
    at_ns           INTEGER NOT NULL,
    scopes          TEXT NOT NULL,
    region          TEXT NOT NULL,
    policy_version  TEXT NOT NULL,
    actor           TEXT NOT NULL,
    reason          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_user ON consent_ledger(user_id, seq);
"""
_LEDGER_COLUMNS = (
    "seq, entry_id, prev_id, user_id, at_ns, scopes, region, policy_version, actor, reason"
)


class BlobFolder:
    """Content-addressed files: ``<root>/ab/abcdef...``; writes are atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self.path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()


class SqliteSampleStore:
    """SQLite (WAL, synchronous=FULL) + :class:`BlobFolder` under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.blobs = BlobFolder(self.folder / "blobs")
            self._db = sqlite3.connect(
                self.folder / "samples.db", check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the sample store in '{self.folder}': {exc}. "
                "Check that the folder is writable (server.store.path)."
            ) from exc
        self._lock = threading.Lock()

    def put(self, sample: Sample) -> str:
        try:
            frame_sha = self.blobs.put(sample.frame_jpeg) if sample.frame_jpeg else None
            c = sample.consent
            with self._lock:
                self._db.execute(
                    "INSERT INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        sample.sample_id,
                        sample.created_at_ns,
                        sample.device_id,
                        sample.session_id,
                        scopes_text(c.scopes),
                        c.region,
                        c.policy_version,
                        c.ledger_entry_id,
                        sample.query_text,
                        sample.answer_text,
                        sample.model_id,
                        json.dumps(sample.timings_ms),
                        json.dumps(sample.redaction),
                        frame_sha,
                    ),
                )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"sample could not be stored ({type(exc).__name__}); it was not acknowledged"
            ) from exc
        return sample.sample_id

    def get(self, sample_id: str) -> Sample | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM samples WHERE sample_id=?", (sample_id,)
            ).fetchone()
        if row is None:
            return None
        scopes = scopes_from_text(row[4])
        return Sample(
            sample_id=row[0],
            created_at_ns=row[1],
            device_id=row[2],
            session_id=row[3],
            consent=ConsentSnapshot(scopes, row[5], row[6], row[7]),
            query_text=row[8],
            answer_text=row[9],
            model_id=row[10],
            timings_ms=json.loads(row[11]),
            redaction=json.loads(row[12]),
            frame_jpeg=self.blobs.get(row[13]) if row[13] else None,
        )

    # --- the consent ledger (server.consent.LedgerTable) ---------------------------------

    def ledger_head(self) -> LedgerEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        return entry_from_row(row) if row else None

    def ledger_append(self, entry: LedgerEntry) -> bool:
        try:
            with self._lock:
                self._db.execute(
                    f"INSERT INTO consent_ledger ({_LEDGER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    entry_row(entry),
                )
        except sqlite3.IntegrityError:
            return False  # another append took this position
        return True

    def ledger_latest(self, user_id: str) -> LedgerEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger WHERE user_id=? "
                "ORDER BY seq DESC LIMIT 1",
                (user_id,),
            ).fetchone()
        return entry_from_row(row) if row else None

    def ledger_entries(self, user_id: str | None = None) -> list[LedgerEntry]:
        query = f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger"
        args: tuple = ()
        if user_id is not None:
            query, args = query + " WHERE user_id=?", (user_id,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [entry_from_row(r) for r in rows]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
