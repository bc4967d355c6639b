"""The command line as the wearer's device: consent and Imagine over real gRPC
(port 0), through the edge's clients."""

from __future__ import annotations

import asyncio

import cv2

from glasses.cli import main
from server.app import create_server
from server.store import SqliteSampleStore
from tests.conftest import card_scene
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


def test_the_cli_imagines_riffs_and_verifies_as_the_device(
    tmp_path, vlm, redactor, imagine, capsys, monkeypatch
):
    out = tmp_path / "img"
    photo = tmp_path / "desk.png"
    cv2.imwrite(str(photo), card_scene())

    async def scenario():
        store = SqliteSampleStore(tmp_path / "store")
        config = server_config(tmp_path)
        running = await create_server(config, vlm, store, redactor, imagine=imagine)
        monkeypatch.setenv("GLASSES__EDGE__TLS_CA", str(running.tls_ca))
        try:
            token = enrol(store, "dev-cli")
            device = ["--token", token, "--server", f"127.0.0.1:{running.port}", "--out", str(out)]
            runs = []
            for argv in (
                ["imagine", "a", "paper", "boat", "--n", "2", "--seed", "5"],
                ["imagine", "riff", str(photo), "as a mosaic", "--n", "1", "--seed", "6"],
            ):
                code = await asyncio.to_thread(main, argv + device)
                runs.append((code, capsys.readouterr().out))
            files = sorted(str(p) for p in out.iterdir())
            code = await asyncio.to_thread(main, ["imagine", "verify", *files, *device])
            runs.append((code, capsys.readouterr().out))
            # the operator, on the server's machine, with no server running
            state = imagine.trust_anchor.parent.parent  # the state folder holding both keys
            monkeypatch.setenv("GLASSES__SERVER__STORE__PATH", str(state))
            code = await asyncio.to_thread(main, ["imagine", "verify", files[0], "--local"])
            runs.append((code, capsys.readouterr().out))
            return runs, files
        finally:
            await running.stop(grace=0.5)
            store.close()

    (made, riffed, verified, local), files = run(scenario())
    assert made[0] == 0 and made[1].count("watermark=0001") == 2
    assert riffed[0] == 0 and "redacted desk.png here first: {'card_number': 1}" in riffed[1]
    assert [f.rsplit("/", 1)[-1] for f in files] == [
        "imagine_5_0.png",
        "imagine_5_1.png",
        "riff_6_0.png",
    ]
    assert verified[0] == 0 and verified[1].count("both name the same image") == 3
    assert verified[1].count("from this server's Imagine") == 3
    assert local[0] == 0 and "both name the same image" in local[1]
    assert "signed under this server's root" in local[1]
