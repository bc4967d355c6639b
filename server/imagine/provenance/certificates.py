"""The signing CA for Content Credentials: a local root and the leaf that signs.

``ensure_signing_certificates(folder, organisation)`` runs when the Imagine
pipeline starts: the first call creates a root and a signing certificate
issued by it; later calls reuse both, and re-issue only the signing
certificate (from the same root) when it nears its end or names another
organisation. This CA is apart from the TLS one (``server/certs.py``): a
root that vouches for image signatures must not also vouch for servers.

C2PA validators reject a self-signed signing certificate, so the leaf is
issued by the root and ``signer.pem`` holds the chain (leaf, then root). The
leaf carries what the C2PA certificate profile asks of a claim signer:
digitalSignature key usage (critical), the emailProtection and C2PA
claim-signing extended key usages, not a CA, ES256 on P-256. The root is in
no public trust list: readers report such files as valid but untrusted,
unless they are given ``root.pem`` as a trust anchor.

Keys are written as the TLS CA writes them: unencrypted (the server signs
unattended), mode 0600, atomically.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from core.errors import ConfigError
from server.certs import (
    CLOCK_SKEW,
    FOLDER_MODE,
    RENEW_BEFORE,
    public_key_der,
    write_file,
    write_key,
)

# How long the root is valid. Whoever verifies our files as trusted holds it,
# so it is long-lived like the TLS CA; a leaked root.key is handled by deleting
# the folder (a new root), not by waiting.
ROOT_LIFETIME = dt.timedelta(days=3650)
# How long a signing certificate is valid. Offline there is no time-stamp
# authority, so validators check the certificate against the time they read
# the file: an image stays valid only while the leaf that signed it is. Longer
# than a TLS certificate for that reason; re-issued RENEW_BEFORE its end.
SIGNER_LIFETIME = dt.timedelta(days=825)
# The C2PA claim-signing extended key usage (id-kp-c2pa-claimSigning); some
# validators accept only it, others only emailProtection, so the leaf has both.
C2PA_CLAIM_SIGNING = ObjectIdentifier("1.3.6.1.4.1.62558.2.1")

ROOT_CERT, ROOT_KEY = "root.pem", "root.key"
SIGNER_CERT, SIGNER_KEY = "signer.pem", "signer.key"


@dataclass(frozen=True)
class SigningCertificates:
    """Where the PEM files are: the root verifiers may trust, and the signer's
    chain (leaf, then root) with its key."""

    root: Path
    chain: Path
    key: Path


def ensure_signing_certificates(
    folder: Path, organisation: str, now: dt.datetime | None = None
) -> SigningCertificates:
    """Create (first call) or reuse a signing root and leaf in ``folder``.

    ``organisation`` is the subject O of both; a leaf naming another one is
    re-issued (the root keeps the name it was made with).
    """
    now = now or dt.datetime.now(dt.UTC)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    paths = SigningCertificates(folder / ROOT_CERT, folder / SIGNER_CERT, folder / SIGNER_KEY)
    root_key_path = folder / ROOT_KEY

    if paths.root.is_file():
        root = x509.load_pem_x509_certificate(paths.root.read_bytes())
        if _still_good(paths, root, organisation, now):
            return paths
        if not root_key_path.is_file():
            raise ConfigError(
                f"{paths.chain} must be (re-)issued (missing, expiring, or naming another "
                f"organisation), but the root's key {root_key_path} is not there: put it back, "
                f"or delete {folder} to start a new root (verifiers must then trust the new "
                f"{ROOT_CERT})"
            )
        root_key = serialization.load_pem_private_key(root_key_path.read_bytes(), None)
        if not isinstance(root_key, ec.EllipticCurvePrivateKey):
            raise ConfigError(f"{root_key_path} is not an EC key; delete {folder} to start anew")
    else:
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = _issue_root(root_key, organisation, now)
        write_key(root_key_path, root_key)
        write_file(paths.root, _pem(root))

    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _issue_signer(key, organisation, root, root_key, now)
    write_key(paths.key, key)
    write_file(paths.chain, _pem(leaf) + _pem(root))
    return paths


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _issue_root(
    key: ec.EllipticCurvePrivateKey, organisation: str, now: dt.datetime
) -> x509.Certificate:
    # A random suffix: two servers' roots never share a name.
    name = _name(organisation, f"glasses provenance root {secrets.token_hex(4)}")
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + ROOT_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _issue_signer(
    key: ec.EllipticCurvePrivateKey,
    organisation: str,
    root: x509.Certificate,
    root_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, "glasses image signer"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + SIGNER_LIFETIME, root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, C2PA_CLAIM_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


def _still_good(
    paths: SigningCertificates, root: x509.Certificate, organisation: str, now: dt.datetime
) -> bool:
    """Whether the leaf on disk can be reused: issued by this root, paired with
    the key beside it, naming ``organisation``, and not within RENEW_BEFORE of
    its end."""
    if not (paths.chain.is_file() and paths.key.is_file()):
        return False
    try:
        leaf = x509.load_pem_x509_certificates(paths.chain.read_bytes())[0]
        key = serialization.load_pem_private_key(paths.key.read_bytes(), None)
        leaf.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return False
    named = leaf.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return (
        isinstance(key, ec.EllipticCurvePrivateKey)
        and public_key_der(key) == public_key_der(leaf)
        and [a.value for a in named] == [organisation]
        and leaf.not_valid_after_utc - RENEW_BEFORE > now
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
