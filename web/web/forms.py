"""Forms: WTForms with CSRF (Flask-WTF), and the gateway's 422 messages put beside the fields they name."""
from __future__ import annotations

import uuid
from typing import Mapping

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form, FormField, HiddenField

from web.gateway import ApiError


class CreatingForm(FlaskForm):
    """A form that creates something: a fresh Idempotency-Key rendered with it, so a double submit acts once."""

    idempotency_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = str(uuid.uuid4())


def field_at(form: Form, path: str, aliases: Mapping[str, str] | None = None) -> Field | None:
    """The field a dotted API path names: `guardian.email` -> form.guardian.email (a FormField)."""
    path = (aliases or {}).get(path, path)
    node: Form | Field = form
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(node, FormField):
            node = node.form
        candidate = getattr(node, part, None) if isinstance(node, Form) else None
        if not isinstance(candidate, Field):
            return None
        node = candidate
    return node if isinstance(node, Field) else None


def apply_api_errors(form: Form, error: ApiError, aliases: Mapping[str, str] | None = None) -> list[str]:
    """Put each message of a refused request beside its field; returns the messages that fit no field.

    `aliases` maps API paths to form paths where they differ (`start` -> `slot`).
    """
    leftover: list[str] = []
    for path, messages in error.errors.items():
        field = field_at(form, path, aliases)
        if field is None:
            leftover += [f"{path}: {message}" for message in messages]
            continue
        field.errors = list(field.errors or []) + [api_message(m) for m in messages]  # type: ignore[operator]
    if not error.errors and error.message:
        leftover.append(api_message(error.message))
    return leftover


def api_message(message: str) -> str:
    """A service's message in the page's language when the catalogs know it (translations/*/api.po)."""
    return gettext(message) if message else message


def refusal_message(error: ApiError) -> str:
    """Every message of a refused request as one sentence for a page with no field to put them beside."""
    messages = [m for found in error.errors.values() for m in found] or [error.message]
    return "; ".join(api_message(m) for m in messages)


REQUIRED = _l("This field is required.")
