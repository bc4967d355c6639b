"""TLS on the link between the edge and the server, over real gRPC on loopback:
a device that trusts the server's CA talks to it; every mismatch fails with a
message that says what to set; plaintext never reaches a non-loopback peer."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from core.errors import ConfigError, LinkError
from edge import channel as edge_channel
from edge.channel import connect, open_channel
from edge.config import EdgeConfig
from edge.consent_client import ConsentClient
from edge.uplink import bearer
from glasses.cli import main
from server.app import create_server
from server.certs import ensure_local_certificates
from server.config import ServerConfig
from server.store import SqliteSampleStore
from tests.fakes import FakeVisionLanguageBackend
from tests.integration.serving import edge_config, enrol, run, server_config, started

TOKEN = "a-device-token-that-must-stay-on-the-device"


def tls_server(tmp_path, config: ServerConfig | None = None):  # noqa: ANN201
    return started(tmp_path, FakeVisionLanguageBackend(), None, config)


async def consent_get(edge: EdgeConfig, token: str):  # noqa: ANN201
    async with connect(edge) as channel:
        return await ConsentClient(channel, bearer(token)).get()


class Listener:
    """A raw TCP socket on ``host`` that accepts connections and keeps every byte it
    receives, to show what (if anything) a client sent there."""

    def __init__(self, host: str) -> None:
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.2)
        self.address = f"{host}:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1.0)
                try:
                    while chunk := conn.recv(65536):
                        self.received += chunk
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def non_loopback_address() -> str:
    """An address of this machine that is not loopback (no packet is sent to find it)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        host = probe.getsockname()[0]
    except OSError:
        host = ""
    finally:
        probe.close()
    if not host or host.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address")
    return host


@pytest.fixture
def outside():
    listener = Listener(non_loopback_address())
    yield listener
    listener.close()


# ------------------------------------------------------------------ TLS works


def test_a_device_that_trusts_the_servers_ca_talks_to_it_over_tls(tmp_path):
    async def scenario():
        async with tls_server(tmp_path) as (running, store):
            token = enrol(store, "dev-tls", grant=())
            return running.tls_ca, await consent_get(edge_config(running), token)

    ca, state = run(scenario())
    assert ca == tmp_path / "tls" / "ca.pem"
    assert state.snapshot.region == "US"


def test_a_restarted_server_keeps_its_certificate_so_devices_keep_trusting_it(tmp_path):
    async def start_and_ask(token: str | None):  # noqa: ANN202
        async with tls_server(tmp_path) as (running, store):
            token = token or enrol(store, "dev-again", grant=())
            await consent_get(edge_config(running), token)
            return token, running.tls_ca.read_bytes(), (tmp_path / "tls/server.pem").read_bytes()

    token, ca, cert = run(start_and_ask(None))
    _, ca_again, cert_again = run(start_and_ask(token))
    assert (ca_again, cert_again) == (ca, cert)


def test_glasses_certs_writes_what_the_server_and_the_device_use(tmp_path, capsys):
    folder = tmp_path / "certs"
    assert main(["certs", "--out", str(folder), "--host", "glasses.example"]) == 0
    out = capsys.readouterr().out
    assert f"CA certificate: {folder / 'ca.pem'}" in out and "edge.tls_ca" in out
    assert "glasses.example" in out and "keep" in out and "ca.key secret" in out

    config = ServerConfig(port=0, tls={"cert": folder / "server.pem", "key": folder / "server.key"})

    async def scenario():
        async with tls_server(tmp_path, config) as (running, store):
            token = enrol(store, "dev-certs", grant=())
            edge = edge_config(running).model_copy(update={"tls_ca": folder / "ca.pem"})
            return running.tls_ca, await consent_get(edge, token)

    made_by_server, state = run(scenario())
    assert made_by_server is None and state.snapshot.region == "US"
    assert not (tmp_path / "tls").exists()  # a configured certificate: nothing created


# ------------------------------------------------------------------ mismatches, clearly


def test_a_plaintext_client_to_a_tls_server_is_told_that_tls_is_required(tmp_path):
    async def scenario():
        async with tls_server(tmp_path) as (running, _):
            edge = EdgeConfig(server=f"127.0.0.1:{running.port}", plaintext=True)
            await consent_get(edge, TOKEN)

    with pytest.raises(LinkError) as caught:
        run(scenario())
    message = str(caught.value)
    assert "requires TLS" in message and "edge.plaintext" in message
    assert "edge.tls_ca" in message and "ca.pem" in message


