"""/r/<token> and /r/unsubscribe/<token>: confirm / cancel (single use, expiring, signed) and unsubscribe — opening a
link shows a button, only the button's POST acts (a mail scanner fetching every link changes nothing)."""
import datetime as dt
import re
import uuid
from urllib.parse import urlparse

from notifications import links
from notifications.dispatch import fire_reminders
from notifications.models import OptOut, UsedLink

from ..helpers import (appointment_event, apply, client_event, follow_up, future, invoice_paid, messages_about,
                       notifications_for, outbox_events, outgoing_text, reminders_of, set_preferences)


def key(db, settings):
    with db.transaction() as s:
        return links.secret(s, settings)


def booked(db, start=None):
    env = appointment_event(start=start or future())
    apply(db, env)
    return env


def link(db, settings, env, action="confirm", channel="email"):
    start = dt.datetime.fromisoformat(env.data["start"])
    return f"/r/{links.reminder_token(key(db, settings), env.data['appointment_id'], action, channel, start)}"


def test_opening_a_link_asks_and_changes_nothing_whoever_fetches_it(client, db, settings):
    env = booked(db)
    for action, question, button in (("confirm", "Will you come to your session on", "Confirm my session"),
                                     ("cancel", "Do you want to cancel your session on", "Ask to cancel")):
        path = link(db, settings, env, action)
        for _ in range(3):  # a scanner, a preview, the family: any number of GETs
            page = client.get(path)
            assert page.status_code == 200 and question in page.text and f">{button}</button>" in page.text
            assert '<form method="post">' in page.text and "form-action 'self'" in page.headers["Content-Security-Policy"]
        assert client.head(path).status_code == 200
    address = f"scanned-{uuid.uuid4().hex[:8]}@example.org"
    page = client.get(unsubscribe_path(db, settings, address))
    assert page.status_code == 200 and f"to {address}?" in page.text and ">Unsubscribe</button>" in page.text
    assert outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"]) == []
    with db.transaction() as s:
        assert s.get(OptOut, address) is None


def test_a_confirm_link_confirms_once_and_tells_booking(client, db, settings):
    env = booked(db)
    resp = client.post(link(db, settings, env))
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "Thank you, your session on" in resp.text and "is confirmed" in resp.text
    assert resp.headers["Referrer-Policy"] == "no-referrer" and resp.headers["Cache-Control"] == "no-store"
    # For the gateway's audit log (servicekit.audit): the link names no appointment, the answer does.
    assert resp.headers["X-Audit-Subject"] == f"appointment {env.data['appointment_id']}"
    assert resp.headers["X-Audit-Action"] == "confirm"
    [event] = outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"])
    assert set(event["data"]) == {"appointment_id", "action", "channel", "responded_at", "token_id"}
    assert (event["data"]["action"], event["data"]["channel"]) == ("confirm", "email")
    with db.transaction() as s:
        assert s.get(UsedLink, event["data"]["token_id"]).action == "confirm"


def test_a_used_link_is_a_friendly_410_and_publishes_nothing_more(client, db, settings):
    env = booked(db)
    path = link(db, settings, env)
    client.post(path)
    for again in (client.get(path), client.post(path)):
        assert again.status_code == 410 and again.mimetype == "text/html" and "already used" in again.text
    assert len(outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"])) == 1


def test_a_cancel_link_sends_a_request_to_the_center(client, db, settings):
    env = booked(db)
    resp = client.post(link(db, settings, env, "cancel", "sms"))
    assert resp.status_code == 200 and "Your request to cancel the session on" in resp.text
    assert "has been sent to the center" in resp.text
    [event] = outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"])
    assert (event["data"]["action"], event["data"]["channel"]) == ("cancel", "sms")


def test_a_link_after_the_session_started_has_expired(client, db, settings):
    env = booked(db, start=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat())
    for resp in (client.get(link(db, settings, env)), client.post(link(db, settings, env))):
        assert resp.status_code == 410 and "expired" in resp.text
    assert outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"]) == []


def test_a_tampered_or_foreign_link_is_a_friendly_403(client, db, settings):
    env = booked(db)
    path = link(db, settings, env)
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    other_key = f"/r/{links.reminder_token(b'x', env.data['appointment_id'], 'confirm', 'email', tomorrow)}"
    for bad in (forged, "/r/not-a-token", other_key):
        for resp in (client.get(bad), client.post(bad)):
            assert resp.status_code == 403 and resp.mimetype == "text/html" and "not valid" in resp.text, bad
    assert outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"]) == []


def test_a_link_to_a_cancelled_or_moved_session_no_longer_works(client, db, settings):
    cancelled = booked(db)
    path = link(db, settings, cancelled)
    apply(db, follow_up(cancelled, "appointment.cancelled"))
    assert client.get(path).status_code == 410 and client.post(path).status_code == 410
    moved = booked(db)
    old = link(db, settings, moved)
    apply(db, follow_up(moved, "appointment.rescheduled", start=future(days=12)))
    resp = client.post(old)
    assert resp.status_code == 410 and "has moved" in resp.text


def test_the_confirm_link_in_a_fired_reminder_works(client, db, settings):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 24)
    env = appointment_event(client_id=client_id, start=future())
    apply(db, env)
    [reminder] = reminders_of(db, env.data["appointment_id"])
    while fire_reminders(db, settings, reminder.due_at) == 50:
        pass
    [mail] = messages_about(db, env.data["appointment_id"], "appointment_reminder")
    confirm_url = re.search(r"Please confirm that you will come:\n(\S+)", outgoing_text(mail)).group(1)
    assert client.get(urlparse(confirm_url).path).status_code == 200
    assert "is confirmed" in client.post(urlparse(confirm_url).path).text


