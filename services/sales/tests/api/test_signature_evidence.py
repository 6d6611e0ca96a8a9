"""The signature evidence the front desk reads back, and who the quotation went to."""
import uuid

from ..helpers import drafted, sent

SIGNATURE = {"signer_name": "Maya Parent", "signature": "Maya Parent"}


def test_the_front_desk_reads_who_signed_when_from_where_and_the_document_hash(client, db, tokens):
    flow = sent(client, db, tokens)
    signed = client.post(f"/api/v1/quotations/{flow['id']}/sign?access_token={flow['token']}", json=SIGNATURE,
                         headers={"X-Forwarded-For": "203.0.113.7", "User-Agent": "FamilyBrowser/2.0"})
    assert signed.status_code == 200
    resp = client.get(f"/api/v1/quotations/{flow['id']}/signature", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    evidence = resp.json
    assert (evidence["signer_name"], evidence["signer_ip"], evidence["signer_user_agent"]) == (
        "Maya Parent", "203.0.113.7", "FamilyBrowser/2.0")
    assert evidence["signed_at"] == signed.json["signed_at"]
    assert evidence["signed_document_sha256"] == flow["sent"]["document_sha256"]
    assert evidence["number"] == flow["sent"]["number"]


def test_an_unsigned_quotation_has_no_evidence_yet(client, db, tokens):
    flow = drafted(client, db, tokens)
    resp = client.get(f"/api/v1/quotations/{flow['id']}/signature", headers=tokens.headers("front_desk"))
    assert resp.status_code == 409 and "not signed" in resp.json["detail"]
    unknown = client.get(f"/api/v1/quotations/{uuid.uuid4()}/signature", headers=tokens.headers("front_desk"))
    assert unknown.status_code == 404


def test_only_the_front_desk_reads_the_evidence_not_the_family_nor_the_link(client, db, tokens):
    flow = sent(client, db, tokens)
    path = f"/api/v1/quotations/{flow['id']}/signature"
    for role in ("biller", "therapist"):
        assert client.get(path, headers=tokens.headers(role)).status_code == 403, role
    family = tokens.headers("client", client_ids=[flow["client_id"]])
    assert client.get(path, headers=family).status_code == 403
    assert client.get(f"{path}?access_token={flow['token']}").status_code == 401


def test_a_quotation_names_the_guardian_it_goes_to(client, db, tokens):
    flow = sent(client, db, tokens)
    guardian = flow["client"]["guardians"][0]
    assert flow["sent"]["recipient_email"] == guardian["email"]
    read = client.get(f"/api/v1/quotations/{flow['id']}", headers=tokens.headers("front_desk")).json
    assert (read["recipient_name"], read["recipient_email"]) == ("Maya Parent", guardian["email"])
