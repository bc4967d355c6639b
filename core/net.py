"""Network addresses: splitting ``host:port`` and telling loopback from the rest.

Plaintext is allowed only to and on loopback, so both sides ask the same
question here. Only literal loopback addresses and the name ``localhost``
(which RFC 6761 reserves for loopback) count; no name is resolved, so a
name that merely happens to resolve to 127.0.0.1 today is not trusted.
"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # bind-all, not an address to name


def split_host_port(target: str) -> tuple[str, str]:
    """``host:port`` or ``[v6]:port`` -> (host, port); the host keeps no brackets.

    A target without a port gives an empty port; a bare IPv6 address is a host.
    """
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        return host, rest.removeprefix(":")
    if target.count(":") == 1:
        host, _, port = target.partition(":")
        return host, port
    return target, ""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or literal address, brackets allowed) is loopback."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
