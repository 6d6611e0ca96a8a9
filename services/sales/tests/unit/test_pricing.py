import pytest

from sales.models import PriceItem
from sales.numbering import format_number
from sales.pricing import price_line, total_minor


def item(kind="single", sessions=1, unit_price_minor=6000, name="Single session"):
    return PriceItem(id="item-1", service_code="OT", service_name="Occupational Therapy", name=name, kind=kind,
                     sessions=sessions, unit_price_minor=unit_price_minor)


def test_a_single_session_line_costs_quantity_times_the_unit_price_and_covers_that_many_sessions():
    line = price_line(item(), 3)
    assert (line.amount_minor, line.sessions, line.unit_price_minor) == (18000, 3, 6000)
    assert line.description == "Occupational Therapy — Single session"
    assert (line.kind, line.price_item_id, line.service_code) == ("single", "item-1", "OT")


def test_a_package_line_covers_every_session_of_every_package_bought():
    line = price_line(item("package", 10, 50000, "10-session package"), 2)
    assert (line.amount_minor, line.sessions) == (100000, 20)
    assert line.description == "Occupational Therapy — 10-session package"


def test_the_total_is_the_sum_of_the_line_amounts():
    lines = [price_line(item(), 1), price_line(item("package", 10, 50000), 1)]
    assert total_minor(lines) == 56000
    assert total_minor([]) == 0


def test_a_line_needs_at_least_one_unit():
    with pytest.raises(ValueError):
        price_line(item(), 0)


def test_quotation_numbers_carry_the_year_and_six_digits():
    assert format_number(2026, 1) == "Q-2026-000001"
    assert format_number(2027, 123456) == "Q-2027-123456"
