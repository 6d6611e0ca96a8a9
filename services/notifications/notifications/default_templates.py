"""The texts every kind of message starts with (seeded by migration 0002) and sample data to test edits."""
from __future__ import annotations

from typing import Any

_DETAILS = """When:       {{ when }}
Service:    {{ service }}
Therapist:  {{ therapist }}
Where:      {{ center_name }}"""

# The centre's address and phone (from its details, when set) sign every message to a family.
_SIGN_OFF = """

Kind regards,
{{ center_name }}
{% if center_address %}{{ center_address }}
{% endif %}{% if center_phone %}Phone: {{ center_phone }}
{% endif %}{% if unsubscribe_url %}
--
To stop receiving reminders and appointment notices: {{ unsubscribe_url }}
{% endif %}"""

_STAFF_DETAILS = """Family:     {{ guardian_name }} ({{ guardian_email or "no e-mail" }}\
{% if guardian_phone %}, {{ guardian_phone }}{% endif %})
Child:      {{ child_name }}
When:       {{ when }}
Service:    {{ service }}
Therapist:  {{ therapist }}"""

# kind -> (subject, body, sms_text or None)
DEFAULTS: dict[str, tuple[str, str, str | None]] = {
    "appointment_booked": (
        "Your session is booked: {{ service }} on {{ day }}",
        "{{ greeting }}\n\nYour {{ service }} session{% if child_name %} for {{ child_name }}{% endif %} is booked."
        "\n\n" + _DETAILS + "\n\nPlease arrive a few minutes early. If you need to reschedule or cancel, please "
        "contact the front desk as soon as possible so that another family can use the slot." + _SIGN_OFF,
        "{{ center_name }}: {{ service }} booked for {{ when_short }}"
        "{% if child_name %} ({{ child_name }}){% endif %}."),
    "appointment_rescheduled": (
        "Your session has moved: {{ service }} on {{ day }}",
        "{{ greeting }}\n\nYour {{ service }} session{% if child_name %} for {{ child_name }}{% endif %} has moved"
        "{% if previous_when %} from {{ previous_when }}{% endif %}. The new time is:\n\n" + _DETAILS
        + "\n\nIf the new time does not suit you, please contact the front desk." + _SIGN_OFF,
        "{{ center_name }}: your {{ service }} session has moved to {{ when_short }}."),
    "appointment_cancelled": (
        "Your session is cancelled: {{ service }} on {{ day }}",
        "{{ greeting }}\n\nYour {{ service }} session{% if child_name %} for {{ child_name }}{% endif %} on "
        "{{ when }} is cancelled.{% if reason %}\n\nReason: {{ reason }}{% endif %}\n\nTo book another time, "
        "please contact the front desk or visit {{ portal_url }}." + _SIGN_OFF,
        "{{ center_name }}: your {{ service }} session on {{ when_short }} is cancelled."),
    "appointment_reminder": (
        "Reminder: {{ service }} on {{ day }} at {{ time }}",
        "{{ greeting }}\n\nThis is a reminder of your {{ service }} session"
        "{% if child_name %} for {{ child_name }}{% endif %}.\n\n" + _DETAILS
        + "\n\nPlease confirm that you will come:\n{{ confirm_url }}\n\nCannot come? Ask to cancel:\n"
        "{{ cancel_url }}" + _SIGN_OFF,
        "{{ center_name }}: reminder, {{ service }} {{ when_short }}. Confirm: {{ confirm_url }} "
        "Cancel: {{ cancel_url }}"),
    "quotation_sent": (
        "Your quotation {{ number }} from {{ center_name }}",
        "{{ greeting }}\n\nYour quotation {{ number }}{% if client_name %} for {{ client_name }}{% endif %} is ready "
        "for you to review.\n\nQuotation:    {{ number }}\nTotal:        {{ total }} {{ currency }}"
        "{% if valid_until %}\nValid until:  {{ valid_until }}{% endif %}\n\nYou can read it, download it as PDF "
        "and sign it online here:\n{{ share_url }}\n\nIf you have any questions about this quotation, please "
        "contact the front desk." + _SIGN_OFF, None),
    "quotation_signed": (
        "Your signed quotation {{ number }}",
        "{{ greeting }}\n\nThank you{% if signer_name %}, {{ signer_name }}{% endif %}: quotation {{ number }}"
        "{% if client_name %} for {{ client_name }}{% endif %} was signed on {{ signed_on }}.\n\nTotal: {{ total }} "
        "{{ currency }}\n\nA copy of the signed quotation is attached to this e-mail for your records." + _SIGN_OFF,
        None),
    "invoice_issued": (
        "Your invoice from {{ center_name }}",
        "{{ greeting }}\n\nPlease find {% if has_pdf %}attached {% endif %}invoice {{ number }}"
        "{% if client_name %} for {{ client_name }}{% endif %}.\n\nInvoice:    {{ number }}\nDate:       "
        "{{ issued_on }}\nTotal:      {{ total }} {{ currency }}\n\nYou can also see it and your balance in the "
        "family portal: {{ portal_url }}" + _SIGN_OFF, None),
    "payment_confirmation": (
        "Payment received: invoice {{ number }}",
        "{{ greeting }}\n\nThank you. We have received full payment of invoice {{ number }}"
        "{% if client_name %} for {{ client_name }}{% endif %}.\n\nInvoice:  {{ number }}\nTotal:    {{ total }} "
        "{{ currency }}{% if paid_on %}\nPaid on:  {{ paid_on }}{% endif %}\n{% if payments %}\nPayments received:\n"
        "{% for p in payments %}- {{ p.amount }} {{ currency }} {{ p.method }}\n{% endfor %}{% endif %}\n"
        "{% if has_pdf %}The paid invoice is attached. {% endif %}You can download the invoice and its receipt "
        "from the family portal: {{ portal_url }}" + _SIGN_OFF, None),
    "portal_invitation": (
        "Welcome to the {{ center_name }} family portal",
        "{{ greeting }}\n\nWelcome to {{ center_name }}. You can now see your appointments, quotations and "
        "invoices in our family portal, and confirm or cancel sessions online.\n\nTo activate your account "
        "({{ email }}), choose a password here:\n{{ activation_url }}\n\nThis link works once and until "
        "{{ expires_on }}. If it has expired, ask the front desk for a new one." + _SIGN_OFF, None),
    "password_reset": (
        "Choose a new password for {{ center_name }}",
        "{{ greeting }}\n\nSomeone, we hope you, asked to choose a new password for your account ({{ email }}) at "
        "{{ center_name }}.\n\nTo choose a new password, open this link:\n{{ reset_url }}\n\nIt works once, until "
        "{{ expires_when }}. Every device signed in to your account will be signed out.\n\nIf you did not ask for "
        "this, ignore this e-mail: your password stays as it is." + _SIGN_OFF, None),
    "waitlist_offer": (
        "A session is free for {{ child_name }}: {{ when_short }}",
        "{{ greeting }}\n\nGood news: a session you were waiting for has become free, and we are holding it for "
        "{{ child_name }}.\n\n" + _DETAILS + "\n\nTo book it, open this link and choose \"Book this session\" "
        "before {{ hold_until }}:\n{{ accept_url }}\n\nAfter that, the session goes to the next family on the wait "
        "list. If it does not suit you, the same page lets you leave the wait list." + _SIGN_OFF, None),
    "staff_cancel_requested": (
        "Cancellation requested: {{ child_name }}, {{ when_short }}",
        "A family asked to cancel a session. Please accept or decline the request in the calendar.\n\n"
        + _STAFF_DETAILS + "{% if reason %}\nReason:     {{ reason }}{% endif %}\n", None),
    "staff_cancel_withdrawn": (
        "Cancellation request withdrawn: {{ child_name }}, {{ when_short }}",
        "The family withdrew their request to cancel this session; it goes ahead as planned.\n\n"
        + _STAFF_DETAILS + "\n", None),
    "staff_cancelled": (
        "Session cancelled by the family: {{ child_name }}, {{ when_short }}",
        "A family cancelled a session{% if late_cancellation %} at short notice (late cancellation)"
        "{% endif %}.\n\n" + _STAFF_DETAILS + "{% if reason %}\nReason:     {{ reason }}{% endif %}\n", None),
}

