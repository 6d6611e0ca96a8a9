"""Event and data builders for tasks tests (unique data per test)."""
import uuid


from servicekit.messaging.consumer import apply_event

from tasks.handlers import handlers
from servicekit.testing.events import event, outbox_events  # noqa: F401 - re-exported for the tests


def line(kind="single", service_code="OT", service_name="Occupational Therapy", quantity=1, sessions=None,
         unit_price="60.00", **extra):
    data = {"line_id": str(uuid.uuid4()), "service_code": service_code, "service_name": service_name,
            "description": f"{service_name} session", "kind": kind, "quantity": quantity,
            "unit_price": unit_price, "sessions": sessions or (quantity * (10 if kind == "package" else 1))}
    data.update(extra)
    return data


def signed(*lines, quotation_id=None, client_id=None, client_name="Lina Dupont", **extra):
    data = {
        "quotation_id": quotation_id or str(uuid.uuid4()), "number": f"Q-{uuid.uuid4().hex[:6]}",
        "opportunity_id": str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
        "client_name": client_name, "lines": list(lines) or [line()], "total": "60.00", "currency": "EUR",
        "signed_at": "2026-12-01T10:00:00+00:00", "signer_name": "Maya Dupont",
    }
    data.update(extra)
    return event("quotation.signed", data, producer="sales")


def apply(db, env):
    return apply_event(db, "tasks", handlers, env)


def new_task(client, db, tokens, *lines, **signed_kwargs):
    """Sign a quotation with one line (by default a single OT session) and return its task as the API shows it."""
    env = signed(*lines, **signed_kwargs)
    apply(db, env)
    resp = client.get(f"/api/v1/tasks?quotation_id={env.data['quotation_id']}", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    return resp.json[0]


def therapist(tokens, therapist_id=None):
    """A therapist's id and request headers."""
    therapist_id = therapist_id or str(uuid.uuid4())
    return therapist_id, tokens.headers("therapist", therapist_id=therapist_id)


def assigned_task(client, db, tokens, *lines, **signed_kwargs):
    """A task assigned to a fresh therapist: (task, therapist headers)."""
    task = new_task(client, db, tokens, *lines, **signed_kwargs)
    therapist_id, headers = therapist(tokens)
    resp = client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": therapist_id},
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    return resp.json, headers
