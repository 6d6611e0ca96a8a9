"""Event and data builders for notifications tests (unique data per test)."""
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select

from servicekit.messaging.consumer import apply_event

from notifications.handlers import handlers
from notifications import personal_links
from notifications.models import Notification, Reminder, ReminderSetting
from servicekit.testing.events import event, opened, outbox_events, sealed  # noqa: F401 - re-exported for the tests


def unique_email(label="parent"):
    return f"{label}-{uuid.uuid4().hex[:10]}@example.org"


def link(env, name):
    """The link an event carries sealed, opened."""
    return opened(env.data[name])


def apply(db, env):
    return apply_event(db, "notifications", handlers, env)


def client_event(client_id=None, guardians=None, event_type="client.created"):
    guardians = guardians if guardians is not None else [
        {"contact_id": str(uuid.uuid4()), "first_name": "Maya", "last_name": "Parent", "email": unique_email(),
         "phone": "+33 6 00 00 00 00"}]
    return event(event_type, {"client_id": client_id or str(uuid.uuid4()), "first_name": "Lina",
                              "last_name": "Dupont", "birth_date": "2019-04-02", "status": "prospect",
                              "guardians": guardians}, producer="crm")


def booked(email=None, client_id=None, start="2026-12-01T10:00:00+01:00"):
    return event("appointment.booked", {
        "appointment_id": str(uuid.uuid4()), "service_code": "OT", "service_name": "Occupational therapy",
        "therapist_id": str(uuid.uuid4()), "therapist_name": "Anna Meyer", "start": start,
        "end": "2026-12-01T11:00:00+01:00", "client": {"first_name": "Lina", "last_name": "Dupont",
                                                        "birth_date": None},
        "guardian": {"first_name": "Maya", "last_name": "Parent", "email": unique_email() if email is None else email,
                     "phone": None},
        "client_id": client_id, "source": "online", "notes": None}, producer="booking")


def quotation_sent(client_id=None, email=None):
    quotation_id = str(uuid.uuid4())
    return event("quotation.sent", {
        "quotation_id": quotation_id, "number": f"Q-2026-{uuid.uuid4().hex[:4]}",
        "opportunity_id": str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
        "client_name": "Lina Dupont", "recipient_name": "Maya Parent", "recipient_email": email or unique_email(),
        "share_url": sealed(f"http://127.0.0.1:8080/q/{quotation_id}?access_token=tok-{uuid.uuid4().hex}"),
        "expires_at": "2026-12-31T22:59:59Z",
        "total": "480.00", "currency": "EUR"}, producer="sales")


def invoice_paid(client_id):
    return event("invoice.paid", {
        "invoice_id": str(uuid.uuid4()), "number": f"INV-2026-{uuid.uuid4().int % 10**6:06d}",
        "client_id": client_id, "total": "120.00", "currency": "EUR", "paid_at": "2026-12-02T23:30:00Z",
        "payments": [{"payment_id": str(uuid.uuid4()), "amount": "100.00", "method": "card"},
                     {"payment_id": str(uuid.uuid4()), "amount": "20.00", "method": "cash"}]}, producer="billing")


def logged(db, **fields):
    """A delivery-log row written directly (status, attempts, times as the test needs)."""
    values = dict(event_id=str(uuid.uuid4()), event_type="invoice.paid", correlation_id=str(uuid.uuid4()),
                  kind="payment_confirmation", channel="email", recipient=unique_email(),
                  recipient_name="Maya Parent", client_id=str(uuid.uuid4()), subject="Payment received",
                  body_text="Thank you.", status="queued", attempts=0,
                  next_attempt_at=now() - dt.timedelta(days=1))
    values.update(fields)
    with db.transaction() as s:
        notification = Notification(**values)
        s.add(notification)
    return notification


def notifications_for(db, event_id):
    with db.transaction() as s:
        return s.scalars(select(Notification).where(Notification.event_id == event_id)).all()


def outgoing_text(notification):
    """The text the dispatcher sends: the stored one with its personal links put back."""
    return personal_links.unseal(notification.body_text, notification.sealed_links)


def reload(db, notification_id):
    with db.transaction() as s:
        return s.get(Notification, notification_id)


def now():
    return dt.datetime.now(dt.timezone.utc)


