"""Field types every service's schemas share, so one kind of value is checked one way everywhere."""
from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate

from servicekit.limits import EMAIL, NAME_PART

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def one_line(value: str) -> None:
    """No line breaks or other control characters: a name ends up in e-mail headers and on one PDF line (a CR/LF
    in a guardian's name silently stopped every e-mail to that family)."""
    if _CONTROL.search(value):
        raise ValidationError("Must be one line of text, without line breaks or control characters.")
    if not value.strip():
        raise ValidationError("Must not be blank.")


def Name(max_length: int = NAME_PART, **kwargs: Any) -> fields.String:  # noqa: N802 - reads like a field type
    """A person's first or last name (or another short label): required unless told, one line, not blank."""
    kwargs.setdefault("required", True)
    return fields.String(validate=[validate.Length(min=1, max=max_length), one_line], **kwargs)


def Email(**kwargs: Any) -> fields.Email:  # noqa: N802 - reads like a field type
    """An e-mail address a mail server can take (at most 254 characters: RFC 5321's longest usable path)."""
    return fields.Email(validate=validate.Length(max=EMAIL), **kwargs)
