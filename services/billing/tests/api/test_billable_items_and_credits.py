"""Billable items and package credits as the front desk, the biller and a family see them."""
from ..helpers import apply, client_created, package_line, quotation_signed, task_completed, unbilled_item, uid


def test_billable_items_list_shows_price_amount_and_origin(client, db, tokens):
    client_id, task_id = unbilled_item(db, unit_price="55.00", quantity=3)
    [item] = client.get(f"/api/v1/billable-items?client_id={client_id}", headers=tokens.headers("front_desk")).json
    assert (item["unit_price"], item["amount"], item["currency"], item["quantity"]) == ("55.00", "165.00", "EUR", 3)
    assert (item["source"], item["task_id"], item["status"], item["invoice_id"]) == ("task", task_id, "unbilled", None)
    assert item["client_name"] == "Lina Test"  # the name task.completed carried, until crm's event arrives


def test_billable_items_carry_the_client_name_crm_announced(client, db, tokens):
    created = client_created(first="Noé", last="Martin")
    apply(db, created)
    client_id, _ = unbilled_item(db, created.data["client_id"])
    listed = client.get(f"/api/v1/billable-items?client_id={client_id}", headers=tokens.headers("biller")).json
    assert [i["client_name"] for i in listed] == ["Noé Martin"]


def test_billable_items_filter_by_status_and_page_through(client, db, tokens):
    client_id, _ = unbilled_item(db)
    for _ in range(2):
        unbilled_item(db, client_id)
    headers = tokens.headers("biller")
    first = client.get(f"/api/v1/billable-items?client_id={client_id}&status=unbilled&limit=2", headers=headers)
    assert len(first.json) == 2 and first.headers["X-Next-Cursor"]
    rest = client.get(f"/api/v1/billable-items?client_id={client_id}&status=unbilled&limit=2"
                      f"&cursor={first.headers['X-Next-Cursor']}", headers=headers)
    assert len(rest.json) == 1
    assert client.get(f"/api/v1/billable-items?client_id={client_id}&status=invoiced", headers=headers).json == []
    bad = client.get("/api/v1/billable-items?status=lost&client_id=7", headers=headers)
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"status", "client_id"}


def test_credits_show_sessions_used_and_left_and_a_family_sees_only_its_own(client, db, tokens):
    client_id = uid()
    signed = quotation_signed(client_id, [package_line(sessions=10)])
    apply(db, signed)
    line_id = signed.data["lines"][0]["line_id"]
    apply(db, task_completed(client_id, package_credit={
        "quotation_id": signed.data["quotation_id"], "quotation_line_id": line_id, "sessions": 3}))
    other_id = uid()
    apply(db, quotation_signed(other_id, [package_line()]))
    [credit] = client.get(f"/api/v1/credits?client_id={client_id}", headers=tokens.headers("biller")).json
    assert (credit["sessions_total"], credit["sessions_used"], credit["sessions_left"]) == (10, 3, 7)
    assert credit["quotation_id"] == signed.data["quotation_id"] and credit["service_code"] == "OT"
    family = tokens.headers("client", client_ids=[client_id])
    assert [c["id"] for c in client.get("/api/v1/credits", headers=family).json] == [credit["id"]]
    assert client.get(f"/api/v1/credits?client_id={other_id}", headers=family).status_code == 403
    assert client.get("/api/v1/credits?client_id=nope", headers=family).status_code == 422
