"""The signing keys CLI and how the gateway finds its keys."""
import stat

import pytest

from servicekit.auth import TokenVerifier

from gateway import keys, passwords
from gateway.config import GatewaySettings
from gateway.models import User
from gateway.tokens import access_token, digest


def test_keys_cli_writes_a_private_key_only_its_owner_can_read_and_the_matching_public_key(tmp_path):
    assert keys.main([str(tmp_path / "keys")]) == 0
    private, public = tmp_path / "keys" / "private.pem", tmp_path / "keys" / "public.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.read_text() == keys.public_key_of(private.read_text())


def test_keys_cli_keeps_existing_keys(tmp_path):
    keys.ensure_keys(tmp_path)
    before = (tmp_path / "private.pem").read_text()
    (tmp_path / "public.pem").unlink()
    keys.ensure_keys(tmp_path)
    assert (tmp_path / "private.pem").read_text() == before
    assert (tmp_path / "public.pem").read_text() == keys.public_key_of(before)


def test_keys_cli_needs_exactly_one_directory():
    assert keys.main([]) == 2


def test_settings_read_the_private_key_file_and_derive_the_public_key(tmp_path, monkeypatch):
    private, _public = keys.ensure_keys(tmp_path)
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(private))
    monkeypatch.delenv("JWT_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("JWT_PUBLIC_KEY_FILE", raising=False)
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "60")
    monkeypatch.setenv("CRM_URL", "http://crm.internal:8000/")
    settings = GatewaySettings.from_env("gateway", database_url="sqlite://")
    assert settings.jwt_public_key == keys.public_key_of(private.read_text())
    assert settings.access_token_ttl == 60 and settings.upstream_url("crm") == "http://crm.internal:8000"
    assert settings.upstream_url("booking") == "http://127.0.0.1:8101" and settings.upstream_timeout == 15.0
    user = User(id="u-1", email="a@b.example", name="A", role="biller", client_ids=[])
    principal = TokenVerifier(settings.jwt_public_key, settings.jwt_issuer, settings.jwt_audience).verify(
        access_token(user, settings))
    assert principal.user_id == "u-1" and principal.role == "biller"


def test_tokens_meant_to_outlive_what_services_accept_stop_the_gateway_at_start(monkeypatch):
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "7200")
    monkeypatch.delenv("ACCESS_TOKEN_MAX_TTL", raising=False)
    with pytest.raises(ValueError, match="ACCESS_TOKEN_MAX_TTL"):
        GatewaySettings.from_env("gateway", database_url="sqlite://")
    monkeypatch.setenv("ACCESS_TOKEN_MAX_TTL", "7200")
    assert GatewaySettings.from_env("gateway", database_url="sqlite://").access_token_ttl == 7200


def test_only_the_digest_of_a_token_is_kept():
    assert digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_passwords_are_argon2id_hashes():
    hashed = passwords.hash_password("a long password")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, "a long password") and not passwords.verify(hashed, "another one!")
    assert not passwords.verify("not a hash", "a long password")
