"""The scalable sample store: PostgreSQL for rows, any :class:`BlobStore` for blobs
(a local folder by default; an S3-compatible store implements the same port)."""

from __future__ import annotations

from pathlib import Path

from core.errors import StoreError
from server.store.blobs import BlobFolder, BlobStore
from server.store.sql import SCHEMA, SqlSampleStore, refuse_older


class PostgresSampleStore(SqlSampleStore):
    placeholder = "%s"
    bytes_type = "BYTEA"

    def __init__(self, dsn: str, blobs: BlobStore | Path) -> None:
        import psycopg

        self.unique_violation = psycopg.errors.UniqueViolation
        try:
            db = psycopg.connect(dsn, autocommit=True)  # each statement commits (durable)
            refuse_older(db, psycopg.Error, "PostgreSQL", "server.store.dsn at a new database")
            db.execute(SCHEMA.format(bytes_type=self.bytes_type))
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot open the PostgreSQL sample store: {exc}. Check server.store.dsn "
                "(e.g. postgresql://user@host/db) and that the server is running."
            ) from exc
        if isinstance(blobs, Path):
            blobs = BlobFolder(blobs)
        super().__init__(db, blobs, where="PostgreSQL")

    def _transaction(self):  # noqa: ANN202 - psycopg's own transaction block
        return self._db.transaction()
