"""Quotations API: drafting from the price list, reading, the PDF and sending the share link."""
import datetime as dt
import hashlib
import json
import re
import uuid

from sqlalchemy import update

from servicekit import sealing

from sales.models import Quotation

from ..helpers import (add_price, apply, client_event, drafted, known_family, outbox_events, pdf_text, sent,
                       stage_event, token_of, unique_code)


def post_quotation(client, tokens, opportunity_id, lines, role="front_desk", **headers):
    return client.post("/api/v1/quotations", json={"opportunity_id": opportunity_id, "lines": lines},
                       headers={**tokens.headers(role), **headers})


def test_front_desk_drafts_a_quotation_priced_from_the_price_list(client, db, tokens):
    family = known_family(db, first="Lina")
    code = unique_code()
    add_price(client, tokens, code, unit_price="60.00")
    package = add_price(client, tokens, code, kind="package", sessions=10, unit_price="500.00")
    resp = post_quotation(client, tokens, family["opportunity_id"], [
        {"service_code": code, "quantity": 2}, {"service_code": code, "quantity": 1, "price_item_id": package["id"]}])
    assert resp.status_code == 201
    q = resp.json
    assert re.fullmatch(r"Q-\d{4}-\d{6}", q["number"]) and q["status"] == "draft"
    assert (q["opportunity_id"], q["client_id"]) == (family["opportunity_id"], family["client_id"])
    assert q["client_name"] == f"Lina {family['client']['last_name']}"
    assert [(line["description"], line["quantity"], line["unit_price"], line["sessions"], line["amount"])
            for line in q["lines"]] == [
        ("Occupational Therapy — Single session", 2, "60.00", 2, "120.00"),
        ("Occupational Therapy — 10-session package", 1, "500.00", 10, "500.00")]
    assert (q["total"], q["currency"]) == ("620.00", "EUR")
    assert client.get(f"/api/v1/quotations/{q['id']}", headers=tokens.headers("admin")).json == q


def test_quotation_numbers_follow_each_other(client, db, tokens):
    first, second = drafted(client, db, tokens), drafted(client, db, tokens)
    n1, n2 = (int(d["quotation"]["number"].rsplit("-", 1)[1]) for d in (first, second))
    assert n2 == n1 + 1


def test_a_retried_create_with_the_same_idempotency_key_returns_the_first_quotation(client, db, tokens):
    family = known_family(db)
    code = unique_code()
    add_price(client, tokens, code)
    lines = [{"service_code": code, "quantity": 1}]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    user = str(uuid.uuid4())
    first = client.post("/api/v1/quotations", json={"opportunity_id": family["opportunity_id"], "lines": lines},
                        headers={**tokens.headers("front_desk", user_id=user), **key})
    again = client.post("/api/v1/quotations", json={"opportunity_id": family["opportunity_id"], "lines": lines},
                        headers={**tokens.headers("front_desk", user_id=user), **key})
    assert first.status_code == again.status_code == 201 and first.json["id"] == again.json["id"]
    listed = client.get(f"/api/v1/quotations?opportunity_id={family['opportunity_id']}",
                        headers=tokens.headers("front_desk"))
    assert len(listed.json) == 1


def test_an_opportunity_sales_has_not_heard_of_is_422_naming_it(client, tokens):
    resp = post_quotation(client, tokens, str(uuid.uuid4()), [{"service_code": "OT", "quantity": 1}])
    assert resp.status_code == 422 and "unknown opportunity" in resp.json["errors"]["opportunity_id"][0]


def test_a_won_or_lost_opportunity_cannot_be_quoted(client, db, tokens):
    for stage in ("won", "lost"):
        family = known_family(db, stage=stage)
        resp = post_quotation(client, tokens, family["opportunity_id"], [{"service_code": "OT", "quantity": 1}])
        assert resp.status_code == 409 and f"already {stage}" in resp.json["detail"]


def test_lines_without_a_usable_price_name_the_line_and_field(client, db, tokens):
    family = known_family(db)
    code, other = unique_code(), unique_code()
    retired = add_price(client, tokens, code, kind="package", sessions=5)
    client.patch(f"/api/v1/price-list/{retired['id']}", json={"active": False}, headers=tokens.headers("admin"))
    foreign = add_price(client, tokens, other)
    opp = family["opportunity_id"]
    resp = post_quotation(client, tokens, opp, [{"service_code": code, "quantity": 1}])
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"lines.0.service_code"}
    for bad_id in (retired["id"], foreign["id"], str(uuid.uuid4())):
        resp = post_quotation(client, tokens, opp, [{"service_code": other, "quantity": 1},
                                                    {"service_code": code, "quantity": 1, "price_item_id": bad_id}])
        assert resp.status_code == 422 and set(resp.json["errors"]) == {"lines.1.price_item_id"}, bad_id
    assert client.get(f"/api/v1/quotations?opportunity_id={opp}", headers=tokens.headers("front_desk")).json == []


