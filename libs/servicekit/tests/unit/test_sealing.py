"""Personal links sealed for the notifications service: only its private key opens them."""
import pytest

from servicekit import sealing
from servicekit.errors import ServiceUnavailable

LINK = "https://centre.example/q/3f2a?access_token=Qm9vWm9vWm9vWm9vWm9vWm9vWm9vWm9vWm9vWm9vWm9v"


@pytest.fixture(scope="module")
def keys():
    private = sealing.new_private_key()
    return private, sealing.public_key_of(private)


def test_a_sealed_link_opens_with_the_private_key_and_shows_nothing_of_the_link(keys):
    private, public = keys
    sealed = sealing.seal(LINK, public)
    assert sealed.startswith(sealing.PREFIX) and sealing.is_sealed(sealed)
    assert "access_token" not in sealed and "Qm9v" not in sealed and "centre.example" not in sealed
    assert sealing.unseal(sealed, private) == LINK
    assert sealing.seal(LINK, public) != sealed  # a fresh ephemeral key each time: equal links look different


def test_another_key_a_changed_byte_or_plain_text_cannot_be_opened(keys):
    private, public = keys
    sealed = sealing.seal(LINK, public)
    with pytest.raises(sealing.Unsealable):
        sealing.unseal(sealed, sealing.new_private_key())
    tampered = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    with pytest.raises(sealing.Unsealable):
        sealing.unseal(tampered, private)
    for value in (LINK, sealing.PREFIX + "!!!", sealing.PREFIX):
        with pytest.raises(sealing.Unsealable):
            sealing.unseal(value, private)
    with pytest.raises(sealing.Unsealable):
        sealing.unseal(sealed, None)


def test_a_producer_without_the_key_refuses_rather_than_sending_a_link_in_clear():
    with pytest.raises(ServiceUnavailable, match="LINK_SEALING_PUBLIC_KEY"):
        sealing.seal(LINK, None)


def test_keys_are_written_once_the_private_one_readable_by_its_owner_only(tmp_path):
    private, public = sealing.ensure_keys(tmp_path / "keys")
    first = private.read_text()
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert sealing.ensure_keys(tmp_path / "keys") == (private, public) and private.read_text() == first
    assert sealing.unseal(sealing.seal(LINK, public.read_text()), first) == LINK
