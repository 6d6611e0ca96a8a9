"""Composing a logged message as an e-mail and handing it to the SMTP server."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import formataddr, formatdate, parseaddr

from servicekit.center import Center

from notifications.config import NotificationsSettings

# Everything a send can fail with: SMTP replies, network and TLS errors, an address no header can carry.
SEND_ERRORS = (smtplib.SMTPException, OSError, ValueError)


class _Policy(EmailPolicy):
    """SMTP's policy, except that a List-Unsubscribe header is never folded into RFC 2047 encoded words.

    A URL longer than a line (our signed unsubscribe links are) would otherwise be written as
    `=?utf-8?q?=3Chttps=3A//…?=`, which no mail client reads as a link: no "Unsubscribe" button. The header is
    ASCII; RFC 5322 allows a line up to 998 characters.
    """

    def _whole_line(self, name: str) -> EmailPolicy:
        return SMTP.clone(max_line_length=998) if name.lower() == "list-unsubscribe" else SMTP

    def fold(self, name, value):  # noqa: ANN001 - email.policy's signature
        return self._whole_line(name).fold(name, value)

    def fold_binary(self, name, value):  # noqa: ANN001 - email.policy's signature
        return self._whole_line(name).fold_binary(name, value)


POLICY = _Policy(linesep="\r\n")  # as email.policy.SMTP


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str = "application/pdf"


def message_id(notification_id: str, mail_from: str) -> str:
    """`<notification id@sender's domain>`: stable across resends, so a receiver can drop a duplicate."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<{notification_id}@{domain}>"


def sender(settings: NotificationsSettings, centre: Center) -> str:
    """MAIL_FROM as configured, under the centre's name once an org_admin renamed it (the address never changes:
    SPF and DKIM are published for MAIL_FROM's domain)."""
    if centre.name == settings.center_name:
        return settings.mail_from
    return formataddr((centre.name, parseaddr(settings.mail_from)[1]))


def compose(settings: NotificationsSettings, notification_id: str, to: str, name: str, subject: str,
            body: str, *, attachment: Attachment | None = None, unsubscribe_url: str | None = None,
            sender: str | None = None, reply_to: str | None = None) -> EmailMessage:
    """A plain-text e-mail from `sender` (else MAIL_FROM) with the notification's own Message-ID (and its PDF)."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender or settings.mail_from
    if reply_to:
        message["Reply-To"] = reply_to  # the centre's own address: answers reach a person, not no-reply
    message["To"] = formataddr((name, to)) if name else to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(notification_id, settings.mail_from)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        # RFC 8058 one-click unsubscribe: mail clients show an "unsubscribe" button.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    if attachment is not None:
        maintype, _, subtype = attachment.mime.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def _connect(settings: NotificationsSettings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)


def send(settings: NotificationsSettings, message: EmailMessage) -> str:
    """Deliver one message to the configured SMTP server (login only when SMTP_USERNAME is set); its answer."""
    with _connect(settings) as smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        refused = smtp.send_message(message)
    if refused:
        return f"accepted by {settings.smtp_host}; refused: {refused}"
    return f"accepted by {settings.smtp_host}:{settings.smtp_port}"
