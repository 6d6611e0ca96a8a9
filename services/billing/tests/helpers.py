"""Event and data builders for billing tests (unique data per test)."""
import uuid


from servicekit.messaging.consumer import apply_event

from billing.handlers import handlers
from servicekit.testing.events import event, outbox_events  # noqa: F401 - re-exported for the tests
from servicekit.testing.pdf import pdf_text  # noqa: F401 - re-exported for the tests


def uid():
    return str(uuid.uuid4())


def apply(db, env):
    return apply_event(db, "billing", handlers, env)


def client_created(client_id=None, first="Lina", last=None, guardian_email=None, event_type="client.created"):
    return event(event_type, {
        "client_id": client_id or uid(), "first_name": first, "last_name": last or f"Test{uuid.uuid4().hex[:6]}",
        "birth_date": "2019-04-02", "status": "prospect",
        "guardians": [{"contact_id": uid(), "first_name": "Maya", "last_name": "Parent",
                       "email": guardian_email or f"parent-{uuid.uuid4().hex[:8]}@example.org", "phone": None}],
    }, producer="crm")


def task_completed(client_id, *, billable=None, package_credit=None, task_id=None, client_name="Lina Test"):
    return event("task.completed", {
        "task_id": task_id or uid(), "project": "Occupational Therapy Clients", "client_id": client_id,
        "client_name": client_name, "quotation_id": uid(), "quotation_line_id": uid(), "service_code": "OT",
        "therapist_id": uid(), "minutes_logged": 60, "completed_at": "2026-12-01T11:00:00+00:00",
        "currency": "EUR", "billable": billable, "package_credit": package_credit,
    }, producer="tasks")


def billable(unit_price="60.00", quantity=1, description="Occupational therapy session"):
    return {"description": description, "quantity": quantity, "unit_price": unit_price}


def package_line(sessions=10, unit_price="500.00", quantity=1, line_id=None):
    return {"line_id": line_id or uid(), "service_code": "OT", "service_name": "Occupational therapy",
            "description": "Occupational therapy, 10 sessions", "kind": "package", "quantity": quantity,
            "unit_price": unit_price, "sessions": sessions}


def single_line(unit_price="60.00"):
    return {"line_id": uid(), "service_code": "ST", "service_name": "Speech therapy",
            "description": "Speech therapy session", "kind": "single", "quantity": 1, "unit_price": unit_price,
            "sessions": 1}


def quotation_signed(client_id, lines, quotation_id=None):
    return event("quotation.signed", {
        "quotation_id": quotation_id or uid(), "number": "Q-2026-0001", "opportunity_id": uid(),
        "client_id": client_id, "client_name": "Lina Test", "lines": lines, "total": "560.00", "currency": "EUR",
        "signed_at": "2026-12-01T10:00:00+00:00", "signer_name": "Maya Parent",
    }, producer="sales")


def unbilled_item(db, client_id=None, unit_price="60.00", quantity=1):
    """A completed billable task for a (new) client; returns (client_id, task_id)."""
    client_id = client_id or uid()
    env = task_completed(client_id, billable=billable(unit_price, quantity))
    apply(db, env)
    return client_id, env.data["task_id"]


def issue(client, tokens, client_id, item_ids=None, role="front_desk"):
    """POST /invoices for a client (all unbilled items unless `item_ids`)."""
    body = {"client_id": client_id}
    if item_ids is not None:
        body["billable_item_ids"] = item_ids
    return client.post("/api/v1/invoices", json=body, headers=tokens.headers(role))


def items(client, tokens, client_id, status=None):
    """The client's billable items as the API lists them."""
    query = f"client_id={client_id}" + (f"&status={status}" if status else "")
    return client.get(f"/api/v1/billable-items?{query}", headers=tokens.headers("biller")).json


def pay(client, tokens, invoice_id, amount, method="card", role="front_desk", **extra):
    """POST /invoices/{id}/payments."""
    return client.post(f"/api/v1/invoices/{invoice_id}/payments", json={"amount": amount, "method": method, **extra},
                       headers=tokens.headers(role))