def test_the_cli_says_so_too_without_a_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GLASSES__EDGE__PLAINTEXT", "true")

    async def scenario():
        async with tls_server(tmp_path) as (running, _):
            argv = ["consent", "get", "--token", TOKEN, "--server", f"127.0.0.1:{running.port}"]
            return await asyncio.to_thread(main, argv)

    assert run(scenario()) == 2
    err = capsys.readouterr().err
    assert err.startswith("glasses consent: error: ") and "requires TLS" in err
    assert "Traceback" not in err and TOKEN not in err


def test_a_client_trusting_another_ca_is_told_which_ca_to_trust(tmp_path):
    other = ensure_local_certificates(tmp_path / "other")

    async def scenario():
        async with tls_server(tmp_path) as (running, _):
            edge = edge_config(running).model_copy(update={"tls_ca": other.ca})
            await consent_get(edge, TOKEN)

    with pytest.raises(LinkError) as caught:
        run(scenario())
    message = str(caught.value)
    assert f"not signed by the CA in edge.tls_ca ({other.ca})" in message
    assert "set edge.tls_ca" in message


def test_a_name_the_certificate_does_not_hold_is_named(tmp_path):
    made = ensure_local_certificates(tmp_path / "certs")  # for loopback names only
    config = ServerConfig(port=0, host="127.0.0.2", tls={"cert": made.cert, "key": made.key})

    async def scenario():
        async with tls_server(tmp_path, config) as (running, _):
            edge = EdgeConfig(server=f"127.0.0.2:{running.port}", tls_ca=made.ca)
            await consent_get(edge, TOKEN)

    with pytest.raises(LinkError, match="does not name '127.0.0.2'.*glasses certs --host"):
        run(scenario())


def test_a_tls_client_to_a_plaintext_server_is_told_what_happened(tmp_path):
    async def scenario():
        async with tls_server(tmp_path, ServerConfig(port=0, plaintext=True)) as (running, _):
            assert running.tls_ca is None
            edge = EdgeConfig(server=f"127.0.0.1:{running.port}")
            await consent_get(edge, TOKEN)

    with pytest.raises(LinkError, match="TLS handshake .* failed.*server.plaintext"):
        run(scenario())


# ------------------------------------------------------------------ plaintext: loopback only


def test_plaintext_on_loopback_works_when_both_sides_ask_for_it(tmp_path):
    async def scenario():
        async with tls_server(tmp_path, ServerConfig(port=0, plaintext=True)) as (running, store):
            token = enrol(store, "dev-plain", grant=())
            edge = EdgeConfig(server=f"localhost:{running.port}", plaintext=True)
            return await consent_get(edge, token)

    assert run(scenario()).snapshot.region == "US"
    assert not (tmp_path / "tls").exists()


def test_a_plaintext_server_on_a_network_address_is_a_config_error(tmp_path):
    config = server_config(tmp_path, ServerConfig(host="0.0.0.0", port=0, plaintext=True))

    async def start() -> None:
        store = SqliteSampleStore(tmp_path / "store")
        try:
            running = await create_server(config, FakeVisionLanguageBackend(), store, None)
            await running.stop(grace=0)  # not reached unless the check is gone
        finally:
            store.close()

    with pytest.raises(ConfigError, match="server.host '0.0.0.0' is not a loopback"):
        run(start())


def test_plaintext_to_a_non_loopback_host_is_refused_before_any_connection(outside):
    edge = EdgeConfig(server=outside.address, plaintext=True, token=TOKEN)
    with pytest.raises(ConfigError) as caught:
        open_channel(edge)
    message = str(caught.value)
    assert "not a loopback address" in message and "device token" in message
    assert "turn edge.plaintext off" in message.lower() and TOKEN not in message
    outside.close()
    assert outside.connections == 0


def test_the_token_never_crosses_a_plaintext_link_to_a_non_loopback_peer(outside, monkeypatch):
    # As if a name passed the loopback check but resolved to another machine:
    # gRPC's local credentials still refuse the peer before a call is sent.
    monkeypatch.setattr(edge_channel, "is_loopback", lambda host: True)
    edge = EdgeConfig(server=outside.address, plaintext=True)

    with pytest.raises(LinkError, match="not on loopback, so plaintext was refused"):
        run(consent_get(edge, TOKEN))
    outside.close()
    assert TOKEN.encode() not in outside.received and b"Bearer" not in outside.received
    assert outside.received == b""
