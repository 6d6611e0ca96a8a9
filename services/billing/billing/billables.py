"""Billable items: completed tasks and sold packages waiting to be invoiced."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from servicekit.messaging import PoisonMessage
from servicekit.money import to_minor

from billing.models import BillableItem


def _minor(value: Any) -> int:
    try:
        return to_minor(value)
    except ValueError as exc:
        raise PoisonMessage(f"not an amount: {exc}") from exc  # retrying cannot fix a malformed payload


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() or int(value) < 1:
        raise PoisonMessage(f"quantity {value!r} is not a positive whole number")
    return int(value)


def _item(**fields: Any) -> BillableItem:
    quantity, unit = _count(fields.pop("quantity")), _minor(fields.pop("unit_price"))
    return BillableItem(quantity=quantity, unit_price_minor=unit, amount_minor=quantity * unit,
                        status="unbilled", **fields)


def record_task_work(session: Session, data: dict[str, Any]) -> BillableItem | None:
    """`task.completed` with `billable`: one unbilled item per task; a repeated completion adds nothing."""
    if session.scalars(select(BillableItem.id).where(BillableItem.task_id == data["task_id"])).first():
        return None
    billable = data["billable"]
    item = _item(client_id=data["client_id"], source="task", task_id=data["task_id"],
                 quotation_id=data.get("quotation_id"), quotation_line_id=data.get("quotation_line_id"),
                 service_code=data.get("service_code"), description=billable["description"],
                 quantity=billable["quantity"], unit_price=billable["unit_price"], currency=data["currency"])
    session.add(item)
    session.flush()
    return item


def package_description(line: dict[str, Any]) -> str:
    """'Occupational therapy' -> 'Occupational therapy package' (unless the line already says so)."""
    text = (line.get("description") or line.get("service_name") or line.get("service_code") or "").strip()
    return text if "package" in text.lower() else f"{text} package"


def record_package_sale(session: Session, data: dict[str, Any], line: dict[str, Any]) -> BillableItem | None:
    """A package line of a signed quotation is billed up front, once."""
    exists = select(BillableItem.id).where(
        BillableItem.source == "package", BillableItem.quotation_id == data["quotation_id"],
        BillableItem.quotation_line_id == line["line_id"])
    if session.scalars(exists).first():
        return None
    item = _item(client_id=data["client_id"], source="package", quotation_id=data["quotation_id"],
                 quotation_line_id=line["line_id"], service_code=line.get("service_code"),
                 description=package_description(line), quantity=line["quantity"],
                 unit_price=line["unit_price"], currency=data["currency"])
    session.add(item)
    session.flush()
    return item


def query(args: dict[str, Any]) -> Select:
    """Billable items, oldest first, filtered by client and status."""
    stmt = select(BillableItem).order_by(BillableItem.created_at, BillableItem.id)
    if args.get("client_id"):
        stmt = stmt.where(BillableItem.client_id == str(args["client_id"]))
    if args.get("status"):
        stmt = stmt.where(BillableItem.status == args["status"])
    return stmt
