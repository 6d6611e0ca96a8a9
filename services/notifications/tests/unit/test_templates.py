"""The message texts: the default templates with real data, dates in the recipient's zone, the center's name."""
import datetime as dt

import pytest

from servicekit.errors import Unprocessable

from notifications import contexts
from notifications.default_templates import DEFAULTS, sample
from notifications.models import KINDS, Appointment
from notifications.templates import (TemplateText, _check, format_day, format_short, format_when, full_name,
                                     render)

COMMON = {"center_name": "Little Steps Center", "portal_url": "https://portal.example", "recipient_name": "Maya Parent",
          "greeting": "Dear Maya Parent,", "unsubscribe_url": "", "center_address": "", "center_phone": "",
          "center_email": ""}


def default(kind, variables, channel="email"):
    return render(TemplateText(kind, *DEFAULTS[kind]), {**COMMON, **variables}, channel)


def session_on(start, **fields):
    values = dict(id="a-1", status="booked", start_at=start, service_name="Speech therapy",
                  therapist_name="Anna Meyer", client_name="Lina Dupont", guardian_name="Maya Parent")
    values.update(fields)
    return Appointment(**values)


def test_times_are_shown_in_the_given_time_zone_in_winter_and_summer():
    assert format_when("2026-12-01T09:00:00Z", "Europe/Paris") == "Tuesday 1 December 2026, 10:00 (Europe/Paris)"
    assert format_when("2026-07-01T08:00:00+00:00", "Europe/Paris") == "Wednesday 1 July 2026, 10:00 (Europe/Paris)"
    assert format_short("2026-12-01T09:00:00Z", "America/New_York") == "Tue 1 Dec 04:00"


def test_a_day_is_the_local_day_and_a_bare_date_stays_that_day():
    assert format_day("2026-12-02T23:30:00Z", "Europe/Paris") == "Thursday 3 December 2026"
    assert format_day("2026-12-31", "Europe/Paris") == "Thursday 31 December 2026"


def test_booking_email_names_service_therapist_time_and_center():
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    message = default("appointment_booked", contexts.appointment(session_on(start), {}, "Europe/Paris"))
    assert message.subject == "Your session is booked: Speech therapy on Tuesday 1 December 2026"
    assert message.body.startswith("Dear Maya Parent,\n\nYour Speech therapy session for Lina Dupont is booked.")
    for fact in ("Tuesday 1 December 2026, 10:00 (Europe/Paris)", "Anna Meyer", "Little Steps Center"):
        assert fact in message.body
    assert message.body.rstrip().endswith("Kind regards,\nLittle Steps Center")


def test_a_family_in_another_time_zone_reads_its_own_local_time():
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    message = default("appointment_booked", contexts.appointment(session_on(start), {}, "Europe/London"))
    assert "Tuesday 1 December 2026, 09:00 (Europe/London)" in message.body


def test_reminder_sms_is_one_line_with_both_links():
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    variables = {**contexts.appointment(session_on(start), {}, "Europe/Paris"),
                 "confirm_url": "https://c.example/r/yes", "cancel_url": "https://c.example/r/no"}
    message = default("appointment_reminder", variables, "sms")
    assert message.body == ("Little Steps Center: reminder, Speech therapy Tue 1 Dec 10:00. "
                            "Confirm: https://c.example/r/yes Cancel: https://c.example/r/no")


def test_rescheduled_notice_says_from_when_to_when():
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
    variables = contexts.appointment(session_on(start), {"previous_start": "2026-12-01T10:00:00+01:00"},
                                     "Europe/Paris")
    body = default("appointment_rescheduled", variables).body
    assert "has moved from Tuesday 1 December 2026, 10:00 (Europe/Paris)" in body
    assert "Wednesday 2 December 2026, 10:00 (Europe/Paris)" in body


def test_quotation_email_carries_the_link_total_and_expiry():
    message = default("quotation_sent", contexts.quotation_sent({
        "number": "Q-2026-0007", "client_name": "Lina Dupont", "share_url": "https://x.example/q/abc",
        "expires_at": "2026-12-31T22:59:59Z", "total": "480.00", "currency": "EUR"}, "Europe/Paris"))
    assert message.subject == "Your quotation Q-2026-0007 from Little Steps Center"
    for fact in ("https://x.example/q/abc", "480.00 EUR", "Thursday 31 December 2026", "Lina Dupont"):
        assert fact in message.body


def test_payment_confirmation_lists_invoice_total_date_and_each_payment():
    message = default("payment_confirmation", contexts.payment_received({
        "number": "INV-2026-000042", "total": "120.00", "currency": "EUR", "paid_at": "2026-12-02T10:00:00Z",
        "payments": [{"amount": "100.00", "method": "card"}, {"amount": "20.00", "method": "package_credit"}]},
        "Lina Dupont", "Europe/Paris", has_pdf=True))
    assert message.subject == "Payment received: invoice INV-2026-000042"
    for fact in ("INV-2026-000042 for Lina Dupont", "120.00 EUR", "Wednesday 2 December 2026",
                 "- 100.00 EUR by card", "- 20.00 EUR from package credit", "https://portal.example",
                 "The paid invoice is attached."):
        assert fact in message.body


