"""The companion app's history page at thousands of samples: its time on the
phone's side, through a real server on loopback.

    python -m bench.app_history [--samples 2000] [--requests 200] [--out FILE]

A user with ``--samples`` kept questions (each with a redacted frame and its
redaction report) and another user beside them; the app paired as a phone.
Timed, each ``--requests`` times over one kept-alive HTTP connection: the
first page (``GET /history``), a page 50 pages deep (keyset paging: it should
cost the same), one entry in full (``GET /history/ID``), and, as same-run
baselines, a static file through the same app (the web stack alone) and the
bare ``History.List`` gRPC call (the server alone). Target: the first page's
p95 at most 150 ms on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from core.frames import Scope
from edge.channel import open_channel
from edge.config import EdgeConfig
from edge.phone_client import PhoneClient
from edge.uplink import bearer
from glasses.app.config import CompanionConfig
from glasses.app.serve import serve
from glasses.app.sessions import Sessions
from glasses.app.web import COOKIE
from models.config import ModelsConfig
from scenes.objects import draw_card, wood_table
from server.accounts import Accounts
from server.app import create_server
from server.components import build_vlm
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.domain import Sample
from server.store import SqliteSampleStore

T0 = 1_780_000_000_000_000_000
REPORT = {
    "counts": {"card_number": 1, "face": 2},
    "findings": [
        {
            "label": "card_number",
            "box": {"x": 420, "y": 300, "w": 380, "h": 40},
            "confidence": 0.97,
            "signals": ["luhn", "issuer_range"],
            "detector": "text/1",
        },
        {
            "label": "face",
            "box": {"x": 80, "y": 60, "w": 90, "h": 110},
            "confidence": 0.91,
            "signals": [],
            "detector": "centerface/1",
        },
        {
            "label": "face",
            "box": {"x": 900, "y": 70, "w": 80, "h": 100},
            "confidence": 0.88,
            "signals": [],
            "detector": "yunet/1",
        },
    ],
    "timings_ms": {"text": 180.0, "faces": 40.0},
    "sent_pixel_fraction": 0.44,
    "view_fraction": 0.66,
    "fully_masked": False,
    "detector_versions": {"text": "ppocr-v4", "faces": "centerface"},
}


def _frame() -> bytes:
    scene = wood_table(np.random.default_rng(3), 1280, 720)
    draw_card(scene, 400, 220, 430, "5500 0055 5555 5559")
    cv2.rectangle(scene, (420, 300), (800, 340), (0, 0, 0), -1)  # as redacted
    return cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()


def fill(store: SqliteSampleStore, user: str, n: int, frame: bytes) -> None:
    consent = ConsentLedger(store).current(user)
    for k in range(n):
        store.put(
            Sample(
                sample_id=f"{user[-6:]}-{k:06d}",
                created_at_ns=T0 + k * 1_000_000_000,
                user_id=user,
                device_id="glasses",
                session_id="bench",
                consent=consent,
                query_text=f"what is this, question {k}?",
                answer_text="It looks like an oak table with a bank card on it. " * 3,
                model_id="tiny",
                transcript=f"hey glasses, what is this, question {k}?",
                frame_jpeg=frame if k % 7 else frame[:-2] + bytes([k % 251, 0xD9]),
                redaction=REPORT,
            )
        )


def timed(fn, n: int) -> dict:  # noqa: ANN001
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "n": n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--out", default="docs/figures/app-history.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    store = SqliteSampleStore(tmp / "store")
    accounts = Accounts(store)
    glasses, _ = accounts.enrol("glasses")
    other, _ = accounts.enrol("other-glasses")
    for caller in (glasses, other):
        ConsentLedger(store).update(
            caller.user_id, grant=[Scope.HISTORY], policy_version="2026-11", actor="bench"
        )
    frame = _frame()
    t0 = time.perf_counter()
    fill(store, glasses.user_id, args.samples, frame)
    fill(store, other.user_id, args.samples // 10, frame)
    print(
        f"stored {args.samples} + {args.samples // 10} samples in {time.perf_counter() - t0:.1f} s"
    )
    phone, token = accounts.enrol("phone-app-bench", glasses.user_id)

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict = {}

    async def run_stack() -> None:
        config = ServerConfig(port=0).model_copy(
            update={
                "store": ServerConfig().store.model_copy(update={"path": tmp / "store"}),
                "tls": ServerConfig().tls.model_copy(update={"dir": tmp / "tls"}),
            }
        )
        running = await create_server(config, build_vlm(ModelsConfig()), store, None)
        await running.set_serving(True)
        edge = EdgeConfig(server=f"127.0.0.1:{running.port}", tls_ca=running.tls_ca)
        app_config = CompanionConfig(port=0, sessions=str(tmp / "app.sqlite"))
        channel = open_channel(edge)
        state["client"] = PhoneClient(channel, bearer(token), 10.0)
        state["stop"] = asyncio.Event()
        app = asyncio.create_task(
            serve(app_config, edge, ModelsConfig(), lambda port: state.update(port=port))
        )
        try:
            while "port" not in state and not app.done():
                await asyncio.sleep(0.02)
            ready.set()
            if app.done():
                await app  # it could not start: say why
            await state["stop"].wait()
        finally:
            ready.set()
            app.cancel()
            await asyncio.gather(app, return_exceptions=True)
            await channel.close()
            await running.stop(0.5)

    thread = threading.Thread(target=lambda: loop.run_until_complete(run_stack()), daemon=True)
    thread.start()
    if not ready.wait(120) or "port" not in state:
        raise SystemExit("the server or the app did not start")
    sessions = Sessions(tmp / "app.sqlite", 86400)
    session_id, _ = sessions.create(token, phone.device_id)
    sessions.close()
    conn = http.client.HTTPConnection("127.0.0.1", state["port"])
    cookie = {"Cookie": f"{COOKIE}={session_id}"}

    def get(path: str) -> bytes:
        conn.request("GET", path, headers=cookie)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
        return body

    def call(coro):  # noqa: ANN001, ANN202
        return asyncio.run_coroutine_threadsafe(coro, loop).result(60)

    client = state["client"]
    deep = ""
    for _ in range(50):  # the token of a page 50 pages deep
        deep = call(client.history(20, deep)).next_token
    first_id = call(client.history(1)).items[0].sample_id
    for path in ("/history", f"/history?before={deep}", f"/history/{first_id}", "/static/app.css"):
        get(path)  # warm
    figures = {
        "history_first_page": timed(lambda: get("/history"), args.requests),
        "history_page_50": timed(lambda: get(f"/history?before={deep}"), args.requests),
        "history_entry": timed(lambda: get(f"/history/{first_id}"), args.requests),
        "baseline_static_file": timed(lambda: get("/static/app.css"), args.requests),
        "baseline_grpc_history_list": timed(lambda: call(client.history(20)), args.requests),
    }
    page = get("/history").decode()
    assert page.count('class="card"') == 20, "the first page should list 20 entries"
    conn.close()
    loop.call_soon_threadsafe(state["stop"].set)
    thread.join(30)
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    first = figures["history_first_page"]
    ratios = {
        "first_page_over_static_p50": round(
            first["p50_ms"] / figures["baseline_static_file"]["p50_ms"], 2
        ),
        "first_page_over_grpc_p50": round(
            first["p50_ms"] / figures["baseline_grpc_history_list"]["p50_ms"], 2
        ),
        "page_50_over_first_p50": round(figures["history_page_50"]["p50_ms"] / first["p50_ms"], 2),
    }
    for name, f in figures.items():
        print(f"{name:28s} p50 {f['p50_ms']:7.2f} ms  p95 {f['p95_ms']:7.2f} ms")
    print("ratios:", ratios)
    print(f"target: first page p95 <= 150 ms: {'met' if first['p95_ms'] <= 150 else 'NOT met'}")
    report = {
        "command": "python -m bench.app_history",
        "samples": args.samples,
        "other_user_samples": args.samples // 10,
        "requests": args.requests,
        "figures": figures,
        "ratios": ratios,
        "target_p95_ms": 150,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
