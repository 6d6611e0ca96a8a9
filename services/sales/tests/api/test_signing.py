"""Signing and declining: the family's answer, its evidence, every refusal, and concurrent signatures."""
import datetime as dt
import hashlib
import threading
import uuid

from sqlalchemy import update

from sales.models import Quotation

from ..helpers import apply, drafted, outbox_events, pdf_text, sent, stage_event, token_of

SIGNATURE = {"signer_name": "Maya Parent", "signature": "Maya Parent"}


def sign(client, flow, token=None, body=None, **kw):
    query = f"?access_token={token}" if token else ""
    return client.post(f"/api/v1/quotations/{flow['id']}/sign{query}", json=body or SIGNATURE, **kw)


def test_the_family_signs_through_the_link_and_the_evidence_is_kept(client, db, tokens):
    flow = sent(client, db, tokens)
    sent_pdf = client.get(f"/api/v1/quotations/{flow['id']}/pdf?access_token={flow['token']}").data
    resp = sign(client, flow, flow["token"], {"signer_name": " Maya Parent ", "signature": "Maya P."},
                headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.5",  # forged, family, ingress
                         "User-Agent": "FamilyBrowser/1.0"},
                environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert resp.status_code == 200
    assert resp.json["status"] == "signed" and resp.json["signer_name"] == "Maya Parent"
    assert resp.json["document_sha256"] == hashlib.sha256(sent_pdf).hexdigest() == flow["sent"]["document_sha256"]
    with db.transaction() as s:
        row = s.get(Quotation, flow["id"])
        assert (row.signer_ip, row.signer_user_agent, row.signature) == ("203.0.113.9", "FamilyBrowser/1.0", "Maya P.")
        assert row.signed_document_sha256 == hashlib.sha256(sent_pdf).hexdigest()
        assert row.signed_at == dt.datetime.fromisoformat(resp.json["signed_at"])
    [event] = outbox_events(db, "quotation.signed", quotation_id=flow["id"])
    data = event["data"]
    assert data["lines"] == [{"line_id": flow["quotation"]["lines"][0]["id"], "service_code": flow["service_code"],
                              "service_name": "Occupational Therapy",
                              "description": "Occupational Therapy — Single session", "kind": "single",
                              "quantity": 1, "unit_price": "60.00", "sessions": 1}]
    assert (data["total"], data["currency"], data["signer_name"]) == ("60.00", "EUR", "Maya Parent")
    assert (data["number"], data["opportunity_id"], data["client_id"]) == (
        flow["sent"]["number"], flow["opportunity_id"], flow["client_id"])
    assert data["signed_at"] == resp.json["signed_at"]


def test_the_signed_pdf_is_the_sent_quotation_plus_the_signature_block(client, db, tokens):
    flow = sent(client, db, tokens)
    sign(client, flow, flow["token"], headers={"X-Forwarded-For": "198.51.100.4"})
    resp = client.get(f"/api/v1/quotations/{flow['id']}/pdf", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert "signed" in resp.headers["Content-Disposition"]
    text = pdf_text(resp.data)
    for expected in (f"Quotation {flow['sent']['number']}", "60.00 EUR", "Signed by: Maya Parent",
                     "Signer IP address: 198.51.100.4", flow["sent"]["document_sha256"]):
        assert expected in text, expected


def test_a_portal_login_of_the_family_signs_without_the_link(client, db, tokens):
    flow = sent(client, db, tokens)
    resp = sign(client, flow, headers=tokens.headers("client", client_ids=[flow["client_id"]]))
    assert resp.status_code == 200 and resp.json["status"] == "signed"


def test_signing_refusals_without_a_right_to_sign(client, db, tokens):
    flow, other = sent(client, db, tokens), sent(client, db, tokens)
    assert sign(client, flow).status_code == 401
    assert sign(client, flow, "not-the-token").status_code == 401
    assert sign(client, flow, other["token"]).status_code == 403
    assert sign(client, flow, headers=tokens.headers("front_desk")).status_code == 403
    assert sign(client, flow, headers=tokens.headers("client", client_ids=[other["client_id"]])).status_code == 403
    with db.transaction() as s:
        assert s.get(Quotation, flow["id"]).status == "sent"
    assert outbox_events(db, "quotation.signed", quotation_id=flow["id"]) == []


def test_an_expired_link_is_gone(client, db, tokens):
    flow = sent(client, db, tokens)
    with db.transaction() as s:
        s.execute(update(Quotation).where(Quotation.id == flow["id"])
                  .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    resp = sign(client, flow, flow["token"])
    assert resp.status_code == 410
    assert resp.json["detail"] == "This link has expired; ask the center to send the quotation again."
    portal = sign(client, flow, headers=tokens.headers("client", client_ids=[flow["client_id"]]))
    assert portal.status_code == 410


def test_a_draft_cannot_be_signed(client, db, tokens):
    draft = drafted(client, db, tokens)
    resp = sign(client, draft, headers=tokens.headers("client", client_ids=[draft["client_id"]]))
    assert resp.status_code == 409 and "Only a sent quotation can be signed" in resp.json["detail"]


def test_signing_twice_is_a_conflict_and_sending_a_signed_quotation_too(client, db, tokens):
    flow = sent(client, db, tokens)
    assert sign(client, flow, flow["token"]).status_code == 200
    again = sign(client, flow, flow["token"])
    assert again.status_code == 409 and "already signed" in again.json["detail"]
    resend = client.post(f"/api/v1/quotations/{flow['id']}/send", headers=tokens.headers("front_desk"))
    assert resend.status_code == 409
    assert len(outbox_events(db, "quotation.signed", quotation_id=flow["id"])) == 1


def test_signature_fields_are_validated(client, db, tokens):
    flow = sent(client, db, tokens)
    resp = sign(client, flow, flow["token"], {"signer_name": "  ", "signature": "x" * 200_001})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"signer_name", "signature"}
    resp = sign(client, flow, flow["token"], {"signer_name": "x" * 201})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"signer_name", "signature"}
    drawn = "data:image/png;base64," + "A" * 150_000
    assert sign(client, flow, flow["token"], {"signer_name": "Maya", "signature": drawn}).status_code == 200


