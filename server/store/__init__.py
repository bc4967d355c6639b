"""Sample stores: one interface, an embedded default (SQLite + blob folder) and a
scalable one (PostgreSQL + a blob store)."""

from server.store.base import SampleHead, SampleStore
from server.store.blobs import BlobFolder, BlobStore
from server.store.deliveries import AlreadyDelivered
from server.store.postgres import PostgresSampleStore
from server.store.sqlite import SqliteSampleStore

__all__ = [
    "AlreadyDelivered",
    "BlobFolder",
    "BlobStore",
    "PostgresSampleStore",
    "SampleHead",
    "SampleStore",
    "SqliteSampleStore",
]