def test_malformed_quotation_requests_are_422(client, tokens):
    resp = post_quotation(client, tokens, "nope", [])
    assert resp.status_code == 422 and {"opportunity_id", "lines"} <= set(resp.json["errors"])
    resp = post_quotation(client, tokens, str(uuid.uuid4()), [{"service_code": "OT", "quantity": 0},
                                                              {"quantity": 101, "price_item_id": "x"}])
    assert resp.status_code == 422
    assert {"lines.0.quantity", "lines.1.quantity", "lines.1.service_code", "lines.1.price_item_id"} <= set(
        resp.json["errors"])


def test_only_the_front_desk_drafts_and_sends(client, db, tokens):
    draft = drafted(client, db, tokens)
    for role in ("therapist", "biller", "client"):
        resp = post_quotation(client, tokens, draft["opportunity_id"], [{"service_code": "OT", "quantity": 1}], role)
        assert resp.status_code == 403, role
        assert client.post(f"/api/v1/quotations/{draft['id']}/send", headers=tokens.headers(role)).status_code == 403
    assert client.post("/api/v1/quotations", json={}).status_code == 401
    assert client.post(f"/api/v1/quotations/{draft['id']}/send").status_code == 401


def test_reading_quotations_needs_the_front_desk_the_family_or_the_link(client, db, tokens):
    draft = drafted(client, db, tokens)
    qid = draft["id"]
    assert client.get("/api/v1/quotations").status_code == 401
    assert client.get(f"/api/v1/quotations/{qid}").status_code == 401
    assert client.get(f"/api/v1/quotations/{qid}/pdf").status_code == 401
    for role in ("therapist", "biller"):
        assert client.get("/api/v1/quotations", headers=tokens.headers(role)).status_code == 403
        assert client.get(f"/api/v1/quotations/{qid}", headers=tokens.headers(role)).status_code == 403
    other_family = tokens.headers("client", client_ids=[str(uuid.uuid4())])
    assert client.get(f"/api/v1/quotations/{qid}", headers=other_family).status_code == 403
    assert client.get(f"/api/v1/quotations/{qid}/pdf", headers=other_family).status_code == 403
    family = tokens.headers("client", client_ids=[draft["client_id"]])
    assert client.get(f"/api/v1/quotations/{qid}", headers=family).json["id"] == qid


def test_a_family_lists_only_its_own_quotations(client, db, tokens):
    mine, theirs = drafted(client, db, tokens), drafted(client, db, tokens)
    family = tokens.headers("client", client_ids=[mine["client_id"]])
    assert [q["id"] for q in client.get("/api/v1/quotations", headers=family).json] == [mine["id"]]
    assert client.get(f"/api/v1/quotations?client_id={theirs['client_id']}", headers=family).json == []
    staff = client.get(f"/api/v1/quotations?client_id={theirs['client_id']}&status=draft",
                       headers=tokens.headers("front_desk"))
    assert [q["id"] for q in staff.json] == [theirs["id"]]
    assert client.get("/api/v1/quotations?status=maybe", headers=tokens.headers("front_desk")).status_code == 422


