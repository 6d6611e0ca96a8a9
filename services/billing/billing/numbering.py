"""Gap-free invoice numbers: one counter row per year, locked and bumped in the issuing transaction."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billing.models import InvoiceCounter


def format_number(year: int, sequence: int) -> str:
    """(2026, 1) -> 'INV-2026-000001'."""
    return f"INV-{year}-{sequence:06d}"


def _lock_counter(year: int) -> Select:
    return (select(InvoiceCounter).where(InvoiceCounter.year == year).with_for_update()
            .execution_options(populate_existing=True))


def next_number(session: Session, year: int) -> str:
    """The year's next number. The counter stays locked until commit, so a rollback gives the number back."""
    counter = session.scalars(_lock_counter(year)).first()
    if counter is None:
        try:
            with session.begin_nested():
                session.add(InvoiceCounter(year=year, last_number=0))
        except IntegrityError:
            pass  # a concurrent first invoice of the year created the row: lock that one instead
        counter = session.scalars(_lock_counter(year)).one()
    counter.last_number += 1
    session.flush()
    return format_number(year, counter.last_number)
