"""Crash soak: ``kill -9`` a process that is logging samples as fast as it can, many
times over, then check that no acknowledged sample was lost and none is partial.

    python -m bench.soak [--cycles 50] [--writers 8] [--folder DIR]

The driver (what each cycle does, what is checked) is shared with the
contract suite: ``tests/support/soak.py``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.support.soak import soak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--folder", help="store folder (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(args.folder or tmp)
        t0 = time.perf_counter()
        r = soak(folder, args.cycles, args.writers)
        wall = time.perf_counter() - t0
    print(
        f"kill -9 soak: {r.cycles} cycles in {wall:.0f} s, {r.acknowledged} samples acknowledged, "
        f"{r.lost} lost, {r.corrupt} partial or corrupt of {r.stored} stored, "
        f"integrity_check: {r.integrity}, {r.orphan_blobs} orphan blob(s) collected"
    )


if __name__ == "__main__":
    main()
