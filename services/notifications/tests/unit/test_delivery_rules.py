"""Retry pacing, the e-mail envelope and the SMTP settings."""
import pytest

from notifications.config import NotificationsSettings
from notifications.delivery import retry_delay
from notifications.mailer import Attachment, compose, message_id


def test_retries_wait_30_seconds_then_double_up_to_an_hour():
    assert [retry_delay(n).total_seconds() for n in (0, 1, 2, 3, 4, 7, 8, 500)] == [
        30, 30, 60, 120, 240, 1920, 3600, 3600]


def test_message_id_is_the_notification_id_at_the_sender_domain():
    assert message_id("abc", "Center <no-reply@sunnysteps.example>") == "<abc@sunnysteps.example>"


def test_composed_email_is_plain_text_from_mail_from_to_the_named_guardian():
    settings = NotificationsSettings(service="notifications", database_url="sqlite://",
                                     mail_from="Center <desk@center.example>")
    message = compose(settings, "n-1", "maya@example.org", "Maya Parent", "Hello", "Body text\n")
    assert message["From"] == "Center <desk@center.example>"
    assert message["To"] == "Maya Parent <maya@example.org>"
    assert message["Message-ID"] == "<n-1@center.example>"
    assert message.get_content_type() == "text/plain" and message.get_content() == "Body text\n"


def test_smtp_settings_come_from_the_environment(monkeypatch):
    for name, value in {"SMTP_HOST": "mail.example", "SMTP_PORT": "587", "SMTP_SECURITY": "STARTTLS",
                        "SMTP_USERNAME": "bot", "SMTP_PASSWORD": "s3cret", "SMTP_TIMEOUT": "4.5",
                        "MAX_SEND_ATTEMPTS": "3", "NOTIFY_POLL_INTERVAL": "1"}.items():
        monkeypatch.setenv(name, value)
    settings = NotificationsSettings.from_env("notifications")
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("mail.example", 587, "starttls")
    assert (settings.smtp_username, settings.smtp_password, settings.smtp_timeout) == ("bot", "s3cret", 4.5)
    assert settings.max_send_attempts == 3 and settings.notify_poll_interval == 1.0


def test_smtp_defaults_suit_a_local_mail_catcher(monkeypatch):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "MAIL_FROM", "MAX_SEND_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    settings = NotificationsSettings.from_env("notifications")
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("127.0.0.1", 1025, "none")
    assert settings.smtp_username is None and settings.max_send_attempts == 8
    assert settings.mail_from == "Sunny Steps Therapy Center <no-reply@sunnysteps.example>"


@pytest.mark.parametrize("name, value", [("SMTP_SECURITY", "tls13"), ("MAIL_FROM", "nobody"),
                                         ("SMTP_PORT", "smtp")])
def test_a_bad_smtp_setting_stops_the_service_with_a_clear_message(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=name):
        NotificationsSettings.from_env("notifications")


def test_sms_and_reminder_settings_come_from_the_environment(monkeypatch):
    for name, value in {"SMS_PROVIDER": "Twilio", "SMS_API_URL": "https://sms.example/", "SMS_ACCOUNT_SID": "AC1",
                        "SMS_AUTH_TOKEN": "t", "SMS_FROM": "+33700000000", "SMS_DEFAULT_REGION": "be",
                        "REMINDER_DEFAULT_LEAD_HOURS": "48", "REMINDER_DEFAULT_CHANNELS": "sms, email",
                        "FRONT_DESK_EMAIL": "desk@center.example", "SALES_URL": "http://sales:8103/",
                        "BILLING_URL": "http://billing:8105"}.items():
        monkeypatch.setenv(name, value)
    settings = NotificationsSettings.from_env("notifications")
    assert (settings.sms_provider, settings.sms_api_url, settings.sms_default_region) == (
        "twilio", "https://sms.example", "BE")
    assert settings.reminder_default_lead_hours == 48 and settings.reminder_default_channels == ("sms", "email")
    assert (settings.front_desk_email, settings.sales_url, settings.billing_url) == (
        "desk@center.example", "http://sales:8103", "http://billing:8105")


def test_reminder_and_sms_defaults_suit_local_development(monkeypatch):
    for name in ("SMS_PROVIDER", "REMINDER_DEFAULT_LEAD_HOURS", "REMINDER_DEFAULT_CHANNELS", "NOTIFY_LINK_SECRET",
                 "FRONT_DESK_EMAIL", "SALES_URL", "BILLING_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = NotificationsSettings.from_env("notifications")
    assert settings.sms_provider == "file" and settings.reminder_default_lead_hours is None
    assert settings.reminder_default_channels == ("email",) and settings.notify_link_secret is None
    assert (settings.sales_url, settings.billing_url) == ("http://127.0.0.1:8103", "http://127.0.0.1:8105")
    assert settings.front_desk_email == "frontdesk@sunnysteps.example"


@pytest.mark.parametrize("variables, name", [
    ({"SMS_PROVIDER": "pigeon"}, "SMS_PROVIDER"), ({"SMS_PROVIDER": "twilio"}, "SMS_ACCOUNT_SID"),
    ({"REMINDER_DEFAULT_LEAD_HOURS": "1"}, "REMINDER_DEFAULT_LEAD_HOURS"),
    ({"REMINDER_DEFAULT_CHANNELS": "email,fax"}, "REMINDER_DEFAULT_CHANNELS"),
    ({"CENTER_TIMEZONE": "Mars/Olympus"}, "CENTER_TIMEZONE"), ({"FRONT_DESK_EMAIL": "desk"}, "FRONT_DESK_EMAIL")])
def test_a_bad_sms_or_reminder_setting_stops_the_service_with_a_clear_message(monkeypatch, variables, name):
    for key in ("SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"):
        monkeypatch.delenv(key, raising=False)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match=name):
        NotificationsSettings.from_env("notifications")


def test_an_email_with_a_pdf_and_an_unsubscribe_link_is_multipart_with_one_click_headers():
    settings = NotificationsSettings(service="notifications", database_url="sqlite://")
    message = compose(settings, "n-2", "maya@example.org", "", "Invoice", "See attached.\n",
                      attachment=Attachment("INV-1.pdf", b"%PDF-1.4"), unsubscribe_url="https://x.example/r/u/t")
    assert message["To"] == "maya@example.org" and message.get_content_type() == "multipart/mixed"
    [pdf] = list(message.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content_type(), pdf.get_content()) == ("INV-1.pdf", "application/pdf",
                                                                              b"%PDF-1.4")
    assert message["List-Unsubscribe"] == "<https://x.example/r/u/t>"