COMMON_SAMPLE: dict[str, Any] = {
    "center_name": "Sunny Steps Therapy Center", "center_address": "12 rue des Lilas\n69003 Lyon",
    "center_phone": "+33 4 72 00 00 00", "center_email": "hello@sunnysteps.example",
    "portal_url": "https://portal.example",
    "recipient_name": "Maya Parent", "greeting": "Dear Maya Parent,", "unsubscribe_url": "https://x.example/r/u",
}
_APPOINTMENT_SAMPLE: dict[str, Any] = {
    "child_name": "Lina Dupont", "service": "Occupational therapy", "therapist": "Anna Meyer",
    "when": "Tuesday 1 December 2026, 10:00 (Europe/Paris)", "when_short": "Tue 1 Dec 10:00",
    "day": "Tuesday 1 December 2026", "time": "10:00", "timezone": "Europe/Paris",
    "previous_when": "Monday 30 November 2026, 09:00 (Europe/Paris)", "reason": "Illness",
    "late_cancellation": False, "status": "booked",
}
_STAFF_SAMPLE = {**_APPOINTMENT_SAMPLE, "guardian_name": "Maya Parent", "guardian_email": "maya@example.org",
                 "guardian_phone": "+33612345678"}
_LINKS_SAMPLE = {"confirm_url": "https://x.example/r/confirm", "cancel_url": "https://x.example/r/cancel"}
_MONEY_SAMPLE = {"number": "INV-2026-000042", "client_name": "Lina Dupont", "total": "120.00", "currency": "EUR"}

