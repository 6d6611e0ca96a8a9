"""Every kind of message through the dispatcher to a real SMTP server, a Twilio-like SMS API and a PDF server."""
import dataclasses
import datetime as dt
import uuid

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update

from notifications import dispatch
from notifications.models import Notification

from ..helpers import (account_invited, appointment_event, apply, link, client_event, follow_up, future, invoice_paid,
                       invoice_issued, messages_about, notifications_for, now, outbox_events, quotation_sent,
                       quotation_signed, reminders_of, set_preferences, unique_email)
from ..servers import PDF


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory, mailbox, sms_api, documents):
    return dataclasses.replace(
        make_settings(spec), smtp_port=mailbox.port, max_send_attempts=3, var_dir=tmp_path_factory.mktemp("var"),
        sms_provider="twilio", sms_api_url=sms_api.url, sms_account_sid="AC123", sms_auth_token="secret-token",
        sms_from="+33700000000", sales_url=documents.url, billing_url=documents.url, fetch_timeout=5)


def drain(db, settings):
    """Dispatch rounds until nothing due is left (other tests' messages may be queued too)."""
    for _ in range(50):
        if dispatch.dispatch_once(db, settings) == 0:
            return


def counter(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def client_with_email(db):
    env = client_event()
    apply(db, env)
    return env.data["client_id"], env.data["guardians"][0]["email"]


def test_an_sms_is_posted_like_twilio_and_its_sid_kept(db, settings, sms_api):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("sms",), None)
    env = appointment_event(client_id=client_id, start=future(), phone="+33 6 11 22 33 44")
    before = counter("notifications_sent_total", channel="sms", kind="appointment_booked")
    apply(db, env)
    drain(db, settings)
    [post] = sms_api.to("+33611223344")
    assert (post["account"], post["user"], post["password"], post["From"]) == (
        "AC123", "AC123", "secret-token", "+33700000000")
    assert "Occupational therapy booked" in post["Body"]
    [sms] = messages_about(db, env.data["appointment_id"])
    assert (sms.status, sms.attempts) == ("sent", 1) and sms.provider_answer.startswith("sid=SM")
    assert outbox_events(db, "notification.sent", notification_id=sms.id)[0]["data"]["channel"] == "sms"
    assert counter("notifications_sent_total", channel="sms", kind="appointment_booked") >= before + 1


def test_an_sms_provider_that_is_down_keeps_the_sms_queued_with_its_answer(db, settings, sms_api):
    number = "+33611223355"
    sms_api.answers[number] = (503, {"code": 20500, "message": "Service unavailable"})
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("sms",), None)
    env = appointment_event(client_id=client_id, start=future(), phone=number)
    retried = counter("notifications_retried_total", channel="sms")
    apply(db, env)
    drain(db, settings)
    [sms] = messages_about(db, env.data["appointment_id"])
    assert (sms.status, sms.attempts) == ("queued", 1) and "HTTP 503" in sms.last_error
    assert sms.provider_answer == sms.last_error and sms.next_attempt_at > now() + dt.timedelta(seconds=25)
    assert counter("notifications_retried_total", channel="sms") >= retried + 1


def test_an_sms_the_provider_refuses_fails_at_once_and_goes_by_email(db, settings, sms_api, mailbox):
    number = "+33611223366"
    sms_api.answers[number] = (400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("sms",), None)
    env = appointment_event(client_id=client_id, start=future(), phone=number)
    apply(db, env)
    drain(db, settings)
    sms, email = sorted(messages_about(db, env.data["appointment_id"]), key=lambda m: m.channel, reverse=True)
    assert (sms.channel, sms.status, sms.attempts) == ("sms", "failed", 1) and "21211" in sms.last_error
    assert (email.channel, email.status, email.fallback_of) == ("email", "sent", sms.id)
    [mail] = mailbox.to(env.data["guardian"]["email"])
    assert mail["Subject"].strip().startswith("Your session is booked")
    assert outbox_events(db, "notification.failed", notification_id=sms.id)


