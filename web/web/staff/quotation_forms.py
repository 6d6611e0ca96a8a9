"""The quotation builder's form: one quantity per price-list item, turned into the lines sales prices."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Optional

from web.forms import REQUIRED, CreatingForm, api_message
from web.gateway import ApiError

LINE_FIELDS = ("quantity", "price_item_id", "service_code")


class QuoteLineForm(Form):
    """How many of one price-list item (blank or 0: not quoted)."""

    price_item_id = HiddenField()
    service_code = HiddenField()
    quantity = IntegerField(_l("Quantity"), validators=[Optional()])


class QuoteForm(CreatingForm):
    """A new quotation for an opportunity: its lines chosen from the price list."""

    lines = FieldList(FormField(QuoteLineForm))

    @staticmethod
    def data_of(prices: list[dict[str, Any]]) -> dict[str, Any]:
        """One empty line per active price-list item."""
        return {"lines": [{"price_item_id": p["id"], "service_code": p["service_code"], "quantity": None}
                          for p in prices]}


class LostForm(FlaskForm):
    """Why an opportunity will not go ahead (kept on the opportunity and the client's timeline)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=REQUIRED)])


def quote_lines(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The lines to send (rows with a quantity other than 0) and, for each, the form row it came from."""
    lines: list[dict[str, Any]] = []
    origin: list[int] = []
    for index, row in enumerate(rows):
        quantity = row.get("quantity")
        if quantity in (None, 0):
            continue
        lines.append({"service_code": row.get("service_code"), "quantity": quantity,
                      "price_item_id": row.get("price_item_id") or None})
        origin.append(index)
    return lines, origin


def line_errors(error: ApiError, origin: list[int]) -> tuple[dict[int, list[str]], list[str]]:
    """A refused quotation's messages: {form row: messages} for its lines, and the rest for the whole form."""
    by_row: dict[int, list[str]] = {}
    general: list[str] = []
    for path, messages in error.errors.items():
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(origin) \
                and parts[2] in LINE_FIELDS:
            by_row.setdefault(origin[int(parts[1])], []).extend(api_message(m) for m in messages)
        else:
            general.extend(api_message(m) for m in messages)
    if not error.errors and error.message:
        general.append(api_message(error.message))
    return by_row, general
