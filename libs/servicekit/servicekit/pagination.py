"""List pagination: `?limit=&cursor=`; the next cursor travels in the `X-Next-Cursor` and `Link` headers."""
from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote, urlencode

from flask import request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1  # beyond this a cursor was not issued here (and the database's OFFSET would overflow)


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None)


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": ["Not a cursor this API issued."]}) from exc
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationError({"cursor": ["Not a cursor this API issued."]})
    return offset


def paginate(session: Session, stmt: Select, limit: int, cursor: str | None) -> tuple[list[Any], dict[str, str]]:
    """Run `stmt` (already ordered) for one page; returns the rows and the headers announcing the next page."""
    offset = _decode(cursor)
    rows = list(session.scalars(stmt.offset(offset).limit(limit + 1)))
    headers: dict[str, str] = {}
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = base64.urlsafe_b64encode(str(offset + limit).encode()).decode()
        headers["X-Next-Cursor"] = nxt
        args = request.args.to_dict(flat=False)
        args.update(cursor=[nxt], limit=[str(limit)])
        # Percent-encoded: a header is Latin-1 without CR/LF, and a search may be "Dvořák" or carry a newline.
        query = urlencode(args, doseq=True)
        headers["Link"] = f'<{quote(request.path)}?{query}>; rel="next"'
    return rows, headers
