"""The sample store's SQL, shared by SQLite and PostgreSQL.

Samples and the consent ledger live in one database, so deleting a user's
data is one place; blobs live in a :class:`BlobStore`. A sample is
acknowledged only after its blob is durable and its row committed.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from edge.errors import StoreError
from edge.frames import ConsentSnapshot
from server.consent import LedgerEntry
from server.domain import Sample
from server.store.base import entry_from_row, entry_row, scopes_from_text, scopes_text
from server.store.blobs import BlobStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    sample_id       TEXT PRIMARY KEY,
    created_at_ns   BIGINT NOT NULL,
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
    seq             BIGINT PRIMARY KEY,
    entry_id        TEXT NOT NULL UNIQUE,
    prev_id         TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL,
    at_ns           BIGINT NOT NULL,
    scopes          TEXT NOT NULL,
    region          TEXT NOT NULL,
    policy_version  TEXT NOT NULL,
    actor           TEXT NOT NULL,
    reason          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_user ON consent_ledger(user_id, seq);
"""
_SAMPLE_COLUMNS = (
    "sample_id, created_at_ns, device_id, session_id, consent_scopes, consent_region, "
    "consent_policy, consent_entry, query_text, answer_text, model_id, timings_json, "
    "redaction_json, frame_sha256"
)
_LEDGER_COLUMNS = (
    "seq, entry_id, prev_id, user_id, at_ns, scopes, region, policy_version, actor, reason"
)


class SqlSampleStore:
    """Samples + consent ledger over a DB-API connection in autocommit mode.

    Subclasses open the connection and say how the driver spells a
    placeholder and a uniqueness violation.
    """

    placeholder = "?"
    unique_violation: type[Exception] = Exception

    def __init__(self, db: Any, blobs: BlobStore, where: str) -> None:
        self._db, self.blobs, self.where = db, blobs, where
        self._lock = threading.Lock()

    def _run(self, sql: str, args: tuple = ()) -> Any:
        with self._lock:
            return self._db.execute(sql.replace("?", self.placeholder), args)

    def _rows(self, sql: str, args: tuple = ()) -> list:
        with self._lock:
            return self._db.execute(sql.replace("?", self.placeholder), args).fetchall()

    # --- samples -------------------------------------------------------------------------

    def put(self, sample: Sample) -> str:
        try:
            frame_sha = self.blobs.put(sample.frame_jpeg) if sample.frame_jpeg else None
            c = sample.consent
            row = (
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
            )
            self._run(
                f"INSERT INTO samples ({_SAMPLE_COLUMNS}) VALUES ({','.join('?' * len(row))})",
                row,
            )
        except Exception as exc:  # noqa: BLE001 - any driver or disk error: not acknowledged
            raise StoreError(
                f"sample could not be stored in {self.where} ({type(exc).__name__}); "
                "it was not acknowledged"
            ) from exc
        return sample.sample_id

    def get(self, sample_id: str) -> Sample | None:
        rows = self._rows(f"SELECT {_SAMPLE_COLUMNS} FROM samples WHERE sample_id=?", (sample_id,))
        if not rows:
            return None
        row = rows[0]
        return Sample(
            sample_id=row[0],
            created_at_ns=int(row[1]),
            device_id=row[2],
            session_id=row[3],
            consent=ConsentSnapshot(scopes_from_text(row[4]), row[5], row[6], row[7]),
            query_text=row[8],
            answer_text=row[9],
            model_id=row[10],
            timings_ms=json.loads(row[11]),
            redaction=json.loads(row[12]),
            frame_jpeg=self.blobs.get(row[13]) if row[13] else None,
        )

    def count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM samples")[0][0])

    # --- the consent ledger (server.consent.LedgerTable) ---------------------------------

    def ledger_head(self) -> LedgerEntry | None:
        rows = self._rows(f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger ORDER BY seq DESC LIMIT 1")
        return entry_from_row(rows[0]) if rows else None

    def ledger_append(self, entry: LedgerEntry) -> bool:
        try:
            self._run(
                f"INSERT INTO consent_ledger ({_LEDGER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                entry_row(entry),
            )
        except self.unique_violation:
            return False  # another append took this position
        return True

    def ledger_latest(self, user_id: str) -> LedgerEntry | None:
        rows = self._rows(
            f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger WHERE user_id=? "
            "ORDER BY seq DESC LIMIT 1",
            (user_id,),
        )
        return entry_from_row(rows[0]) if rows else None

    def ledger_entries(self, user_id: str | None = None) -> list[LedgerEntry]:
        query, args = f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger", ()
        if user_id is not None:
            query, args = query + " WHERE user_id=?", (user_id,)
        return [entry_from_row(r) for r in self._rows(query + " ORDER BY seq", args)]

    def close(self) -> None:
        with self._lock:
            self._db.close()