def test_an_unknown_quotation_is_404(client, tokens):
    headers = tokens.headers("front_desk")
    assert client.get(f"/api/v1/quotations/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get("/api/v1/quotations/123", headers=headers).status_code == 404
    assert client.post(f"/api/v1/quotations/{uuid.uuid4()}/send", headers=headers).status_code == 404


def test_a_draft_pdf_is_rendered_on_request_and_marked_draft(client, db, tokens):
    draft = drafted(client, db, tokens, quantity=3)
    resp = client.get(f"/api/v1/quotations/{draft['id']}/pdf", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    text = pdf_text(resp.data)
    assert f"DRAFT quotation {draft['quotation']['number']}" in text and "180.00 EUR" in text
    assert draft["quotation"]["number"] in resp.headers["Content-Disposition"]


def test_sending_freezes_the_document_opens_a_share_link_and_announces_it(client, db, tokens, settings, sealing_keys):
    flow = sent(client, db, tokens)
    body, token = flow["sent"], flow["token"]
    assert body["status"] == "sent"
    assert body["share_url"] == f"{settings.public_base_url}/q/{flow['id']}?access_token={token}"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - dt.datetime.fromisoformat(body["sent_at"]) - dt.timedelta(days=14)) < dt.timedelta(seconds=1)
    pdf = client.get(f"/api/v1/quotations/{flow['id']}/pdf?access_token={token}")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == body["document_sha256"]
    assert f"Quotation {body['number']}" in pdf_text(pdf.data) and "valid until" in pdf_text(pdf.data)
    with db.transaction() as s:
        row = s.get(Quotation, flow["id"])
        assert row.share_token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.document_pdf == pdf.data
        assert token not in {str(getattr(row, c.key)) for c in Quotation.__table__.columns if c.key != "document_pdf"}
    [event] = outbox_events(db, "quotation.sent", quotation_id=flow["id"])
    guardian = flow["client"]["guardians"][0]
    # The outbox row (and so the broker) holds the link sealed: only the notifications service's key opens it.
    sealed = event["data"].pop("share_url")
    assert token not in json.dumps(event) and sealing.unseal(sealed, sealing_keys[0]) == body["share_url"]
    assert event["data"] == {
        "quotation_id": flow["id"], "number": body["number"], "opportunity_id": flow["opportunity_id"],
        "client_id": flow["client_id"], "client_name": body["client_name"],
        "recipient_name": f"{guardian['first_name']} {guardian['last_name']}", "recipient_email": guardian["email"],
        "expires_at": body["expires_at"], "total": "60.00", "currency": "EUR"}
    assert "share_url" not in client.get(f"/api/v1/quotations/{flow['id']}", headers=tokens.headers("front_desk")).json


def test_sending_before_the_client_details_arrived_is_a_conflict_then_works(client, db, tokens):
    draft = drafted(client, db, tokens, with_client=False)
    assert draft["quotation"]["client_name"] is None
    resp = client.post(f"/api/v1/quotations/{draft['id']}/send", headers=tokens.headers("front_desk"))
    assert resp.status_code == 409 and "client details not received yet" in resp.json["detail"].lower()
    assert outbox_events(db, "quotation.sent", quotation_id=draft["id"]) == []
    apply(db, client_event(client_id=draft["client_id"], first="Late"))
    resp = client.post(f"/api/v1/quotations/{draft['id']}/send", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.json["client_name"].startswith("Late ")


def test_a_client_without_a_guardian_e_mail_cannot_be_sent_a_quotation(client, db, tokens):
    draft = drafted(client, db, tokens, guardians=[])
    resp = client.post(f"/api/v1/quotations/{draft['id']}/send", headers=tokens.headers("front_desk"))
    assert resp.status_code == 409 and "e-mail" in resp.json["detail"]


def test_re_sending_replaces_the_link_and_the_old_one_stops_working(client, db, tokens):
    flow = sent(client, db, tokens)
    again = client.post(f"/api/v1/quotations/{flow['id']}/send", headers=tokens.headers("front_desk"))
    assert again.status_code == 200
    new_token = token_of(again.json["share_url"])
    assert new_token != flow["token"]
    assert client.get(f"/api/v1/quotations/{flow['id']}?access_token={flow['token']}").status_code == 401
    assert client.get(f"/api/v1/quotations/{flow['id']}?access_token={new_token}").status_code == 200
    assert len(outbox_events(db, "quotation.sent", quotation_id=flow["id"])) == 2


def test_a_drafts_client_name_follows_the_crm_but_a_sent_one_keeps_its_name(client, db, tokens):
    draft, sent_one = drafted(client, db, tokens), sent(client, db, tokens)
    for flow in (draft, sent_one):
        apply(db, client_event("client.updated", client_id=flow["client_id"], first="Renamed",
                               last=flow["client"]["last_name"]))
    headers = tokens.headers("front_desk")
    assert client.get(f"/api/v1/quotations/{draft['id']}", headers=headers).json["client_name"].startswith("Renamed")
    assert client.get(f"/api/v1/quotations/{sent_one['id']}", headers=headers).json["client_name"].startswith("Lina")


def test_a_price_change_does_not_touch_quotations_already_drafted(client, db, tokens):
    draft = drafted(client, db, tokens)
    [item] = client.get(f"/api/v1/price-list?service_code={draft['service_code']}").json
    client.patch(f"/api/v1/price-list/{item['id']}", json={"unit_price": "99.00"}, headers=tokens.headers("admin"))
    again = client.get(f"/api/v1/quotations/{draft['id']}", headers=tokens.headers("front_desk")).json
    assert again["total"] == "60.00" and again["lines"][0]["unit_price"] == "60.00"


def test_expired_link_is_gone_but_staff_still_read_the_quotation(client, db, tokens):
    flow = sent(client, db, tokens)
    with db.transaction() as s:
        s.execute(update(Quotation).where(Quotation.id == flow["id"])
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))
    resp = client.get(f"/api/v1/quotations/{flow['id']}?access_token={flow['token']}")
    assert resp.status_code == 410 and "ask the center to send the quotation again" in resp.json["detail"]
    assert client.get(f"/api/v1/quotations/{flow['id']}", headers=tokens.headers("front_desk")).status_code == 200


def test_a_link_opens_only_its_own_quotation(client, db, tokens):
    one, two = sent(client, db, tokens), sent(client, db, tokens)
    assert client.get(f"/api/v1/quotations/{one['id']}?access_token={two['token']}").status_code == 403
    assert client.get(f"/api/v1/quotations/{one['id']}/pdf?access_token={two['token']}").status_code == 403
    assert client.get(f"/api/v1/quotations/{one['id']}?access_token=forged").status_code == 401
    assert client.get(f"/api/v1/quotations/{one['id']}?access_token={one['token']}").json["id"] == one["id"]


def test_an_opportunity_heard_of_later_can_then_be_quoted(client, db, tokens):
    code = unique_code()
    add_price(client, tokens, code)
    opp = stage_event()
    resp = post_quotation(client, tokens, opp.data["opportunity_id"], [{"service_code": code, "quantity": 1}])
    assert resp.status_code == 422
    apply(db, opp)
    resp = post_quotation(client, tokens, opp.data["opportunity_id"], [{"service_code": code, "quantity": 1}])
    assert resp.status_code == 201 and resp.json["client_name"] is None
