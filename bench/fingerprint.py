"""The engine's detections, written down exactly, to show a change keeps them.

    python -m bench.fingerprint --out FILE [--seed 1000] [--scenes 330] [--video-frames 90]
    python -m bench.fingerprint --out NEW --compare OLD

For each seeded scene (``scenes.seeded``) every detection of a full check
(label, polygon to the bit, confidence, signals); for the panning video
(seed + 10,000), each frame's findings, the hash of the JPEG sent and the
stream's full and partial check counts. Detector versions are written
apart and not compared: a refactoring that changes no detection may still
change them (they derive from the tuning). With ``--compare`` the run
stops at the first difference and names the scene or frame.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

import numpy as np

from core.frames import RawImage, Stamp
from edge.components import build_redactor
from edge.config import RedactionConfig
from models.config import ModelsConfig
from scenes.seeded import make_scene, make_video


def _detection(d) -> list:  # noqa: ANN001
    polygon = np.asarray(d.polygon, np.float32).tobytes().hex()
    return [str(d.label), polygon, float(d.confidence), list(d.signals)]


def records(seed: int, scenes: int, video_frames: int):  # noqa: ANN201
    """One dict per scene, then one per video frame (the first holds the versions)."""
    # a budget no machine under load overruns: a withheld frame has no detections
    config = RedactionConfig(time_budget_ms=600_000)
    redactor = build_redactor(ModelsConfig(threads=2), config)
    yield {"versions": {d.name: d.version for d in redactor.detectors}}
    for k in range(scenes):
        scene = make_scene(seed + k)
        detections, _ = redactor.find(scene.image)
        yield {"seed": seed + k, "dets": [_detection(d) for d in detections]}
    if not video_frames:
        return
    frames, _ = make_video(seed + 10_000, video_frames)
    stream = redactor.stream()
    for i, image in enumerate(frames):
        out = stream.redact(RawImage(i, image, Stamp.wall(), "fingerprint"))
        findings = [
            [str(f.label), [f.box.x, f.box.y, f.box.w, f.box.h], f.confidence, list(f.signals)]
            for f in out.report.findings
        ]
        yield {
            "frame": i,
            "jpeg": hashlib.sha256(out.jpeg).hexdigest(),
            "findings": findings,
            "full": stream.full_checks,
            "partial": stream.partial_checks,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", required=True)
    parser.add_argument("--compare", help="an earlier run's file: stop at the first difference")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--scenes", type=int, default=330)
    parser.add_argument("--video-frames", type=int, default=90)
    args = parser.parse_args()
    old = None
    if args.compare:
        with open(args.compare) as fh:
            old = [json.loads(line) for line in fh]
    t0 = time.perf_counter()
    same = 0
    with open(args.out, "w") as fh:
        for k, record in enumerate(records(args.seed, args.scenes, args.video_frames)):
            fh.write(json.dumps(record) + "\n")
            if old is None or k == 0:
                continue
            if k >= len(old) or old[k] != record:
                where = record.get("seed", f"video frame {record.get('frame')}")
                sys.exit(f"differs at {where} (record {k}); {same} records identical before it")
            same += 1
    versions = old[0]["versions"] if old else None
    print(f"{same} records identical" if old else f"wrote {args.out}", end="")
    print(f" in {time.perf_counter() - t0:.0f} s; versions now {record_versions(args.out)}", end="")
    print(f", before {versions}" if versions else "")


def record_versions(path: str) -> dict:
    with open(path) as fh:
        return json.loads(fh.readline())["versions"]


if __name__ == "__main__":
    main()
