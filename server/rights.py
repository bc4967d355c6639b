"""A user's rights over their data: change or revoke consent, delete everything,
and take a copy of everything kept.

Revoking ``training`` takes effect at once because the export tool checks the
live ledger. Revoking both ``history`` and ``training`` also makes the user's
kept samples expire after the retention window (0: at the next retention
run). Deleting removes samples, blobs nobody else shares, device tokens and
the user's ledger entries (erased in place, so everyone else's chain still
verifies).
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict

from core.frames import Scope, scope_names
from server.accounts import Caller
from server.consent import LedgerBrokenError, LedgerEntry
from server.consent_rules import ConsentRules
from server.store.base import SampleStore

ARCHIVE_README = """Everything this service keeps about you.

consent_ledger.json  every change of your consent (scopes, region, policy version, when, how)
devices.json         the devices enrolled to you
samples/<id>/        each kept interaction: sample.json (query, answer, transcript,
                     the consent that covered it, timings, redaction report),
                     frame.jpg (the redacted frame as it was uploaded), image_<n>.png
"""
CHUNK = 64 * 1024


class Rights:
    def __init__(self, store: SampleStore, rules: ConsentRules) -> None:
        self.store, self.rules, self.ledger = store, rules, rules.ledger

    def update(
        self,
        caller: Caller,
        *,
        grant: Sequence[Scope] = (),
        revoke: Sequence[Scope] = (),
        region: str = "",
        policy_version: str = "",
        reason: str = "",
    ) -> LedgerEntry:
        entry = self.ledger.update(
            caller.user_id,
            grant=grant,
            revoke=revoke,
            region=region,
            policy_version=policy_version,
            actor=f"user:{caller.device_id}",
            reason=reason or "companion app",
        )
        if not self.rules.keeps(entry.scopes):  # what was kept now expires
            self.store.expire_user(
                caller.user_id, self.rules.window_end(self.rules.clock.wall_ns())
            )
        return entry

    def revoke(self, caller: Caller, scopes: Sequence[Scope]) -> LedgerEntry:
        """Revoke ``scopes`` (none given: everything but ``assist``)."""
        scopes = list(scopes) or [s for s in Scope if s != Scope.ASSIST]
        return self.update(caller, revoke=scopes, reason="revoked")

    def ledger_history(self, caller: Caller) -> tuple[list[LedgerEntry], int, str]:
        """The caller's ledger entries, oldest first, with the whole chain checked
        now: (entries, entries in the whole ledger, where it broke or "")."""
        entries = self.ledger.table.ledger_entries(caller.user_id)
        try:
            return entries, self.ledger.verify(), ""
        except LedgerBrokenError as exc:
            return entries, 0, str(exc)

    def delete_my_data(self, caller: Caller) -> tuple[int, int]:
        return self.store.delete_user(caller.user_id)

    def export_my_data(self, caller: Caller) -> Iterator[bytes]:
        """A zip archive of everything kept about the caller, in chunks."""
        with tempfile.SpooledTemporaryFile(max_size=16 << 20) as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("README.txt", ARCHIVE_README)
                entries = [
                    {**asdict(e), "scopes": scope_names(e.scopes)}
                    for e in self.ledger.table.ledger_entries(caller.user_id)
                ]
                archive.writestr("consent_ledger.json", json.dumps(entries, indent=2))
                devices = [
                    {"device_id": d, "enrolled_at_ns": at}
                    for d, at in self.store.devices(caller.user_id)
                ]
                archive.writestr("devices.json", json.dumps(devices, indent=2))
                ids = self.store.sample_ids(caller.user_id)
                for start in range(0, len(ids), 256):
                    for sample in self.store.get_many(ids[start : start + 256]):
                        if sample is None:  # deleted meanwhile
                            continue
                        folder = f"samples/{sample.sample_id}"
                        meta = {
                            k: v
                            for k, v in asdict(sample).items()
                            if k not in ("frame_jpeg", "images", "consent")
                        }
                        meta["consent"] = sample.consent.to_dict()
                        archive.writestr(f"{folder}/sample.json", json.dumps(meta, indent=2))
                        if sample.frame_jpeg:
                            archive.writestr(f"{folder}/frame.jpg", sample.frame_jpeg)
                        for i, png in enumerate(sample.images):
                            archive.writestr(f"{folder}/image_{i}.png", png)
            spool.seek(0)
            while chunk := spool.read(CHUNK):
                yield chunk
