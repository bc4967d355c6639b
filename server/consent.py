"""The consent ledger: per-user scopes, region and policy version, as an append-only,
hash-chained audit log.

Every change appends an entry whose id is the SHA-256 of its content and of the
previous entry's id, so rewriting, removing or reordering any entry breaks the
chain (:func:`verify_chain`). A user's current consent is their latest entry.
Defaults: ``assist`` on, everything else off. Training use also needs the
user's region to be one where training is allowed (default US, CA).

"Delete my data" erases a user's entries in place: the row keeps only its
position and the two hashes, so the chain of everyone else still verifies and
nothing about the user is left.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from core.errors import InvalidInputError, StoreError
from core.frames import ConsentSnapshot, Scope, scope_names

GENESIS = "0" * 64
DEFAULT_SCOPES = frozenset({Scope.ASSIST})
DEFAULT_TRAINING_REGIONS = ("US", "CA")


class ConsentChangeError(InvalidInputError):
    """A consent change that cannot be applied (says what is wrong and what to do)."""


class LedgerBrokenError(StoreError):
    """The ledger's hash chain does not verify: an entry was changed, removed or moved."""


@dataclass(frozen=True)
class LedgerEntry:
    """One change of one user's consent. ``entry_id`` is its chained hash."""

    seq: int
    user_id: str  # pseudonymous; "" once erased
    at_ns: int
    scopes: frozenset[Scope]
    region: str
    policy_version: str
    actor: str  # who made the change: "user:phone-app", "operator:cli", ...
    reason: str
    prev_id: str
    entry_id: str = ""

    @property
    def erased(self) -> bool:
        return not self.user_id

    def snapshot(self) -> ConsentSnapshot:
        return ConsentSnapshot(self.scopes, self.region, self.policy_version, self.entry_id)


def entry_hash(e: LedgerEntry) -> str:
    body = {
        "seq": e.seq,
        "user": e.user_id,
        "at_ns": e.at_ns,
        "scopes": scope_names(e.scopes),
        "region": e.region,
        "policy": e.policy_version,
        "actor": e.actor,
        "reason": e.reason,
        "prev": e.prev_id,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


def verify_chain(entries: Iterable[LedgerEntry]) -> int:
    """Check the whole ledger in order; return how many entries it holds.

    Raises :class:`LedgerBrokenError` at the first entry whose link or hash is wrong.
    Erased entries cannot be re-hashed, but their links still must match.
    """
    prev, count = GENESIS, 0
    for e in entries:
        if e.seq != count + 1 or e.prev_id != prev:
            raise LedgerBrokenError(f"consent ledger broken at entry {e.seq}: link does not match")
        if not e.erased and entry_hash(e) != e.entry_id:
            raise LedgerBrokenError(f"consent ledger broken at entry {e.seq}: content was changed")
        prev, count = e.entry_id, count + 1
    return count


class LedgerTable(Protocol):
    """Where the entries live (implemented by each sample store, in its database)."""

    def ledger_head(self) -> LedgerEntry | None: ...

    def ledger_append(self, entry: LedgerEntry) -> bool:
        """Insert unless another append took this position first (then False)."""

    def ledger_latest(self, user_id: str) -> LedgerEntry | None: ...

    def ledger_entries(self, user_id: str | None = None) -> list[LedgerEntry]: ...


@dataclass(frozen=True)
class ConsentPolicy:
    policy_version: str = "2026-11"
    training_regions: tuple[str, ...] = DEFAULT_TRAINING_REGIONS
    default_region: str = "US"


class ConsentLedger:
    """Read and change consent; every change is a new chained entry."""

    def __init__(self, table: LedgerTable, policy: ConsentPolicy | None = None) -> None:
        self.table = table
        self.policy = policy or ConsentPolicy()

    def current(self, user_id: str) -> ConsentSnapshot:
        """The user's consent now (the defaults if they never changed it)."""
        latest = self.table.ledger_latest(user_id)
        if latest is None:
            return ConsentSnapshot(DEFAULT_SCOPES, self.policy.default_region, "", "")
        return latest.snapshot()

    def training_allowed(self, snapshot: ConsentSnapshot) -> bool:
        return snapshot.allows(Scope.TRAINING) and snapshot.region in self.policy.training_regions

    def update(
        self,
        user_id: str,
        *,
        grant: Sequence[Scope] = (),
        revoke: Sequence[Scope] = (),
        region: str = "",
        policy_version: str = "",
        actor: str,
        reason: str = "",
    ) -> LedgerEntry:
        """Append the user's new consent. Granting needs the current policy version."""
        if not user_id:
            raise ConsentChangeError("a consent change needs a user id")
        if set(grant) & set(revoke):
            raise ConsentChangeError("a scope cannot be granted and revoked in one change")
        now = self.current(user_id)
        scopes = (set(now.scopes) | set(grant)) - set(revoke)
        region = region.upper() or now.region
        if len(region) != 2 or not region.isalpha():
            raise ConsentChangeError(
                f"region '{region}' is not an ISO 3166-1 alpha-2 code, e.g. US"
            )
        version = policy_version or now.policy_version
        if grant and version != self.policy.policy_version:
            raise ConsentChangeError(
                f"granting needs the current policy version {self.policy.policy_version!r} "
                f"(the user accepted {version or 'none'}); show the policy and send its version"
            )
        if Scope.TRAINING in scopes and region not in self.policy.training_regions:
            if Scope.TRAINING in set(grant):
                allowed = ", ".join(self.policy.training_regions)
                raise ConsentChangeError(
                    f"training use is not offered in region {region} (only in {allowed})"
                )
            scopes.discard(Scope.TRAINING)  # moved out of a training region
        return self._append(user_id, frozenset(scopes), region, version, actor, reason)

    def _append(
        self,
        user_id: str,
        scopes: frozenset[Scope],
        region: str,
        version: str,
        actor: str,
        reason: str,
    ) -> LedgerEntry:
        for _ in range(100):  # another writer may take the position: re-read and retry
            head = self.table.ledger_head()
            entry = LedgerEntry(
                seq=(head.seq if head else 0) + 1,
                user_id=user_id,
                at_ns=time.time_ns(),
                scopes=scopes,
                region=region,
                policy_version=version,
                actor=actor,
                reason=reason,
                prev_id=head.entry_id if head else GENESIS,
            )
            entry = replace(entry, entry_id=entry_hash(entry))
            if self.table.ledger_append(entry):
                return entry
        raise StoreError("the consent ledger is too busy to append; try again")

    def verify(self) -> int:
        return verify_chain(self.table.ledger_entries())
