"""When invoices fall due and count as overdue (pure rules)."""
import datetime as dt

import pytest

from billing.dating import due_on, is_overdue

DAY = dt.date(2026, 11, 2)


def test_an_invoice_falls_due_after_the_payment_terms_and_on_receipt_with_zero_days():
    assert due_on(DAY, 30) == dt.date(2026, 12, 2)
    assert due_on(DAY, 0) == DAY


@pytest.mark.parametrize(("status", "due", "today", "late"), [
    ("issued", DAY, DAY, False),                                # due today: not late yet
    ("issued", DAY, DAY + dt.timedelta(days=1), True),
    ("partially_paid", DAY, DAY + dt.timedelta(days=1), True),  # a balance is still owed
    ("paid", DAY, DAY + dt.timedelta(days=90), False),
    ("void", DAY, DAY + dt.timedelta(days=90), False),
    ("issued", None, DAY + dt.timedelta(days=90), False),       # issued before due dates existed
])
def test_only_money_still_owed_after_the_due_date_is_overdue(status, due, today, late):
    assert is_overdue(status, due, today) is late
