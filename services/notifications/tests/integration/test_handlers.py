"""Event handlers against the real database: each queues its e-mail in the log, and nothing is sent here."""
import uuid

import pytest

from servicekit import sealing

from notifications.handlers import handlers
from notifications.models import Recipient

from ..helpers import (account_invited, apply, link, booked, client_event, invoice_issued, invoice_paid,
                       notifications_for, outbox_events, outgoing_text, quotation_sent, quotation_signed,
                       unique_email)


def recipient(db, client_id):
    with db.transaction() as s:
        return s.get(Recipient, client_id)


def test_client_created_remembers_the_first_guardian_with_an_email(db):
    email = unique_email()
    env = client_event(guardians=[
        {"contact_id": "c1", "first_name": "No", "last_name": "Mail", "email": None, "phone": None},
        {"contact_id": "c2", "first_name": "Maya", "last_name": "Parent", "email": email, "phone": "+33 6"}])
    apply(db, env)
    known = recipient(db, env.data["client_id"])
    assert (known.client_name, known.guardian_name, known.email, known.phone) == (
        "Lina Dupont", "Maya Parent", email, "+33 6")


def test_client_updated_replaces_the_address_and_works_even_before_client_created(db):
    client_id = str(uuid.uuid4())
    apply(db, client_event(client_id, event_type="client.updated"))
    new_email = unique_email("new")
    apply(db, client_event(client_id, event_type="client.updated", guardians=[
        {"contact_id": "c3", "first_name": "Paul", "last_name": "Dupont", "email": new_email, "phone": None}]))
    known = recipient(db, client_id)
    assert known.email == new_email and known.guardian_name == "Paul Dupont"


def test_booking_queues_the_session_booked_email_to_the_guardian(db):
    env = booked(client_id=str(uuid.uuid4()))
    assert apply(db, env) is True
    [mail] = notifications_for(db, env.id)
    assert (mail.kind, mail.channel, mail.status, mail.attempts) == ("appointment_booked", "email", "queued", 0)
    assert mail.recipient == env.data["guardian"]["email"] and mail.recipient_name == "Maya Parent"
    assert mail.appointment_id == env.data["appointment_id"] and mail.client_id == env.data["client_id"]
    assert mail.subject.startswith("Your session is booked")
    for fact in ("Tuesday 1 December 2026, 10:00 (Europe/Paris)", "Anna Meyer", "Occupational therapy",
                 "Sunny Steps Therapy Center"):
        assert fact in mail.body_text
    assert mail.correlation_id == env.correlation_id
    assert outbox_events(db, "notification.sent", event_id=env.id) == []


def test_a_booking_for_a_known_client_writes_to_the_guardian_on_file_not_to_whoever_the_booking_names(db):
    """Security finding 1: a staff member booking with their own e-mail must not receive the family's links."""
    family = client_event()
    apply(db, family)
    env = booked(email="intruder@example.org", client_id=family.data["client_id"])
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert mail.recipient == family.data["guardians"][0]["email"]


def test_a_family_with_the_longest_names_the_crm_accepts_gets_its_messages(db):
    """Security finding 3: names of 100 + 100 characters overflowed the copies and no e-mail was written."""
    family = client_event(guardians=[{"contact_id": str(uuid.uuid4()), "first_name": "M" * 100,
                                      "last_name": "P" * 100, "email": unique_email(), "phone": None}])
    apply(db, family)
    env = booked(client_id=family.data["client_id"])
    env.data["client"] = {"first_name": "L" * 100, "last_name": "D" * 100, "birth_date": None}
    assert apply(db, env) is True
    [mail] = notifications_for(db, env.id)
    assert mail.recipient_name == "M" * 100 + " " + "P" * 100 and mail.status == "queued"


def test_quotation_sent_queues_the_link_to_the_recipient_email(db):
    env = quotation_sent()
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert mail.kind == "quotation_sent" and mail.status == "queued"
    assert mail.recipient == env.data["recipient_email"] and mail.client_id == env.data["client_id"]
    for fact in (link(env, "share_url"), "480.00 EUR", "Thursday 31 December 2026"):
        assert fact in outgoing_text(mail)
    assert link(env, "share_url") not in mail.body_text and link(env, "share_url") in mail.sealed_links


