"""A local certificate authority and the server's TLS certificate.

``ensure_local_certificates(folder, hosts)`` is what the server runs on every
start when TLS is on and no certificate is configured, and what
``glasses certs`` runs ahead of time: the first call creates a CA and a
server certificate signed by it; later calls reuse both, and re-issue only
the server certificate (from the same CA, so devices keep trusting it) when
it nears its end or does not name a configured host. Devices trust
``ca.pem``; ``ca.key`` never leaves the server's machine.

Keys are ECDSA P-256 (small, fast handshakes on a weak device, supported by
gRPC's BoringSSL) and are written unencrypted with mode 0600, so the server
can start unattended and only its own user can read them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from core.errors import ConfigError
from core.net import WILDCARD_HOSTS

# How long a created CA is valid. Every device holds it, so replacing it means
# touching every device: long, and a leaked ca.key is handled by deleting the
# folder (a new CA) rather than by waiting for it to expire.
CA_LIFETIME = dt.timedelta(days=3650)
# How long a server certificate is valid: 397 days, the longest public CAs may
# issue; it is re-issued from the same CA on a start within RENEW_BEFORE of its end.
SERVER_CERT_LIFETIME = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=30)
# Certificates start this long before "now", so a device whose clock lags the
# server's a little still accepts a certificate made a moment ago.
CLOCK_SKEW = dt.timedelta(hours=1)
# Names every created certificate holds, so loopback clients always verify.
LOOPBACK_SANS = ("localhost", "127.0.0.1", "::1")

CA_CERT, CA_KEY = "ca.pem", "ca.key"
SERVER_CERT, SERVER_KEY = "server.pem", "server.key"
KEY_MODE = 0o600  # private keys: readable by their owner only
FOLDER_MODE = 0o700


@dataclass(frozen=True)
class ServerCertificates:
    """Where the PEM files are: the CA devices trust, and the server's pair."""

    ca: Path
    cert: Path
    key: Path


def ensure_local_certificates(
    folder: Path, hosts: Iterable[str] = (), now: dt.datetime | None = None
) -> ServerCertificates:
    """Create (first call) or reuse a local CA and a server certificate in ``folder``.

    ``hosts`` are names or addresses clients use to reach the server; the
    certificate is valid for them and for ``LOOPBACK_SANS``. Wildcard bind
    addresses (0.0.0.0, ::) are skipped: no client connects to them.
    """
    now = now or dt.datetime.now(dt.UTC)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    paths = ServerCertificates(folder / CA_CERT, folder / SERVER_CERT, folder / SERVER_KEY)
    names = subject_alt_names(hosts)
    ca_key_path = folder / CA_KEY

    if paths.ca.is_file():
        ca_cert = x509.load_pem_x509_certificate(paths.ca.read_bytes())
        if _still_good(paths, ca_cert, names, now):
            return paths
        if not ca_key_path.is_file():
            raise ConfigError(
                f"{paths.cert} must be (re-)issued (missing, expiring, or not naming every "
                f"host), but the CA's key {ca_key_path} is not there: put it back, or delete "
                f"{folder} to start a new CA (every device must then trust the new {CA_CERT})"
            )
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), None)
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = _issue_ca(ca_key, now)
        write_key(ca_key_path, ca_key)
        write_file(paths.ca, ca_cert.public_bytes(serialization.Encoding.PEM))

    key = ec.generate_private_key(ec.SECP256R1())
    cert = _issue_server(key, names, ca_cert, ca_key, now)
    write_key(paths.key, key)
    write_file(paths.cert, cert.public_bytes(serialization.Encoding.PEM))
    return paths


def describe(cert: Path) -> tuple[list[str], dt.datetime]:
    """The names a certificate is valid for, and when it ends."""
    loaded = x509.load_pem_x509_certificate(Path(cert).read_bytes())
    sans = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(name.value) for name in sans], loaded.not_valid_after_utc


def subject_alt_names(hosts: Iterable[str]) -> list[x509.GeneralName]:
    """The SAN entries for ``hosts`` plus loopback: IP addresses as IPs, the rest as DNS names."""
    out: list[x509.GeneralName] = []
    for host in (*LOOPBACK_SANS, *hosts):
        host = host.strip().strip("[]")
        if host in WILDCARD_HOSTS:
            continue
        try:
            name: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            name = x509.DNSName(host.lower())
        if name not in out:
            out.append(name)
    return out


def _issue_ca(key: ec.EllipticCurvePrivateKey, now: dt.datetime) -> x509.Certificate:
    # A random suffix: two servers' CAs never share a name, so a device that
    # trusts one is not confused by the other's certificates.
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"glasses local CA {secrets.token_hex(4)}")]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _issue_server(
    key: ec.EllipticCurvePrivateKey,
    names: list[x509.GeneralName],
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> x509.Certificate:
    first = names[0].value if names else "glasses server"
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(first))]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + SERVER_CERT_LIFETIME, ca_cert.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )


def _still_good(
    paths: ServerCertificates,
    ca_cert: x509.Certificate,
    names: list[x509.GeneralName],
    now: dt.datetime,
) -> bool:
    """Whether the server certificate on disk can be reused: signed by this CA,
    paired with the key beside it (a crash between the two writes leaves a
    mismatch), naming every host, and not within RENEW_BEFORE of its end."""
    if not (paths.cert.is_file() and paths.key.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(paths.cert.read_bytes())
        key = serialization.load_pem_private_key(paths.key.read_bytes(), None)
        cert.verify_directly_issued_by(ca_cert)
        held = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return (
        public_key_der(key) == public_key_der(cert)
        and all(n in held for n in names)
        and cert.not_valid_after_utc - RENEW_BEFORE > now
    )


def public_key_der(holder: x509.Certificate | ec.EllipticCurvePrivateKey) -> bytes:
    """The public key of a certificate or private key, DER-encoded: equal when they pair."""
    return holder.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def write_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write atomically (a temporary file renamed over ``path``), created with ``mode``:
    a key is never readable by others, not even for a moment (the umask can only
    take bits away)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """Write ``key`` as unencrypted PKCS#8 PEM with mode ``KEY_MODE``, atomically."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_file(path, pem, KEY_MODE)
