"""A real server on loopback for integration tests, and enrolled callers."""

from __future__ import annotations

import asyncio
import contextlib

import grpc

from core.frames import ConsentSnapshot, Scope
from server.accounts import Accounts
from server.app import create_server
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


@contextlib.asynccontextmanager
async def serving(tmp_path, vlm, redactor, config: ServerConfig | None = None):
    store = SqliteSampleStore(tmp_path / "store")
    running = await create_server(config or ServerConfig(port=0), vlm, store, redactor)
    await running.set_serving(True)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield channel, store
    finally:
        await channel.close()
        await running.stop(grace=0.5)
        store.close()


def run(coro):
    return asyncio.run(coro)
