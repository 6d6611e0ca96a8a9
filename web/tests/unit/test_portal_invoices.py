"""The family's invoices page: what is still owed, per currency."""
from decimal import Decimal

from web.portal.invoices import still_owed


def invoice(status, balance, currency="EUR"):
    return {"status": status, "balance": balance, "currency": currency}


def test_what_is_still_owed_adds_open_balances_per_currency_and_never_a_void_invoice():
    assert still_owed([invoice("issued", "60.00"), invoice("partially_paid", "15.50"), invoice("paid", "0.00"),
                       invoice("void", "80.00"), invoice("issued", "20.00", "CHF")]) == {
        "EUR": Decimal("75.50"), "CHF": Decimal("20.00")}
    assert still_owed([invoice("paid", "0.00")]) == {}
