"""Tasks tables: projects (one per therapy type), tasks, timesheets with progress notes, status history."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

from servicekit.db import UTCDateTime, UUIDStr, new_id, utcnow

STATUSES = ("new", "in_progress", "completed", "needs_follow_up", "cancelled")
OPEN_STATUSES = ("new", "in_progress", "needs_follow_up")
KINDS = ("single", "package")
MAX_MINUTES = 720
MAX_NOTE = 5000
MAX_TITLE = 500


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    pass


class Project(Base):
    """The board of one therapy type, e.g. "Occupational Therapy Clients"."""

    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    service_code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Timesheet(Base):
    """Time a therapist spent on a task, with its progress note (clinical: only the therapist and admins read it)."""

    __tablename__ = "timesheets"
    __table_args__ = (CheckConstraint(f"minutes BETWEEN 1 AND {MAX_MINUTES}", name="ck_timesheet_minutes"),)
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    therapist_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    # The user who logged it: an admin may log time for a therapist.
    logged_by: Mapped[str | None] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    work_date: Mapped[dt.date] = mapped_column(Date)
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Task(Base):
    """The therapy work one signed quotation line asks for: a single session or a package."""

    __tablename__ = "tasks"
    # A redelivered or duplicated quotation.signed can never create two tasks for one line.
    __table_args__ = (
        UniqueConstraint("quotation_id", "quotation_line_id", name="uq_task_quotation_line"),
        CheckConstraint(f"status IN ({_quoted(STATUSES)})", name="ck_task_status"),
        CheckConstraint(f"kind IN ({_quoted(KINDS)})", name="ck_task_kind"),
    )
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    quotation_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    quotation_line_id: Mapped[str] = mapped_column(UUIDStr())
    client_id: Mapped[str] = mapped_column(UUIDStr(), index=True)
    client_name: Mapped[str] = mapped_column(String(255))
    service_code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    kind: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    therapist_id: Mapped[str | None] = mapped_column(UUIDStr(), index=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Always the sum of the task's timesheets, never a counter that could drift from them.
    minutes_logged: Mapped[int] = column_property(
        select(func.coalesce(func.sum(Timesheet.minutes), 0)).where(Timesheet.task_id == id)
        .correlate_except(Timesheet).scalar_subquery())
    project: Mapped[Project] = relationship(lazy="joined", innerjoin=True)


class StatusChange(Base):
    """One line of a task's status history: who moved it, when, and why."""

    __tablename__ = "status_changes"
    id: Mapped[str] = mapped_column(UUIDStr(), primary_key=True, default=new_id)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