SAMPLES: dict[str, dict[str, Any]] = {
    "appointment_booked": _APPOINTMENT_SAMPLE,
    "appointment_rescheduled": _APPOINTMENT_SAMPLE,
    "appointment_cancelled": _APPOINTMENT_SAMPLE,
    "appointment_reminder": {**_APPOINTMENT_SAMPLE, **_LINKS_SAMPLE},
    "quotation_sent": {**_MONEY_SAMPLE, "number": "Q-2026-0007", "share_url": "https://x.example/q/1",
                       "valid_until": "Thursday 31 December 2026"},
    "quotation_signed": {**_MONEY_SAMPLE, "number": "Q-2026-0007", "signed_on": "Wednesday 2 December 2026",
                         "signer_name": "Maya Parent"},
    "invoice_issued": {**_MONEY_SAMPLE, "issued_on": "Wednesday 2 December 2026", "has_pdf": True},
    "payment_confirmation": {**_MONEY_SAMPLE, "paid_on": "Wednesday 2 December 2026", "has_pdf": True,
                             "payments": [{"amount": "100.00", "method": "by card"}]},
    "portal_invitation": {"email": "maya@example.org", "activation_url": "https://x.example/activate?token=t",
                          "expires_on": "Wednesday 9 December 2026"},
    "password_reset": {"email": "maya@example.org", "reset_url": "https://x.example/reset-password?token=t",
                       "expires_when": "Tuesday 1 December 2026, 10:00 (Europe/Paris)"},
    "waitlist_offer": {"child_name": "Lina Dupont", "service": "Occupational therapy", "therapist": "Anna Meyer",
                       "when": "Tuesday 1 December 2026, 10:00 (Europe/Paris)", "when_short": "Tue 1 Dec 10:00",
                       "hold_until": "Monday 30 November 2026, 16:00 (Europe/Paris)",
                       "accept_url": "https://x.example/waitlist/1/offer?token=t"},
    "staff_cancel_requested": _STAFF_SAMPLE,
    "staff_cancel_withdrawn": _STAFF_SAMPLE,
    "staff_cancelled": _STAFF_SAMPLE,
}


def sample(kind: str) -> dict[str, Any]:
    """Sample variables of `kind` (what a template of that kind may use)."""
    return {**COMMON_SAMPLE, **SAMPLES[kind]}