def test_an_sms_still_failing_after_every_attempt_goes_by_email(db, settings, sms_api, mailbox):
    number = "+33611223377"
    sms_api.answers[number] = (500, {"code": 20500, "message": "Internal error"})
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("sms",), None)
    env = appointment_event(client_id=client_id, start=future(), phone=number)
    apply(db, env)
    for _ in range(settings.max_send_attempts):
        with db.transaction() as s:
            s.execute(update(Notification).where(Notification.appointment_id == env.data["appointment_id"],
                                                 Notification.status == "queued")
                      .values(next_attempt_at=now() - dt.timedelta(seconds=1)))
        drain(db, settings)
    statuses = sorted((m.channel, m.status, m.attempts) for m in messages_about(db, env.data["appointment_id"]))
    assert statuses == [("email", "sent", 1), ("sms", "failed", 3)]
    assert len(sms_api.to(number)) == 3 and len(mailbox.to(env.data["guardian"]["email"])) == 1


def test_the_local_file_provider_writes_each_sms_to_a_file(db, settings):
    local = dataclasses.replace(settings, sms_provider="file")
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("sms",), None)
    env = appointment_event(client_id=client_id, start=future(), phone="0611223388")
    apply(db, env)
    drain(db, local)
    [sms] = messages_about(db, env.data["appointment_id"])
    written = (local.var_dir / "sms" / f"{sms.id}.txt").read_text()
    assert sms.status == "sent" and sms.provider_answer.startswith("file=")
    assert written.startswith("To: +33611223388\n") and sms.body_text in written


def attachments(mail):
    return [(part.get_filename(), part.get_content()) for part in mail.iter_attachments()]


def test_the_signed_quotation_pdf_is_fetched_from_sales_with_the_links_token_and_attached(db, settings, mailbox,
                                                                                         documents):
    sent = quotation_sent()
    token = link(sent, "share_url").split("access_token=")[1]
    documents.tokens[sent.data["quotation_id"]] = token
    apply(db, sent)
    apply(db, quotation_signed(sent))
    drain(db, settings)
    [signed] = [m for m in mailbox.to(sent.data["recipient_email"]) if "signed" in m["Subject"]]
    assert attachments(signed) == [(f"{sent.data['number']}-signed.pdf", PDF)]
    assert ("quotations", sent.data["quotation_id"], token) in documents.requests


def test_invoice_and_receipt_carry_the_invoice_pdf_from_billing(db, settings, mailbox, documents):
    client_id, address = client_with_email(db)
    issued = invoice_issued(client_id)
    documents.tokens[issued.data["invoice_id"]] = link(issued, "pdf_url").split("access_token=")[1]
    paid = invoice_paid(client_id)
    paid.data["invoice_id"], paid.data["number"] = issued.data["invoice_id"], issued.data["number"]
    apply(db, issued)
    apply(db, paid)
    drain(db, settings)
    mails = {m["Subject"]: m for m in mailbox.to(address)}
    invoice_mail = mails["Your invoice from Sunny Steps Therapy Center"]
    receipt = mails[f"Payment received: invoice {issued.data['number']}"]
    for mail in (invoice_mail, receipt):
        assert attachments(mail) == [(f"{issued.data['number']}.pdf", PDF)]
    assert "Please find attached invoice" in invoice_mail.get_body(("plain",)).get_content()


def test_a_pdf_that_cannot_be_fetched_keeps_the_email_queued_for_a_retry(db, settings, documents):
    client_id, _ = client_with_email(db)
    issued = invoice_issued(client_id)  # the PDF server does not know this invoice's token: 403
    apply(db, issued)
    drain(db, settings)
    [mail] = notifications_for(db, issued.id)
    assert (mail.status, mail.attempts) == ("queued", 1) and "HTTP 403, not a PDF" in mail.last_error
    assert "access_token" not in mail.last_error


