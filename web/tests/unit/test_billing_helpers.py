"""The billing screens' pure helpers: list filters, typed amounts, payment methods, items per client."""
from decimal import Decimal

import pytest

from web.i18n import api_amount
from web.staff.billing import PAGE_SIZE, by_client, invoice_queries, payment_methods, sessions_left


def test_with_a_balance_asks_the_api_for_money_still_owed_in_one_list():
    assert invoice_queries("", True) == {"invoices": {"client_id": "", "cursor": "", "limit": PAGE_SIZE,
                                                      "has_balance": "true"}}
    assert invoice_queries("partially_paid", True, "c1", "abc") == {"invoices": {
        "client_id": "c1", "cursor": "abc", "limit": PAGE_SIZE, "has_balance": "true", "status": "partially_paid"}}
    paid = invoice_queries("paid", False)["invoices"]
    assert paid["status"] == "paid" and "has_balance" not in paid
    assert "status" not in invoice_queries("lost", False)["invoices"]  # not a status: no filter rather than a 422
    assert invoice_queries("overdue", False)["invoices"]["overdue"] == "true"


def test_the_due_list_shows_every_overdue_invoice_first_then_the_others_page_by_page():
    first = invoice_queries("due", False, "c1")
    assert list(first) == ["overdue", "rest"]
    assert first["overdue"] == {"client_id": "c1", "cursor": "", "limit": 200, "has_balance": "true",
                                "overdue": "true"}
    assert first["rest"] == {"client_id": "c1", "cursor": "", "limit": PAGE_SIZE, "has_balance": "true",
                             "overdue": "false"}
    assert invoice_queries("due", False, "", "next") == {"rest": {"client_id": "", "cursor": "next",
                                                                  "limit": PAGE_SIZE, "has_balance": "true",
                                                                  "overdue": "false"}}


@pytest.mark.parametrize("locale, typed, sent", [
    ("fr", "80,5", "80.5"), ("fr", " 1 234,50 ", "1234.50"), ("fr", "1\u202f234,50", "1234.50"), ("fr", "12", "12"),
    ("en", "80.00", "80.00"), ("en", "1,234.50", "1234.50"), ("en", "12", "12"),
    ("en", "1,234", "1234"), ("fr", "1,234", "1.234"),  # the page's language decides what it can
    ("en", "30,00", "30.00"), ("en", "300,50", "300.50"),  # no English amount: read the French way
    # What no language writes is sent as typed, for the API to refuse beside the field.
    ("fr", "1.234,5", "1.234,5"), ("en", "ten", "ten"), ("en", "", ""), ("en", None, ""),
])
def test_an_amount_is_read_in_the_pages_language_then_the_others_as_a_decimal_string(locale, typed, sent):
    assert api_amount(typed, locale) == sent


def test_package_credit_is_offered_only_while_prepaid_sessions_are_left():
    assert payment_methods([]) == ["cash", "card", "transfer"]
    assert payment_methods([{"sessions_left": 0}, {"sessions_left": 0}]) == ["cash", "card", "transfer"]
    assert payment_methods([{"sessions_left": 0}, {"sessions_left": 3}])[-1] == "package_credit"
    assert sessions_left([{"sessions_left": 2}, {"sessions_left": 5}, {"sessions_left": None}]) == 7


def test_unbilled_items_are_grouped_per_client_by_name_with_totals_per_currency():
    items = [
        {"id": "1", "client_id": "b", "client_name": "Zoé Martin", "amount": "80.00", "currency": "EUR"},
        {"id": "2", "client_id": "a", "client_name": "lina Parent", "amount": "70.00", "currency": "EUR"},
        {"id": "3", "client_id": "b", "client_name": "Zoé Martin", "amount": "720.00", "currency": "EUR"},
        {"id": "4", "client_id": "c", "client_name": "", "amount": "10.50", "currency": "CHF"},
    ]
    groups = by_client(items)
    assert [g["client_id"] for g in groups] == ["c", "a", "b"]
    assert [i["id"] for i in groups[2]["items"]] == ["1", "3"]
    assert groups[2]["totals"] == {"EUR": Decimal("800.00")} and groups[0]["totals"] == {"CHF": Decimal("10.50")}
    assert by_client([]) == []
