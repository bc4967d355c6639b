"""Crash soak driver: ``kill -9`` a process that is logging samples as fast as it
can, many times over, then check that no acknowledged sample was lost and none
is partial. Shared by the contract test (``tests/contract/test_crash_safety.py``)
and the benchmark's command line (``python -m bench.soak``).

Each cycle starts a writer process on the same SQLite store: ``writers``
threads call ``put`` in a loop (half the frames small enough to live in the
database, half large enough to go to the blob folder) and print each id
only after ``put`` returned, i.e. after it was acknowledged. The parent
reads those ids and kills the process with SIGKILL after a random delay.
At the end every acknowledged id must load whole (its frame's bytes are a
function of its id), every stored sample must be whole, and SQLite's
integrity check must pass. ``kill -9`` leaves the kernel's page cache
intact, so this checks the process's crash safety, not a power cut (which
``synchronous=FULL`` and the fsyncs are for).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.frames import ConsentSnapshot, Scope
from server.domain import Sample
from server.store import SqliteSampleStore

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11", "e" * 64)


def frame_for(sample_id: str) -> bytes:
    """The frame a sample id must come back with (small or large, by id)."""
    size = 1500 if int(sample_id[-1], 16) % 2 else 90_000
    return hashlib.shake_256(sample_id.encode()).digest(size)


def sample_for(sample_id: str) -> Sample:
    return Sample(
        sample_id=sample_id,
        created_at_ns=time.time_ns(),
        user_id="u-soak",
        device_id="dev-soak",
        session_id="soak",
        consent=CONSENT,
        query_text="what is this?",
        answer_text="a soak test",
        model_id="soak",
        frame_jpeg=frame_for(sample_id),
    )


def child(folder: Path, cycle: int, writers: int) -> None:
    """Log samples until killed; print each id once it is acknowledged."""
    store = SqliteSampleStore(folder)
    out_lock = threading.Lock()

    def writer(w: int) -> None:
        k = 0
        while True:
            sid = hashlib.sha1(f"{cycle}-{w}-{k}".encode()).hexdigest()
            store.put(sample_for(sid))
            with out_lock:
                sys.stdout.write(sid + "\n")
                sys.stdout.flush()
            k += 1

    for w in range(writers):
        threading.Thread(target=writer, args=(w,), daemon=True).start()
    threading.Event().wait()


@dataclass
class SoakResult:
    cycles: int
    acknowledged: int
    lost: int
    corrupt: int
    stored: int
    integrity: str
    orphan_blobs: int


def _collect(stream, into: list[str]) -> None:  # noqa: ANN001 - a text pipe
    into.extend(line.strip() for line in stream)


def soak(folder: Path, cycles: int, writers: int = 8, seed: int = 0) -> SoakResult:
    """``cycles`` writer processes on the store in ``folder``, each killed with
    SIGKILL at a random moment (``seed``); then what survived, checked."""
    rng = random.Random(seed)
    acked: list[str] = []
    for cycle in range(cycles):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.soak",
                "--child",
                str(folder),
                "--cycle",
                str(cycle),
                "--writers",
                str(writers),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],  # the repository root
        )
        mine: list[str] = []
        reader = threading.Thread(target=_collect, args=(proc.stdout, mine))
        reader.start()
        while not mine and proc.poll() is None:  # let it start logging
            time.sleep(0.01)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join()
        if proc.returncode != -signal.SIGKILL:
            raise RuntimeError(f"the writer exited by itself (code {proc.returncode})")
        acked += [sid for sid in mine if len(sid) == 40]  # a line cut by the kill is not an ack

    with sqlite3.connect(folder / "samples.db") as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    store = SqliteSampleStore(folder)
    try:
        lost = corrupt = 0
        for start in range(0, len(acked), 500):
            got = store.get_many(acked[start : start + 500])
            lost += sum(s is None for s in got)
        stored = [h.sample_id for h in store.heads()]
        for start in range(0, len(stored), 500):
            for s in store.get_many(stored[start : start + 500]):
                corrupt += s is None or s.frame_jpeg != frame_for(s.sample_id)
        orphans = store.collect_garbage(min_age_s=0)
    finally:
        store.close()
    return SoakResult(cycles, len(acked), lost, corrupt, len(stored), integrity, orphans)


def _child_main() -> None:
    """The writer process that ``soak`` starts (and kills)."""
    parser = argparse.ArgumentParser(description="a soak writer: logs samples until killed")
    parser.add_argument("--child", required=True, help="store folder")
    parser.add_argument("--cycle", type=int, default=0)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    child(Path(args.child), args.cycle, args.writers)


if __name__ == "__main__":
    _child_main()
