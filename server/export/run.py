"""The export driver: select, check consent, process in chunks, dedupe, write.

1. **Plan.** Samples logged in the time range are selected by their consent
   snapshot (``training``, an allowed region, a recent enough policy); the
   chosen ids are frozen in ``.state/plan.json`` so a resumed run does the
   same work.
2. **Chunks.** Each chunk of ``shard_size`` planned ids is checked against the
   live ledger (revoked since, moved out of the regions, deleted), read,
   passed through :func:`~server.export.batch.process_batch`, deduped against
   everything kept before it, and written as one shard; then its record goes
   to ``.state/chunks/``. A record exists only once its shard does, so an
   interrupted run resumes at the first chunk without one.
3. **Finish.** The live ledger is checked once more for everything kept (a
   user may revoke while a long export runs; their samples are taken out of
   the shards), then the Parquet index and the dataset card are written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from core.errors import InvalidInputError
from core.frames import Scope
from server.consent import ConsentLedger
from server.domain import Sample
from server.export.batch import ImageScan, Outcome, Record, process_batch
from server.export.dataset import (
    atomic_write,
    card,
    index_row,
    read_shard,
    write_index,
    write_shard,
)
from server.store.base import SampleStore

FOREVER = 2**63 - 1


@dataclass(frozen=True)
class ExportSpec:
    since_ns: int = 0
    until_ns: int = FOREVER
    min_policy: str = ""  # policy versions are YYYY-MM, so they compare as text
    regions: tuple[str, ...] = ()  # empty: where the consent policy offers training
    shard_size: int = 1000
    rescan: bool = True
    dedupe_bits: int = 4  # pHash Hamming distance that counts as a duplicate; -1: keep all


@dataclass
class ExportResult:
    out: Path
    considered: int
    included: int
    excluded: Counter = field(default_factory=Counter)
    shards: list[str] = field(default_factory=list)


class NearDuplicates:
    """Perceptual hashes seen so far. With ``max_bits`` = d, a hash is split into
    d + 1 bands: two hashes within d bits agree exactly on at least one band, so
    only hashes sharing a band are compared."""

    def __init__(self, max_bits: int) -> None:
        self.max_bits = max_bits
        bands = max(max_bits + 1, 1)
        edges = [round(i * 64 / bands) for i in range(bands + 1)]
        self.bands = list(zip(edges, edges[1:], strict=False))
        self.table: dict[tuple[int, int], list[int]] = {}

    def _keys(self, h: int) -> list[tuple[int, int]]:
        return [(i, (h >> a) & ((1 << (b - a)) - 1)) for i, (a, b) in enumerate(self.bands)]

    def seen(self, h: int) -> bool:
        if self.max_bits < 0:
            return False
        return any(
            (h ^ other).bit_count() <= self.max_bits
            for key in self._keys(h)
            for other in self.table.get(key, ())
        )

    def add(self, h: int) -> None:
        for key in self._keys(h):
            self.table.setdefault(key, []).append(h)


def record_of(sample: Sample) -> Record:
    """What a sample gives the dataset. A question: its frame and text. An Imagine
    generation: the prompt, and the riff's photo, else the first image made (a
    withheld image was never kept, so it cannot be exported)."""
    imagine = sample.redaction.get("imagine")
    image = sample.frame_jpeg or (sample.images[0] if imagine and sample.images else None)
    meta = {
        "consent": sample.consent.to_dict(),
        "model_id": sample.model_id,
        "redaction": sample.redaction.get("counts", {}),
        "kind": imagine["kind"] if imagine else "question",
    }
    generated = bool(imagine) and not sample.frame_jpeg
    return Record(
        sample.sample_id,
        sample.created_at_ns,
        image,
        sample.query_text,
        sample.answer_text,
        sample.transcript,
        meta,
        generated,
    )


def _stamp(ns: int) -> str:
    if ns >= FOREVER:
        return "end of time"
    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat(timespec="seconds")


class Exporter:
    def __init__(
        self,
        store: SampleStore,
        ledger: ConsentLedger,
        out: Path,
        spec: ExportSpec,
        scan: ImageScan | None = None,
        detectors: dict[str, str] | None = None,
    ) -> None:
        if spec.rescan and scan is None:
            raise InvalidInputError("the export's re-scan needs the redaction engine (scan)")
        self.store, self.ledger, self.out, self.spec = store, ledger, Path(out), spec
        self.scan = scan if spec.rescan else None
        self.detectors = detectors or {}
        self.regions = tuple(spec.regions) or ledger.policy.training_regions
        self.state = self.out / ".state"

    # --- selection -----------------------------------------------------------------------

    def _spec_json(self) -> dict:
        return {
            **asdict(self.spec),
            "regions": list(self.regions),
            "since": _stamp(self.spec.since_ns),
            "until": _stamp(self.spec.until_ns),
        }

    def _snapshot_reason(self, consent) -> str:  # noqa: ANN001 - ConsentSnapshot
        if Scope.TRAINING not in consent.scopes:
            return "no training consent when logged"
        if consent.region not in self.regions:
            return "region not allowed when logged"
        if consent.policy_version < self.spec.min_policy:
            return f"policy version older than {self.spec.min_policy}"
        return ""

    def _plan(self) -> dict:
        path = self.state / "plan.json"
        if path.exists():
            plan = json.loads(path.read_text())
            if plan["spec"] != self._spec_json():
                raise InvalidInputError(
                    f"'{self.out}' holds an export with other settings; export into a new "
                    "folder, or use the same settings to resume it"
                )
            return plan
        planned, excluded, considered = [], Counter(), 0
        for head in self.store.heads(self.spec.since_ns, self.spec.until_ns):
            considered += 1
            reason = self._snapshot_reason(head.consent)
            if reason:
                excluded[reason] += 1
            else:
                planned.append(head.sample_id)
        plan = {
            "spec": self._spec_json(),
            "considered": considered,
            "excluded": dict(excluded),
            "planned": planned,
        }
        (self.state / "chunks").mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(plan).encode())
        return plan

    def _live_reasons(self, owners: dict[str, str], ids: Sequence[str]) -> dict[str, str]:
        """Why the live ledger (or a deletion) now excludes each of ``ids``."""
        latest = self.store.ledger_latest_many(set(owners.values()))
        reasons = {}
        for sid in ids:
            if sid not in owners:
                reasons[sid] = "deleted since it was logged"
                continue
            entry = latest.get(owners[sid])
            if entry is None or Scope.TRAINING not in entry.scopes:
                reasons[sid] = "training consent revoked since"
            elif entry.region not in self.regions:
                reasons[sid] = "user's region no longer allowed"
        return reasons

    # --- the run -------------------------------------------------------------------------

    def run(self, progress: bool | None = None) -> ExportResult:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "shards").mkdir(exist_ok=True)
        plan = self._plan()
        planned = plan["planned"]
        size = self.spec.shard_size
        chunks = [planned[i : i + size] for i in range(0, len(planned), size)]
        dupes = NearDuplicates(self.spec.dedupe_bits)
        records = []
        quiet = None if progress is None else not progress  # None: only on a terminal
        with tqdm(total=len(planned), unit="sample", desc="export", disable=quiet) as bar:
            for n, ids in enumerate(chunks):
                path = self.state / "chunks" / f"{n:06d}.json"
                if path.exists():
                    record = json.loads(path.read_text())
                else:
                    record = self._chunk(n, ids, dupes)
                    atomic_write(path, json.dumps(record).encode())
                for row in record["index"]:
                    dupes.add(int(row["phash"], 16))
                records.append((path, record))
                bar.update(len(ids))
        return self._finish(plan, records)

    def _chunk(self, n: int, ids: list[str], dupes: NearDuplicates) -> dict:
        reasons = self._live_reasons(self.store.owners(ids), ids)
        excluded = Counter(reasons.values())
        live = [sid for sid in ids if sid not in reasons]
        samples = [s for s in self.store.get_many(live) if s is not None]
        excluded["deleted since it was logged"] += len(live) - len(samples)
        batch = [record_of(s) for s in samples]
        kept: list[Outcome] = []
        local = NearDuplicates(self.spec.dedupe_bits)
        for outcome in process_batch(batch, self.scan):
            if not outcome.kept:
                excluded[outcome.reason] += 1
            elif dupes.seen(outcome.phash) or local.seen(outcome.phash):
                excluded["near duplicate"] += 1
            else:
                local.add(outcome.phash)
                kept.append(outcome)
        shard = f"shard-{n:06d}.tar" if kept else ""
        digest = write_shard(self.out / "shards" / shard, kept) if kept else ""
        excluded = +excluded  # drop zero counts
        return {
            "shard": shard,
            "sha256": digest,
            "index": [index_row(o, shard) for o in kept],
            "excluded": dict(excluded),
        }

    def _finish(self, plan: dict, chunks: list[tuple[Path, dict]]) -> ExportResult:
        # A user may have revoked (or deleted) while the export ran: take them out.
        records = [record for _, record in chunks]
        kept = [row["key"] for r in records for row in r["index"]]
        gone = self._live_reasons(self.store.owners(kept), kept)
        for state, record in chunks:
            dropped = [row for row in record["index"] if row["key"] in gone]
            if not dropped:
                continue
            path = self.out / "shards" / record["shard"]
            remaining = [o for o in read_shard(path) if o.sample_id not in gone]
            for row in dropped:
                record["excluded"][gone[row["key"]]] = (
                    record["excluded"].get(gone[row["key"]], 0) + 1
                )
            record["index"] = [row for row in record["index"] if row["key"] not in gone]
            if remaining:
                record["sha256"] = write_shard(path, remaining)
            else:
                path.unlink()
                record["shard"], record["sha256"] = "", ""
            atomic_write(state, json.dumps(record).encode())
        excluded = Counter(plan["excluded"])
        for record in records:
            excluded.update(record["excluded"])
        rows = [row for r in records for row in r["index"]]
        shards = [(r["shard"], len(r["index"]), r["sha256"]) for r in records if r["shard"]]
        write_index(self.out / "index.parquet", rows)
        text, facts = card(plan["spec"], plan["considered"], rows, excluded, shards, self.detectors)
        atomic_write(self.out / "README.md", text.encode())
        atomic_write(self.out / "card.json", json.dumps(facts, indent=2).encode())
        return ExportResult(
            self.out, plan["considered"], len(rows), excluded, [s[0] for s in shards]
        )
