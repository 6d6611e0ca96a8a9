"""Invoice share links: the PDF link in invoice.issued opens that invoice only, until it expires."""
import datetime as dt
from urllib.parse import parse_qs, urlparse

from sqlalchemy import update

from servicekit import sealing

from billing.models import Invoice
from billing.sharing import hash_token

from ..helpers import issue, outbox_events, unbilled_item


def issued_with_link(client, db, tokens, sealing_keys):
    """An invoice, its invoice.issued event (the PDF link opened) and the token of its PDF link."""
    client_id, _ = unbilled_item(db, unit_price="45.50")
    invoice = issue(client, tokens, client_id).json
    [event] = outbox_events(db, "invoice.issued", invoice_id=invoice["id"])
    sealed = event["data"]["pdf_url"]
    event["data"]["pdf_url"] = sealing.unseal(sealed, sealing_keys[0])
    token = parse_qs(urlparse(event["data"]["pdf_url"]).query)["access_token"][0]
    assert token not in sealed  # the outbox row and the broker hold the link sealed (servicekit.sealing)
    return invoice, event, token


def test_invoice_issued_carries_a_pdf_link_besides_every_earlier_field(client, db, tokens, settings, sealing_keys):
    invoice, event, token = issued_with_link(client, db, tokens, sealing_keys)
    data = event["data"]
    assert set(data) == {"invoice_id", "number", "client_id", "total", "currency", "issued_at", "pdf_url"}
    assert (data["number"], data["total"], data["currency"]) == (invoice["number"], "45.50", "EUR")
    assert data["pdf_url"] == (f"{settings.public_base_url}/api/v1/invoices/{invoice['id']}/pdf"
                               f"?access_token={token}")
    with db.transaction() as s:
        stored = s.get(Invoice, invoice["id"])
        assert stored.share_token_hash == hash_token(token) and token not in stored.share_token_hash
        days = (stored.link_expires_at - stored.issued_at).days
    assert days == settings.invoice_link_days == 60


def test_the_link_opens_the_pdf_without_an_account(client, db, tokens, sealing_keys):
    invoice, _, token = issued_with_link(client, db, tokens, sealing_keys)
    resp = client.get(f"/api/v1/invoices/{invoice['id']}/pdf?access_token={token}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF-")
    assert resp.headers["Cache-Control"] == "private, no-store"  # security review: never cached on the way


def test_an_expired_link_is_410(client, db, tokens, sealing_keys):
    invoice, _, token = issued_with_link(client, db, tokens, sealing_keys)
    with db.transaction() as s:
        s.execute(update(Invoice).where(Invoice.id == invoice["id"])
                  .values(link_expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    resp = client.get(f"/api/v1/invoices/{invoice['id']}/pdf?access_token={token}")
    assert resp.status_code == 410 and "expired" in resp.json["detail"]


def test_a_link_of_another_invoice_is_403_and_a_made_up_one_401(client, db, tokens, sealing_keys):
    mine, _, _ = issued_with_link(client, db, tokens, sealing_keys)
    _, _, other_token = issued_with_link(client, db, tokens, sealing_keys)
    other = client.get(f"/api/v1/invoices/{mine['id']}/pdf?access_token={other_token}")
    assert other.status_code == 403 and "another invoice" in other.json["detail"]
    assert client.get(f"/api/v1/invoices/{mine['id']}/pdf?access_token=made-up").status_code == 401


def test_the_link_opens_only_the_pdf_not_the_invoice_record(client, db, tokens, sealing_keys):
    invoice, _, token = issued_with_link(client, db, tokens, sealing_keys)
    assert client.get(f"/api/v1/invoices/{invoice['id']}?access_token={token}").status_code == 401


def test_a_therapist_without_a_link_may_not_read_an_invoice_pdf(client, db, tokens, sealing_keys):
    invoice, _, _ = issued_with_link(client, db, tokens, sealing_keys)
    resp = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=tokens.headers("therapist"))
    assert resp.status_code == 403
