"""Pricing a quotation line from a price-list item: pure arithmetic, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol


class Priced(Protocol):
    """What pricing needs of a price-list item."""

    id: str
    service_code: str
    service_name: str
    name: str
    kind: str
    sessions: int
    unit_price_minor: int


@dataclass(frozen=True)
class PricedLine:
    """A line as it will be stored on the quotation (a snapshot of the price at drafting time)."""

    price_item_id: str
    service_code: str
    service_name: str
    description: str
    kind: str
    quantity: int
    unit_price_minor: int
    sessions: int
    amount_minor: int


def price_line(item: Priced, quantity: int) -> PricedLine:
    """`quantity` of `item`: amount = quantity × unit price, sessions = quantity × sessions per item."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    return PricedLine(
        price_item_id=item.id, service_code=item.service_code, service_name=item.service_name,
        description=f"{item.service_name} — {item.name}", kind=item.kind, quantity=quantity,
        unit_price_minor=item.unit_price_minor, sessions=quantity * item.sessions,
        amount_minor=quantity * item.unit_price_minor,
    )


def total_minor(lines: Iterable[PricedLine]) -> int:
    """The quotation total: the sum of its line amounts."""
    return sum(line.amount_minor for line in lines)
