"""Invoice dates: due dates from the payment terms, overdue invoices, and earlier-dated invoices in date order."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from servicekit import migrations

from billing.models import Invoice

from ..helpers import issue, pay, unbilled_item

ZONE = ZoneInfo("Europe/Paris")


def today() -> dt.date:
    return dt.datetime.now(ZONE).date()


def issue_on(client, tokens, client_id, day, role="biller"):
    return client.post("/api/v1/invoices", json={"client_id": client_id, "issued_on": day.isoformat()},
                       headers=tokens.headers(role))


@pytest.fixture()
def fresh(spec, database_factory, test_wiring):
    """An app on a database of its own: earlier dates are only accepted before any later invoice exists."""
    url = database_factory("billing_dates")
    migrations.upgrade(spec.package_dir, url)
    settings = spec.settings(database_url=url, log_format="text", center_timezone="Europe/Paris", **test_wiring)
    app = spec.create_app(settings)
    yield app.test_client(), app.extensions["servicekit.db"]
    app.extensions["servicekit.db"].dispose()


def test_an_invoice_is_due_after_the_payment_terms_and_is_not_overdue_before(client, db, tokens, settings):
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    issued = dt.datetime.fromisoformat(invoice["issued_at"]).astimezone(ZoneInfo(settings.center_timezone)).date()
    assert invoice["due_on"] == (issued + dt.timedelta(days=settings.payment_terms_days)).isoformat()
    assert invoice["overdue"] is False


def test_billing_staff_enter_earlier_invoices_in_date_order_and_unpaid_late_ones_are_overdue(fresh, tokens):
    client, db = fresh
    first_id, second_id, third_id = (unbilled_item(db)[0] for _ in range(3))
    day = today() - dt.timedelta(days=45)
    first = issue_on(client, tokens, first_id, day)
    assert first.status_code == 201, first.json
    assert dt.datetime.fromisoformat(first.json["issued_at"]).astimezone(ZONE).date() == day
    assert first.json["due_on"] == (day + dt.timedelta(days=30)).isoformat() and first.json["overdue"] is True
    earlier = issue_on(client, tokens, second_id, day - dt.timedelta(days=1))
    assert earlier.status_code == 409 and "numbers follow their dates" in earlier.json["detail"]
    same_day = issue_on(client, tokens, second_id, day).json
    assert same_day["number"] > first.json["number"] and same_day["issued_at"] > first.json["issued_at"]
    late = client.get("/api/v1/invoices?overdue=true", headers=tokens.headers("biller")).json
    assert {i["id"] for i in late} == {first.json["id"], same_day["id"]}
    assert pay(client, tokens, first.json["id"], first.json["total"]).json["overdue"] is False
    assert issue(client, tokens, third_id).json["overdue"] is False
    late = client.get("/api/v1/invoices?overdue=true", headers=tokens.headers("biller")).json
    not_late = client.get("/api/v1/invoices?overdue=false", headers=tokens.headers("biller")).json
    assert [i["id"] for i in late] == [same_day["id"]] and same_day["id"] not in {i["id"] for i in not_late}
    fourth_id, _ = unbilled_item(db)
    yesterday = issue_on(client, tokens, fourth_id, today() - dt.timedelta(days=1))
    assert yesterday.status_code == 409, "once today's invoice exists, no earlier date is accepted"


def test_only_billing_staff_may_date_an_invoice_earlier_and_nobody_later(client, db, tokens):
    client_id, _ = unbilled_item(db)
    by_desk = issue_on(client, tokens, client_id, today() - dt.timedelta(days=3), role="front_desk")
    assert by_desk.status_code == 403 and "billing staff" in by_desk.json["detail"]
    future = issue_on(client, tokens, client_id, today() + dt.timedelta(days=1))
    assert future.status_code == 422 and list(future.json["errors"]) == ["issued_on"]
    assert issue_on(client, tokens, client_id, today(), role="front_desk").status_code == 201


def test_invoices_from_before_due_dates_are_never_overdue(client, db, tokens):
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    with db.transaction() as session:
        session.execute(update(Invoice).where(Invoice.id == invoice["id"]).values(due_on=None))
    read = client.get(f"/api/v1/invoices/{invoice['id']}", headers=tokens.headers("biller")).json
    assert read["due_on"] is None and read["overdue"] is False
    listed = client.get(f"/api/v1/invoices?overdue=false&client_id={client_id}", headers=tokens.headers("biller"))
    assert [i["id"] for i in listed.json] == [invoice["id"]]
