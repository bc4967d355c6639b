"""The embedded sample store: SQLite in WAL mode (``synchronous=FULL``) plus a
content-addressed blob folder, both under one folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.errors import StoreError
from server.store.blobs import BlobFolder
from server.store.sql import SCHEMA, SqlSampleStore, refuse_older


class SqliteSampleStore(SqlSampleStore):
    placeholder = "?"
    unique_violation = sqlite3.IntegrityError

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            blobs = BlobFolder(self.folder / "blobs")
            db = sqlite3.connect(
                self.folder / "samples.db", check_same_thread=False, isolation_level=None
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            refuse_older(db, sqlite3.Error, f"'{self.folder}'", "server.store.path at a new folder")
            db.executescript(SCHEMA.format(bytes_type=self.bytes_type))
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the sample store in '{self.folder}': {exc}. "
                "Check that the folder is writable (server.store.path)."
            ) from exc
        super().__init__(db, blobs, where=f"'{self.folder}'")
