"""Money: decimal strings with two places at the edge ("120.00"), integer minor units inside."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields


# Far above any invoice a therapy center writes, far below what a BIGINT column or Decimal quantize can hold.
MAX_AMOUNT = Decimal("1000000000")


def to_minor(value: str | int | Decimal) -> int:
    """'120.50' -> 12050; more than two decimal places, a huge amount or a non-number raises ValueError."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a decimal amount") from exc
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"{value!r} is too large (at most {MAX_AMOUNT - 1} per amount)")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{value!r} has more than two decimal places")
    return int(amount * 100)


def format_minor(minor: int) -> str:
    """12050 -> '120.50'."""
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}"


class Money(fields.Field):
    """A marshmallow field: loads '120.00' as 12000 minor units, dumps 12000 as '120.00'."""

    default_error_messages = {"invalid": "Not a valid amount: use a decimal string such as \"120.00\"."}

    def __init__(self, *, positive: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positive = positive

    def _serialize(self, value: int | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_minor(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.make_error("invalid")
        try:
            minor = to_minor(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if self.positive and minor <= 0:
            raise ValidationError("Must be greater than 0.00.")
        if minor < 0:
            raise ValidationError("Must not be negative.")
        return minor
