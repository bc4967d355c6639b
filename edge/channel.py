"""The edge's channel to the server, built from its config in one place.

TLS by default, trusting ``edge.tls_ca`` (or the system's CAs). Plaintext
only when ``edge.plaintext`` asks for it *and* the server is a loopback
address: anything else is refused before a connection is made, so the
device's bearer token never crosses a network in clear text. The plaintext
channel uses gRPC's local credentials, which also refuse a peer that turns
out not to be on loopback (a name that resolves elsewhere), before a byte
of a call is sent.

``connect`` opens the channel and checks the link with one cheap call, so a
TLS mismatch shows up at once as a :class:`LinkError` that says what to set,
not as a gRPC traceback in the middle of a question.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import grpc

from core.errors import ConfigError, LinkError
from core.net import is_loopback, split_host_port
from edge.config import EdgeConfig

# How long ``connect`` waits for the server's first answer: a TLS handshake and
# one round trip, generous for a phone's mobile link.
LINK_CHECK_TIMEOUT_S = 5.0
# The call ``connect`` makes to check the link: the standard health check with
# an empty request (service ""). Any answer, even UNIMPLEMENTED, proves that
# the connection and TLS work; the edge needs no health-checking package.
_HEALTH_CHECK = "/grpc.health.v1.Health/Check"
# gRPC honours http(s)_proxy; a proxy would carry a loopback plaintext channel
# off the machine, so plaintext channels never use one.
_NO_PROXY = (("grpc.enable_http_proxy", 0),)

_CA_HINT = (
    "the ca.pem from 'glasses certs', or server.store.path/tls/ca.pem, which the server "
    "creates on first start"
)


# Imagine streams 1280x1280 PNGs of up to ~5 MB each and Verify sends them back;
# gRPC's default cap on a received message is 4 MB.
MAX_MESSAGE_BYTES = 64 << 20
_SIZES = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]


def open_channel(config: EdgeConfig, options: Sequence[tuple[str, Any]] = ()) -> grpc.aio.Channel:
    """A channel to ``config.server``: TLS, or plaintext to loopback when asked.
    ``options`` are further gRPC channel options (keepalives, message sizes).

    Raises :class:`ConfigError` before connecting when plaintext is asked for a
    non-loopback address, or when ``tls_ca`` is not a file.
    """
    host, _ = split_host_port(config.server)
    given = {name for name, _ in options}  # a caller may set its own sizes
    options = [*options, *(option for option in _SIZES if option[0] not in given)]
    if config.plaintext:
        if not is_loopback(host):
            what = "the device token and frames" if config.token else "frames and transcripts"
            raise ConfigError(
                f"edge.plaintext is on but edge.server '{config.server}' is not a loopback "
                f"address; refusing to send {what} in clear text over a network. Turn "
                f"edge.plaintext off and set edge.tls_ca to the server's CA ({_CA_HINT})"
            )
        local = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
        return grpc.aio.secure_channel(config.server, local, options=[*options, *_NO_PROXY])
    roots = None
    if config.tls_ca is not None:
        if not config.tls_ca.is_file():
            raise ConfigError(
                f"edge.tls_ca '{config.tls_ca}' does not exist; give the server's CA ({_CA_HINT})"
            )
        roots = config.tls_ca.read_bytes()
    credentials = grpc.ssl_channel_credentials(roots)
    return grpc.aio.secure_channel(config.server, credentials, options=list(options))


async def check_link(
    channel: grpc.aio.Channel, config: EdgeConfig, timeout: float = LINK_CHECK_TIMEOUT_S
) -> None:
    """Make one call; raise :class:`LinkError` if it cannot reach the server."""
    probe = channel.unary_unary(_HEALTH_CHECK)
    try:
        await probe(b"", timeout=timeout)
    except grpc.aio.AioRpcError as exc:
        error = link_error(exc.code(), exc.details() or "", config)
        if error is not None:
            raise error from None
        # any other status came from the server: the link itself works


async def serves(channel: grpc.aio.Channel, service: str, timeout: float = 5.0) -> bool:
    """Whether the server serves ``service`` (a full name, e.g. ``glasses.v1.Imagine``),
    by the standard health check (its request and answer encoded by hand: field 1
    is the service's name, and the status SERVING is ``08 01``)."""
    name = service.encode()
    request = b"\x0a" + bytes([len(name)]) + name  # names under 128 bytes
    try:
        reply = await channel.unary_unary(_HEALTH_CHECK)(request, timeout=timeout)
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:  # not served here
            return False
        raise
    return reply == b"\x08\x01"


@asynccontextmanager
async def connect(
    config: EdgeConfig, options: Sequence[tuple[str, Any]] = ()
) -> AsyncIterator[grpc.aio.Channel]:
    """Open the channel, check the link, and close the channel on exit."""
    async with open_channel(config, options) as channel:
        await check_link(channel, config)
        yield channel


class ServerAway(LinkError):
    """Nothing answers at the server's address (yet): not a setting to fix."""


def setting_to_fix(config: EdgeConfig) -> Callable[[str, str], LinkError | None]:
    """For the uplink: a failed connect (status name, details) as the
    :class:`LinkError` that says which setting to fix, or None when waiting
    may do (the server is away, or it answered)."""

    def explain(code: str, details: str) -> LinkError | None:
        status = getattr(grpc.StatusCode, code, None)
        error = link_error(status, details, config) if status is not None else None
        return None if error is None or isinstance(error, ServerAway) else error

    return explain


def link_error(code: grpc.StatusCode, details: str, config: EdgeConfig) -> LinkError | None:
    """A failed call as a :class:`LinkError` saying what to do, or None when the
    status is the server's answer rather than a failure to reach it."""
    where = f"the server at {config.server}"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return ServerAway(f"{where} did not answer in time; is it running and reachable?")
    if code != grpc.StatusCode.UNAVAILABLE:
        return None
    if "Connection refused" in details or "Failed to connect" in details:
        return ServerAway(f"nothing answers at {config.server}; is the server running there?")
    if "neither UDS or TCP loopback" in details:
        return LinkError(
            f"{where} is not on loopback, so plaintext was refused; turn edge.plaintext off "
            f"and set edge.tls_ca to the server's CA ({_CA_HINT})"
        )
    if config.plaintext and any(
        sign in details for sign in ("Socket closed", "Connection reset", "Broken pipe")
    ):
        return LinkError(
            f"{where} requires TLS and closed this plaintext connection; turn edge.plaintext "
            f"off and set edge.tls_ca to the CA to trust ({_CA_HINT})"
        )
    if "CERTIFICATE_VERIFY_FAILED" in details:
        trusted = (
            f"the CA in edge.tls_ca ({config.tls_ca})"
            if config.tls_ca
            else "any CA this device trusts (edge.tls_ca is empty: the system's CAs)"
        )
        return LinkError(
            f"{where} presented a certificate not signed by {trusted}; set edge.tls_ca to "
            f"the CA that signed it ({_CA_HINT})"
        )
    if "Hostname Verification" in details or "not in peer certificate" in details:
        host, _ = split_host_port(config.server)
        return LinkError(
            f"{where} presented a certificate that does not name '{host}'; add it to the "
            "server's certificate ('glasses certs --host NAME' or server.tls.hosts) and restart "
            "the server, or connect by a name the certificate holds"
        )
    if "WRONG_VERSION_NUMBER" in details or "handshake failed" in details.lower():
        return LinkError(
            f"the TLS handshake with {where} failed; if that server runs in plaintext, give it "
            f"TLS (the default: turn server.plaintext off). gRPC said: {details}"
        )
    return LinkError(f"cannot reach {where}: {details}")
