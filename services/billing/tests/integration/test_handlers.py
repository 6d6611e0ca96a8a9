"""Billing event handlers against the real database, through the same inbox transaction the consumer uses."""
import pytest
from sqlalchemy import func, select

from servicekit.messaging import PoisonMessage

from billing.credits import CreditNotOpenedYet
from billing.models import BillableItem, ClientRef, CreditUse, PackageCredit

from ..helpers import (apply, billable, client_created, package_line, quotation_signed, single_line,
                       task_completed, uid)


def items_of(db, client_id):
    with db.transaction() as s:
        return s.scalars(select(BillableItem).where(BillableItem.client_id == client_id)
                         .order_by(BillableItem.created_at)).all()


def credit_of(db, quotation_id):
    with db.transaction() as s:
        return s.scalars(select(PackageCredit).where(PackageCredit.quotation_id == quotation_id)).one()


def credit_uses(db, task_id):
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(CreditUse).where(CreditUse.task_id == task_id))


def test_client_events_keep_the_name_and_billing_contact_up_to_date(db):
    created = client_created(first="Noah", last="Martin", guardian_email="maya.m@example.org")
    assert apply(db, created) is True
    client_id = created.data["client_id"]
    apply(db, client_created(client_id=client_id, first="Noah", last="Martin-Leroy", event_type="client.updated"))
    with db.transaction() as s:
        ref = s.get(ClientRef, client_id)
        assert ref.name == "Noah Martin-Leroy" and ref.guardian_name == "Maya Parent"
    assert apply(db, created) is False  # a redelivery of the old event is absorbed by the inbox


def test_the_longest_names_the_crm_accepts_are_kept_whole(db):
    """Security finding 3: 100 + 100 characters overflowed the copy and dead-lettered client.created."""
    created = client_created(first="É" * 100, last="Ø" * 100)
    assert apply(db, created) is True
    with db.transaction() as s:
        assert s.get(ClientRef, created.data["client_id"]).name == "É" * 100 + " " + "Ø" * 100


def test_completed_billable_task_becomes_one_unbilled_item(db):
    client_id = uid()
    env = task_completed(client_id, billable=billable("60.00", quantity=2), client_name="Emma Roux")
    assert apply(db, env) is True
    [item] = items_of(db, client_id)
    assert (item.source, item.status, item.task_id) == ("task", "unbilled", env.data["task_id"])
    assert (item.quantity, item.unit_price_minor, item.amount_minor, item.currency) == (2, 6000, 12000, "EUR")
    with db.transaction() as s:
        assert s.get(ClientRef, client_id).name == "Emma Roux"  # known before CRM's event arrives


def test_redelivered_or_repeated_task_completion_bills_nothing_twice(db):
    client_id = uid()
    env = task_completed(client_id, billable=billable())
    apply(db, env)
    assert apply(db, env) is False
    again = task_completed(client_id, billable=billable(), task_id=env.data["task_id"])  # completed once more
    assert apply(db, again) is True
    assert len(items_of(db, client_id)) == 1


def test_a_malformed_price_is_poison_not_a_retry(db):
    env = task_completed(uid(), billable=billable("sixty"))
    with pytest.raises(PoisonMessage):
        apply(db, env)


def test_signed_package_is_billed_and_credited_while_single_lines_wait_for_their_task(db):
    client_id = uid()
    line = package_line(sessions=10, unit_price="450.00")
    env = quotation_signed(client_id, [line, single_line()])
    assert apply(db, env) is True
    [item] = items_of(db, client_id)
    assert (item.source, item.quotation_line_id, item.amount_minor) == ("package", line["line_id"], 45000)
    assert item.description == "Occupational therapy, 10 sessions package"
    credit = credit_of(db, env.data["quotation_id"])
    assert (credit.sessions_total, credit.sessions_used, credit.client_id) == (10, 0, client_id)


def test_redelivered_or_repeated_signature_opens_one_package_only(db):
    client_id = uid()
    env = quotation_signed(client_id, [package_line()])
    apply(db, env)
    assert apply(db, env) is False
    apply(db, quotation_signed(client_id, env.data["lines"], quotation_id=env.data["quotation_id"]))
    assert len(items_of(db, client_id)) == 1
    assert credit_of(db, env.data["quotation_id"]).sessions_total == 10


def test_completed_package_task_consumes_its_sessions_once(db):
    client_id = uid()
    signed = quotation_signed(client_id, [package_line(sessions=10)])
    apply(db, signed)
    use = {"quotation_id": signed.data["quotation_id"], "quotation_line_id": signed.data["lines"][0]["line_id"],
           "sessions": 4}
    done = task_completed(client_id, package_credit=use)
    apply(db, done)
    apply(db, done)
    apply(db, task_completed(client_id, package_credit=use, task_id=done.data["task_id"]))
    assert credit_of(db, signed.data["quotation_id"]).sessions_used == 4
    assert credit_uses(db, done.data["task_id"]) == 1
    assert len(items_of(db, client_id)) == 1  # the package item only: package work is never billed again


def test_package_credit_is_never_used_beyond_its_total(db):
    client_id = uid()
    signed = quotation_signed(client_id, [package_line(sessions=5)])
    apply(db, signed)
    use = {"quotation_id": signed.data["quotation_id"], "quotation_line_id": signed.data["lines"][0]["line_id"]}
    apply(db, task_completed(client_id, package_credit={**use, "sessions": 4}))
    apply(db, task_completed(client_id, package_credit={**use, "sessions": 3}))
    assert credit_of(db, signed.data["quotation_id"]).sessions_used == 5


def test_package_task_completed_before_the_signature_arrives_is_retried_not_lost(db):
    client_id, quotation_id, line = uid(), uid(), package_line(sessions=8)
    use = {"quotation_id": quotation_id, "quotation_line_id": line["line_id"], "sessions": 2}
    early = task_completed(client_id, package_credit=use)
    with pytest.raises(CreditNotOpenedYet):
        apply(db, early)
    assert credit_uses(db, early.data["task_id"]) == 0
    apply(db, quotation_signed(client_id, [line], quotation_id=quotation_id))
    assert apply(db, early) is True  # the retry, once the package exists
    assert credit_of(db, quotation_id).sessions_used == 2
