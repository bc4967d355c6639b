"""Training-data export throughput, with and without the redaction re-scan.

    python -m bench.export [--samples 5000] [--rescan-samples 40]

Fills a SQLite store with logged samples (a 640x360 JPEG frame each, about
50 KB; mixed consent: most with training, some history only, some revoked
since, some from a region without training), then times ``Exporter.run`` in
this one process. The baseline, timed in the same run, is the floor of any
export: read every sample from the store and write it into a tar, with no
consent check, no hash and no index. Figures are per core: the export runs
in one process, and the CPU time it used is printed beside the wall time.
"""

from __future__ import annotations

import argparse
import io
import tarfile
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from core.frames import Scope
from edge.components import build_redactor
from edge.config import RedactionConfig
from models.config import ModelsConfig
from scenes.objects import table_with_objects
from server.consent import ConsentLedger
from server.domain import Sample
from server.export import Exporter, ExportSpec
from server.export.batch import redaction_scan
from server.store import SqliteSampleStore


def frame(k: int) -> bytes:
    img = table_with_objects(k, 10_000 + k, 640, 360, count=4, max_radius=90)
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()


def fill(store: SqliteSampleStore, n: int) -> None:
    ledger = ConsentLedger(store)
    users = [f"u{i:03d}" for i in range(100)]
    for i, user in enumerate(users):
        grant = [Scope.HISTORY] if i % 10 == 0 else [Scope.TRAINING, Scope.HISTORY]
        ledger.update(user, grant=grant, policy_version="2026-11", actor="bench")
    snapshots = {u: ledger.current(u) for u in users}
    base = time.time_ns()
    frames = [frame(k) for k in range(min(n, 1000))]
    for k in range(n):
        user = users[k % len(users)]
        jpeg = frames[k % len(frames)] if k < len(frames) else _variant(frames[k % len(frames)], k)
        store.put(
            Sample(
                sample_id=f"{k:08d}",
                created_at_ns=base + k,
                user_id=user,
                device_id=f"dev-{user}",
                session_id="bench",
                consent=snapshots[user],
                query_text="what is this table made of?",
                answer_text="it looks like oak with a few things on it",
                model_id="bench",
                transcript="what is this table made of",
                frame_jpeg=jpeg,
            )
        )
    for user in users[1:100:20]:  # five users revoke after logging
        ledger.update(user, revoke=[Scope.TRAINING], actor="bench")


def _variant(jpeg: bytes, k: int) -> bytes:
    """A different picture from a base one (not a near duplicate): shifted and recoloured."""
    img = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    img = np.roll(img, (k * 37) % 360, axis=0)
    img = cv2.rotate(img, cv2.ROTATE_180) if k % 2 else img[:, ::-1]
    return cv2.imencode(".jpg", np.ascontiguousarray(img), [cv2.IMWRITE_JPEG_QUALITY, 85])[
        1
    ].tobytes()


def floor(store: SqliteSampleStore, out: Path) -> None:
    """The baseline: every sample read and written into one tar, nothing else."""
    ids = [h.sample_id for h in store.heads()]
    with tarfile.open(out, "w") as tar:
        for i in range(0, len(ids), 1000):
            for s in store.get_many(ids[i : i + 1000]):
                for name, data in (
                    (f"{s.sample_id}.jpg", s.frame_jpeg),
                    (f"{s.sample_id}.txt", s.answer_text.encode()),
                ):
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))


def timed(fn) -> tuple[float, float, object]:  # noqa: ANN001
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w0, time.process_time() - c0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--rescan-samples", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        root = Path(tmp)
        store = SqliteSampleStore(root / "store")
        t0 = time.perf_counter()
        fill(store, args.samples)
        print(f"filled {args.samples} samples in {time.perf_counter() - t0:.0f} s")
        ledger = ConsentLedger(store)

        base_wall, base_cpu, _ = timed(lambda: floor(store, root / "floor.tar"))
        spec = ExportSpec(rescan=False)
        wall, cpu, result = timed(
            lambda: Exporter(store, ledger, root / "plain", spec).run(progress=False)
        )
        rows = [
            ("baseline: read + tar, no checks", args.samples, base_wall, base_cpu, None),
            ("export, no re-scan", result.considered, wall, cpu, result),
        ]
        if args.rescan_samples:
            redactor = build_redactor(ModelsConfig(), RedactionConfig())
            small = SqliteSampleStore(root / "small")
            fill(small, args.rescan_samples)
            scan = redaction_scan(redactor)
            r_wall, r_cpu, r_result = timed(
                lambda: Exporter(
                    small, ConsentLedger(small), root / "rescan", ExportSpec(), scan
                ).run(progress=False)
            )
            rows.append(("export with re-scan", r_result.considered, r_wall, r_cpu, r_result))
            small.close()
        store.close()

    print(
        f"\n{'run':<34} {'samples':>8} {'wall s':>8} {'cpu s':>7} {'samples/s':>10} "
        f"{'vs baseline':>11}"
    )
    base_rate = rows[0][1] / rows[0][2]
    for name, n, w, c, r in rows:
        print(f"{name:<34} {n:>8} {w:>8.2f} {c:>7.2f} {n / w:>10.0f} {n / w / base_rate:>10.2f}x")
        if r is not None:
            reasons = ", ".join(f"{k}: {v}" for k, v in sorted(r.excluded.items()))
            print(f"{'':<34} included {r.included}; excluded {reasons}")


if __name__ == "__main__":
    main()