def unsubscribe_path(db, settings, address):
    return urlparse(links.unsubscribe_url(key(db, settings), settings.public_base_url, address)).path


def test_unsubscribing_stops_notices_but_not_receipts(client, db, settings):
    client_env = client_event()
    apply(db, client_env)
    address = client_env.data["guardians"][0]["email"]
    resp = client.post(unsubscribe_path(db, settings, address))
    assert resp.status_code == 200 and f"{address} will no longer receive" in resp.text
    with db.transaction() as s:
        assert s.get(OptOut, address) is not None
    env = appointment_event(client_id=client_env.data["client_id"], email=address, start=future())
    apply(db, env)
    [notice] = messages_about(db, env.data["appointment_id"])
    assert notice.status == "skipped" and "unsubscribed" in notice.last_error
    paid = invoice_paid(client_env.data["client_id"])
    apply(db, paid)
    assert notifications_for(db, paid.id)[0].status == "queued"


def test_one_click_unsubscribe_by_post_and_a_forged_link_is_403(client, db, settings):
    address = f"one-click-{uuid.uuid4().hex[:8]}@example.org"
    resp = client.post(unsubscribe_path(db, settings, address), data="List-Unsubscribe=One-Click")
    assert resp.status_code == 200
    assert client.post(unsubscribe_path(db, settings, address)).status_code == 200  # twice is fine
    assert client.get("/r/unsubscribe/forged-token").status_code == 403


def test_the_family_choosing_messages_again_undoes_its_unsubscribe(client, db, settings, tokens):
    client_id, address = str(uuid.uuid4()), f"back-{uuid.uuid4().hex[:8]}@example.org"
    client.post(unsubscribe_path(db, settings, address))
    family = tokens.headers("client", client_ids=[client_id], email=address.upper())
    client.put(f"/api/v1/reminder-settings/{client_id}", headers=family,
               json={"channels": ["email"], "lead_hours": 24, "email": address})
    with db.transaction() as s:
        assert s.get(OptOut, address) is None


def test_a_family_cannot_undo_someone_elses_unsubscribe_by_typing_their_address(client, db, settings, tokens):
    """Security finding 10."""
    client_id, victim = str(uuid.uuid4()), f"victim-{uuid.uuid4().hex[:8]}@example.org"
    client.post(unsubscribe_path(db, settings, victim))
    family = tokens.headers("client", client_ids=[client_id], email="someone.else@example.org")
    resp = client.put(f"/api/v1/reminder-settings/{client_id}", headers=family,
                      json={"channels": ["email"], "lead_hours": 24, "email": victim})
    assert resp.status_code == 200
    with db.transaction() as s:
        assert s.get(OptOut, victim) is not None


def test_a_head_request_from_a_link_checker_does_not_use_the_link(client, db, settings):
    env = booked(db)
    path = link(db, settings, env)
    assert client.head(path).status_code == 200
    assert outbox_events(db, "reminder.responded", appointment_id=env.data["appointment_id"]) == []
    assert client.post(path).status_code == 200
