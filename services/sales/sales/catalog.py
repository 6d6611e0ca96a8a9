"""The price list: per service type, a single-session price and N-session packages."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.auth import ADMIN, Principal
from servicekit.errors import Conflict, field_error, not_found

from sales.models import PriceItem


def query(principal: Principal, args: dict[str, Any]) -> Select:
    """Price items for a listing; only the staff who manage prices see retired ones."""
    stmt = select(PriceItem).order_by(PriceItem.service_code, PriceItem.kind.desc(), PriceItem.sessions,
                                      PriceItem.id)
    for field in ("service_code", "kind"):
        if args.get(field):
            stmt = stmt.where(getattr(PriceItem, field) == args[field])
    if not principal.has_any([ADMIN]):
        stmt = stmt.where(PriceItem.active.is_(True))
    elif args.get("active") is not None:
        stmt = stmt.where(PriceItem.active.is_(args["active"]))
    return stmt


def active_single(session: Session, service_code: str) -> PriceItem | None:
    """The active single-session price of a service type, if it has one."""
    return session.scalars(select(PriceItem).where(
        PriceItem.service_code == service_code, PriceItem.kind == "single", PriceItem.active.is_(True))).first()


def _ensure_one_single(session: Session, item: PriceItem) -> None:
    if item.kind != "single" or not item.active:
        return
    current = active_single(session, item.service_code)
    if current is not None and current.id != item.id:
        raise Conflict(f"Service {item.service_code} already has an active single-session price "
                       f"({current.name}); change its price or deactivate it first.")


def create(session: Session, data: dict[str, Any], currency: str) -> PriceItem:
    """Add a price to the list (at most one active single-session price per service type)."""
    item = PriceItem(service_code=data["service_code"], service_name=data["service_name"], name=data["name"],
                     kind=data["kind"], sessions=data["sessions"] or 1, unit_price_minor=data["unit_price"],
                     currency=currency, active=True)
    _ensure_one_single(session, item)
    session.add(item)
    session.flush()
    return item


def get(session: Session, item_id: str) -> PriceItem:
    item = session.get(PriceItem, item_id)
    if item is None:
        raise not_found("Price item", item_id)
    return item


def visible(session: Session, principal: Principal, item_id: str) -> PriceItem:
    """One price item; a retired one only for the staff who manage prices (a 404 for others, as in the list)."""
    item = get(session, item_id)
    if not item.active and not principal.has_any([ADMIN]):
        raise not_found("Price item", item_id)
    return item


def update(session: Session, item_id: str, changes: dict[str, Any]) -> PriceItem:
    """Change a price, its name or whether it is offered; quotations already drafted keep their prices."""
    item = get(session, item_id)
    if "unit_price" in changes:
        item.unit_price_minor = changes["unit_price"]
    for field in ("name", "active"):
        if field in changes:
            setattr(item, field, changes[field])
    _ensure_one_single(session, item)
    session.flush()
    return item


def item_for_line(session: Session, index: int, line: dict[str, Any], currency: str) -> PriceItem:
    """The price item a requested quotation line uses; a 422 names the line's field when there is none."""
    code = line["service_code"]
    if line.get("price_item_id") is None:
        field, item = f"lines.{index}.service_code", active_single(session, code)
        if item is None:
            raise field_error(field, f"Service {code} has no active single-session price; choose a price_item_id.")
    else:
        field, item = f"lines.{index}.price_item_id", session.get(PriceItem, str(line["price_item_id"]))
        if item is None or not item.active:
            raise field_error(field, "No active price item with this id.")
        if item.service_code != code:
            raise field_error(field, f"This price item is for service {item.service_code}, not {code}.")
    if item.currency != currency:
        raise field_error(field, f"This price is in {item.currency}; quotations are in {currency}.")
    return item
