"""The ``SampleStore`` port: where consent-tagged samples are logged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from edge.frames import Scope
from server.consent import LedgerEntry
from server.domain import Sample


class SampleStore(Protocol):
    def put(self, sample: Sample) -> str:
        """Store ``sample`` durably; return its id once it is safe on disk."""

    def get(self, sample_id: str) -> Sample | None:
        """The sample with this id, or None."""

    def count(self) -> int:
        """How many samples are stored."""

    def close(self) -> None: ...


def scopes_text(scopes: frozenset[Scope]) -> str:
    return ",".join(sorted(s.name.lower() for s in scopes))


def scopes_from_text(text: str) -> frozenset[Scope]:
    return frozenset(Scope[s.upper()] for s in text.split(",") if s)


def entry_row(e: LedgerEntry) -> tuple:
    """A ledger entry as a row (column order of every store's ledger table)."""
    scopes = scopes_text(e.scopes)
    return (
        e.seq,
        e.entry_id,
        e.prev_id,
        e.user_id,
        e.at_ns,
        scopes,
        e.region,
        e.policy_version,
        e.actor,
        e.reason,
    )


def entry_from_row(row: Sequence) -> LedgerEntry:
    seq, entry_id, prev_id, user_id, at_ns, scopes, region, version, actor, reason = row
    return LedgerEntry(
        seq=int(seq),
        user_id=user_id,
        at_ns=int(at_ns),
        scopes=scopes_from_text(scopes),
        region=region,
        policy_version=version,
        actor=actor,
        reason=reason,
        prev_id=prev_id,
        entry_id=entry_id,
    )
