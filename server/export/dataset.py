"""What the export writes: WebDataset tar shards, a Parquet index, a dataset card.

Everything is byte-for-byte deterministic for the same samples and ledger:
tar members carry fixed times and owners, the Parquet index has no
timestamps, and the card says nothing about when it was written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from server.export.batch import Outcome, meta_json

INDEX_COLUMNS = (
    "key",
    "shard",
    "created_at_ns",
    "consent_region",
    "consent_policy",
    "ledger_entry_id",
    "image_sha256",
    "text_sha256",
    "phash",
    "model_id",
)


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _member(name: str, data: bytes) -> tuple[tarfile.TarInfo, io.BytesIO]:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o444
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info, io.BytesIO(data)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_shard(path: Path, outcomes: Sequence[Outcome]) -> str:
    """One WebDataset shard (``<key>.jpg|png/.txt/.json`` per sample: an Imagine output
    keeps its PNG); returns its SHA-256."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for o in outcomes:
            image = "png" if o.jpeg.startswith(PNG_MAGIC) else "jpg"
            for ext, data in ((image, o.jpeg), ("txt", o.text.encode()), ("json", meta_json(o))):
                tar.addfile(*_member(f"{o.sample_id}.{ext}", data))
    data = buf.getvalue()
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


def read_shard(path: Path) -> list[Outcome]:
    """The samples of a shard (to rewrite it without some)."""
    members: dict[str, dict[str, bytes]] = {}
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            key, ext = m.name.rsplit(".", 1)
            members.setdefault(key, {})[ext] = tar.extractfile(m).read()
    return [
        Outcome(
            key,
            "",
            0,
            parts.get("jpg") or parts["png"],
            parts["txt"].decode(),
            json.loads(parts["json"]),
        )
        for key, parts in members.items()
    ]


def index_row(outcome: Outcome, shard: str) -> dict:
    consent = outcome.meta["consent"]
    return {
        "key": outcome.sample_id,
        "shard": shard,
        "created_at_ns": outcome.meta["created_at_ns"],
        "consent_region": consent["region"],
        "consent_policy": consent["policy_version"],
        "ledger_entry_id": consent["ledger_entry_id"],
        "image_sha256": outcome.meta["image_sha256"],
        "text_sha256": outcome.meta["text_sha256"],
        "phash": f"{outcome.phash:016x}",
        "model_id": outcome.meta["model_id"],
    }


def write_index(path: Path, rows: Iterable[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(rows)
    table = pa.table(
        {c: [r[c] for r in rows] for c in INDEX_COLUMNS},
        schema=pa.schema(
            [(c, pa.int64() if c == "created_at_ns" else pa.string()) for c in INDEX_COLUMNS]
        ),
    )
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf, compression="zstd")
    atomic_write(path, buf.getvalue().to_pybytes())


def card(
    spec: dict,
    considered: int,
    included: Sequence[dict],
    excluded: Counter,
    shards: Sequence[tuple[str, int, str]],
    detectors: dict[str, str],
) -> tuple[str, dict]:
    """The dataset card: README text and the same facts as JSON."""
    policies = Counter(r["consent_policy"] for r in included)
    regions = Counter(r["consent_region"] for r in included)
    facts = {
        "selection": spec,
        "considered": considered,
        "included": len(included),
        "excluded": dict(sorted(excluded.items())),
        "policy_versions": dict(sorted(policies.items())),
        "regions": dict(sorted(regions.items())),
        "re_scan_detectors": detectors,
        "shards": [{"name": n, "samples": k, "sha256": h} for n, k, h in shards],
    }
    lines = [
        "# Training-data export",
        "",
        "Written by `glasses export`. Every sample here was covered by `training` consent both",
        "when it was logged (its consent snapshot) and in the live consent ledger at export",
        "time, in an allowed region, and passed a re-scan by the on-device redaction engine.",
        "",
        "## Selection",
        "",
        f"- logged in [{spec['since']}, {spec['until']})",
        f"- regions: {', '.join(spec['regions'])}",
        f"- policy version at least: {spec['min_policy'] or 'any'}",
        "- re-scan of every image: "
        + (", ".join(f"{k} {v}" for k, v in detectors.items()) if spec["rescan"] else "off"),
        "- re-scan of every text: card numbers (also spoken), e-mail, phone, national id, IBAN",
        f"- near duplicates: perceptual hash within {spec['dedupe_bits']} bits"
        if spec["dedupe_bits"] >= 0
        else "- near duplicates: kept",
        "",
        "## Counts",
        "",
        "| | samples |",
        "|---|---:|",
        f"| considered | {considered} |",
        f"| **included** | **{len(included)}** |",
        *[f"| excluded: {reason} | {n} |" for reason, n in sorted(excluded.items())],
        "",
        "## Policy versions and regions of the included samples",
        "",
        *[f"- policy {v}: {n}" for v, n in sorted(policies.items())],
        *[f"- region {r}: {n}" for r, n in sorted(regions.items())],
        "",
        "## Provenance",
        "",
        "Each sample's `.json` holds the consent snapshot that covered it (scopes, region,",
        "policy version, consent ledger entry id) and the SHA-256 of its image and text;",
        "`index.parquet` lists them for every sample. No user or device id is exported.",
        "",
        "| shard | samples | sha256 |",
        "|---|---:|---|",
        *[f"| {n} | {k} | `{h}` |" for n, k, h in shards],
        "",
    ]
    return "\n".join(lines), facts
