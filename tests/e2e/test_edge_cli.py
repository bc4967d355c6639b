"""`glasses edge` through the real command line: a question asked while the
server is away waits in the outbox, Ctrl-C stops the edge cleanly with it
kept, and the next start delivers it to a server that is back."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest

from edge.outbox import Outbox
from edge.sources import read_wav, resample
from glasses.assets import DEMO_AUDIO
from scenes.speech import write_wav
from server.app import create_server
from server.certs import ensure_local_certificates
from server.config import ServerConfig
from server.store import SqliteSampleStore
from tests.fakes import FakeVisionLanguageBackend
from tests.integration.serving import enrol, server_config

pytestmark = pytest.mark.slow  # the edge's models load in a process of its own (~10 s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _edge(tmp_path, port: int, token: str, mic) -> subprocess.Popen:  # noqa: ANN001
    env = {
        **os.environ,
        "GLASSES__EDGE__SERVER": f"127.0.0.1:{port}",
        "GLASSES__EDGE__TOKEN": token,
        "GLASSES__EDGE__TLS_CA": str(tmp_path / "tls" / "ca.pem"),
        "GLASSES__EDGE__UPLINK__OUTBOX": str(tmp_path / "outbox.sqlite"),
        "GLASSES__EDGE__UPLINK__ANSWER_WAIT_S": "1",
        "GLASSES__EDGE__CONTROL_SOCKET": str(tmp_path / "control.sock"),
        "GLASSES__EDGE__REPLAY_SPEED": "2",
        "GLASSES__EDGE__CONSENT__SCOPES": "[assist, history]",  # the answer is kept
        "GLASSES__MODELS__CACHE_DIR": str(tmp_path / "models"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "glasses", "edge", "--no-keys", "--mic", str(mic)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lines_until(process: subprocess.Popen, marker: str, timeout_s: float = 120) -> list[str]:
    """stdout lines up to the first holding ``marker`` (the process keeps running)."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout_s)
        except queue.Empty:
            raise AssertionError(f"'{marker}' not seen; stdout: {''.join(seen)}") from None
        seen.append(line)
        if marker in line:
            return seen


def test_ctrl_c_keeps_the_unsent_question_and_the_next_start_delivers_it(tmp_path):
    ensure_local_certificates(tmp_path / "tls")  # the CA the edge trusts, before any server
    store = SqliteSampleStore(tmp_path / "store")
    token = enrol(store, "glasses-demo-0001")
    port = _free_port()
    samples, rate = read_wav(DEMO_AUDIO)
    asking = tmp_path / "asking.wav"  # the bundled question, then half a minute of quiet
    write_wav(asking, np.concatenate([resample(samples, rate), np.zeros(30 * 16000, np.float32)]))
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, np.zeros(6 * 16000, np.float32))

    edge = _edge(tmp_path, port, token, asking)  # the server is away
    seen = _lines_until(edge, "asked (wake_phrase)")
    assert any(line.startswith("offline:") for line in seen)
    assert "queued" in seen[-1]
    edge.send_signal(signal.SIGINT)
    edge.wait(timeout=60)
    err = edge.stderr.read()
    assert edge.returncode == 130, err
    assert "Traceback" not in err and "undelivered questions stay in the outbox" in err
    assert len(Outbox(tmp_path / "outbox.sqlite")) == 1  # kept, on disk
    assert store.count() == 0

    async def back_and_deliver() -> str:
        config = server_config(tmp_path, ServerConfig(port=port))
        running = await create_server(config, FakeVisionLanguageBackend(), store, None)
        await running.set_serving(True)
        try:
            again = _edge(tmp_path, port, token, quiet)  # nothing is said this time
            out, err = await asyncio.to_thread(again.communicate, timeout=120)
            assert again.returncode == 0, err
            return out
        finally:
            await running.stop(grace=0.2)

    out = asyncio.run(back_and_deliver())
    assert "outbox: 0 question(s) kept for later" in out
    assert store.count() == 1
    (sample,) = [store.get(i) for i in store.sample_ids(store.heads()[0].user_id)]
    assert sample.query_text.startswith("what is this table made")
    store.close()
