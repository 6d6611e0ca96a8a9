"""Billing tables: client references, billable items, package credits, invoices, payments, the number counter and
the centre's details."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from servicekit.center import center_copy
from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow
from servicekit.limits import FULL_NAME

ITEM_STATUSES = ("unbilled", "invoiced")
ITEM_SOURCES = ("task", "package")
INVOICE_STATUSES = ("issued", "partially_paid", "paid", "void")
OPEN_STATUSES = ("issued", "partially_paid")  # money still owed: void invoices owe nothing, paid ones are settled
PAYMENT_METHODS = ("cash", "card", "transfer", "package_credit")


class Base(DeclarativeBase):
    pass


center_copy.to_metadata(Base.metadata)  # the centre's details printed on invoices (center.updated)


class ClientRef(Base):
    """What billing keeps about a client (from client.created / client.updated): names for the invoice."""

    __tablename__ = "client_refs"
    client_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    name: Mapped[str] = mapped_column(String(FULL_NAME))
    guardian_name: Mapped[str | None] = mapped_column(String(FULL_NAME))
    guardian_email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BillableItem(Base):
    """Work to invoice: a completed task, or a package sold on a signed quotation."""

    __tablename__ = "billable_items"
    __table_args__ = (
        UniqueConstraint("task_id", name="uq_billable_item_task"),
        # A package line is billed once; single lines may yield several tasks, each billed by its task_id.
        Index("uq_billable_item_package_line", "quotation_id", "quotation_line_id", unique=True,
              postgresql_where=text("source = 'package'"), sqlite_where=text("source = 'package'")),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    source: Mapped[str] = mapped_column(String(20))
    task_id: Mapped[str | None] = mapped_column(UUIDStr())
    quotation_id: Mapped[str | None] = mapped_column(UUIDStr())
    quotation_line_id: Mapped[str | None] = mapped_column(UUIDStr())
    service_code: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="unbilled", index=True)
    invoice_id: Mapped[str | None] = mapped_column(ForeignKey("invoices.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The client's name for lists of items to invoice (no foreign key: names arrive by events, maybe later).
    client_ref: Mapped[ClientRef | None] = relationship(
        primaryjoin="foreign(BillableItem.client_id) == ClientRef.client_id", viewonly=True, lazy="selectin")


class PackageCredit(Base):
    """Prepaid sessions of a package line; completed package tasks draw on it."""

    __tablename__ = "package_credits"
    __table_args__ = (
        UniqueConstraint("quotation_id", "quotation_line_id", name="uq_package_credit_line"),
        CheckConstraint("sessions_used >= 0 AND sessions_used <= sessions_total", name="ck_package_credit_used"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    quotation_id: Mapped[str] = mapped_column(UUIDStr())
    quotation_line_id: Mapped[str] = mapped_column(UUIDStr())
    service_code: Mapped[str | None] = mapped_column(String(20))
    sessions_total: Mapped[int] = mapped_column(Integer)
    sessions_used: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def sessions_left(self) -> int:
        return self.sessions_total - self.sessions_used


class CreditUse(Base):
    """Sessions of a package credit consumed by one completed task (once per task)."""

    __tablename__ = "credit_uses"
    __table_args__ = (UniqueConstraint("task_id", name="uq_credit_use_task"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    credit_id: Mapped[str] = mapped_column(ForeignKey("package_credits.id"), index=True)
    task_id: Mapped[str] = mapped_column(UUIDStr())
    sessions: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invoice(Base):
    """An issued invoice; its number never changes and never repeats, even when voided."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("number", name="uq_invoice_number"),
        UniqueConstraint("share_token_hash", name="uq_invoice_share_token_hash"),
        # The last line of defence against an overpaid invoice: the row lock is the first.
        CheckConstraint("paid_minor >= 0 AND paid_minor <= total_minor", name="ck_invoice_paid"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    client_name: Mapped[str] = mapped_column(String(FULL_NAME))
    status: Mapped[str] = mapped_column(String(20), default="issued", index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(Integer)
    paid_minor: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The invoice's date plus the payment terms then in force (none on invoices from before due dates).
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(64))
    void_reason: Mapped[str | None] = mapped_column(Text)
    # The share link's token is never stored, only its SHA-256 (see billing.sharing).
    share_token_hash: Mapped[str | None] = mapped_column(String(64))
    link_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list["InvoiceLine"]] = relationship(lazy="selectin", order_by="InvoiceLine.position",
                                                      cascade="all, delete-orphan")
    payments: Mapped[list["Payment"]] = relationship(back_populates="invoice", lazy="selectin",
                                                     order_by="(Payment.received_at, Payment.id)")

    @property
    def balance_minor(self) -> int:
        return 0 if self.status == "void" else self.total_minor - self.paid_minor


class InvoiceLine(Base):
    """One billable item as it was invoiced (a copy: later edits never change an issued invoice)."""

    __tablename__ = "invoice_lines"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    billable_item_id: Mapped[str] = mapped_column(ForeignKey("billable_items.id"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    """Money received against an invoice."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_payment_positive"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    invoice: Mapped[Invoice] = relationship(back_populates="payments", lazy="joined")


class InvoiceCounter(Base):
    """The last invoice number of a year, locked and incremented in the transaction issuing the invoice."""

    __tablename__ = "invoice_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