def appointment_event(event_type="appointment.booked", appointment_id=None, *, start="2026-12-01T10:00:00+01:00",
                      end=None, status=None, client_id=None, email=None, phone=None, actor="staff", reason=None,
                      previous_start=None, late=False):
    """An events_v2 appointment snapshot (the same data for every appointment.* event)."""
    begin = dt.datetime.fromisoformat(start)
    return event(event_type, {
        "appointment_id": appointment_id or str(uuid.uuid4()), "status": status or STATUS_OF[event_type],
        "service_code": "OT", "service_name": "Occupational therapy", "therapist_id": str(uuid.uuid4()),
        "therapist_name": "Anna Meyer", "room_id": None, "start": start,
        "end": end or (begin + dt.timedelta(hours=1)).isoformat(),
        "client": {"first_name": "Lina", "last_name": "Dupont", "birth_date": None},
        "guardian": {"first_name": "Maya", "last_name": "Parent",
                     "email": unique_email() if email is None else email, "phone": phone},
        "client_id": client_id, "source": "online", "notes": None, "series_id": None, "reason": reason,
        "late_cancellation": late, "previous_start": previous_start, "previous_end": None,
        "previous_therapist_id": None, "actor": actor}, producer="booking")


STATUS_OF = {"appointment.booked": "booked", "appointment.confirmed": "confirmed",
             "appointment.rescheduled": "booked", "appointment.cancel_requested": "pending_cancel",
             "appointment.cancel_withdrawn": "booked", "appointment.cancelled": "cancelled",
             "appointment.completed": "completed", "appointment.no_show": "no_show"}


def follow_up(previous, event_type, **changes):
    """The next event about the same appointment (same guardian and client unless changed)."""
    data = previous.data
    values = dict(start=data["start"], client_id=data["client_id"], email=data["guardian"]["email"],
                  phone=data["guardian"]["phone"])
    values.update(changes)
    return appointment_event(event_type, data["appointment_id"], **values)


def stage_changed(appointment_id, client_id):
    return event("opportunity.stage_changed", {
        "opportunity_id": str(uuid.uuid4()), "client_id": client_id, "appointment_id": appointment_id,
        "service_code": "OT", "from_stage": None, "to_stage": "new", "quotation_id": None,
        "changed_at": "2026-11-20T10:00:00Z"}, producer="crm")


def future(days=10, hour=10):
    """An RFC 3339 start `days` from now at `hour`:00 Paris time."""
    day = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Paris")).isoformat()


def set_preferences(db, client_id, channels=("email",), lead_hours=24, **fields):
    """A client's reminder settings written directly (the API is tested on its own)."""
    with db.transaction() as s:
        s.merge(ReminderSetting(client_id=client_id, channels=list(channels), lead_hours=lead_hours, **fields))


def reminders_of(db, appointment_id, status=None):
    with db.transaction() as s:
        stmt = select(Reminder).where(Reminder.appointment_id == appointment_id).order_by(Reminder.channel)
        if status:
            stmt = stmt.where(Reminder.status == status)
        return s.scalars(stmt).all()


def messages_about(db, appointment_id, kind=None):
    with db.transaction() as s:
        stmt = select(Notification).where(Notification.appointment_id == appointment_id) \
            .order_by(Notification.created_at, Notification.channel)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        return s.scalars(stmt).all()


def invoice_issued(client_id, pdf_url=None):
    invoice_id = str(uuid.uuid4())
    return event("invoice.issued", {
        "invoice_id": invoice_id, "number": f"INV-2026-{uuid.uuid4().int % 10**6:06d}", "client_id": client_id,
        "total": "80.00", "currency": "EUR", "issued_at": "2026-12-02T09:00:00Z",
        "pdf_url": sealed(pdf_url or f"http://127.0.0.1:8080/api/v1/invoices/{invoice_id}/pdf?access_token=tok-{invoice_id}")},
        producer="billing")


def quotation_signed(sent):
    data = sent.data
    return event("quotation.signed", {
        "quotation_id": data["quotation_id"], "number": data["number"], "opportunity_id": data["opportunity_id"],
        "client_id": data["client_id"], "client_name": data["client_name"], "lines": [], "total": data["total"],
        "currency": data["currency"], "signed_at": "2026-12-03T10:00:00Z", "signer_name": "Maya Parent"},
        producer="sales")


def account_invited(email=None, client_ids=None):
    return event("account.invited", {
        "user_id": str(uuid.uuid4()), "email": email or unique_email(), "client_ids": client_ids or [],
        "activation_url": sealed(f"http://127.0.0.1:8080/activate?token={uuid.uuid4().hex}"),
        "expires_at": "2026-12-09T10:00:00+00:00"}, producer="gateway")
