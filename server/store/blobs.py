"""Blob stores: content-addressed bytes (frames, images) beside the sample rows.

:class:`BlobStore` is the port; :class:`BlobFolder` the local implementation.
An S3-compatible store implements the same four calls with the digest as key.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store durably; return the SHA-256 hex digest (the key)."""

    def get(self, digest: str) -> bytes: ...

    def delete(self, digest: str) -> bool:
        """Remove the blob; False if it was not there."""

    def exists(self, digest: str) -> bool: ...


class BlobFolder:
    """Content-addressed files: ``<root>/ab/abcdef...``; writes are atomic and fsynced."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

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

    def delete(self, digest: str) -> bool:
        try:
            self.path(digest).unlink()
        except FileNotFoundError:
            return False
        return True

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()
