"""What documents print about the centre: its letterhead lines, and the logo carried by `center.updated`."""
import base64

import pytest

from servicekit.center import Center, decode_logo
from servicekit.messaging import PoisonMessage


def test_the_letterhead_lists_the_address_lines_then_contact_then_legal_numbers():
    centre = Center(name="Les Petits Pas", timezone="Europe/Paris", address="12 rue des Lilas\n\n  69003 Lyon ",
                    phone="04 72 00 00 00", email="accueil@petitspas.example", registration_number="SIRET 123",
                    vat_number="FR12")
    assert centre.letterhead_lines == ["12 rue des Lilas", "69003 Lyon",
                                       "Phone 04 72 00 00 00 · accueil@petitspas.example",
                                       "Registration no. SIRET 123 · VAT no. FR12"]


def test_a_centre_with_a_name_alone_prints_nothing_under_it():
    assert Center(name="Sunny Steps", timezone="Europe/Paris").letterhead_lines == []
    assert Center(name="S", timezone="UTC", email="a@b.example").contact_line == "a@b.example"


def test_the_logo_of_an_event_is_decoded_and_a_garbled_one_is_poison():
    assert decode_logo(None) == (None, None)
    data = base64.b64encode(b"\x89PNG...").decode()
    assert decode_logo({"content_type": "image/png", "data": data}) == (b"\x89PNG...", "image/png")
    with pytest.raises(PoisonMessage):
        decode_logo({"content_type": "image/png", "data": "not base64!"})
