"""Event, data and PDF helpers for sales tests (unique data per test)."""
import dataclasses
import datetime as dt
import uuid
from urllib.parse import parse_qs, urlparse


from servicekit.messaging.consumer import apply_event
from servicekit.messaging.envelope import Envelope

from sales.handlers import handlers
from servicekit.testing.events import outbox_events  # noqa: F401 - re-exported for the tests
from servicekit.testing.pdf import pdf_text  # noqa: F401 - re-exported for the tests


def event(event_type, data, producer="crm", occurred_at=None):
    env = Envelope.new(event_type, data, producer=producer, correlation_id=str(uuid.uuid4()))
    return dataclasses.replace(env, occurred_at=occurred_at) if occurred_at else env


def apply(db, env):
    return apply_event(db, "sales", handlers, env)


def client_event(event_type="client.created", client_id=None, first="Lina", last=None, guardians=None, **kw):
    data = {"client_id": client_id or str(uuid.uuid4()), "first_name": first,
            "last_name": last or f"Test{uuid.uuid4().hex[:6]}", "birth_date": "2019-04-02", "status": "prospect",
            "guardians": guardians if guardians is not None else [
                {"contact_id": str(uuid.uuid4()), "first_name": "Maya", "last_name": "Parent",
                 "email": f"parent-{uuid.uuid4().hex[:8]}@example.org", "phone": None}]}
    return event(event_type, data, **kw)


def stage_event(opportunity_id=None, client_id=None, to_stage="new", changed_at=None, service_code="OT"):
    return event("opportunity.stage_changed", {
        "opportunity_id": opportunity_id or str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
        "appointment_id": str(uuid.uuid4()), "service_code": service_code, "from_stage": None,
        "to_stage": to_stage, "quotation_id": None, "changed_at": changed_at or now().isoformat()})


def known_family(db, *, with_client=True, stage="new", **client_kw):
    """A client and an open opportunity sales has heard of: {client_id, opportunity_id, event}."""
    created = client_event(**client_kw)
    if with_client:
        apply(db, created)
    opp = stage_event(client_id=created.data["client_id"], to_stage=stage)
    apply(db, opp)
    return {"client_id": created.data["client_id"], "opportunity_id": opp.data["opportunity_id"],
            "client": created.data}


def unique_code():
    return "S" + uuid.uuid4().hex[:7].upper()


def add_price(client, tokens, code, *, kind="single", sessions=None, unit_price="60.00", name=None,
              service_name="Occupational Therapy"):
    body = {"service_code": code, "service_name": service_name, "kind": kind, "unit_price": unit_price,
            "name": name or ("Single session" if kind == "single" else f"{sessions}-session package")}
    if sessions is not None:
        body["sessions"] = sessions
    resp = client.post("/api/v1/price-list", json=body, headers=tokens.headers("admin"))
    assert resp.status_code == 201, resp.json
    return resp.json


def token_of(share_url):
    return parse_qs(urlparse(share_url).query)["access_token"][0]


def now():
    return dt.datetime.now(dt.timezone.utc)


def drafted(client, db, tokens, quantity=1, **family_kw):
    """A draft quotation for a known family, priced from a fresh single-session price (60.00)."""
    family = known_family(db, **family_kw)
    code = unique_code()
    add_price(client, tokens, code)
    resp = client.post("/api/v1/quotations", headers=tokens.headers("front_desk"), json={
        "opportunity_id": family["opportunity_id"], "lines": [{"service_code": code, "quantity": quantity}]})
    assert resp.status_code == 201, resp.json
    return {**family, "quotation": resp.json, "id": resp.json["id"], "service_code": code}


def sent(client, db, tokens, **family_kw):
    """A sent quotation: `drafted` plus the send response and the share link's token."""
    draft = drafted(client, db, tokens, **family_kw)
    resp = client.post(f"/api/v1/quotations/{draft['id']}/send", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200, resp.json
    return {**draft, "sent": resp.json, "token": token_of(resp.json["share_url"])}
