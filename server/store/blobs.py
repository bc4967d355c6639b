"""Blob stores: content-addressed bytes (frames, images) beside the sample rows.

:class:`BlobStore` is the port; :class:`BlobFolder` the local implementation.
An S3-compatible store implements the same five calls with the digest as key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store durably; return the SHA-256 hex digest (the key)."""

    def get(self, digest: str) -> bytes: ...

    def delete(self, digest: str) -> bool:
        """Remove the blob; False if it was not there."""

    def exists(self, digest: str) -> bool: ...

    def digests(self, older_than_s: float = 0.0) -> Iterator[str]:
        """Every stored digest written at least ``older_than_s`` ago (for garbage collection)."""


class BlobFolder:
    """Content-addressed files: ``<root>/ab/abcdef...``; writes are atomic and fsynced."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        stale = time.time() - 600  # a write cut short by a crash (not one in flight)
        for tmp in self.root.glob("*/*.tmp*"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < stale:
                    tmp.unlink()

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
        _fsync_dir(path.parent)  # the rename itself must survive a power cut
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

    def digests(self, older_than_s: float = 0.0) -> Iterator[str]:
        cutoff = time.time() - older_than_s
        for path in self.root.glob("*/*"):
            if len(path.name) == 64 and "." not in path.name:
                with contextlib.suppress(OSError):
                    if older_than_s <= 0 or path.stat().st_mtime <= cutoff:
                        yield path.name


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
