"""Sample-store logging throughput: group commit against one transaction per sample.

    python -m bench.store [--samples 6000] [--writers 64] [--blob-bytes 2048] [--no-postgres]

Every ``put`` returns only once its blob is fsynced and its row committed
(SQLite: WAL + synchronous=FULL; PostgreSQL: fsync=on), so every figure is
for acknowledged, durable samples. The baseline is the same store with
``max_batch = 1`` (one transaction and one WAL flush per sample), measured in
the same run with the same writers. PostgreSQL runs on a throwaway local
cluster (``tests/support/pgtemp.py``) when a PostgreSQL server is installed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from core.frames import ConsentSnapshot, Scope
from server.domain import Sample
from server.store import PostgresSampleStore, SqliteSampleStore
from server.store.sql import SqlSampleStore
from tests.support.pgtemp import (
    PostgresUnavailable,
    create_database,
    find_bindir,
    server_version,
    temporary_postgres,
)

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e" * 64)


def make_sample(k: int, blob_bytes: int) -> Sample:
    return Sample(
        sample_id=uuid.uuid4().hex,
        created_at_ns=time.time_ns(),
        user_id=f"u-{k % 97}",
        device_id=f"dev-{k % 97}",
        session_id="bench",
        consent=CONSENT,
        query_text="what is this table made of?",
        answer_text="it looks like oak",
        model_id="bench",
        transcript="what is this table made of",
        timings_ms={"generate_ms": 12.0},
        frame_jpeg=os.urandom(blob_bytes),
        redaction={"counts": {"card_number": 1}},
    )


def measure(store: SqlSampleStore, samples: int, writers: int, blob_bytes: int) -> dict:
    """``writers`` threads put ``samples`` in all; samples/s and ack latency."""
    per = samples // writers
    batches = [[make_sample(w * per + k, blob_bytes) for k in range(per)] for w in range(writers)]
    latencies: list[float] = []
    lock = threading.Lock()

    def writer(batch: list[Sample]) -> None:
        mine = []
        for sample in batch:
            t0 = time.perf_counter()
            store.put(sample)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=writer, args=(b,)) for b in batches]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "samples": len(latencies),
        "per_s": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1e3,
    }


def run_backend(name: str, open_store: Callable[[str], SqlSampleStore], args) -> list[tuple]:
    rows = []
    for mode, max_batch, writers in [
        ("one transaction per sample", 1, args.writers),
        ("group commit", SqlSampleStore.max_batch, args.writers),
        ("group commit, 1 writer", SqlSampleStore.max_batch, 1),
    ]:
        store = open_store(f"{mode}-{writers}")
        store.max_batch = max_batch
        try:
            samples = args.samples if writers > 1 else min(args.samples, 1000)
            result = measure(store, samples, writers, args.blob_bytes)
            assert store.count() == result["samples"], "an acknowledged sample is missing"
        finally:
            store.close()
        rows.append((name, mode, writers, result))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=6000)
    parser.add_argument("--writers", type=int, default=64, help="concurrent logging threads")
    parser.add_argument("--blob-bytes", type=int, default=2048, help="frame size per sample")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    rows = []
    postgres = ""
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        root = Path(tmp)
        rows += run_backend("SQLite", lambda tag: SqliteSampleStore(root / "sqlite" / tag), args)
        if not args.no_postgres:
            try:
                postgres = server_version(find_bindir())
                with temporary_postgres() as dsn:
                    names = iter(range(100))

                    def open_pg(tag: str) -> SqlSampleStore:
                        db = create_database(dsn, f"bench{next(names)}")
                        return PostgresSampleStore(db, root / "pg-blobs" / tag)

                    rows += run_backend("PostgreSQL", open_pg, args)
            except PostgresUnavailable as exc:
                print(f"PostgreSQL skipped: {exc}")

    print(
        f"\nlogging throughput, {args.blob_bytes} B frame per sample, every ack durable "
        f"({os.cpu_count()} cores{', ' + postgres if postgres else ''})"
    )
    print(
        f"{'store':<11} {'mode':<28} {'writers':>7} {'samples/s':>10} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'vs baseline':>11}"
    )
    baseline: dict[str, float] = {}
    for name, mode, writers, r in rows:
        baseline.setdefault(name, r["per_s"])
        print(
            f"{name:<11} {mode:<28} {writers:>7} {r['per_s']:>10.0f} {r['p50_ms']:>8.2f} "
            f"{r['p99_ms']:>8.2f} {r['per_s'] / baseline[name]:>10.2f}x"
        )


if __name__ == "__main__":
    main()
