"""The wearer's own check of their consent history, done on the phone.

Each ledger entry's id is the SHA-256 of a canonical JSON of what it says
(seq, user, time, scopes, region, policy, actor, reason) and of the id of
the entry before it. This module recomputes every id from the fields the
server sent, with its own code (it does not share the server's), so a server
that rewrote an entry could not show it here unchanged. Where two of the
wearer's entries are neighbours in the whole ledger, the second must point
at the first. The links through other users' entries are checked by the
server over the whole ledger, and its answer is shown beside this one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from edge.domain import LedgerRecord


@dataclass(frozen=True)
class LedgerCheck:
    entries: int
    hashes_ok: int
    links_checked: int
    broken: tuple[int, ...]  # seq of each entry that does not check
    unknown: tuple[int, ...] = ()  # seq of each entry with a scope this app does not know

    @property
    def ok(self) -> bool:
        return not self.broken and not self.unknown


def entry_id(r: LedgerRecord) -> str:
    body = {
        "seq": r.seq,
        "user": r.user_id,
        "at_ns": r.at_ns,
        "scopes": sorted(r.scopes),
        "region": r.region,
        "policy": r.policy_version,
        "actor": r.actor,
        "reason": r.reason,
        "prev": r.prev_id,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


def check(records: tuple[LedgerRecord, ...]) -> LedgerCheck:
    broken, unknown, hashes_ok, links = [], [], 0, 0
    for i, r in enumerate(records):
        if any(s.startswith("#") for s in r.scopes):  # a newer app can; this one cannot
            unknown.append(r.seq)
            continue
        good = entry_id(r) == r.entry_id
        hashes_ok += good
        if i and records[i - 1].seq + 1 == r.seq:
            links += 1
            good = good and r.prev_id == records[i - 1].entry_id
        if not good:
            broken.append(r.seq)
    return LedgerCheck(len(records), hashes_ok, links, tuple(broken), tuple(unknown))
