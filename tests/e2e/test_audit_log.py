"""The audit log across the system: a clinical read forwarded to crm and a family's signature by share link forwarded
to sales are both recorded by the gateway — who, from where, with the request id — and found by the owner."""
from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import parse_qs, urlparse

from .api import STAFF, Api, eventually
from .test_spine import PASSWORD, monday_in


def test_a_clinical_read_and_a_signature_by_link_are_recorded_and_found_by_the_owner(system):
    owner_login = system.login("org_admin")
    owner = Api.login(system.url, owner_login.email, owner_login.password)
    desk = Api.login(system.url, STAFF["front_desk"], PASSWORD)
    anonymous = Api(system.url)
    therapist = next(t for t in anonymous.get("/therapists").json() if "PT" in t["service_codes"])
    monday = monday_in(5)
    week = {"from": monday.isoformat(), "to": (monday + dt.timedelta(days=4)).isoformat()}
    slot = anonymous.get("/slots", params={"service_code": "PT", "therapist_id": therapist["id"], **week}).json()[-1]
    family = f"audit-{uuid.uuid4().hex[:8]}"
    booked = anonymous.post("/appointments", json={
        "service_code": "PT", "start": slot["start"], "therapist_id": therapist["id"],
        "client": {"first_name": "Noa", "last_name": family}, "guardian": {"first_name": "Ines", "last_name": family,
                                                                           "email": f"{family}@example.org"}})
    assert booked.status_code == 201, booked.text
    [opportunity] = eventually(lambda: desk.get("/opportunities", params={
        "appointment_id": booked.json()["id"]}).json(), what="opportunity")

    read_id = f"read-{family}"
    assert desk.get(f"/clients/{opportunity['client_id']}", headers={"X-Request-ID": read_id}).status_code == 200
    desk_id = desk.get("/users/me").json()["id"]
    [read] = owner.get("/audit-events", params={"subject_id": opportunity["client_id"], "action": "clinical"}).json()
    assert (read["action"], read["outcome"], read["actor_id"], read["request_id"]) == (
        "clinical.client_file", "success", desk_id, read_id)
    assert read["address"] and read["subject_type"] == "client"

    quotation = eventually(lambda: (r := desk.post("/quotations", json={
        "opportunity_id": opportunity["id"], "lines": [{"service_code": "PT", "quantity": 1}]})).status_code == 201
        and r.json(), what="quotation created")
    share_url = desk.post(f"/quotations/{quotation['id']}/send").json()["share_url"]
    token = parse_qs(urlparse(share_url).query)["access_token"][0]
    sign_id = f"sign-{family}"
    signed = anonymous.post(f"/quotations/{quotation['id']}/sign", params={"access_token": token},
                            json={"signer_name": f"Ines {family}", "signature": f"Ines {family}"},
                            headers={"X-Request-ID": sign_id})
    assert signed.status_code == 200, signed.text
    lines = owner.get("/audit-events", params={"subject_id": quotation["id"], "action": "portal"}).json()
    [sign] = [line for line in lines if line["request_id"] == sign_id]
    assert (sign["action"], sign["outcome"], sign["actor_role"], sign["actor_id"]) == (
        "portal.quotation.signed", "success", "link_holder", None)
    assert token not in str(lines)  # the link's token is never kept
    assert desk.get("/audit-events").status_code == 403
