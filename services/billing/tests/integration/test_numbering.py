"""Invoice numbers against the real database: a rolled-back invoice gives its number back."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from servicekit import sealing
from servicekit.auth import Principal

from billing import invoicing, numbering
from billing.config import BillingSettings
from billing.models import BillableItem

from ..helpers import outbox_events, unbilled_item

STAFF = Principal(user_id="biller-1", role="biller")
SETTINGS = BillingSettings(service="billing", database_url="sqlite://", center_timezone="Europe/Paris",
                           link_sealing_public_key=sealing.public_key_of(sealing.new_private_key()))


class Crash(Exception):
    pass


def test_an_invoice_rolled_back_after_taking_its_number_leaves_no_gap(db):
    client_id, _ = unbilled_item(db)
    with pytest.raises(Crash):
        with db.transaction() as s:
            taken = invoicing.issue(s, STAFF, client_id, None, SETTINGS).number
            raise Crash()
    with db.transaction() as s:
        assert s.scalars(select(BillableItem.status).where(BillableItem.client_id == client_id)).all() == ["unbilled"]
    assert outbox_events(db, "invoice.issued", client_id=client_id) == []
    with db.transaction() as s:
        assert invoicing.issue(s, STAFF, client_id, None, SETTINGS).number == taken


def test_consecutive_invoices_take_consecutive_numbers(db):
    numbers = []
    for _ in range(3):
        client_id, _ = unbilled_item(db)
        with db.transaction() as s:
            numbers.append(invoicing.issue(s, STAFF, client_id, None, SETTINGS).number)
    sequence = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]


def test_the_first_numbers_of_a_new_year_race_to_create_its_counter_and_all_get_distinct_numbers(db):
    year, workers = 2999, 5  # a year no other test touches: its counter row does not exist yet
    barrier = threading.Barrier(workers)

    def take(_):
        barrier.wait()
        with db.transaction() as s:
            return numbering.next_number(s, year)

    with ThreadPoolExecutor(workers) as pool:
        numbers = sorted(pool.map(take, range(workers)))
    assert numbers == [f"INV-2999-{n:06d}" for n in range(1, workers + 1)]
