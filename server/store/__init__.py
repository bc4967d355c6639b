"""Sample stores: one interface, an embedded default (SQLite + blob folder)."""

from server.store.base import SampleStore
from server.store.sqlite import SqliteSampleStore

__all__ = ["SampleStore", "SqliteSampleStore"]