def test_a_receipt_for_an_invoice_whose_link_we_never_got_goes_without_attachment(db, settings, mailbox):
    client_id, address = client_with_email(db)
    paid = invoice_paid(client_id)
    apply(db, paid)
    drain(db, settings)
    [receipt] = [m for m in mailbox.to(address) if paid.data["number"] in m["Subject"]]
    assert attachments(receipt) == [] and "attached" not in receipt.get_body(("plain",)).get_content()


def sent_mail(db, settings, mailbox, address, subject_start):
    drain(db, settings)
    found = [m for m in mailbox.to(address) if m["Subject"].strip().startswith(subject_start)]
    assert len(found) == 1, [m["Subject"] for m in mailbox.to(address)]
    return found[0]


def test_appointment_notices_and_reminders_reach_the_smtp_server_with_an_unsubscribe_link(db, settings, mailbox):
    client_id = str(uuid.uuid4())
    set_preferences(db, client_id, ("email",), 24)
    env = appointment_event(client_id=client_id, start=future())
    address = env.data["guardian"]["email"]
    apply(db, env)
    booked = sent_mail(db, settings, mailbox, address, "Your session is booked")
    assert booked["List-Unsubscribe"].startswith(f"<{settings.public_base_url}/r/unsubscribe/")
    # Written as the link itself (not RFC 2047 words, which no mail client reads): the client offers its button.
    assert f"\r\nList-Unsubscribe: <{settings.public_base_url}/r/unsubscribe/".encode() in booked.raw
    assert booked["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [reminder] = reminders_of(db, env.data["appointment_id"])
    dispatch.fire_reminders(db, settings, reminder.due_at)
    body = sent_mail(db, settings, mailbox, address, "Reminder:").get_body(("plain",)).get_content()
    assert "Please confirm that you will come:" in body and f"{settings.public_base_url}/r/" in body
    apply(db, follow_up(env, "appointment.rescheduled", start=future(days=11)))
    sent_mail(db, settings, mailbox, address, "Your session has moved")
    apply(db, follow_up(env, "appointment.cancelled", start=future(days=11), actor="guardian"))
    sent_mail(db, settings, mailbox, address, "Your session is cancelled")


def test_staff_alerts_reach_the_front_desk_without_an_unsubscribe_link(db, settings, mailbox):
    env = appointment_event(start=future(), phone="+33612345678")
    apply(db, env)
    apply(db, follow_up(env, "appointment.cancel_requested", actor="guardian", reason="Holiday"))
    apply(db, follow_up(env, "appointment.cancel_withdrawn", actor="guardian"))
    apply(db, follow_up(env, "appointment.cancelled", actor="guardian"))
    drain(db, settings)
    alerts = [m for m in messages_about(db, env.data["appointment_id"]) if m.kind.startswith("staff_")]
    assert sorted(a.kind for a in alerts) == ["staff_cancel_requested", "staff_cancel_withdrawn", "staff_cancelled"]
    assert {a.status for a in alerts} == {"sent"}
    mail = next(m for m in mailbox.to(settings.front_desk_email)
                if m["Message-ID"] == f"<{alerts[0].id}@sunnysteps.example>")
    assert mail["List-Unsubscribe"] is None and "+33612345678" in mail.get_body(("plain",)).get_content()


def test_quotation_and_invitation_emails_reach_the_smtp_server(db, settings, mailbox):
    sent = quotation_sent()
    apply(db, sent)
    mail = sent_mail(db, settings, mailbox, sent.data["recipient_email"], "Your quotation")
    assert link(sent, "share_url") in mail.get_body(("plain",)).get_content()
    invited = account_invited(unique_email("invited"))
    apply(db, invited)
    welcome = sent_mail(db, settings, mailbox, invited.data["email"], "Welcome to the")
    assert link(invited, "activation_url") in welcome.get_body(("plain",)).get_content()
