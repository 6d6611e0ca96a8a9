"""The words for each value the services return (statuses, stages, kinds, channels), one table per vocabulary.

Every screen shows a status through these tables, so an appointment reads the same on the calendar, the client
file and the delivery log. Statuses carry a translation context: in French their gender follows the noun
("Payée" for an invoice, "Terminé" for a task), and "Booked" is a session's state, not a count of hours.
An unknown value (one a service added later) is shown as it came, never hidden.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

CLIENT_STATUSES = {"prospect": lazy_pgettext("client status", "Prospect"),
                   "active": lazy_pgettext("client status", "Active"),
                   "inactive": lazy_pgettext("client status", "Inactive")}
STAGES = {"new": lazy_pgettext("opportunity stage", "New"), "quoted": lazy_pgettext("opportunity stage", "Quoted"),
          "won": lazy_pgettext("opportunity stage", "Won"), "lost": lazy_pgettext("opportunity stage", "Lost")}
QUOTATION_STATUSES = {"draft": lazy_pgettext("quotation status", "Draft"),
                      "sent": lazy_pgettext("quotation status", "Sent"),
                      "signed": lazy_pgettext("quotation status", "Signed"),
                      "declined": lazy_pgettext("quotation status", "Declined")}
APPOINTMENT_STATUSES = {"held": lazy_pgettext("appointment status", "Held for the wait list"),
                        "booked": lazy_pgettext("appointment status", "Booked"),
                        "confirmed": lazy_pgettext("appointment status", "Confirmed"),
                        "pending_cancel": lazy_pgettext("appointment status", "Cancellation requested"),
                        "cancelled": lazy_pgettext("appointment status", "Cancelled"),
                        "completed": lazy_pgettext("appointment status", "Completed"),
                        "no_show": lazy_pgettext("appointment status", "No-show")}
TASK_STATUSES = {"new": lazy_pgettext("task status", "New"),
                 "in_progress": lazy_pgettext("task status", "In progress"),
                 "needs_follow_up": lazy_pgettext("task status", "Needs follow-up"),
                 "completed": lazy_pgettext("task status", "Completed"),
                 "cancelled": lazy_pgettext("task status", "Cancelled")}
INVOICE_STATUSES = {"issued": lazy_pgettext("invoice status", "Issued"),
                    "partially_paid": lazy_pgettext("invoice status", "Partially paid"),
                    "paid": lazy_pgettext("invoice status", "Paid"),
                    "void": lazy_pgettext("invoice status", "Void")}
MESSAGE_STATUSES = {"queued": lazy_pgettext("message status", "Waiting to be sent"),
                    "sending": lazy_pgettext("message status", "Sending"),
                    "sent": lazy_pgettext("message status", "Sent"),
                    "failed": lazy_pgettext("message status", "Failed"),
                    "skipped": lazy_pgettext("message status", "Not sent")}
CHANNELS = {"email": _l("E-mail"), "sms": _l("SMS")}
PAYMENT_METHODS = {"cash": _l("Cash"), "card": _l("Card"), "transfer": _l("Bank transfer"),
                   "package_credit": _l("Package credit")}
SOURCES = {"online": _l("Online booking"), "front_desk": _l("Front desk"), "portal": _l("Family portal")}
# The kinds of message the notifications service sends (its KINDS), as staff call them.
MESSAGE_KINDS = {
    "appointment_booked": _l("Session booked"),
    "appointment_rescheduled": _l("Session moved"),
    "appointment_cancelled": _l("Session cancelled"),
    "appointment_reminder": _l("Session reminder"),
    "quotation_sent": _l("Quotation to review and sign"),
    "quotation_signed": _l("Signed quotation"),
    "invoice_issued": _l("Invoice"),
    "payment_confirmation": _l("Payment receipt"),
    "portal_invitation": _l("Family portal invitation"),
    "password_reset": _l("Password reset link"),
    "waitlist_offer": _l("Wait-list offer"),
    "staff_cancel_requested": _l("To the front desk: cancellation requested"),
    "staff_cancel_withdrawn": _l("To the front desk: cancellation request withdrawn"),
    "staff_cancelled": _l("To the front desk: the family cancelled"),
}
# What the client timeline calls each thing that happened (crm's activity kinds).
ACTIVITY_KINDS = {
    "appointment_booked": _l("Session booked"), "quotation_sent": _l("Quotation sent"),
    "quotation_signed": _l("Quotation signed"), "invoice_paid": _l("Invoice paid"),
    "opportunity_lost": _l("Opportunity lost")}

# Bootstrap badge colours: a status is read from its words, the colour only repeats it.
TONES = {"prospect": "info", "active": "success", "inactive": "secondary", "new": "info", "quoted": "primary",
         "won": "success", "lost": "secondary", "draft": "secondary", "sent": "primary", "signed": "success",
         "declined": "danger", "cancelled": "secondary", "failed": "danger", "paid": "success",
         "partially_paid": "warning", "issued": "primary", "void": "secondary", "completed": "success",
         "pending_cancel": "warning", "no_show": "danger", "needs_follow_up": "warning", "queued": "secondary"}


def label(table: dict, value: str | None) -> str:
    """The person-readable word for `value` in `table` (the raw value when the table does not know it)."""
    if value is None:
        return ""
    return str(table.get(value, value))


def tone(value: str | None) -> str:
    """The badge colour of a status."""
    return TONES.get(value or "", "light")


class Labels:
    """Passed to templates as `labels`: `labels.stage("won")`, `labels.invoice("paid")`, `labels.tone("won")`."""

    tone = staticmethod(tone)
    TABLES = {"client_status": CLIENT_STATUSES, "stage": STAGES, "quotation": QUOTATION_STATUSES,
              "appointment": APPOINTMENT_STATUSES, "task": TASK_STATUSES, "invoice": INVOICE_STATUSES,
              "message": MESSAGE_STATUSES, "message_kind": MESSAGE_KINDS, "channel": CHANNELS,
              "activity": ACTIVITY_KINDS, "source": SOURCES, "payment_method": PAYMENT_METHODS}

    def __getattr__(self, name: str):
        table = self.TABLES.get(name)
        if table is None:
            raise AttributeError(name)
        return lambda value: label(table, value)


labels = Labels()
