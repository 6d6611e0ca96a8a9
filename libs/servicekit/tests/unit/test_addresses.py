"""The caller's address: X-Forwarded-For believed only as far as our own proxies vouch for it."""
from flask import Flask

from servicekit.addresses import DEFAULT_TRUSTED_PROXIES, client_address, parse_networks

TRUSTED = parse_networks(DEFAULT_TRUSTED_PROXIES)


def address(forwarded_for: str | None, peer: str) -> str:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with Flask(__name__).test_request_context(headers=headers, environ_base={"REMOTE_ADDR": peer}):
        return client_address(TRUSTED)


def test_the_address_our_ingress_saw_wins_over_one_the_caller_wrote():
    # the family forged 6.6.6.6; the ingress (10.0.0.5) appended what it saw; the gateway (10.0.0.2) called us
    assert address("6.6.6.6, 203.0.113.9, 10.0.0.5", "10.0.0.2") == "203.0.113.9"


def test_a_caller_reaching_us_directly_cannot_name_another_address():
    assert address("10.0.0.9", "198.51.100.7") == "198.51.100.7"
    assert address("203.0.113.9", "198.51.100.7") == "198.51.100.7"


def test_without_proxies_or_when_every_hop_is_ours_the_first_address_is_the_caller():
    assert address(None, "203.0.113.9") == "203.0.113.9"
    assert address("127.0.0.1", "127.0.0.1") == "127.0.0.1"  # make run: everything on this machine


def test_garbage_in_the_header_is_never_taken_for_an_address():
    assert address("203.0.113.9, not-an-address", "10.0.0.2") == "10.0.0.2"
    assert address("x" * 300, "127.0.0.1") == "127.0.0.1"  # keys built on it stay short
    assert parse_networks(" 10.1.2.3 , 2001:db8::/32") == parse_networks("10.1.2.3/32,2001:db8::/32")
