"""Balances API: what a whole page of clients still owes, in one call, for the front desk and the biller only."""
from ..helpers import issue, pay, unbilled_item, uid


def balances(client, tokens, client_ids, role="front_desk"):
    query = "&".join(f"client_id={client_id}" for client_id in client_ids)
    return client.get(f"/api/v1/invoices/balances?{query}", headers=tokens.headers(role))


def test_each_client_asked_gets_its_open_balance_in_the_order_asked(client, db, tokens):
    owing, _ = unbilled_item(db, unit_price="80.00")
    unbilled_item(db, owing, "45.50")
    settled, _ = unbilled_item(db, unit_price="60.00")
    partly, _ = unbilled_item(db, unit_price="100.00")
    unknown = uid()
    issue(client, tokens, owing)
    pay(client, tokens, issue(client, tokens, settled).json["id"], "60.00")
    pay(client, tokens, issue(client, tokens, partly).json["id"], "30.00")
    resp = balances(client, tokens, [unknown, owing, settled, partly], role="biller")
    assert resp.status_code == 200
    assert [(row["client_id"], row["balance"], row["currency"], row["open_invoices"]) for row in resp.json] == [
        (unknown, "0.00", "EUR", 0), (owing, "125.50", "EUR", 1), (settled, "0.00", "EUR", 0),
        (partly, "70.00", "EUR", 1)]


def test_a_void_invoice_owes_nothing(client, db, tokens):
    client_id, _ = unbilled_item(db, unit_price="90.00")
    invoice = issue(client, tokens, client_id).json
    voided = client.post(f"/api/v1/invoices/{invoice['id']}/void", json={"reason": "issued twice"},
                         headers=tokens.headers("biller"))
    assert voided.status_code == 200
    [row] = balances(client, tokens, [client_id]).json
    assert (row["balance"], row["open_invoices"]) == ("0.00", 0)


def test_balances_need_at_least_one_valid_client_id(client, tokens):
    assert balances(client, tokens, []).status_code == 422
    bad = balances(client, tokens, ["nope"])
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"client_id.0"}


def test_only_the_front_desk_and_the_biller_read_balances(client, tokens):
    for role in ("therapist", "client"):
        assert balances(client, tokens, [uid()], role=role).status_code == 403, role
    assert client.get(f"/api/v1/invoices/balances?client_id={uid()}").status_code == 401
    assert balances(client, tokens, [uid()], role="admin").status_code == 200
