"""Render a page, or only one block of it for an htmx request (jinja2-fragments): one template per screen."""
from __future__ import annotations

from typing import Any

from flask import render_template
from jinja2_fragments.flask import render_block

from web.errors import is_htmx


def page(template: str, *, block: str | None = None, status: int = 200, **context: Any):
    """The whole page; for an htmx request naming a `block`, only that block (same template, same data)."""
    if block is not None and is_htmx():
        return render_block(template, block, **context), status
    return render_template(template, **context), status
