"""Payments API: partial and final payments, refusals with reasons, the events, and who may see what."""
import uuid

from sqlalchemy import func, select

from billing.models import Payment

from ..helpers import apply, issue, outbox_events, package_line, pay, quotation_signed, unbilled_item, uid


def invoice_of(client, db, tokens, unit_price="100.00"):
    client_id, _ = unbilled_item(db, unit_price=unit_price)
    return issue(client, tokens, client_id).json


def payment_count(db, invoice_id):
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Payment).where(Payment.invoice_id == invoice_id))


def test_a_partial_then_a_final_payment_settle_the_invoice_and_announce_it(client, db, tokens):
    invoice = invoice_of(client, db, tokens, "100.00")
    partial = pay(client, tokens, invoice["id"], "30.00", "cash")
    assert partial.status_code == 201
    assert (partial.json["status"], partial.json["paid"], partial.json["balance"]) == ("partially_paid", "30.00",
                                                                                       "70.00")
    assert partial.json["paid_at"] is None
    final = pay(client, tokens, invoice["id"], "70.00", "transfer", role="biller", reference="SEPA-42")
    assert final.status_code == 201
    assert (final.json["status"], final.json["balance"]) == ("paid", "0.00") and final.json["paid_at"]
    assert [(p["amount"], p["method"]) for p in final.json["payments"]] == [("30.00", "cash"), ("70.00", "transfer")]
    recorded = outbox_events(db, "payment.recorded", invoice_id=invoice["id"])
    assert [(e["data"]["amount"], e["data"]["balance"]) for e in recorded] == [("30.00", "70.00"), ("70.00", "0.00")]
    [paid] = outbox_events(db, "invoice.paid", invoice_id=invoice["id"])
    assert paid["data"]["total"] == "100.00" and paid["data"]["number"] == invoice["number"]
    assert [p["amount"] for p in paid["data"]["payments"]] == ["30.00", "70.00"]
    assert {p["payment_id"] for p in paid["data"]["payments"]} == {p["id"] for p in final.json["payments"]}


def test_a_payment_over_the_balance_is_409_and_records_nothing(client, db, tokens):
    invoice = invoice_of(client, db, tokens, "100.00")
    pay(client, tokens, invoice["id"], "60.00")
    resp = pay(client, tokens, invoice["id"], "60.00")
    assert resp.status_code == 409
    assert resp.json["detail"].startswith("The payment of 60.00 EUR exceeds the balance of 40.00 EUR")
    assert payment_count(db, invoice["id"]) == 1


def test_a_paid_invoice_takes_no_further_payment(client, db, tokens):
    invoice = invoice_of(client, db, tokens, "50.00")
    assert pay(client, tokens, invoice["id"], "50.00").json["status"] == "paid"
    resp = pay(client, tokens, invoice["id"], "0.01")
    assert resp.status_code == 409 and "already paid" in resp.json["detail"]


def test_bad_payments_name_their_fields(client, db, tokens):
    invoice = invoice_of(client, db, tokens)
    for amount in ("0", "-5.00", "1.234", "ten", None):
        resp = pay(client, tokens, invoice["id"], amount, "bitcoin")
        assert resp.status_code == 422 and set(resp.json["errors"]) == {"amount", "method"}, amount
    assert payment_count(db, invoice["id"]) == 0


def test_a_package_credit_payment_needs_prepaid_sessions_left(client, db, tokens):
    invoice = invoice_of(client, db, tokens, "80.00")
    refused = pay(client, tokens, invoice["id"], "80.00", "package_credit")
    assert refused.status_code == 409
    assert refused.json["detail"] == "This client has no prepaid package sessions left; choose another payment method."
    assert payment_count(db, invoice["id"]) == 0
    apply(db, quotation_signed(invoice["client_id"], [package_line(sessions=10)]))
    paid = pay(client, tokens, invoice["id"], "80.00", "package_credit")
    assert paid.status_code == 201 and paid.json["status"] == "paid"
    assert paid.json["payments"][0]["method"] == "package_credit"


def test_paying_an_unknown_invoice_is_404(client, tokens):
    assert pay(client, tokens, str(uuid.uuid4()), "10.00").status_code == 404


def test_a_retried_payment_with_the_same_key_is_recorded_once(client, db, tokens):
    invoice = invoice_of(client, db, tokens)
    headers = {**tokens.headers("biller", user_id=uid()), "Idempotency-Key": uid()}
    body = {"amount": "25.00", "method": "card"}
    first = client.post(f"/api/v1/invoices/{invoice['id']}/payments", json=body, headers=headers)
    second = client.post(f"/api/v1/invoices/{invoice['id']}/payments", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and second.json == first.json
    assert payment_count(db, invoice["id"]) == 1


def test_payments_are_listed_by_invoice_and_client(client, db, tokens):
    invoice = invoice_of(client, db, tokens)
    pay(client, tokens, invoice["id"], "10.00", "card", reference="POS-1")
    headers = tokens.headers("biller")
    [listed] = client.get(f"/api/v1/payments?invoice_id={invoice['id']}", headers=headers).json
    assert (listed["amount"], listed["method"], listed["reference"], listed["invoice_number"], listed["currency"]) == (
        "10.00", "card", "POS-1", invoice["number"], "EUR")
    by_client = client.get(f"/api/v1/payments?client_id={invoice['client_id']}", headers=headers).json
    assert [p["id"] for p in by_client] == [listed["id"]]
    assert client.get("/api/v1/payments?invoice_id=abc", headers=headers).status_code == 422


def test_a_family_sees_its_own_payments_but_cannot_record_one(client, db, tokens):
    mine, theirs = invoice_of(client, db, tokens), invoice_of(client, db, tokens)
    pay(client, tokens, mine["id"], "10.00")
    pay(client, tokens, theirs["id"], "10.00")
    family = tokens.headers("client", client_ids=[mine["client_id"]])
    assert {p["invoice_id"] for p in client.get("/api/v1/payments", headers=family).json} == {mine["id"]}
    assert client.get(f"/api/v1/payments?client_id={theirs['client_id']}", headers=family).status_code == 403
    resp = client.post(f"/api/v1/invoices/{mine['id']}/payments", json={"amount": "1.00", "method": "card"},
                       headers=family)
    assert resp.status_code == 403
    therapist = tokens.headers("therapist")
    assert pay(client, tokens, mine["id"], "1.00", role="therapist").status_code == 403
    assert client.post(f"/api/v1/invoices/{mine['id']}/payments", json={}).status_code == 401
    assert client.get("/api/v1/payments", headers=therapist).status_code == 403
