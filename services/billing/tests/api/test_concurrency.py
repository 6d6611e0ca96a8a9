"""Concurrent requests: invoice numbers stay gap-free, items are invoiced once, invoices are never overpaid."""
import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from billing.models import BillableItem, Invoice, InvoiceCounter

from ..helpers import issue, pay, unbilled_item

THREADS = 20


@pytest.fixture(scope="module")
def app(spec, settings):
    """The app with a pool big enough for every thread to hold a connection at once."""
    application = spec.create_app(dataclasses.replace(settings, db_pool_size=THREADS + 5))
    yield application
    application.extensions["servicekit.db"].dispose()


def all_at_once(calls):
    """Run the calls on their own threads (each with its own test client), released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def last_number(db, settings):
    year = dt.datetime.now(ZoneInfo(settings.center_timezone)).year
    with db.transaction() as s:
        counter = s.get(InvoiceCounter, year)
        return year, counter.last_number if counter else 0


def test_twenty_concurrent_invoices_get_the_next_twenty_numbers_without_gap_or_repeat(app, db, tokens, settings):
    clients = [unbilled_item(db)[0] for _ in range(THREADS)]
    year, before = last_number(db, settings)
    responses = all_at_once([lambda c=c: issue(app.test_client(), tokens, c) for c in clients])
    assert [r.status_code for r in responses] == [201] * THREADS
    numbers = sorted(r.json["number"] for r in responses)
    assert numbers == [f"INV-{year}-{n:06d}" for n in range(before + 1, before + THREADS + 1)]
    assert last_number(db, settings) == (year, before + THREADS)


def test_two_concurrent_invoices_for_the_same_items_bill_them_once(app, db, tokens):
    client_id, _ = unbilled_item(db)
    unbilled_item(db, client_id)
    responses = all_at_once([lambda: issue(app.test_client(), tokens, client_id)] * 2)
    assert sorted(r.status_code for r in responses) == [201, 422]
    [winner] = [r.json for r in responses if r.status_code == 201]
    assert len(winner["lines"]) == 2
    with db.transaction() as s:
        invoice_ids = set(s.scalars(select(BillableItem.invoice_id).where(BillableItem.client_id == client_id)))
    assert invoice_ids == {winner["id"]}


def test_two_concurrent_payments_exceeding_the_balance_never_overpay(app, db, tokens):
    client_id, _ = unbilled_item(db, unit_price="100.00")
    invoice = issue(app.test_client(), tokens, client_id).json
    responses = all_at_once([lambda: pay(app.test_client(), tokens, invoice["id"], "60.00")] * 2)
    assert sorted(r.status_code for r in responses) == [201, 409]
    with db.transaction() as s:
        stored = s.get(Invoice, invoice["id"])
        assert (stored.paid_minor, stored.status, len(stored.payments)) == (6000, "partially_paid", 1)
