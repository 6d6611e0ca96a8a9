"""Small helpers the client, opportunity and quotation pages share."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from flask import current_app, request, url_for
from werkzeug.routing import BuildError

from web.errors import is_htmx
from web.i18n import parse_time


def fragment(block: str) -> str | None:
    """The block to render for an htmx swap; None (the whole page) when htmx restores a page from history."""
    if is_htmx() and request.headers.get("HX-History-Restore-Request") != "true":
        return block
    return None


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link into another area of the console, or None while that area does not offer the page."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def by_id(rows: Iterable[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    """Rows of an API list keyed by one of their fields (service types by code, therapists by id)."""
    return {str(row.get(key)): row for row in rows}


def split_by_now(rows: list[dict[str, Any]], field: str = "start",
                 now: dt.datetime | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(coming, past): rows at or after now in time order, rows before now latest first."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    coming = [row for row in rows if (parse_time(row.get(field)) or moment) >= moment]
    past = [row for row in rows if (parse_time(row.get(field)) or moment) < moment]
    return coming, list(reversed(past))
