"""Invoices API: issuing from billable items, reading, the PDF, voiding, and every denial."""
import re
import uuid

from ..helpers import apply, client_created, issue, items, outbox_events, pdf_text, unbilled_item, uid

NUMBER = re.compile(r"^INV-\d{4}-\d{6}$")


def test_front_desk_invoices_every_unbilled_item_of_a_client(client, db, tokens):
    created = client_created(first="Léa", last="Dubois")
    apply(db, created)
    client_id = created.data["client_id"]
    unbilled_item(db, client_id, "60.00", quantity=2)
    unbilled_item(db, client_id, "45.50")
    resp = issue(client, tokens, client_id)
    assert resp.status_code == 201
    invoice = resp.json
    assert NUMBER.match(invoice["number"]) and invoice["status"] == "issued"
    assert invoice["client_name"] == "Léa Dubois" and invoice["currency"] == "EUR"
    assert [(l["quantity"], l["unit_price"], l["amount"]) for l in invoice["lines"]] == [
        (2, "60.00", "120.00"), (1, "45.50", "45.50")]
    assert (invoice["total"], invoice["paid"], invoice["balance"], invoice["payments"]) == (
        "165.50", "0.00", "165.50", [])
    assert {i["status"] for i in items(client, tokens, client_id)} == {"invoiced"}
    assert {i["invoice_id"] for i in items(client, tokens, client_id)} == {invoice["id"]}
    [issued] = outbox_events(db, "invoice.issued", invoice_id=invoice["id"])
    assert issued["data"]["number"] == invoice["number"] and issued["data"]["total"] == "165.50"


def test_chosen_items_are_invoiced_and_the_rest_stay_unbilled(client, db, tokens):
    client_id, _ = unbilled_item(db)
    unbilled_item(db, client_id, "80.00")
    first, second = items(client, tokens, client_id)
    resp = issue(client, tokens, client_id, [second["id"]], role="biller")
    assert resp.status_code == 201 and resp.json["total"] == "80.00"
    assert [i["id"] for i in items(client, tokens, client_id, "unbilled")] == [first["id"]]


def test_a_client_with_nothing_to_bill_gets_422_naming_client_id(client, tokens):
    resp = issue(client, tokens, uid())
    assert resp.status_code == 422 and resp.json["errors"] == {"client_id": ["no unbilled items for this client"]}


def test_bad_invoice_requests_name_their_fields(client, tokens):
    resp = client.post("/api/v1/invoices", json={"billable_item_ids": []}, headers=tokens.headers("biller"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"client_id", "billable_item_ids"}
    resp = client.post("/api/v1/invoices", json={"client_id": "x", "billable_item_ids": ["nope"]},
                       headers=tokens.headers("biller"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"client_id", "billable_item_ids.0"}


def test_unknown_or_other_clients_items_are_422_and_already_invoiced_items_409(client, db, tokens):
    client_id, _ = unbilled_item(db)
    other_id, _ = unbilled_item(db)
    [mine], [theirs] = items(client, tokens, client_id), items(client, tokens, other_id)
    unknown = issue(client, tokens, client_id, [str(uuid.uuid4())])
    assert unknown.status_code == 422 and "billable_item_ids" in unknown.json["errors"]
    foreign = issue(client, tokens, client_id, [theirs["id"]])
    assert foreign.status_code == 422 and "not billable to this client" in foreign.json["detail"]
    assert issue(client, tokens, client_id, [mine["id"]]).status_code == 201
    again = issue(client, tokens, client_id, [mine["id"]])
    assert again.status_code == 409 and "already invoiced" in again.json["detail"]


def test_a_retried_invoice_request_with_the_same_key_issues_one_invoice(client, db, tokens):
    client_id, _ = unbilled_item(db)
    headers = {"Idempotency-Key": uid()}
    user = tokens.headers("front_desk", user_id=uid())
    first = client.post("/api/v1/invoices", json={"client_id": client_id}, headers={**user, **headers})
    second = client.post("/api/v1/invoices", json={"client_id": client_id}, headers={**user, **headers})
    assert first.status_code == second.status_code == 201
    assert second.json["id"] == first.json["id"] and second.headers["Idempotent-Replayed"] == "true"
    assert len(outbox_events(db, "invoice.issued", client_id=client_id)) == 1


def test_invoices_are_listed_by_client_and_status_and_read_one_by_one(client, db, tokens):
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    headers = tokens.headers("biller")
    listed = client.get(f"/api/v1/invoices?client_id={client_id}&status=issued", headers=headers)
    assert [i["id"] for i in listed.json] == [invoice["id"]]
    assert client.get(f"/api/v1/invoices?client_id={client_id}&status=paid", headers=headers).json == []
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=headers).json["number"] == invoice["number"]
    bad = client.get("/api/v1/invoices?status=overdue&client_id=1", headers=headers)
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"status", "client_id"}


