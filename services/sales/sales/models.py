"""Sales tables: the price list, quotations and their lines, what sales keeps of CRM's clients and the centre."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from servicekit.center import center_copy
from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow
from servicekit.limits import FULL_NAME

KINDS = ("single", "package")
STATUSES = ("draft", "sent", "signed", "declined")
CLOSED_STAGES = ("won", "lost")


class Base(DeclarativeBase):
    pass


center_copy.to_metadata(Base.metadata)  # the centre's details printed on quotations (center.updated)


class PriceItem(Base):
    """One price of a service type: a single session or an N-session package."""

    __tablename__ = "price_items"
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'package')", name="ck_price_items_kind"),
        CheckConstraint("sessions >= 1 AND (kind = 'package' OR sessions = 1)", name="ck_price_items_sessions"),
        CheckConstraint("unit_price_minor >= 0", name="ck_price_items_unit_price"),
        # A line without an explicit item takes "the" single-session price: there is at most one.
        Index("uq_price_items_active_single", "service_code", unique=True,
              postgresql_where=text("kind = 'single' AND active"),
              sqlite_where=text("kind = 'single' AND active")),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(String(20), index=True)
    service_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    sessions: Mapped[int] = mapped_column(Integer, default=1)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientRef(Base):
    """Names and the guardian's e-mail of a CRM client, kept from client.created / client.updated."""

    __tablename__ = "client_refs"
    client_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    guardian_name: Mapped[str | None] = mapped_column(String(FULL_NAME))
    guardian_email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # when CRM published the data we hold

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class OpportunityRef(Base):
    """A CRM opportunity's client and latest stage, kept from opportunity.stage_changed."""

    __tablename__ = "opportunity_refs"
    opportunity_id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True)
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    service_code: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class QuotationCounter(Base):
    """The last quotation number given out in a year (locked while the next one is taken)."""

    __tablename__ = "quotation_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Quotation(Base):
    """A priced offer to a family, its sent document, share link and signature evidence."""

    __tablename__ = "quotations"
    __table_args__ = (UniqueConstraint("number", name="uq_quotations_number"),
                      UniqueConstraint("share_token_hash", name="uq_quotations_share_token_hash"),
                      CheckConstraint("status IN ('draft', 'sent', 'signed', 'declined')", name="ck_quotations_status"))
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(20))
    opportunity_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    client_name: Mapped[str | None] = mapped_column(String(FULL_NAME))
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    # Set when sent: who it went to, the link's hash (never the token) and the exact PDF the family reviews.
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recipient_name: Mapped[str | None] = mapped_column(String(FULL_NAME))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    share_token_hash: Mapped[str | None] = mapped_column(String(64))
    document_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    # Signature evidence.
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signature: Mapped[str | None] = mapped_column(Text, deferred=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signer_ip: Mapped[str | None] = mapped_column(String(45))
    signer_user_agent: Mapped[str | None] = mapped_column(String(500))
    signed_document_sha256: Mapped[str | None] = mapped_column(String(64))
    declined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    lines: Mapped[list["QuotationLine"]] = relationship(
        back_populates="quotation", lazy="selectin", order_by="QuotationLine.position", cascade="all, delete-orphan")


class QuotationLine(Base):
    """One priced line, copied from the price list when the quotation was drafted."""

    __tablename__ = "quotation_lines"
    __table_args__ = (UniqueConstraint("quotation_id", "position", name="uq_quotation_lines_position"),
                      CheckConstraint("quantity >= 1", name="ck_quotation_lines_quantity"))
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    quotation_id: Mapped[str] = mapped_column(ForeignKey("quotations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    price_item_id: Mapped[str] = mapped_column(ForeignKey("price_items.id"))
    service_code: Mapped[str] = mapped_column(String(20))
    service_name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(250))
    kind: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(Integer)
    quotation: Mapped[Quotation] = relationship(back_populates="lines")
