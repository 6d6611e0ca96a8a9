"""The whole therapy workflow through the gateway, against every service running as real processes."""
from __future__ import annotations

import datetime as dt
import email
from email import policy
from urllib.parse import parse_qs, urlparse

from .api import STAFF, Api, eventually

PASSWORD = "therapy-demo-2026"


def monday_in(weeks: int) -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks)


def mails_to(mail_dir, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]):
            found.append(message)
    return found


def test_family_books_and_pays_through_every_service(system):
    anonymous = Api(system.url)
    desk = Api.login(system.url, STAFF["front_desk"], PASSWORD)
    biller = Api.login(system.url, STAFF["biller"], PASSWORD)
    therapist = Api.login(system.url, STAFF["therapist"], PASSWORD)
    guardian_email = "maya.parent@example.org"

    # 1. Catalog and public slots.
    assert {"OT", "ST", "PT"} <= {t["code"] for t in anonymous.get("/service-types").json()}
    ot_therapist = next(t for t in anonymous.get("/therapists").json() if "OT" in t["service_codes"])
    monday = monday_in(2)
    # (other tests add OT therapists to the shared system: ask for this one's slots)
    slots = anonymous.get("/slots", params={"service_code": "OT", "from": monday.isoformat(),
                                            "to": (monday + dt.timedelta(days=4)).isoformat(),
                                            "therapist_id": ot_therapist["id"]}).json()
    assert slots and all(s["therapist_id"] == ot_therapist["id"] for s in slots)

    # 2. A family books online, no account needed.
    booked = anonymous.post("/appointments", json={
        "service_code": "OT", "start": slots[0]["start"], "therapist_id": ot_therapist["id"],
        "client": {"first_name": "Lina", "last_name": "Parent", "birth_date": "2019-05-04"},
        "guardian": {"first_name": "Maya", "last_name": "Parent", "email": guardian_email},
    })
    assert booked.status_code == 201, booked.text
    appointment = booked.json()
    assert appointment["status"] == "booked" and appointment["start"] == slots[0]["start"]
    assert mails_to(system.mail_dir, guardian_email) or eventually(
        lambda: mails_to(system.mail_dir, guardian_email), what="booking confirmation e-mail")

    # 3. The front desk sees the opportunity opened by crm from appointment.booked.
    [opportunity] = eventually(lambda: desk.get("/opportunities", params={
        "appointment_id": appointment["id"]}).json(), what="opportunity")
    assert opportunity["stage"] == "new"
    client_id = opportunity["client_id"]

    # 4. Quotation: draft, PDF, send with a share link (sales learns the opportunity from an event).
    created = eventually(lambda: (r := desk.post("/quotations", json={
        "opportunity_id": opportunity["id"], "lines": [{"service_code": "OT", "quantity": 1}]})).status_code == 201
        and r, what="quotation created")
    quotation = created.json()
    assert quotation["status"] == "draft" and quotation["total"] == "80.00" and quotation["currency"] == "EUR"
    pdf = desk.get(f"/quotations/{quotation['id']}/pdf")
    assert pdf.headers["Content-Type"].startswith("application/pdf") and pdf.content.startswith(b"%PDF")
    sent = desk.post(f"/quotations/{quotation['id']}/send")
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent"
    share_url = sent.json()["share_url"]
    assert eventually(lambda: [m for m in mails_to(system.mail_dir, guardian_email)
                               if share_url in m.get_body(("plain",)).get_content()],
                      what="quotation e-mail with the link")
    assert eventually(lambda: desk.get(f"/opportunities/{opportunity['id']}").json()["stage"] == "quoted",
                      what="opportunity quoted")

    # 5. The guardian opens the link and signs with its token (no account).
    token = parse_qs(urlparse(share_url).query)["access_token"][0]
    page = anonymous.call("GET", share_url)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    unsigned = anonymous.post(f"/quotations/{quotation['id']}/sign", json={"signer_name": "Maya Parent",
                                                                           "signature": "Maya Parent"})
    assert unsigned.status_code in (401, 403)
    signed = anonymous.post(f"/quotations/{quotation['id']}/sign", params={"access_token": token},
                            json={"signer_name": "Maya Parent", "signature": "Maya Parent"},
                            headers={"User-Agent": "e2e-browser/1.0"})
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed" and signed.json()["signed_at"]
    again = anonymous.post(f"/quotations/{quotation['id']}/sign", params={"access_token": token},
                           json={"signer_name": "Maya Parent", "signature": "Maya Parent"})
    assert again.status_code == 409
    assert eventually(lambda: desk.get(f"/opportunities/{opportunity['id']}").json()["stage"] == "won",
                      what="opportunity won")

    # 6. tasks created the therapy task; the front desk assigns it; the therapist logs time and completes.
    [task] = eventually(lambda: desk.get("/tasks", params={"quotation_id": quotation["id"]}).json(),
                        what="task from quotation.signed")
    assert task["status"] == "new" and task["client_id"] == client_id
    assert therapist.get(f"/tasks/{task['id']}").status_code == 403  # not assigned to her yet
    assigned = desk.post(f"/tasks/{task['id']}/assign", json={"therapist_id": ot_therapist["id"]})
    assert assigned.status_code == 200 and assigned.json()["therapist_id"] == ot_therapist["id"]
    logged = therapist.post(f"/tasks/{task['id']}/timesheets", json={"minutes": 55, "note": "Fine motor work."})
    assert logged.status_code == 201, logged.text
    done = therapist.post(f"/tasks/{task['id']}/status", json={"status": "completed"})
    assert done.status_code == 200 and done.json()["status"] == "completed"

    # 7. billing turned task.completed into a billable item; the front desk invoices it.
    [item] = eventually(lambda: biller.get("/billable-items", params={"client_id": client_id}).json(),
                        what="billable item from task.completed")
    assert item["amount"] == "80.00" and item["status"] == "unbilled"
    issued = desk.post("/invoices", json={"client_id": client_id})
    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    assert invoice["status"] == "issued" and invoice["total"] == "80.00" and invoice["balance"] == "80.00"
    assert invoice["number"].startswith("INV-")
    assert biller.get(f"/invoices/{invoice['id']}/pdf").content.startswith(b"%PDF")

    # 8. Two payments settle it; a third is refused.
    partial = desk.post(f"/invoices/{invoice['id']}/payments", json={"amount": "30.00", "method": "card"})
    assert partial.status_code == 201, partial.text
    assert partial.json()["status"] == "partially_paid" and partial.json()["balance"] == "50.00"
    final = desk.post(f"/invoices/{invoice['id']}/payments", json={"amount": "50.00", "method": "cash"})
    assert final.json()["status"] == "paid" and final.json()["balance"] == "0.00"
    extra = desk.post(f"/invoices/{invoice['id']}/payments", json={"amount": "1.00", "method": "cash"})
    assert extra.status_code == 409 and extra.headers["Content-Type"].startswith("application/problem+json")

    # 9. notifications e-mailed the payment confirmation over SMTP and lists it.
    def confirmation_sent():
        rows = desk.get("/notifications", params={"client_id": client_id}).json()
        return [n for n in rows if n["kind"] == "payment_confirmation" and n["status"] == "sent"]

    [note] = eventually(confirmation_sent, what="payment confirmation logged as sent")
    assert note["recipient"] == guardian_email
    [mail] = eventually(lambda: [m for m in mails_to(system.mail_dir, guardian_email)
                                 if invoice["number"] in m["Subject"]], what="payment e-mail in the SMTP server")
    assert "80.00" in mail.get_body(("plain",)).get_content()
