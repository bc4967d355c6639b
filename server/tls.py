"""The server's transport security: TLS by default, plaintext only on loopback and
only when the configuration asks for it.

Device tokens, frames and transcripts cross this link, so a server bound to
a network address always speaks TLS; ``server.plaintext`` is for a loopback
bind (tests, or a TLS-terminating proxy on the same machine). Its plaintext
port uses gRPC's local credentials, which also turn away any peer that is not
on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from core.errors import ConfigError
from core.net import is_loopback
from server.certs import ensure_local_certificates
from server.config import ServerConfig


@dataclass(frozen=True)
class ServerTransport:
    """How the server binds; ``ca`` is the CA devices should trust, where this
    server made it (None for a configured certificate, or plaintext)."""

    credentials: grpc.ServerCredentials
    ca: Path | None = None


def server_transport(config: ServerConfig) -> ServerTransport:
    """The credentials to bind with; creates the local CA and certificate on first start."""
    if config.plaintext:
        if not is_loopback(config.host):
            raise ConfigError(
                f"server.plaintext is on but server.host '{config.host}' is not a loopback "
                "address: device tokens and frames would cross the network in clear text. "
                "Turn server.plaintext off (TLS is the default), or bind 127.0.0.1 behind a "
                "TLS-terminating proxy"
            )
        return ServerTransport(grpc.local_server_credentials(grpc.LocalConnectionType.LOCAL_TCP))
    if config.tls.cert is not None and config.tls.key is not None:
        cert, key, ca = config.tls.cert, config.tls.key, None
        for name, path in (("server.tls.cert", cert), ("server.tls.key", key)):
            if not path.is_file():
                raise ConfigError(
                    f"{name} '{path}' does not exist; give an existing PEM file, or leave "
                    "server.tls.cert and server.tls.key empty to use a created local CA"
                )
    else:
        made = ensure_local_certificates(config.tls_folder(), [config.host, *config.tls.hosts])
        cert, key, ca = made.cert, made.key, made.ca
    credentials = grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])
    return ServerTransport(credentials, ca)
