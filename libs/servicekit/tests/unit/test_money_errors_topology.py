import pytest
from marshmallow import Schema, ValidationError

from servicekit.errors import flatten_errors
from servicekit.messaging.topology import Topology
from servicekit.money import Money, format_minor, to_minor


@pytest.mark.parametrize("text,minor", [("120.00", 12000), ("0.5", 50), ("7", 700), (" 12.30 ", 1230)])
def test_amounts_parse_to_minor_units(text, minor):
    assert to_minor(text) == minor


@pytest.mark.parametrize("text", ["1.234", "abc", "NaN", "Infinity", "", "-1e999", "1e12"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValueError):
        to_minor(text)


def test_minor_units_format_with_two_places():
    assert format_minor(12000) == "120.00" and format_minor(5) == "0.05" and format_minor(-150) == "-1.50"


def test_money_field_rejects_non_positive_and_non_numbers():
    class S(Schema):
        amount = Money(positive=True, required=True)

    assert S().load({"amount": "10.00"}) == {"amount": 1000}
    for bad in ("0.00", "-1", True, None, "1.001"):
        with pytest.raises(ValidationError) as info:
            S().load({"amount": bad})
        assert "amount" in info.value.messages


def test_nested_webargs_errors_flatten_to_dotted_field_names():
    errors = {"json": {"client": {"first_name": ["Missing data for required field."]},
                       "lines": {0: {"quantity": ["Must be at least 1."]}}}}
    assert flatten_errors(errors) == {
        "client.first_name": ["Missing data for required field."],
        "lines.0.quantity": ["Must be at least 1."],
    }


def test_queue_arguments_bound_deliveries_and_dead_letter_at_least_once():
    topo = Topology("ns1")
    args = topo.queue_arguments("billing")
    assert topo.queue("billing") == "ns1.billing.events" and topo.exchange == "ns1.therapy.events"
    assert args == {
        "x-queue-type": "quorum", "x-delivery-limit": 20, "x-dead-letter-exchange": "ns1.therapy.dlx",
        "x-dead-letter-routing-key": "ns1.billing.dlq", "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    assert Topology().queue("crm") == "crm.events"
