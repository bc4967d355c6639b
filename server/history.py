"""The wearer's history: their own samples, newest first, a page at a time;
one in full (the redacted frame as kept, the images as sent, the consent entry
in force then); or one deleted.

Every call is for the user bound to the caller's token: a sample id of
another user is "not found", exactly like one that does not exist, so ids
cannot be probed.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from core.errors import InvalidInputError, NotFoundError
from server.accounts import Caller
from server.consent import LedgerEntry, LedgerTable
from server.domain import Sample
from server.store.base import HistoryRow, SampleStore

PAGE_SIZE = 20  # entries per page when the caller does not say
MAX_PAGE_SIZE = 100  # the most one call returns


@dataclass(frozen=True)
class Page:
    rows: list[HistoryRow]
    next_token: str  # "": no older entry
    total: int  # the caller's samples in all


@dataclass(frozen=True)
class Detail:
    """One sample in full, and the ledger entry whose consent covered it."""

    row: HistoryRow
    sample: Sample
    consent_entry: LedgerEntry | None


def kind_of(redaction: dict) -> str:
    """ "question", "imagine" or "riff", from what the sample's redaction record holds."""
    made = redaction.get("imagine")
    if not made:
        return "question"
    return "riff" if made.get("kind") == "riff" else "imagine"


def row_of(sample: Sample) -> HistoryRow:
    """The list row of a sample read in full (its answer uncut)."""
    return HistoryRow(
        sample.sample_id,
        sample.created_at_ns,
        sample.device_id,
        sample.query_text,
        sample.answer_text,
        False,
        sample.redaction,
        sample.consent,
        sample.frame_jpeg is not None,
        len(sample.images),
    )


class History:
    def __init__(self, store: SampleStore, ledger: LedgerTable) -> None:
        self.store, self.ledger = store, ledger

    def page(self, caller: Caller, size: int = 0, token: str = "") -> Page:
        size = size or PAGE_SIZE
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidInputError(f"page_size is 1-{MAX_PAGE_SIZE} (0: {PAGE_SIZE})")
        # one more than asked: whether an older page exists, without a count
        rows = self.store.history(caller.user_id, _decode(token), size + 1)
        more, rows = len(rows) > size, rows[:size]
        last = rows[-1] if rows else None
        token = _encode(last.created_at_ns, last.sample_id) if more else ""
        return Page(rows, token, self.store.count(caller.user_id))

    def get(self, caller: Caller, sample_id: str) -> Detail:
        # whose it is first (one row): another's sample is never read at all
        if not sample_id or self.store.owners([sample_id]).get(sample_id) != caller.user_id:
            raise _not_found(sample_id)
        sample = self.store.get(sample_id)
        if sample is None:  # deleted in between
            raise _not_found(sample_id)
        entry_id = sample.consent.ledger_entry_id
        entries = self.ledger.ledger_entries(caller.user_id) if entry_id else []
        entry = next((e for e in entries if e.entry_id == entry_id), None)
        return Detail(row_of(sample), sample, entry)

    def blob(self, caller: Caller, sample_id: str, kind: str, index: int) -> bytes:
        """One blob of one of the caller's samples, exactly as kept: its frame
        (``kind`` "frame") or its ``index``-th image."""
        sample = self.get(caller, sample_id).sample
        if kind == "frame" and index == 0 and sample.frame_jpeg:
            return sample.frame_jpeg
        if kind == "image" and 0 <= index < len(sample.images):
            return sample.images[index]
        raise NotFoundError(f"that sample has no {kind} {index}")

    def delete(self, caller: Caller, sample_id: str) -> None:
        if not (sample_id and self.store.delete_sample(caller.user_id, sample_id)):
            raise _not_found(sample_id)


def _not_found(sample_id: str) -> NotFoundError:
    return NotFoundError(
        f"no sample {sample_id[:40]!r} in your history (deleted, expired, or never kept)"
    )


def _encode(created_at_ns: int, sample_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at_ns}:{sample_id}".encode()).decode()


def _decode(token: str) -> tuple[int, str] | None:
    if not token:
        return None
    try:
        ns, _, sample_id = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        return int(ns), sample_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError(
            "page_token is not one this server gave; start again from the newest (no token)"
        ) from None
