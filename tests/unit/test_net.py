"""Which addresses count as loopback: the one question plaintext depends on."""

import pytest

from core.net import is_loopback, split_host_port


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("0.0.0.0", False),
        ("192.0.2.7", False),
        ("glasses.example", False),
        ("localhost.example", False),
        ("", False),
    ],
)
def test_only_literal_loopback_and_localhost_count_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_targets_split_into_host_and_port():
    assert split_host_port("127.0.0.1:50051") == ("127.0.0.1", "50051")
    assert split_host_port("[::1]:50051") == ("::1", "50051")
    assert split_host_port("glasses.example:443") == ("glasses.example", "443")
    assert split_host_port("::1") == ("::1", "")
