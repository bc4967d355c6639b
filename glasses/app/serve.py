"""``glasses app``: build the companion app and serve it on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from core.errors import ConfigError
from core.net import is_loopback
from edge.channel import open_channel
from edge.components import build_redactor
from edge.config import EdgeConfig
from edge.redaction import Redactor
from glasses.app import account_pages, history_pages, imagine_pages, pairing
from glasses.app.config import CompanionConfig
from glasses.app.sessions import Sessions
from glasses.app.web import Phone, create_app
from glasses.config import AppConfig
from models.config import ModelsConfig

# what 'glasses demo' leaves in its folder for 'glasses app --demo': its wearer's id
DEMO_RECORD = "demo.json"

ROUTES = [*pairing.ROUTES, *history_pages.ROUTES, *imagine_pages.ROUTES, *account_pages.ROUTES]


def pairing_url(config: CompanionConfig, code: str, port: int = 0) -> str:
    """The app's pairing page with ``code`` filled in (what the QR code holds)."""
    return f"http://{config.host}:{port or config.port or 8765}/pair?code={code}"


def build_app(
    config: CompanionConfig,
    edge: EdgeConfig,
    models: ModelsConfig,
    redactor: Redactor | None = None,
) -> tuple[Starlette, Phone]:
    """The app for the server ``edge`` names (its address and CA); the channel
    opens lazily, so the app starts even while the server is down. The redactor
    (for riff photos) is built from ``models`` and ``edge.redaction`` on first use
    unless one is given."""

    built: list[Redactor] = [redactor] if redactor is not None else []
    lock = threading.Lock()  # two first riffs at once build the models once

    def redaction() -> Redactor:
        with lock:
            if not built:
                built.append(build_redactor(models, edge.redaction))
            return built[0]

    phone = Phone(
        config,
        Sessions(config.sessions, config.session_days * 86400),
        open_channel(edge),
        edge.server,
        redaction,
    )
    return create_app(phone, ROUTES), phone


async def serve(
    config: CompanionConfig,
    edge: EdgeConfig,
    models: ModelsConfig,
    ready=None,  # noqa: ANN001
    redactor: Redactor | None = None,
) -> None:
    """Serve until cancelled; ``ready(port)`` is called once it listens."""
    if not is_loopback(config.host):
        raise ConfigError(
            f"app.host '{config.host}' is not a loopback address: the companion app serves "
            "the phone's own browser (its session cookie is Secure, which browsers keep over "
            "plain HTTP only on loopback). Use 127.0.0.1"
        )
    app, phone = build_app(config, edge, models, redactor)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host=config.host, port=config.port, access_log=False, log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if ready is not None and server.started:
            ready(server.servers[0].sockets[0].getsockname()[1])
        await task
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        await phone.channel.close()


async def serve_demo(config: AppConfig, out: Path, ready) -> None:  # noqa: ANN001
    """The app over the demo's store (``glasses demo --out OUT``): a server on it in
    this process, and a fresh pairing code for the demo's wearer, given to
    ``ready(port, code)`` once the app listens."""
    from server.app import start_server

    record = out / DEMO_RECORD
    if not record.is_file():
        raise ConfigError(f"no demo in {out} ({DEMO_RECORD} is missing): run 'glasses demo' first")
    user_id = json.loads(record.read_text())["user_id"]
    running = await start_server(config)
    try:
        code = await asyncio.to_thread(running.accounts.pairing_code, user_id)
        edge = config.edge.model_copy(
            update={
                "server": f"127.0.0.1:{running.port}",
                "tls_ca": running.tls_ca or config.edge.tls_ca,
                "plaintext": config.server.plaintext,
            }
        )
        await serve(config.app, edge, config.models, lambda port: ready(port, code))
    finally:
        await running.stop(grace=1.0)
