"""The variables each kind of template is rendered with, built from events and our appointment copy."""
from __future__ import annotations

from typing import Any

from notifications.models import Appointment
from notifications.templates import format_day, format_short, format_when, full_name, local

PAYMENT_METHODS = {"cash": "in cash", "card": "by card", "transfer": "by bank transfer",
                   "package_credit": "from package credit"}


def appointment(item: Appointment, data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """An appointment's facts, its times in the recipient's `timezone`."""
    start = item.start_at
    previous = data.get("previous_start")
    return {
        "child_name": item.client_name, "service": item.service_name or "therapy",
        "therapist": item.therapist_name or "to be confirmed", "when": format_when(start, timezone),
        "when_short": format_short(start, timezone), "day": format_day(start, timezone),
        "time": f"{local(start, timezone):%H:%M}", "timezone": timezone,
        "previous_when": format_when(previous, timezone) if previous else "",
        "reason": data.get("reason") or "", "late_cancellation": bool(data.get("late_cancellation")),
        "status": item.status,
    }


def staff_alert(item: Appointment, data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """An appointment's facts plus who the family is, for the front desk (in the center's zone)."""
    return {**appointment(item, data, timezone), "guardian_name": item.guardian_name,
            "guardian_email": item.guardian_email or "", "guardian_phone": item.guardian_phone or ""}


def quotation_sent(data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """quotation.sent: number, amount, link and validity."""
    return {"number": data.get("number") or "", "client_name": data.get("client_name") or "",
            "total": data["total"], "currency": data["currency"], "share_url": data["share_url"],
            "valid_until": format_day(data["expires_at"], timezone) if data.get("expires_at") else ""}


def quotation_signed(data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """quotation.signed: number, amount, who signed and when."""
    return {"number": data.get("number") or "", "client_name": data.get("client_name") or "",
            "total": data["total"], "currency": data["currency"], "signer_name": data.get("signer_name") or "",
            "signed_on": format_day(data["signed_at"], timezone) if data.get("signed_at") else ""}


def invoice_issued(data: dict[str, Any], client_name: str, timezone: str, has_pdf: bool) -> dict[str, Any]:
    """invoice.issued: number, amount, date."""
    return {"number": data["number"], "client_name": client_name, "total": data["total"],
            "currency": data["currency"], "has_pdf": has_pdf,
            "issued_on": format_day(data["issued_at"], timezone) if data.get("issued_at") else ""}


def payment_received(data: dict[str, Any], client_name: str, timezone: str, has_pdf: bool) -> dict[str, Any]:
    """invoice.paid: number, amount, date and each payment."""
    payments = [{"amount": p["amount"], "method": PAYMENT_METHODS.get(p.get("method") or "", f"by {p.get('method')}")}
                for p in data.get("payments") or []]
    return {"number": data["number"], "client_name": client_name, "total": data["total"],
            "currency": data["currency"], "has_pdf": has_pdf, "payments": payments,
            "paid_on": format_day(data["paid_at"], timezone) if data.get("paid_at") else ""}


def password_reset(data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """account.password_reset_requested: the link and until when it works (an hour: the time matters)."""
    return {"email": data["email"], "reset_url": data["reset_url"],
            "expires_when": format_when(data["expires_at"], timezone) if data.get("expires_at") else ""}


def invitation(data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """account.invited: the activation link and until when it works."""
    return {"email": data["email"], "activation_url": data["activation_url"],
            "expires_on": format_day(data["expires_at"], timezone) if data.get("expires_at") else ""}



def waitlist_offer(data: dict[str, Any], timezone: str) -> dict[str, Any]:
    """waitlist.slot_offered: the freed session held for the family, until when, and the link to take it."""
    return {"child_name": full_name(data.get("client")),
            "service": data.get("service_name") or "therapy", "therapist": data.get("therapist_name") or "",
            "when": format_when(data["start"], timezone), "when_short": format_short(data["start"], timezone),
            "hold_until": format_when(data["hold_until"], timezone), "accept_url": data["accept_url"]}
