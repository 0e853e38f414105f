"""IP addresses are kept only as a keyed hash."""

from django.test import RequestFactory, override_settings

from supporters.network import client_ip, hash_ip


def test_hash_is_stable_keyed_and_not_the_address():
    digest = hash_ip("203.0.113.7")
    assert digest == hash_ip("203.0.113.7")
    assert "203.0.113.7" not in digest and len(digest) == 64
    with override_settings(IP_HASH_KEY="another-key"):
        assert hash_ip("203.0.113.7") != digest
    assert hash_ip("") == ""


def test_the_client_address_is_remote_addr_whatever_the_visitor_writes_in_forwarded_for():
    """Behind load balancers plaidoyer.proxies rewrites REMOTE_ADDR; the header itself is never read."""
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
