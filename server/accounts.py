"""Device tokens -> pseudonymous users.

An operator (or the phone app's pairing flow) enrols a device: the user gets
a random pseudonymous id, the device a random bearer token. Only the token's
SHA-256 is stored, so a copy of the database cannot impersonate anyone.
Every call to the server names its caller by that token
(``authorization: Bearer <token>``); no request can name another user.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import AuthError, InvalidInputError
from server.store.base import SampleStore


@dataclass(frozen=True)
class Caller:
    user_id: str
    device_id: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(metadata: Iterable[tuple[str, str | bytes]] | None) -> str:
    """The token from ``authorization: Bearer <token>`` call metadata."""
    for key, value in metadata or ():
        if key.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    raise AuthError(
        "this call carries no device token; send 'authorization: Bearer <token>' "
        "(enrol the device with 'glasses consent enrol' to get one)"
    )


class Accounts:
    def __init__(self, store: SampleStore) -> None:
        self.store = store

    def enrol(self, device_id: str, user_id: str = "") -> tuple[Caller, str]:
        """Bind a new token to ``device_id`` (of a new user unless one is given)."""
        if not device_id:
            raise InvalidInputError("enrolling needs a device id")
        user_id = user_id or f"u-{secrets.token_hex(12)}"
        # a token is passed on command lines (--token T): one starting with '-'
        # reads as an option there, so it starts with a letter or digit
        token = "t" + secrets.token_urlsafe(32)
        self.store.device_add(token_hash(token), user_id, device_id, time.time_ns())
        return Caller(user_id, device_id), token

    def caller(self, token: str) -> Caller:
        found = self.store.device_lookup(token_hash(token))
        if found is None:
            raise AuthError(
                "this device token is not known here (never issued, or its user's data was "
                "deleted); enrol the device again"
            )
        return Caller(*found)

    def from_metadata(self, metadata) -> Caller:  # noqa: ANN001 - gRPC invocation metadata
        return self.caller(bearer_token(metadata))
