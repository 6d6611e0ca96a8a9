import time

import pytest

from servicekit.auth import Principal, TokenVerifier
from servicekit.errors import Unauthorized
from servicekit.testing.tokens import KeyPair, TokenMinter


@pytest.fixture(scope="module")
def minter():
    return TokenMinter(KeyPair.generate())


def test_a_gateway_token_verifies_into_its_principal(minter):
    verifier = TokenVerifier(minter.keys.public_pem, "therapy-gateway", "therapy-api")
    token = minter.token("therapist", user_id="u1", name="Ana", therapist_id="t1")
    principal = verifier.verify(token)
    assert principal.issued_ms and abs(principal.issued_ms / 1000 - time.time()) < 60
    assert principal == Principal(user_id="u1", role="therapist", name="Ana", therapist_id="t1",
                                  issued_ms=principal.issued_ms)


def test_expired_token_is_401(minter):
    verifier = TokenVerifier(minter.keys.public_pem, "therapy-gateway", "therapy-api")
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(minter.token("admin", ttl=-60))


def test_a_token_meant_to_live_longer_than_the_api_accepts_is_401_whoever_signed_it(minter):
    """Security review: services accepted any `exp` (a year-long token, once leaked, worked for a year)."""
    verifier = TokenVerifier(minter.keys.public_pem, "therapy-gateway", "therapy-api", max_lifetime=3600)
    assert verifier.verify(minter.token("admin", ttl=3600)).role == "admin"
    with pytest.raises(Unauthorized, match="lives longer"):
        verifier.verify(minter.token("admin", ttl=365 * 24 * 3600))


def test_token_signed_by_another_key_is_401(minter):
    other = TokenMinter(KeyPair.generate())
    verifier = TokenVerifier(minter.keys.public_pem, "therapy-gateway", "therapy-api")
    with pytest.raises(Unauthorized, match="invalid"):
        verifier.verify(other.token("admin"))


def test_token_for_another_audience_is_401(minter):
    verifier = TokenVerifier(minter.keys.public_pem, "therapy-gateway", "other-api")
    with pytest.raises(Unauthorized):
        verifier.verify(minter.token("admin"))


def test_roles_include_narrower_roles_but_not_wider_ones():
    assert Principal(user_id="1", role="admin").has_any(["biller"])
    assert Principal(user_id="1", role="org_admin").has_any(["front_desk"])
    assert not Principal(user_id="1", role="front_desk").has_any(["biller", "admin"])
    assert not Principal(user_id="1", role="therapist").has_any(["front_desk"])


def test_portal_user_sees_only_their_family():
    parent = Principal(user_id="1", role="client", client_ids=frozenset({"c1"}))
    assert parent.may_see_family("c1") and not parent.may_see_family("c2")
    assert Principal(user_id="2", role="front_desk").may_see_family("c2")
