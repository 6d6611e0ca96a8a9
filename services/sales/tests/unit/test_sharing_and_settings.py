import hashlib

import pytest

from servicekit.auth import Principal

from sales.config import SalesSettings
from sales.models import Quotation
from sales.sharing import hash_token, is_family_of, new_token, share_url


def test_tokens_are_long_random_and_stored_only_as_their_sha256():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert hash_token(first) == hashlib.sha256(first.encode()).hexdigest()
    assert len(hash_token(first)) == 64 and first not in hash_token(first)


def test_the_share_url_opens_the_review_page_with_the_token():
    assert share_url("https://center.example", "q-1", "tok") == "https://center.example/q/q-1?access_token=tok"


def test_only_a_portal_login_of_that_family_counts_as_the_family():
    quotation = Quotation(client_id="c-1")
    assert is_family_of(Principal(user_id="u", role="client", client_ids=frozenset({"c-1"})), quotation)
    assert not is_family_of(Principal(user_id="u", role="client", client_ids=frozenset({"c-2"})), quotation)
    assert not is_family_of(Principal(user_id="u", role="front_desk"), quotation)


def test_link_validity_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("QUOTATION_LINK_DAYS", "30")
    assert SalesSettings.from_env("sales").quotation_link_days == 30
    monkeypatch.delenv("QUOTATION_LINK_DAYS")
    assert SalesSettings.from_env("sales").quotation_link_days == 14
    monkeypatch.setenv("QUOTATION_LINK_DAYS", "0")
    with pytest.raises(RuntimeError, match="QUOTATION_LINK_DAYS"):
        SalesSettings.from_env("sales")
