"""Quotation numbers: Q-<year>-<6 digits>, one counter row per year locked while the next is taken."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sales.models import QuotationCounter


def format_number(year: int, sequence: int) -> str:
    return f"Q-{year}-{sequence:06d}"


def next_number(session: Session, year: int) -> str:
    """The next number of `year`, taken in the caller's transaction (a rollback gives it back)."""
    counter = session.get(QuotationCounter, year, with_for_update=True)
    if counter is None:
        try:
            # The first quotation of a year creates the row; a concurrent first one waits, then reuses it.
            with session.begin_nested():
                session.add(QuotationCounter(year=year, last=0))
        except IntegrityError:
            pass
        counter = session.get(QuotationCounter, year, with_for_update=True, populate_existing=True)
    counter.last += 1
    session.flush()
    return format_number(year, counter.last)
