"""Device tokens -> pseudonymous users.

An operator (or the phone app's pairing flow) enrols a device: the user gets
a random pseudonymous id, the device a random bearer token. Only the token's
SHA-256 is stored, so a copy of the database cannot impersonate anyone.
Every call to the server names its caller by that token
(``authorization: Bearer <token>``); no request can name another user.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import AuthError, InvalidInputError, NotFoundError
from server.store.base import SampleStore

# A pairing code: 12 symbols of 30 (no 0/O, 1/I/L, U), about 59 bits, shown as
# XXXX-XXXX-XXXX; good once, for PAIRING_TTL_S. Guessing one in its lifetime
# would take ~2^58 tries on average: no attempt counter is needed for that.
PAIRING_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
PAIRING_SYMBOLS = 12
PAIRING_TTL_S = 600.0
# what a device may call itself: letters, digits, '.', '_', '-'
_DEVICE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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

    def pairing_code(self, user_id: str, ttl_s: float = PAIRING_TTL_S) -> str:
        """A one-time code with which the user's phone app enrols itself (``pair``)."""
        raw = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(PAIRING_SYMBOLS))
        expires = time.time_ns() + int(ttl_s * 1e9)
        self.store.pairing_add(_code_hash(raw), user_id, expires)
        return "-".join(raw[i : i + 4] for i in range(0, PAIRING_SYMBOLS, 4))

    def pair(self, code: str, device_id: str) -> tuple[Caller, str]:
        """Enrol a new device for the user a pairing code was made for (the code is
        then used up): the caller it becomes, and its token."""
        if not _DEVICE_ID.match(device_id):
            raise InvalidInputError(
                "a device id is 1-64 letters, digits, '.', '_' or '-', e.g. 'phone-app'"
            )
        raw = "".join(code.upper().split()).replace("-", "")
        user_id = self.store.pairing_take(_code_hash(raw), time.time_ns()) if raw else None
        if user_id is None:
            raise AuthError(
                "this pairing code is not valid: mistyped, used already, or older than "
                f"{PAIRING_TTL_S / 60:g} minutes. Ask for a new one ('glasses consent enrol')"
            )
        return self.enrol(device_id, user_id)

    def devices(self, user_id: str) -> list[tuple[str, int]]:
        """(device id, first enrolled at) of the user's devices."""
        first: dict[str, int] = {}
        for device_id, at in self.store.devices(user_id):
            first.setdefault(device_id, at)
        return list(first.items())

    def revoke(self, user_id: str, device_id: str) -> int:
        """Every token of the user's ``device_id`` stops working; how many there were."""
        revoked = self.store.device_revoke(user_id, device_id)
        if not revoked:
            raise NotFoundError(f"no device called {device_id!r} is enrolled to you")
        return revoked

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


def _code_hash(raw: str) -> str:
    return hashlib.sha256(b"pairing:" + raw.encode()).hexdigest()
