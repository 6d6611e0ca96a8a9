"""Voiding an invoice: only a biller, only without payments; the number stays taken, the items return."""
import uuid

from ..helpers import issue, items, pay, unbilled_item


def void(client, tokens, invoice_id, role="biller", reason="issued to the wrong family"):
    return client.post(f"/api/v1/invoices/{invoice_id}/void", json={"reason": reason}, headers=tokens.headers(role))


def test_a_voided_invoice_keeps_its_number_and_its_items_can_be_invoiced_again(client, db, tokens):
    client_id, _ = unbilled_item(db, unit_price="90.00")
    first = issue(client, tokens, client_id).json
    resp = void(client, tokens, first["id"])
    assert resp.status_code == 200
    assert (resp.json["status"], resp.json["number"], resp.json["balance"]) == ("void", first["number"], "0.00")
    assert resp.json["void_reason"] == "issued to the wrong family" and resp.json["voided_at"]
    assert [i["status"] for i in items(client, tokens, client_id)] == ["unbilled"]
    second = issue(client, tokens, client_id).json
    assert second["number"] > first["number"] and second["total"] == "90.00"


def test_an_invoice_with_payments_or_already_void_cannot_be_voided(client, db, tokens):
    paid_client, _ = unbilled_item(db)
    with_payment = issue(client, tokens, paid_client).json
    pay(client, tokens, with_payment["id"], "10.00")
    resp = void(client, tokens, with_payment["id"])
    assert resp.status_code == 409 and "payments" in resp.json["detail"]
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    void(client, tokens, invoice["id"])
    assert void(client, tokens, invoice["id"]).status_code == 409
    refused = pay(client, tokens, invoice["id"], "1.00")
    assert refused.status_code == 409 and "void" in refused.json["detail"]


def test_only_billers_void_and_a_reason_is_required(client, db, tokens):
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    for role in ("front_desk", "therapist", "client"):
        assert void(client, tokens, invoice["id"], role=role).status_code == 403, role
    missing = client.post(f"/api/v1/invoices/{invoice['id']}/void", json={}, headers=tokens.headers("biller"))
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"reason"}
    assert void(client, tokens, str(uuid.uuid4())).status_code == 404
    assert void(client, tokens, invoice["id"], role="admin").status_code == 200
