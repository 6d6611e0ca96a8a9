"""The client file's forms: the child's details, reminder settings and weekly availability (their 422s mapped back)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, FieldList, Form, FormField, HiddenField, IntegerField,
                     SearchField, SelectField, SelectMultipleField, StringField)
from wtforms.validators import DataRequired, Optional

from web.forms import REQUIRED, api_message
from web.gateway import ApiError
from web.i18n import weekday_name
from web.labels import CHANNELS, CLIENT_STATUSES


class ClientSearch(Form):
    """The list's filters (a GET form: nothing changes, so no CSRF token)."""

    q = SearchField(_l("Search"))
    status = SelectField(_l("Status"), choices=[("", _l("Any status"))] + list(CLIENT_STATUSES.items()),
                         validate_choice=False)


class ClientForm(FlaskForm):
    """The child's details the front desk corrects (guardians come from bookings)."""

    first_name = StringField(_l("First name"), validators=[DataRequired(message=REQUIRED)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(message=REQUIRED)])
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(CLIENT_STATUSES.items()))

    @staticmethod
    def data_of(client: dict[str, Any]) -> dict[str, Any]:
        """The form's values from the API's client."""
        birth = client.get("birth_date")
        return {"first_name": client.get("first_name"), "last_name": client.get("last_name"),
                "birth_date": dt.date.fromisoformat(birth) if birth else None, "status": client.get("status")}

    def changes(self) -> dict[str, Any]:
        """The PATCH body."""
        return {"first_name": (self.first_name.data or "").strip(), "last_name": (self.last_name.data or "").strip(),
                "birth_date": self.birth_date.data.isoformat() if self.birth_date.data else None,
                "status": self.status.data}


class ReminderForm(FlaskForm):
    """A family's reminder channels and lead time (the notifications service checks the 2–72 h range)."""

    channels = SelectMultipleField(_l("Send reminders by"), choices=list(CHANNELS.items()), validate_choice=False)
    lead_hours = IntegerField(_l("Hours before the session"), validators=[Optional()])
    email = EmailField(_l("E-mail address for reminders"))
    phone = StringField(_l("Mobile number for text messages"))
    opt_out = BooleanField(_l("This family does not want reminders"))
    timezone = HiddenField()  # the family's own choice (portal): kept as it is

    @staticmethod
    def data_of(settings: dict[str, Any]) -> dict[str, Any]:
        """The form's values from the API's settings."""
        return {key: settings.get(key) for key in ("channels", "lead_hours", "email", "phone", "opt_out", "timezone")}

    def payload(self) -> dict[str, Any]:
        """The PUT body."""
        return {"channels": list(self.channels.data or []), "lead_hours": self.lead_hours.data,
                "email": (self.email.data or "").strip() or None, "phone": (self.phone.data or "").strip() or None,
                "timezone": self.timezone.data or None, "opt_out": bool(self.opt_out.data)}


WINDOW_FIELDS = ("weekday", "start", "end")


class WindowForm(Form):
    """One weekly window: a weekday and a time range in the centre's time."""

    weekday = SelectField(_l("Day"), validate_choice=False)
    start = StringField(_l("Start time"))
    end = StringField(_l("End time"))


def day_choices() -> list[tuple[str, str]]:
    """Monday to Sunday in the page's language, after a blank choice for an empty row."""
    return [("", "—")] + [(str(day), weekday_name(day)) for day in range(7)]


class AvailabilityForm(FlaskForm):
    """The week's windows in which the family can come; blank rows are ignored."""

    windows = FieldList(FormField(WindowForm))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refresh_choices()

    def refresh_choices(self) -> None:
        """Every row's day list (rows added after the form was built need theirs too)."""
        for entry in self.windows:
            entry.form.weekday.choices = day_choices()

    def add_row(self) -> None:
        """One more blank row."""
        self.windows.append_entry()
        self.refresh_choices()

    def remove_row(self, index: int) -> None:
        """Drop a row (nothing is saved until Save)."""
        kept = [entry.data for position, entry in enumerate(self.windows) if position != index]
        while self.windows.entries:
            self.windows.pop_entry()
        for data in kept:
            self.windows.append_entry(data)
        self.refresh_choices()


def windows_payload(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The PUT body from the form's rows, and for each item sent the row it came from (blank rows are skipped)."""
    week: list[dict[str, Any]] = []
    origin: list[int] = []
    for index, row in enumerate(rows):
        weekday, start, end = (str(row.get(key) or "").strip() for key in ("weekday", "start", "end"))
        if not (weekday or start or end):
            continue
        week.append({"weekday": int(weekday) if weekday.isdigit() else weekday, "start": start, "end": end})
        origin.append(index)
    return week, origin


def window_errors(error: ApiError, origin: list[int]) -> tuple[dict[int, dict[str, list[str]]], list[str]]:
    """A 422 on the week, as {row: {field: messages}} for the rows sent, plus the messages about the whole week."""
    by_row: dict[int, dict[str, list[str]]] = {}
    general: list[str] = []
    for path, messages in error.errors.items():
        parts = path.split(".")
        if parts[0] == "availability":  # booking names the week "availability" (an overlap names a row too)
            parts = parts[1:]
        if len(parts) == 2 and parts[0].isdigit() and int(parts[0]) < len(origin) and parts[1] in WINDOW_FIELDS:
            row = by_row.setdefault(origin[int(parts[0])], {})
            row.setdefault(parts[1], []).extend(api_message(m) for m in messages)
        else:
            general.extend(api_message(m) for m in messages)
    if not error.errors and error.message:
        general.append(api_message(error.message))
    return by_row, list(dict.fromkeys(general))
