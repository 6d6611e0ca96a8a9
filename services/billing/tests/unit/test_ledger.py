"""Pure billing rules: invoice status from payments, refused payments, invoice numbers, package wording."""
from billing.billables import package_description
from billing.ledger import payment_refusal, status_for
from billing.numbering import format_number


def test_an_invoice_is_issued_until_money_arrives_then_partially_paid_then_paid():
    assert status_for(12000, 0) == "issued"
    assert status_for(12000, 1) == "partially_paid"
    assert status_for(12000, 11999) == "partially_paid"
    assert status_for(12000, 12000) == "paid"


def test_a_payment_up_to_the_balance_is_accepted():
    assert payment_refusal("issued", "INV-2026-000001", 12000, 12000, "EUR") is None
    assert payment_refusal("partially_paid", "INV-2026-000001", 5000, 1, "EUR") is None


def test_a_payment_over_the_balance_is_refused_with_both_amounts():
    reason = payment_refusal("partially_paid", "INV-2026-000009", 4000, 6000, "EUR")
    assert reason == "The payment of 60.00 EUR exceeds the balance of 40.00 EUR on invoice INV-2026-000009."


def test_paid_and_void_invoices_take_no_payment():
    assert "already paid" in payment_refusal("paid", "INV-2026-000001", 0, 100, "EUR")
    assert "is void" in payment_refusal("void", "INV-2026-000001", 0, 100, "EUR")


def test_invoice_numbers_carry_the_year_and_a_six_digit_sequence():
    assert format_number(2026, 1) == "INV-2026-000001"
    assert format_number(2027, 123456) == "INV-2027-123456"
    assert format_number(2027, 1234567) == "INV-2027-1234567"


def test_a_package_line_is_described_as_a_package_once():
    assert package_description({"description": "Occupational therapy"}) == "Occupational therapy package"
    assert package_description({"description": "OT 10-session Package"}) == "OT 10-session Package"
    assert package_description({"description": None, "service_name": "Speech therapy"}) == "Speech therapy package"