def test_two_concurrent_signatures_give_exactly_one_success(app, db, tokens):
    flow = sent(app.test_client(), db, tokens)
    barrier, statuses = threading.Barrier(2), []

    def attempt(name):
        barrier.wait()
        resp = sign(app.test_client(), flow, flow["token"], {"signer_name": name, "signature": name})
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("Maya", "Paul")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert len(outbox_events(db, "quotation.signed", quotation_id=flow["id"])) == 1


def test_the_family_declines_and_then_the_quotation_cannot_be_signed(client, db, tokens):
    flow = sent(client, db, tokens)
    resp = client.post(f"/api/v1/quotations/{flow['id']}/decline?access_token={flow['token']}",
                       json={"reason": "We chose another center"})
    assert resp.status_code == 200 and resp.json["status"] == "declined"
    assert resp.json["decline_reason"] == "We chose another center"
    [event] = outbox_events(db, "quotation.declined", quotation_id=flow["id"])
    assert (event["data"]["opportunity_id"], event["data"]["client_id"], event["data"]["reason"]) == (
        flow["opportunity_id"], flow["client_id"], "We chose another center")
    assert sign(client, flow, flow["token"]).status_code == 409
    again = client.post(f"/api/v1/quotations/{flow['id']}/decline?access_token={flow['token']}", json={})
    assert again.status_code == 409


def test_declining_needs_the_family_and_a_sent_quotation(client, db, tokens):
    flow, draft = sent(client, db, tokens), drafted(client, db, tokens)
    assert client.post(f"/api/v1/quotations/{flow['id']}/decline", json={}).status_code == 401
    assert client.post(f"/api/v1/quotations/{flow['id']}/decline", json={},
                       headers=tokens.headers("therapist")).status_code == 403
    family = tokens.headers("client", client_ids=[draft["client_id"]])
    assert client.post(f"/api/v1/quotations/{draft['id']}/decline", json={}, headers=family).status_code == 409
    assert client.post(f"/api/v1/quotations/{uuid.uuid4()}/decline", json={}, headers=family).status_code == 404
    resp = client.post(f"/api/v1/quotations/{flow['id']}/decline?access_token={flow['token']}",
                       json={"reason": "x" * 1001})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"reason"}


def test_only_one_of_several_quotations_for_an_opportunity_can_be_signed(client, db, tokens):
    first = sent(client, db, tokens)
    code = first["service_code"]
    second = client.post("/api/v1/quotations", headers=tokens.headers("front_desk"), json={
        "opportunity_id": first["opportunity_id"], "lines": [{"service_code": code, "quantity": 5}]}).json
    resent = client.post(f"/api/v1/quotations/{second['id']}/send", headers=tokens.headers("front_desk")).json
    assert sign(client, first, first["token"]).status_code == 200
    resp = sign(client, second, token_of(resent["share_url"]))
    assert resp.status_code == 409 and first["sent"]["number"] in resp.json["detail"]


def test_a_quotation_of_an_opportunity_the_center_closed_cannot_be_signed(client, db, tokens):
    flow = sent(client, db, tokens)
    apply(db, stage_event(flow["opportunity_id"], flow["client_id"], "lost"))
    resp = sign(client, flow, flow["token"])
    assert resp.status_code == 409 and "closed this request" in resp.json["detail"]
