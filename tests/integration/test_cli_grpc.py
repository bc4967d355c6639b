"""The command line as the wearer's device: consent and Imagine over real gRPC
(port 0), through the edge's clients."""

from __future__ import annotations

import asyncio

from glasses.cli import main
from server.app import create_server
from server.store import SqliteSampleStore
from tests.integration.serving import enrol, run, server_config


def test_the_cli_reads_and_changes_consent_with_the_devices_token(
    tmp_path, vlm, capsys, monkeypatch
):
    async def scenario():
        store = SqliteSampleStore(tmp_path / "store")
        running = await create_server(server_config(tmp_path), vlm, store, None)
        monkeypatch.setenv("GLASSES__EDGE__TLS_CA", str(running.tls_ca))
        try:
            token = enrol(store, "dev-cli", grant=())
            device = ["--token", token, "--server", f"127.0.0.1:{running.port}"]
            outputs = []
            for argv in (
                ["consent", "grant", "history", "training", "--policy-version", "2026-11"],
                ["consent", "revoke", "training"],
                ["consent", "grant", "training", "--region", "DE", "--policy-version", "2026-11"],
                ["consent", "get"],
            ):
                code = await asyncio.to_thread(main, argv + device)
                outputs.append((code, *capsys.readouterr()))
            return outputs
        finally:
            await running.stop(grace=0.5)
            store.close()

    granted, revoked, refused, got = run(scenario())
    assert granted[0] == 0 and "scopes: assist,history,training" in granted[1]
    assert "training offered in: US, CA" in granted[1] and "ledger entry: -" not in granted[1]
    assert revoked[0] == 0 and "scopes: assist,history\n" in revoked[1]
    assert refused[0] == 2 and "not offered in region DE" in refused[2]
    assert got[0] == 0 and got[1] == revoked[1]


def test_imagine_without_a_generator_on_the_server_says_so(tmp_path, vlm, capsys, monkeypatch):
    async def scenario():
        store = SqliteSampleStore(tmp_path / "store")
        running = await create_server(server_config(tmp_path), vlm, store, None)
        monkeypatch.setenv("GLASSES__EDGE__TLS_CA", str(running.tls_ca))
        try:
            argv = ["imagine", "a cat", "--server", f"127.0.0.1:{running.port}"]
            return await asyncio.to_thread(main, [*argv, "--out", str(tmp_path / "img")])
        finally:
            await running.stop(grace=0.5)
            store.close()

    assert run(scenario()) == 2
    assert "server said UNIMPLEMENTED" in capsys.readouterr().err


def test_a_device_token_is_never_read_as_an_option(tmp_path, monkeypatch):
    # one token in 64 began with '-' and 'glasses consent --token T' took it for a flag
    from server import accounts
    from server.store import SqliteSampleStore

    monkeypatch.setattr(accounts.secrets, "token_urlsafe", lambda n: "-starts-with-a-dash")
    store = SqliteSampleStore(tmp_path / "store")
    _, token = accounts.Accounts(store).enrol("dev-dash")
    store.close()
    assert not token.startswith("-")
    assert accounts.token_hash(token) != accounts.token_hash("-starts-with-a-dash")
