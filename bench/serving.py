"""A real ``glasses server`` process for the benchmarks, and an enrolled device."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from core.frames import ConsentSnapshot, Scope
from server.accounts import Accounts
from server.consent import ConsentLedger
from server.store import SqliteSampleStore

CONSENT = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11")


class ServerProcess:
    """``glasses server`` as a child process on ``port``, its state in ``folder``."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.env = {
            **os.environ,
            "GLASSES__SERVER__STORE__PATH": str(folder / "store"),
            "GLASSES__SERVER__HOST": "127.0.0.1",
        }
        self.process: subprocess.Popen | None = None
        self.back_at: list[float] = []  # monotonic times the server was serving again

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "glasses", "server", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    async def serving(self, timeout_s: float = 120.0) -> None:
        """Until the process prints that it serves (health SERVING)."""
        assert self.process is not None and self.process.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.process.stdout.readline), timeout_s)
        if "serving on port" not in line:
            raise RuntimeError(f"the server did not start: {line!r}")
        self.back_at.append(time.monotonic())

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def free_port() -> int:

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def enrol_device(store_path: Path, device: str) -> str:
    """Enrol ``device`` and grant its user history (operator steps, on the store
    at ``store_path``); its token."""
    store = SqliteSampleStore(store_path)
    caller, token = Accounts(store).enrol(device)
    ConsentLedger(store).update(
        caller.user_id, grant=(Scope.HISTORY,), policy_version="2026-11", actor="bench"
    )
    store.close()
    return token


def report(result: dict, path: str | None) -> None:
    """Print the figures, and write them to ``path`` too when one is given."""
    text = json.dumps(result, indent=2)
    print(text)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)