def test_a_link_sealed_to_another_key_is_refused_and_nothing_is_queued(db):
    """A wrong key is a configuration error: the event is retried then dead-lettered, never mailed half-done."""
    env = quotation_sent()
    stranger = sealing.public_key_of(sealing.new_private_key())
    env.data["share_url"] = sealing.seal("https://x.example/q/1?access_token=abc", stranger)
    with pytest.raises(sealing.Unsealable):
        apply(db, env)
    assert notifications_for(db, env.id) == []


def test_invoice_paid_queues_a_payment_confirmation_to_the_known_guardian(db):
    client = client_event()
    apply(db, client)
    env = invoice_paid(client.data["client_id"])
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert (mail.kind, mail.status) == ("payment_confirmation", "queued")
    assert mail.recipient == client.data["guardians"][0]["email"] and mail.recipient_name == "Maya Parent"
    for fact in (env.data["number"], "120.00 EUR", "Thursday 3 December 2026", "- 100.00 EUR by card",
                 "- 20.00 EUR in cash", "Lina Dupont"):
        assert fact in mail.body_text


@pytest.mark.parametrize("known", [False, True], ids=["unknown-client", "client-without-email"])
def test_invoice_paid_without_an_address_is_logged_as_failed_and_announced(db, known):
    client_id = str(uuid.uuid4())
    if known:
        apply(db, client_event(client_id, guardians=[
            {"contact_id": "c", "first_name": "Maya", "last_name": "Parent", "email": None, "phone": "+33"}]))
    env = invoice_paid(client_id)
    assert apply(db, env) is True
    [mail] = notifications_for(db, env.id)
    assert (mail.status, mail.recipient, mail.attempts) == ("failed", "", 0)
    assert mail.last_error == f"no e-mail address on file for client {client_id}"
    [failed] = outbox_events(db, "notification.failed", notification_id=mail.id)
    assert failed["data"]["error"] == mail.last_error and failed["data"]["client_id"] == client_id
    assert failed["causation_id"] == env.id


def test_booking_without_a_guardian_email_is_logged_as_failed(db):
    env = booked(email="")
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert mail.status == "failed" and "no e-mail address" in mail.last_error


@pytest.mark.parametrize("make", [booked, quotation_sent, lambda: invoice_paid(str(uuid.uuid4())),
                                  lambda: invoice_issued(str(uuid.uuid4())), account_invited,
                                  lambda: quotation_signed(quotation_sent())],
                         ids=["booked", "quotation", "invoice", "issued", "invited", "signed"])
def test_a_redelivered_event_queues_nothing_twice(db, make):
    env = make()
    assert apply(db, env) is True
    assert apply(db, env) is False
    assert len(notifications_for(db, env.id)) == 1


def test_even_past_the_inbox_one_event_logs_one_message(db):
    env = booked()
    handler = handlers.resolve(env)
    for _ in range(2):
        with db.transaction() as s:
            handler(s, env)
    assert len(notifications_for(db, env.id)) == 1



def test_a_signed_quotation_goes_to_whoever_received_it_with_the_pdf_to_attach(db):
    sent = quotation_sent()
    apply(db, sent)
    signed = quotation_signed(sent)
    apply(db, signed)
    [mail] = notifications_for(db, signed.id)
    assert (mail.kind, mail.recipient, mail.status) == ("quotation_signed", sent.data["recipient_email"], "queued")
    assert mail.attachment_ref == f"quotation/{sent.data['quotation_id']}"
    assert mail.attachment_name == f"{sent.data['number']}-signed.pdf"
    assert "was signed on Thursday 3 December 2026" in mail.body_text


def test_an_invoice_without_a_pdf_link_is_announced_without_an_attachment(db):
    client = client_event()
    apply(db, client)
    env = invoice_issued(client.data["client_id"])
    env.data["pdf_url"] = None
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert mail.attachment_ref is None and "Please find invoice" in mail.body_text
    assert mail.recipient == client.data["guardians"][0]["email"]


def test_a_portal_invitation_is_emailed_with_its_activation_link(db):
    env = account_invited(client_ids=[str(uuid.uuid4())])
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    assert (mail.kind, mail.recipient, mail.client_id) == ("portal_invitation", env.data["email"],
                                                          env.data["client_ids"][0])
    assert link(env, "activation_url") in outgoing_text(mail) and "Wednesday 9 December 2026" in mail.body_text
    assert link(env, "activation_url") not in mail.body_text + str(mail.sealed_links[1:])
