"""A real server on loopback for integration tests, and enrolled callers.

The server speaks TLS as in production, with a local CA it creates in the
test's folder; the client channel trusts that CA.
"""

from __future__ import annotations

import asyncio
import contextlib

from core.frames import ConsentSnapshot, Scope
from edge.channel import open_channel
from edge.config import EdgeConfig
from server.accounts import Accounts
from server.app import RunningServer, create_server
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.store import SqliteSampleStore

ASSIST_HISTORY = ConsentSnapshot(frozenset({Scope.ASSIST, Scope.HISTORY}), "US", "2026-11")


def enrol(store, device_id: str, grant=(Scope.HISTORY,), revoke=()) -> str:
    """Enrol a device (operator) and set its user's consent in the ledger; return its token."""
    caller, token = Accounts(store).enrol(device_id)
    if grant or revoke:
        ConsentLedger(store).update(
            caller.user_id, grant=grant, revoke=revoke, policy_version="2026-11", actor="test"
        )
    return token


def server_config(tmp_path, config: ServerConfig | None = None) -> ServerConfig:
    """``config`` (default: port 0) with its store and created certificates in ``tmp_path``."""
    config = config or ServerConfig(port=0)
    return config.model_copy(
        update={
            "store": config.store.model_copy(update={"path": tmp_path / "store"}),
            "tls": config.tls.model_copy(update={"dir": tmp_path / "tls"}),
        }
    )


def edge_config(running: RunningServer, **fields) -> EdgeConfig:
    """The edge section for a device talking to ``running``, trusting its CA."""
    return EdgeConfig(server=f"127.0.0.1:{running.port}", tls_ca=running.tls_ca, **fields)


@contextlib.asynccontextmanager
async def started(tmp_path, vlm, redactor, config: ServerConfig | None = None, imagine=None):
    """A serving server on port 0 with its store in ``tmp_path``: (running, store).
    ``imagine``: Imagine's parts (``server.imagine.build``), or none served."""
    store = SqliteSampleStore(tmp_path / "store")
    try:
        running = await create_server(
            server_config(tmp_path, config), vlm, store, redactor, imagine=imagine
        )
        await running.set_serving(True)
        try:
            yield running, store
        finally:
            await running.stop(grace=0.5)
    finally:
        store.close()


@contextlib.asynccontextmanager
async def serving(tmp_path, vlm, redactor, config: ServerConfig | None = None, imagine=None):
    """A serving server and a channel to it that trusts its CA: (channel, store)."""
    async with started(tmp_path, vlm, redactor, config, imagine) as (running, store):
        plaintext = config is not None and config.plaintext
        async with open_channel(edge_config(running, plaintext=plaintext)) as channel:
            yield channel, store


def run(coro):
    return asyncio.run(coro)
