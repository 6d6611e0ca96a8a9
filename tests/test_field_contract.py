"""Every column holding a copy of a person's name or e-mail is as long as the API lets the value be.

Security review, finding 3: names of 100 + 100 characters, accepted by booking and crm, overflowed copies in the
gateway, billing and notifications on PostgreSQL, dead-lettering the events that carried them. The lengths are
one contract (servicekit.limits); a new column that keeps a shorter copy fails here, before production.
"""
from __future__ import annotations

import importlib
import re

import pytest
from sqlalchemy import String

from servicekit.limits import EMAIL, FULL_NAME, NAME_PART

COMPONENTS = ["booking", "crm", "sales", "tasks", "billing", "notifications", "gateway"]
# Columns that keep someone's full name ("first last"), a staff member's name, or whoever acted.
FULL_NAMES = re.compile(r"^(client|guardian|recipient|actor|\w+_by)_name$")
WHOLE_NAME_TABLES = {"users", "client_refs"}  # their `name` column is a person's full name


def string_columns():
    for component in COMPONENTS:
        metadata = importlib.import_module(f"{component}.models").Base.metadata
        for table in metadata.tables.values():
            for column in table.columns:
                if isinstance(column.type, String) and column.type.length:
                    yield f"{component}.{table.name}.{column.name}", table.name, column.name, column.type.length


def required_length(table: str, column: str) -> int | None:
    if FULL_NAMES.match(column) or (column == "name" and table in WHOLE_NAME_TABLES):
        return FULL_NAME
    if column in ("first_name", "last_name") or column.endswith(("_first_name", "_last_name")):
        return NAME_PART
    if column == "email" or column.endswith("_email"):
        return EMAIL
    return None


def contracted_columns():
    """(where, length, length the API allows) for every column keeping a copy of a name or an address."""
    return [(where, length, required_length(table, column)) for where, table, column, length in string_columns()
            if required_length(table, column)]


@pytest.mark.parametrize("where,length,needed", contracted_columns(), ids=lambda v: str(v))
def test_copies_of_names_and_addresses_are_as_long_as_the_api_allows(where, length, needed):
    assert length >= needed, f"{where} holds {length} characters; the API allows {needed}"


def test_the_contract_finds_the_columns_it_is_about():
    """A renamed column must not silently leave the contract: these copies exist and are checked."""
    checked = {where for where, _, _ in contracted_columns()}
    for expected in ("gateway.users.name", "billing.client_refs.name", "billing.invoices.client_name",
                     "notifications.recipients.guardian_name", "notifications.notifications.recipient_name",
                     "booking.appointment_history.actor_name", "sales.quotations.client_name",
                     "crm.contacts.email"):
        assert expected in checked, expected
