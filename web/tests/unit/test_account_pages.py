"""The QR code of two-factor set-up: inline SVG the page's Content-Security-Policy lets through, labelled."""
import re

import pytest
from flask import Flask

from web import i18n
from web.account import qr_code
from web.config import WebSettings


@pytest.fixture()
def app():
    settings = WebSettings(service="web", database_url="sqlite://", secret_key="test")
    app = Flask("web")
    app.extensions["web.settings"] = settings
    i18n.install(app, settings)
    return app


def test_the_qr_code_is_inline_svg_without_style_or_script_and_has_a_label(app):
    with app.test_request_context():
        svg = str(qr_code("otpauth://totp/Centre:maya%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Centre"))
    assert svg.startswith("<svg ") and 'role="img"' in svg and 'aria-labelledby="qr-title"' in svg
    assert re.search(r'<title id="qr-title">[^<]+</title>', svg)
    assert "style" not in svg and "<script" not in svg and "href" not in svg
