"""Event and data builders for CRM tests (unique data per test)."""
import datetime as dt
import uuid


from servicekit.testing.events import event, outbox_events  # noqa: F401 - re-exported for the tests


def booked(email=None, first="Lina", last=None, birth="2019-04-02", client_id=None, **extra):
    data = {
        "appointment_id": str(uuid.uuid4()), "service_code": "OT", "therapist_id": str(uuid.uuid4()),
        "start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T11:00:00+01:00",
        "client": {"first_name": first, "last_name": last or f"Test{uuid.uuid4().hex[:6]}", "birth_date": birth},
        "guardian": {"first_name": "Maya", "last_name": "Parent",
                     "email": email or f"parent-{uuid.uuid4().hex[:8]}@example.org", "phone": None},
        "source": "online",
    }
    if client_id:
        data["client_id"] = client_id
    data.update(extra)
    return event("appointment.booked", data, producer="booking")


def now():
    return dt.datetime.now(dt.timezone.utc)
