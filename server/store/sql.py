"""The sample store's SQL, shared by SQLite and PostgreSQL.

Samples, their blob references, device tokens, the consent ledger and the
deliveries of questions (``server/store/deliveries.py``) live in one database,
so deleting a user's data is one transaction. Blobs are
content-addressed (SHA-256): small ones (up to ``inline_max`` bytes: a
thumbnail, a small frame) are rows of the ``blobs`` table, written in the
sample's own transaction; larger ones go to a :class:`BlobStore` (a folder,
or anything S3-like).

Writes are group-committed: ``put`` writes and fsyncs its large blobs in the
caller's thread, then hands the rest to one committer thread, which inserts
everything waiting in one transaction (one WAL flush for the lot) and only
then acknowledges each ``put``. A crash at any point leaves either a whole
sample or none; a large blob written for a sample that never committed is
garbage that :meth:`SqlSampleStore.collect_garbage` removes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from core.errors import StoreError
from core.frames import ConsentSnapshot, Scope
from server.consent import LedgerEntry
from server.domain import Delivery, Sample
from server.store import accounts_sql, deliveries, history_sql
from server.store.base import SampleHead, entry_from_row, entry_row, scopes_from_text, scopes_text
from server.store.blobs import BlobStore

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS samples (
    sample_id         TEXT PRIMARY KEY,
    created_at_ns     BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    device_id         TEXT NOT NULL,
    session_id        TEXT NOT NULL,
    consent_scopes    TEXT NOT NULL,
    consent_training  SMALLINT NOT NULL,
    consent_region    TEXT NOT NULL,
    consent_policy    TEXT NOT NULL,
    consent_entry     TEXT NOT NULL,
    query_text        TEXT NOT NULL,
    answer_text       TEXT NOT NULL,
    transcript        TEXT NOT NULL,
    model_id          TEXT NOT NULL,
    timings_json      TEXT NOT NULL,
    redaction_json    TEXT NOT NULL,
    expires_at_ns     BIGINT
);
CREATE INDEX IF NOT EXISTS samples_user ON samples(user_id);
CREATE INDEX IF NOT EXISTS samples_created ON samples(created_at_ns);
CREATE INDEX IF NOT EXISTS samples_expiry ON samples(expires_at_ns);
CREATE TABLE IF NOT EXISTS sample_blobs (
    sample_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    digest     TEXT NOT NULL,
    PRIMARY KEY (sample_id, kind, idx)
);
CREATE INDEX IF NOT EXISTS sample_blobs_digest ON sample_blobs(digest);
CREATE TABLE IF NOT EXISTS blobs (
    digest  TEXT PRIMARY KEY,
    data    {bytes_type} NOT NULL
);
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
    + accounts_sql.SCHEMA
    + history_sql.SCHEMA
    + deliveries.SCHEMA
)
_SAMPLE_COLUMNS = (
    "sample_id, created_at_ns, user_id, device_id, session_id, consent_scopes, "
    "consent_training, consent_region, consent_policy, consent_entry, query_text, "
    "answer_text, transcript, model_id, timings_json, redaction_json, expires_at_ns"
)
_LEDGER_COLUMNS = (
    "seq, entry_id, prev_id, user_id, at_ns, scopes, region, policy_version, actor, reason"
)
_ERASE_LEDGER = (
    "UPDATE consent_ledger SET user_id='', at_ns=0, scopes='', region='', policy_version='', "
    "actor='', reason='' WHERE user_id=?"
)
_STOP = object()


def refuse_older(db: Any, error: type[Exception], where: str, instead: str) -> None:
    """Refuse (and close) a store an older version wrote: one whose tables lack
    columns this version writes, saying what and what to do. A new store (no
    tables yet: the driver raises ``error``) or a current one passes."""
    stale = []
    for table, columns in (
        ("samples", _SAMPLE_COLUMNS),
        ("consent_ledger", _LEDGER_COLUMNS),
        ("deliveries", deliveries.COLUMNS),
    ):
        try:
            have = {d[0] for d in db.execute(f"SELECT * FROM {table} WHERE 1=0").description}
        except error:
            continue  # a new store, or one from before this table: the schema makes it
        missing = [c for c in columns.split(", ") if c not in have]
        if missing:
            stale.append(f"{table} has no {', '.join(missing)}")
    if stale:
        db.close()
        raise StoreError(
            f"the sample store in {where} was written by an older version of "
            f"glasses-runtime ({'; '.join(stale)}), and this version does not carry "
            f"older stores over (their samples have no per-user consent record). It is "
            f"left as it is: move it aside, or point {instead}."
        )


@dataclass
class _Pending:
    row: tuple
    blobs: list[tuple[str, int, bytes, str, bool]]  # kind, index, bytes, digest, inline
    done: Future
    delivery: tuple | None = None  # the deliveries row written with the sample


def _sample_row(sample: Sample) -> tuple:
    c = sample.consent
    return (
        sample.sample_id,
        sample.created_at_ns,
        sample.user_id,
        sample.device_id,
        sample.session_id,
        scopes_text(c.scopes),
        int(Scope.TRAINING in c.scopes),
        c.region,
        c.policy_version,
        c.ledger_entry_id,
        sample.query_text,
        sample.answer_text,
        sample.transcript,
        sample.model_id,
        json.dumps(sample.timings_ms),
        json.dumps(sample.redaction),
        sample.expires_at_ns,
    )


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SqlSampleStore(deliveries.SqlDeliveries, accounts_sql.SqlAccounts, history_sql.SqlHistory):
    """Samples + devices + consent ledger + deliveries + history over a DB-API
    connection in autocommit mode.

    Subclasses open the connection and say how the driver spells a
    placeholder and a uniqueness violation.
    """

    placeholder = "?"
    bytes_type = "BLOB"
    unique_violation: type[Exception] = Exception
    max_batch = 512
    inline_max = 64 * 1024  # blobs up to this size live in the database

    def __init__(self, db: Any, blobs: BlobStore, where: str) -> None:
        self._db, self.blobs, self.where = db, blobs, where
        self._lock = threading.Lock()  # one statement or transaction at a time
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._committer = threading.Thread(
            target=self._commit_loop, name="sample-commit", daemon=True
        )
        self._committer.start()
        self._closed = False

    def _run(self, sql: str, args: Sequence = ()) -> Any:
        return self._db.execute(sql.replace("?", self.placeholder), tuple(args))

    def _rows(self, sql: str, args: Sequence = ()) -> list:
        with self._lock:
            return self._run(sql, args).fetchall()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction (caller holds ``_lock``)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- samples: group commit ---------------------------------------------------------

    def put(self, sample: Sample, delivery: Delivery | None = None) -> str:
        """Store ``sample``; return its id once its blobs and row are durable.

        With ``delivery``, its row is written in the sample's transaction (both
        or neither); :class:`~server.store.deliveries.AlreadyDelivered` when
        its key was recorded already (the sample is then not stored)."""
        if self._closed:
            raise StoreError(f"the sample store in {self.where} is closed; sample not stored")
        try:
            blobs = [
                (kind, i, data, hashlib.sha256(data).hexdigest(), True)
                if len(data) <= self.inline_max
                else (kind, i, data, self.blobs.put(data), False)
                for kind, i, data in sample.blobs()
            ]
        except OSError as exc:
            raise StoreError(
                f"the sample's blobs could not be written ({exc.strerror}); it was not acknowledged"
            ) from exc
        row = deliveries.delivery_row(delivery) if delivery else None
        pending = _Pending(_sample_row(sample), blobs, Future(), row)
        self._queue.put(pending)
        pending.done.result()
        return sample.sample_id

    def _commit_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        with self._lock:
            try:
                self._insert(batch)
            except Exception:  # noqa: BLE001 - retry one by one so one bad sample fails alone
                for item in batch:
                    try:
                        self._insert([item])
                    except Exception as exc:  # noqa: BLE001 - any driver or disk error
                        item.done.set_exception(self._put_error(item, exc))
                    else:
                        item.done.set_result(None)
                return
        for item in batch:
            item.done.set_result(None)

    def _put_error(self, item: _Pending, exc: Exception) -> StoreError:
        """Why ``item`` was not stored (caller holds ``_lock``)."""
        if item.delivery is not None and isinstance(exc, self.unique_violation):
            user_id, key = item.delivery[:2]
            taken = self._run(
                "SELECT 1 FROM deliveries WHERE user_id=? AND idempotency_key=?", (user_id, key)
            ).fetchall()
            if taken:
                return deliveries.AlreadyDelivered(
                    "this question was answered already; its sample was not stored again"
                )
        return StoreError(
            f"sample could not be stored in {self.where} "
            f"({type(exc).__name__}); it was not acknowledged"
        )

    def _insert(self, batch: list[_Pending]) -> None:
        refs, inline = [], {}
        for item in batch:
            for kind, idx, data, digest, in_db in item.blobs:
                if in_db:
                    inline[digest] = data
                elif not self.blobs.exists(digest):  # a delete of shared content raced the put
                    self.blobs.put(data)
                refs.append((item.row[0], kind, idx, digest))
        marks = ",".join("?" * len(batch[0].row))
        with self._transaction():
            self._many(
                f"INSERT INTO samples ({_SAMPLE_COLUMNS}) VALUES ({marks})",
                [item.row for item in batch],
            )
            rows = [item.delivery for item in batch if item.delivery is not None]
            if rows:
                self._many(deliveries.INSERT, rows)
            if refs:
                self._many(
                    "INSERT INTO sample_blobs (sample_id, kind, idx, digest) VALUES (?,?,?,?)", refs
                )
            if inline:
                self._many(
                    "INSERT INTO blobs (digest, data) VALUES (?,?) ON CONFLICT (digest) DO NOTHING",
                    list(inline.items()),
                )

    def _many(self, sql: str, rows: list[tuple]) -> None:
        self._db.cursor().executemany(sql.replace("?", self.placeholder), rows)

    # --- samples: reads ------------------------------------------------------------------

    def get(self, sample_id: str) -> Sample | None:
        return self.get_many([sample_id])[0]

    def get_many(self, sample_ids: Sequence[str]) -> list[Sample | None]:
        """The samples with these ids, in order (None where there is none)."""
        if not sample_ids:
            return []
        marks = ",".join("?" * len(sample_ids))
        with self._lock:
            rows = self._run(
                f"SELECT {_SAMPLE_COLUMNS} FROM samples WHERE sample_id IN ({marks})", sample_ids
            ).fetchall()
            refs = self._run(
                "SELECT sample_id, kind, idx, digest FROM sample_blobs "
                f"WHERE sample_id IN ({marks}) ORDER BY sample_id, kind, idx",
                sample_ids,
            ).fetchall()
            data = self._inline_blobs({r[3] for r in refs})
        for digest in {r[3] for r in refs} - data.keys():
            data[digest] = self.blobs.get(digest)
        blobs: dict[str, list] = {}
        for sid, kind, _, digest in refs:
            blobs.setdefault(sid, []).append((kind, data[digest]))
        found = {row[0]: self._sample(row, blobs.get(row[0], [])) for row in rows}
        return [found.get(sid) for sid in sample_ids]

    def _inline_blobs(self, digests: set[str]) -> dict[str, bytes]:
        """Blobs kept in the database, by digest (caller holds ``_lock``)."""
        found: dict[str, bytes] = {}
        for chunk in _chunks(sorted(digests)):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT digest, data FROM blobs WHERE digest IN ({marks})"
            found.update((d, bytes(b)) for d, b in self._run(query, chunk).fetchall())
        return found

    def _sample(self, row: Sequence, refs: list[tuple[str, bytes]]) -> Sample:
        frames = [data for kind, data in refs if kind == "frame"]
        return Sample(
            sample_id=row[0],
            created_at_ns=int(row[1]),
            user_id=row[2],
            device_id=row[3],
            session_id=row[4],
            consent=ConsentSnapshot(scopes_from_text(row[5]), row[7], row[8], row[9]),
            query_text=row[10],
            answer_text=row[11],
            transcript=row[12],
            model_id=row[13],
            timings_ms=json.loads(row[14]),
            redaction=json.loads(row[15]),
            expires_at_ns=None if row[16] is None else int(row[16]),
            frame_jpeg=frames[0] if frames else None,
            images=tuple(data for kind, data in refs if kind == "image"),
        )

    def count(self, user_id: str | None = None) -> int:
        if user_id is None:
            return int(self._rows("SELECT COUNT(*) FROM samples")[0][0])
        return int(self._rows("SELECT COUNT(*) FROM samples WHERE user_id=?", (user_id,))[0][0])

    def sample_ids(self, user_id: str) -> list[str]:
        rows = self._rows(
            "SELECT sample_id FROM samples WHERE user_id=? ORDER BY created_at_ns, sample_id",
            (user_id,),
        )
        return [r[0] for r in rows]

    def owners(self, sample_ids: Sequence[str]) -> dict[str, str]:
        """sample id -> user id, for those of ``sample_ids`` still stored."""
        found: dict[str, str] = {}
        with self._lock:
            for chunk in _chunks(list(sample_ids)):
                marks = ",".join("?" * len(chunk))
                query = f"SELECT sample_id, user_id FROM samples WHERE sample_id IN ({marks})"
                found.update(self._run(query, chunk).fetchall())
        return found

    def heads(self, since_ns: int = 0, until_ns: int = 2**63 - 1) -> list[SampleHead]:
        """Every sample created in [since, until), oldest first, without its content."""
        rows = self._rows(
            "SELECT sample_id, user_id, created_at_ns, consent_scopes, consent_region, "
            "consent_policy, consent_entry FROM samples WHERE created_at_ns >= ? "
            "AND created_at_ns < ? ORDER BY created_at_ns, sample_id",
            (since_ns, until_ns),
        )
        return [
            SampleHead(
                r[0], r[1], int(r[2]), ConsentSnapshot(scopes_from_text(r[3]), r[4], r[5], r[6])
            )
            for r in rows
        ]

    # --- rights and retention -----------------------------------------------------------

    def expire_user(self, user_id: str, at_ns: int) -> int:
        """Make the user's samples expire at ``at_ns`` (or sooner, if already set)."""
        with self._lock:
            return self._run(
                "UPDATE samples SET expires_at_ns=? WHERE user_id=? AND "
                "(expires_at_ns IS NULL OR expires_at_ns > ?)",
                (at_ns, user_id, at_ns),
            ).rowcount

    def purge_expired(self, now_ns: int) -> tuple[int, int]:
        """Delete samples and deliveries whose retention ran out: (samples, blobs) deleted."""
        return self._delete(
            "expires_at_ns IS NOT NULL AND expires_at_ns <= ?",
            (now_ns,),
            also=(deliveries.PURGE, (now_ns,)),
        )

    def delete_user(self, user_id: str) -> tuple[int, int]:
        """Everything about the user: samples, blobs no one else shares, devices,
        deliveries, and their ledger entries erased in place. Returns (samples,
        blobs) deleted."""
        return self._delete(
            "user_id=?", (user_id,), erase_user=user_id, also=(deliveries.DELETE_USER, (user_id,))
        )

    def _delete(
        self,
        where: str,
        args: tuple,
        erase_user: str | None = None,
        also: tuple[str, tuple] | None = None,
    ) -> tuple[int, int]:
        """Delete the samples ``where`` says, their orphaned blobs, and run ``also``
        (one more statement) in the same transaction."""
        with self._lock:
            with self._transaction():
                digests = [
                    r[0]
                    for r in self._run(
                        "SELECT DISTINCT digest FROM sample_blobs WHERE sample_id IN "
                        f"(SELECT sample_id FROM samples WHERE {where})",
                        args,
                    ).fetchall()
                ]
                self._run(
                    "DELETE FROM sample_blobs WHERE sample_id IN "
                    f"(SELECT sample_id FROM samples WHERE {where})",
                    args,
                )
                samples = self._run(f"DELETE FROM samples WHERE {where}", args).rowcount
                if also is not None:
                    self._run(*also)
                if erase_user is not None:
                    self._run(_ERASE_LEDGER, (erase_user,))
                    for statement in accounts_sql.DELETE_USER:
                        self._run(statement, (erase_user,))
                orphans = sorted(set(digests) - self._referenced(digests))
                blobs = 0
                for chunk in _chunks(orphans):
                    marks = ",".join("?" * len(chunk))
                    blobs += self._run(
                        f"DELETE FROM blobs WHERE digest IN ({marks})", chunk
                    ).rowcount
            # after the commit, and still under the lock so no put can re-reference one
            blobs += sum(self.blobs.delete(d) for d in orphans)
        return samples, blobs

    def _referenced(self, digests: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(digests)):
            found |= {
                r[0]
                for r in self._run(
                    f"SELECT DISTINCT digest FROM sample_blobs WHERE digest IN "
                    f"({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            }
        return found

    def collect_garbage(self, min_age_s: float = 600.0) -> int:
        """Delete blobs no sample refers to (left by a crash mid-write); return how many.

        Only blobs older than ``min_age_s``: another server process sharing the
        blob store may have written one whose row is about to commit."""
        with self._lock:
            stored = list(self.blobs.digests(min_age_s))
            orphans = set(stored) - self._referenced(stored)
            return sum(self.blobs.delete(d) for d in orphans)

    def blob_digests(self) -> set[str]:
        """Every blob held, in the database or the blob store."""
        with self._lock:
            inline = {r[0] for r in self._run("SELECT digest FROM blobs").fetchall()}
        return inline | set(self.blobs.digests())

    # --- the consent ledger (server.consent.LedgerTable) ---------------------------------

    def ledger_head(self) -> LedgerEntry | None:
        rows = self._rows(f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger ORDER BY seq DESC LIMIT 1")
        return entry_from_row(rows[0]) if rows else None

    def ledger_append(self, entry: LedgerEntry) -> bool:
        try:
            with self._lock:
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

    def ledger_latest_many(self, user_ids: Iterable[str]) -> dict[str, LedgerEntry]:
        """The latest entry of each of these users (absent: never changed)."""
        return {u: e for u in set(user_ids) if (e := self.ledger_latest(u)) is not None}

    def ledger_entries(self, user_id: str | None = None) -> list[LedgerEntry]:
        query, args = f"SELECT {_LEDGER_COLUMNS} FROM consent_ledger", ()
        if user_id is not None:
            query, args = query + " WHERE user_id=?", (user_id,)
        return [entry_from_row(r) for r in self._rows(query + " ORDER BY seq", args)]

    def close(self) -> None:
        self._closed = True
        self._queue.put(_STOP)
        self._committer.join()
        with self._lock:
            self._db.close()