def test_payment_confirmation_without_a_payment_date_or_payments_still_reads_well():
    message = default("payment_confirmation", contexts.payment_received(
        {"number": "INV-1", "total": "80.00", "currency": "EUR", "paid_at": None, "payments": []}, "", "Europe/Paris",
        has_pdf=False))
    assert "Thank you. We have received full payment of invoice INV-1." in message.body
    assert "Paid on" not in message.body and "Payments received" not in message.body and "attached" not in message.body


def test_the_unsubscribe_link_is_printed_only_when_there_is_one():
    variables = {**sample("appointment_cancelled"), "center_name": "C"}
    with_link = default("appointment_cancelled", {**variables, "unsubscribe_url": "https://u.example/r/unsubscribe/t"})
    assert "To stop receiving reminders and appointment notices: https://u.example/r/unsubscribe/t" in with_link.body
    assert "To stop receiving" not in default("appointment_cancelled", {**variables, "unsubscribe_url": ""}).body


@pytest.mark.parametrize("kind", KINDS)
def test_every_default_template_renders_with_its_sample_data(kind):
    subject, body, sms_text = DEFAULTS[kind]
    for field, source in (("subject", subject), ("body", body), ("sms_text", sms_text)):
        if source is not None:
            _check(kind, field, source)


def test_an_unknown_placeholder_is_a_422_naming_the_field_and_the_placeholder():
    with pytest.raises(Unprocessable) as caught:
        _check("appointment_reminder", "body", "Hello {{ child_name }} {{ shoe_size }}")
    assert set(caught.value.errors) == {"body"} and "shoe_size" in caught.value.errors["body"][0]


@pytest.mark.parametrize("source, words", [("{% if %}", "template error on line 1"),
                                           ("{{ center_name.__class__.__mro__ }}", "fails with sample data")])
def test_broken_or_unsafe_templates_are_422(source, words):
    with pytest.raises(Unprocessable) as caught:
        _check("appointment_booked", "subject", source)
    assert words in caught.value.errors["subject"][0]


@pytest.mark.parametrize("source, words", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}", "goes over a list"),
    ("{{ 'x' * 1000000000 }}", "the operator *"),
    ("{{ 9 ** 9 ** 9 }}", "the operator **"),
    ("{% set s = client_name %}{% set s = s ~ s %}{{ s }}", "{% set %}"),
    ("{{ client_name|center(1000000000) }}", "the filter |center"),
    ("{{ '%0999999999d'|format(1) }}", "the filter |format"),
    ("{% include 'other' %}", "{% include %}"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %}"),
    ("{{ client_name.upper() }}", "calling a function"),
    ("{% for c in client_name %}{{ c }}{% endfor %}", "is a text"),
    ("{% for a in payments %}{% for b in payments %}{% for c in payments %}{% endfor %}{% endfor %}{% endfor %}",
     "2 deep at most"),
])
def test_templates_that_could_pin_a_worker_are_refused_naming_the_construct(source, words):
    """Security finding 7: nested loops pinned a worker at 100 % CPU and 9 GB, and were saved."""
    with pytest.raises(Unprocessable) as caught:
        _check("payment_confirmation", "body", source)
    assert words in caught.value.errors["body"][0]


def test_what_messages_need_stays_available():
    _check("payment_confirmation", "body", "{% for p in payments %}{{ loop.index }}. {{ p.amount|default('?') }} "
                                           "{{ p.method|upper }}{% if not loop.last %}, {% endif %}{% endfor %}"
                                           "{{ client_name|title ~ ' – ' ~ number }}")


def test_a_text_that_grows_past_the_limit_stops_rendering():
    from notifications import sandbox
    env = sandbox.environment()
    with pytest.raises(sandbox.TemplateTooLong):
        sandbox.render(env.from_string("{% for p in items %}{{ p }}{% endfor %}"), {"items": ["x" * 1000] * 200})


def test_an_edited_template_failing_on_a_real_message_gives_way_to_the_default_text():
    edited = TemplateText("payment_confirmation", "Paid {{ number }}", "{{ missing_on_real_data }}", None,
                          updated_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
    message = render(edited, sample("payment_confirmation"), "email")
    assert message.subject == " ".join(render(TemplateText("payment_confirmation", *DEFAULTS[
        "payment_confirmation"]), sample("payment_confirmation"), "email").subject.split())


def test_full_name_tolerates_missing_parts():
    assert full_name({"first_name": "Maya", "last_name": None}) == "Maya"
    assert full_name(None) == ""


def test_the_sign_off_adds_the_centres_address_and_phone_when_it_has_them():
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    variables = {**contexts.appointment(session_on(start), {}, "Europe/Paris"),
                 "center_address": "3 place Bellecour\n69002 Lyon", "center_phone": "04 78 00 00 00"}
    message = default("appointment_booked", variables)
    assert message.body.rstrip().endswith("Kind regards,\nLittle Steps Center\n3 place Bellecour\n69002 Lyon\n"
                                          "Phone: 04 78 00 00 00")