def test_invoices_are_listed_by_whether_money_is_still_owed(client, db, tokens):
    client_id, _ = unbilled_item(db, unit_price="100.00")
    unpaid = issue(client, tokens, client_id).json
    unbilled_item(db, client_id, "50.00")
    part = issue(client, tokens, client_id).json
    client.post(f"/api/v1/invoices/{part['id']}/payments", json={"amount": "20.00", "method": "cash"},
                headers=tokens.headers("biller"))
    unbilled_item(db, client_id, "30.00")
    settled = issue(client, tokens, client_id).json
    client.post(f"/api/v1/invoices/{settled['id']}/payments", json={"amount": "30.00", "method": "card"},
                headers=tokens.headers("biller"))
    unbilled_item(db, client_id, "10.00")
    voided = issue(client, tokens, client_id).json
    client.post(f"/api/v1/invoices/{voided['id']}/void", json={"reason": "typo"}, headers=tokens.headers("biller"))
    ids = lambda query: {i["id"] for i in client.get(  # noqa: E731
        f"/api/v1/invoices?client_id={client_id}&{query}", headers=tokens.headers("front_desk")).json}
    assert ids("has_balance=true") == {unpaid["id"], part["id"]}
    assert ids("has_balance=false") == {settled["id"], voided["id"]}
    assert ids("has_balance=true&status=partially_paid") == {part["id"]}
    assert ids("has_balance=true&status=paid") == set()
    bad = client.get("/api/v1/invoices?has_balance=maybe", headers=tokens.headers("biller"))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"has_balance"}


def test_unknown_invoice_is_404(client, tokens):
    headers = tokens.headers("biller")
    assert client.get(f"/api/v1/invoices/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get("/api/v1/invoices/not-a-uuid", headers=headers).status_code == 404
    assert client.get(f"/api/v1/invoices/{uuid.uuid4()}/pdf", headers=headers).status_code == 404


def test_the_invoice_pdf_carries_the_center_number_client_and_total(client, db, tokens, settings):
    client_id, _ = unbilled_item(db, unit_price="72.25")
    invoice = issue(client, tokens, client_id).json
    resp = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF-") and invoice["number"] in resp.headers["Content-Disposition"]
    text = pdf_text(resp.data)
    assert settings.center_name in text and invoice["number"] in text and "72.25 EUR" in text


def test_a_family_reads_its_own_invoices_and_pdf_but_not_another_familys(client, db, tokens):
    mine_id, _ = unbilled_item(db)
    theirs_id, _ = unbilled_item(db)
    mine, theirs = issue(client, tokens, mine_id).json, issue(client, tokens, theirs_id).json
    family = tokens.headers("client", client_ids=[mine_id])
    assert client.get(f"/api/v1/invoices/{mine['id']}", headers=family).status_code == 200
    assert client.get(f"/api/v1/invoices/{mine['id']}/pdf", headers=family).status_code == 200
    assert client.get(f"/api/v1/invoices/{theirs['id']}", headers=family).status_code == 403
    assert client.get(f"/api/v1/invoices/{theirs['id']}/pdf", headers=family).status_code == 403
    assert [i["id"] for i in client.get("/api/v1/invoices", headers=family).json] == [mine["id"]]
    assert client.get(f"/api/v1/invoices?client_id={theirs_id}", headers=family).status_code == 403


def test_families_and_therapists_cannot_issue_invoices_or_see_billable_items(client, db, tokens):
    client_id, _ = unbilled_item(db)
    family = tokens.headers("client", client_ids=[client_id])
    assert client.post("/api/v1/invoices", json={"client_id": client_id}, headers=family).status_code == 403
    assert client.get("/api/v1/billable-items", headers=family).status_code == 403
    therapist = tokens.headers("therapist", therapist_id=uid())
    for path in ("/api/v1/invoices", "/api/v1/billable-items", "/api/v1/payments", "/api/v1/credits"):
        resp = client.get(path, headers=therapist)
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json", path
    assert client.post("/api/v1/invoices", json={"client_id": client_id}, headers=therapist).status_code == 403


def test_anonymous_callers_get_401_everywhere(client):
    for path in ("/api/v1/invoices", "/api/v1/billable-items", "/api/v1/payments", "/api/v1/credits",
                 f"/api/v1/invoices/{uuid.uuid4()}", f"/api/v1/invoices/{uuid.uuid4()}/pdf"):
        assert client.get(path).status_code == 401, path
    assert client.post("/api/v1/invoices", json={"client_id": uid()}).status_code == 401
