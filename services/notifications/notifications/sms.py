"""Sending an SMS: a Twilio-compatible REST API in production, a file per message locally (SMS_PROVIDER)."""
from __future__ import annotations

import datetime as dt
import os

import requests

from notifications.config import NotificationsSettings


class SmsError(Exception):
    """A send that failed; `permanent` when retrying cannot help (the provider refused this message)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _twilio(settings: NotificationsSettings, to: str, body: str) -> str:
    url = f"{settings.sms_api_url}/2010-04-01/Accounts/{settings.sms_account_sid}/Messages.json"
    try:
        with requests.Session() as http:
            http.trust_env = False
            answer = http.post(url, data={"To": to, "From": settings.sms_from, "Body": body},
                               auth=(settings.sms_account_sid or "", settings.sms_auth_token or ""),
                               timeout=(3.0, settings.sms_timeout))
    except requests.RequestException as exc:
        raise SmsError(f"SMS provider unreachable: {exc.__class__.__name__}: {exc}") from exc
    try:
        reply = answer.json()
    except ValueError:
        reply = {}
    if 200 <= answer.status_code < 300 and reply.get("sid"):
        return f"sid={reply['sid']} status={reply.get('status', '')}".strip()
    detail = f"HTTP {answer.status_code} code={reply.get('code')} {reply.get('message') or answer.text[:300]}"
    # 4xx (bad number, unsubscribed recipient...) will fail again; 429 and 5xx are the provider's trouble.
    raise SmsError(detail, permanent=400 <= answer.status_code < 500 and answer.status_code != 429)


def _file(settings: NotificationsSettings, notification_id: str, to: str, body: str) -> str:
    folder = settings.var_dir / "sms"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notification_id}.txt"
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"To: {to}\nFrom: {settings.sms_from or settings.center_name}\nDate: {stamp}\n\n{body}\n",
                         encoding="utf-8")
    os.replace(temporary, path)  # a reader never sees half a message
    return f"file={path}"


def send(settings: NotificationsSettings, notification_id: str, to: str, body: str) -> str:
    """Hand one SMS to the provider; returns its answer (e.g. 'sid=SM…'), raises SmsError."""
    if settings.sms_provider == "twilio":
        return _twilio(settings, to, body)
    try:
        return _file(settings, notification_id, to, body)
    except OSError as exc:
        raise SmsError(f"writing the SMS file failed: {exc}") from exc
