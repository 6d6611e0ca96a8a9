"""The centre's logo is shown from this origin, whatever public address the gateway gives it."""
from web.staff.settings.center import logo_src


def test_the_logo_is_linked_on_this_origin_with_its_fingerprint():
    center = {"logo_url": "https://centre.example/api/v1/center/logo?v=0123abcd"}
    assert logo_src(center) == "/api/v1/center/logo?v=0123abcd"


def test_no_logo_no_image():
    assert logo_src({"logo_url": None}) is None and logo_src({}) is None
