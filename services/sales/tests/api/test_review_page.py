"""The family's review page at /q/<id>: the quotation, its PDF link and the sign form, or a friendly refusal."""
import datetime as dt
import uuid

from sqlalchemy import update

from sales.models import Quotation

from ..helpers import sent


def page(client, flow, token):
    return client.get(f"/q/{flow['id']}?access_token={token}")


def test_the_link_opens_a_page_with_the_quotation_the_pdf_and_the_sign_form(client, db, tokens, settings):
    flow = sent(client, db, tokens)
    resp = page(client, flow, flow["token"])
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    for expected in (settings.center_name, flow["sent"]["number"], flow["sent"]["client_name"],
                     "Occupational Therapy — Single session", "60.00 EUR",
                     f'href="/api/v1/quotations/{flow["id"]}/pdf?access_token={flow["token"]}"',
                     f'"/api/v1/quotations/{flow["id"]}/sign?access_token={flow["token"]}"',
                     'id="signer_name"', 'id="consent"', 'aria-live="polite"'):
        assert expected in html, expected
    assert resp.headers["Referrer-Policy"] == "no-referrer" and resp.headers["Cache-Control"] == "no-store"
    nonce = resp.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html


def test_names_are_escaped_on_the_page(client, db, tokens):
    flow = sent(client, db, tokens, first="<script>alert(1)</script>")
    html = page(client, flow, flow["token"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_signed_quotation_shows_who_signed_instead_of_the_form(client, db, tokens):
    flow = sent(client, db, tokens)
    client.post(f"/api/v1/quotations/{flow['id']}/sign?access_token={flow['token']}",
                json={"signer_name": "Maya Parent", "signature": "Maya Parent"})
    html = page(client, flow, flow["token"]).get_data(as_text=True)
    assert "Signed by Maya Parent" in html and 'id="sign-form"' not in html


def test_an_expired_link_shows_a_friendly_410_page(client, db, tokens):
    flow = sent(client, db, tokens)
    with db.transaction() as s:
        s.execute(update(Quotation).where(Quotation.id == flow["id"])
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    resp = page(client, flow, flow["token"])
    assert resp.status_code == 410 and resp.mimetype == "text/html"
    assert "This link has expired" in resp.get_data(as_text=True)


def test_a_wrong_missing_or_foreign_token_shows_a_friendly_403_page(client, db, tokens):
    flow, other = sent(client, db, tokens), sent(client, db, tokens)
    for token in ("forged", other["token"], ""):
        resp = page(client, flow, token)
        assert resp.status_code == 403 and resp.mimetype == "text/html", token
        assert "This link cannot be opened" in resp.get_data(as_text=True)
    assert client.get(f"/q/{uuid.uuid4()}?access_token={flow['token']}").status_code == 404
