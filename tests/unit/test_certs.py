"""The local CA and server certificate: what they name, who may read the keys,
and that a second start reuses them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import stat

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from core.errors import ConfigError
from server.certs import (
    CA_KEY,
    RENEW_BEFORE,
    SERVER_CERT_LIFETIME,
    ensure_local_certificates,
)


def load(path) -> x509.Certificate:  # noqa: ANN001
    return x509.load_pem_x509_certificate(path.read_bytes())


def sans(path) -> set[str]:  # noqa: ANN001
    ext = load(path).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name.value) for name in ext}


def contents(folder) -> dict[str, bytes]:  # noqa: ANN001
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_certificate_names_loopback_and_every_configured_host(tmp_path):
    made = ensure_local_certificates(tmp_path, ["0.0.0.0", "glasses.example", "192.0.2.7"])
    assert sans(made.cert) == {"localhost", "127.0.0.1", "::1", "glasses.example", "192.0.2.7"}
    ext = load(made.cert).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("::1") in ext.get_values_for_type(x509.IPAddress)
    assert "glasses.example" in ext.get_values_for_type(x509.DNSName)


def test_the_server_certificate_is_issued_by_the_ca_for_servers_only(tmp_path):
    made = ensure_local_certificates(tmp_path)
    ca, cert = load(made.ca), load(made.cert)
    cert.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert SERVER_CERT_LIFETIME <= lifetime <= SERVER_CERT_LIFETIME + dt.timedelta(hours=2)


def test_private_keys_are_readable_by_their_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)  # the most permissive umask: nothing may rely on it
    try:
        made = ensure_local_certificates(tmp_path / "tls")
    finally:
        os.umask(old)
    for key in (made.key, made.ca.with_name(CA_KEY)):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key.name
    assert stat.S_IMODE(made.ca.parent.stat().st_mode) == 0o700


def test_a_second_start_reuses_the_ca_and_the_certificate(tmp_path):
    ensure_local_certificates(tmp_path, ["glasses.example"])
    first = contents(tmp_path)
    ensure_local_certificates(tmp_path, ["glasses.example"])
    assert contents(tmp_path) == first


def test_a_new_host_reissues_the_certificate_from_the_same_ca(tmp_path):
    made = ensure_local_certificates(tmp_path)
    first = contents(tmp_path)
    ensure_local_certificates(tmp_path, ["glasses.example"])
    now = contents(tmp_path)
    assert now["ca.pem"] == first["ca.pem"] and now["ca.key"] == first["ca.key"]
    assert now["server.pem"] != first["server.pem"] and now["server.key"] != first["server.key"]
    assert "glasses.example" in sans(made.cert)
    load(made.cert).verify_directly_issued_by(load(made.ca))


def test_a_certificate_near_its_end_is_reissued_on_start(tmp_path):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = ensure_local_certificates(tmp_path, now=start)
    first = contents(tmp_path)
    later = start + SERVER_CERT_LIFETIME - RENEW_BEFORE - dt.timedelta(days=1)
    ensure_local_certificates(tmp_path, now=later)
    assert contents(tmp_path) == first
    ensure_local_certificates(tmp_path, now=later + dt.timedelta(days=2))
    renewed = contents(tmp_path)
    assert renewed["ca.pem"] == first["ca.pem"] and renewed["server.pem"] != first["server.pem"]
    assert load(made.cert).not_valid_after_utc > later + SERVER_CERT_LIFETIME


def test_a_certificate_that_needs_the_absent_ca_key_is_a_clear_error(tmp_path):
    ensure_local_certificates(tmp_path)
    (tmp_path / CA_KEY).unlink()
    ensure_local_certificates(tmp_path)  # still good: reused without the CA's key
    with pytest.raises(ConfigError, match="CA's key .* is not there"):
        ensure_local_certificates(tmp_path, ["glasses.example"])
