"""The ``SampleStore`` port: where consent-tagged samples are logged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.frames import ConsentSnapshot, Scope, scope_names
from server.consent import LedgerEntry, LedgerTable
from server.domain import Delivery, Sample
from server.store.blobs import BlobStore


@dataclass(frozen=True)
class SampleHead:
    """What selecting samples needs, without their content."""

    sample_id: str
    user_id: str
    created_at_ns: int
    consent: ConsentSnapshot


@dataclass(frozen=True)
class HistoryRow:
    """One sample as a history list shows it: no blobs, the answer cut short."""

    sample_id: str
    created_at_ns: int
    device_id: str
    query_text: str  # as re-checked (redacted)
    answer_preview: str
    answer_cut: bool  # the answer goes on past the preview
    redaction: dict  # what was masked (counts, boxes; never content), the share sent
    consent: ConsentSnapshot
    has_frame: bool
    images: int


class SampleStore(LedgerTable, Protocol):
    """Consent-tagged samples, device tokens, the consent ledger and the deliveries
    of questions (which were answered: exactly once), in one database.

    Implementations: :class:`~server.store.SqliteSampleStore` (embedded default)
    and :class:`~server.store.PostgresSampleStore`; ``tests/contract`` runs the
    same suite against both.
    """

    blobs: BlobStore

    def put(self, sample: Sample, delivery: Delivery | None = None) -> str:
        """Store ``sample`` durably; return its id once it is safe on disk. With
        ``delivery``, record it in the same transaction (both or neither);
        ``AlreadyDelivered`` when its key is on record already (nothing stored)."""

    def delivery(self, user_id: str, idempotency_key: str) -> Delivery | None:
        """The recorded answer to the user's question with this key, or None."""

    def record_delivery(self, delivery: Delivery) -> Delivery:
        """Record an answer that kept no sample; the delivery on record for its key
        (``delivery``, or the earlier one)."""

    def get(self, sample_id: str) -> Sample | None:
        """The sample with this id, or None."""

    def get_many(self, sample_ids: Sequence[str]) -> list[Sample | None]: ...

    def count(self, user_id: str | None = None) -> int:
        """How many samples are stored (of one user, if given)."""

    def sample_ids(self, user_id: str) -> list[str]: ...

    def owners(self, sample_ids: Sequence[str]) -> dict[str, str]: ...

    def heads(self, since_ns: int = 0, until_ns: int = 2**63 - 1) -> list[SampleHead]: ...

    def expire_user(self, user_id: str, at_ns: int) -> int: ...

    def purge_expired(self, now_ns: int) -> tuple[int, int]: ...

    def delete_user(self, user_id: str) -> tuple[int, int]: ...

    def collect_garbage(self, min_age_s: float = 600.0) -> int: ...

    def blob_digests(self) -> set[str]: ...

    def device_add(self, token_sha256: str, user_id: str, device_id: str, at_ns: int) -> None: ...

    def device_lookup(self, token_sha256: str) -> tuple[str, str] | None: ...

    def devices(self, user_id: str) -> list[tuple[str, int]]: ...

    def device_revoke(self, user_id: str, device_id: str) -> int: ...

    def pairing_add(self, code_sha256: str, user_id: str, expires_at_ns: int) -> None: ...

    def pairing_take(self, code_sha256: str, now_ns: int) -> str | None: ...

    def history(
        self, user_id: str, before: tuple[int, str] | None = None, limit: int = 20
    ) -> list[HistoryRow]: ...

    def delete_sample(self, user_id: str, sample_id: str) -> bool: ...

    def ledger_latest_many(self, user_ids: Iterable[str]) -> dict[str, LedgerEntry]: ...

    def close(self) -> None: ...


def scopes_text(scopes: frozenset[Scope]) -> str:
    return ",".join(scope_names(scopes))


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
