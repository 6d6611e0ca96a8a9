"""When an invoice is dated and when it is due: payment terms, and invoices entered with an earlier date.

An invoice is normally dated the day it is issued. Billing staff may give an earlier date to record an invoice
that was issued outside the system (on paper during an outage, or before the centre moved here). Numbers must
still follow dates, so an earlier date is accepted only on or after the date of the latest invoice.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicekit.auth import BILLER, Principal
from servicekit.errors import Conflict, Forbidden, field_error

from billing.models import OPEN_STATUSES, Invoice

MIDDAY = dt.time(12, 0)
ONLY_BILLERS = "Only billing staff may date an invoice in the past."


def center_today(zone: ZoneInfo, now: dt.datetime) -> dt.date:
    """Today's date at the centre."""
    return now.astimezone(zone).date()


def due_on(issued_on: dt.date, terms_days: int) -> dt.date:
    """The date payment is due: the invoice's date plus the centre's payment terms."""
    return issued_on + dt.timedelta(days=terms_days)


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """Still owed after its due date (invoices from before due dates existed have none)."""
    return status in OPEN_STATUSES and due is not None and due < today


def requested_day(principal: Principal, issued_on: dt.date | None, today: dt.date) -> dt.date:
    """The invoice's date: today unless billing staff chose an earlier day (never a later one)."""
    if issued_on is None or issued_on == today:
        return today
    if issued_on > today:
        raise field_error("issued_on", f"Must not be in the future (today is {today.isoformat()} at the centre).")
    if not principal.has_any([BILLER]):
        raise Forbidden(ONLY_BILLERS)
    return issued_on


def issue_moment(session: Session, day: dt.date, today: dt.date, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """When the invoice counts as issued; refuses a date before the latest invoice's (numbers follow dates).

    Call it once the year's number counter is locked, so no other invoice can slip in between.
    """
    if day == today:
        return now
    latest: dt.datetime | None = session.scalar(select(func.max(Invoice.issued_at)))
    if latest is not None and latest.astimezone(zone).date() > day:
        raise Conflict(f"Invoice numbers follow their dates: the latest invoice is dated "
                       f"{latest.astimezone(zone).date().isoformat()}, so this one cannot be dated earlier.")
    midday = dt.datetime.combine(day, MIDDAY, tzinfo=zone).astimezone(dt.timezone.utc)
    if latest is not None and latest >= midday:
        return latest + dt.timedelta(milliseconds=1)  # the same day, after the invoice before it
    return midday
