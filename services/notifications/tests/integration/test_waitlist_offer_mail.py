"""waitlist.slot_offered: the family that waited is told at once, with the link to take the held session."""
import dataclasses
import uuid

import pytest

from notifications import dispatch

from ..helpers import apply, event, link, notifications_for, outgoing_text, sealed, unique_email


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory, mailbox):
    return dataclasses.replace(make_settings(spec), smtp_port=mailbox.port, var_dir=tmp_path_factory.mktemp("var"))


def offered(address, client_id=None):
    entry = str(uuid.uuid4())
    return event("waitlist.slot_offered", {
        "entry_id": entry, "offer_id": str(uuid.uuid4()), "service_code": "OT", "service_name": "Occupational therapy",
        "therapist_id": str(uuid.uuid4()), "therapist_name": "Anna Meyer",
        "start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T10:45:00+01:00",
        "hold_until": "2026-11-30T16:00:00+01:00", "client": {"first_name": "Lina", "last_name": "Dupont"},
        "guardian": {"first_name": "Maya", "last_name": "Parent", "email": address, "phone": None},
        "client_id": client_id,
        "accept_url": sealed(f"http://127.0.0.1:8080/waitlist/{entry}/offer?token={uuid.uuid4().hex}")},
        producer="booking")


def test_the_offer_reaches_the_guardian_with_its_deadline_and_the_log_hides_the_link(db, settings, mailbox):
    env = offered(unique_email("waiting"))
    apply(db, env)
    [logged] = notifications_for(db, env.id)
    assert (logged.kind, logged.recipient, logged.recipient_name) == ("waitlist_offer", env.data["guardian"]["email"],
                                                                      "Maya Parent")
    text = outgoing_text(logged)
    for fact in ("Lina Dupont", "Tuesday 1 December 2026, 10:00", "Occupational therapy", "Anna Meyer",
                 "before Monday 30 November 2026, 16:00", link(env, "accept_url")):
        assert fact in text
    assert link(env, "accept_url") not in logged.body_text  # the delivery log shows a notice instead
    for _ in range(50):  # other tests' messages may be queued too
        if dispatch.dispatch_once(db, settings) == 0:
            break
    [mail] = [m for m in mailbox.to(env.data["guardian"]["email"]) if m["Subject"].startswith("A session is free")]
    assert link(env, "accept_url") in mail.get_body(("plain",)).get_content()


def test_a_redelivered_offer_is_mailed_once(db):
    env = offered(unique_email("twice"), str(uuid.uuid4()))
    assert apply(db, env) is True
    apply(db, env)
    assert len(notifications_for(db, env.id)) == 1
