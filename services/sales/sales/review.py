"""GET /q/<id>?access_token=…: the page a family opens from the e-mail to review and sign a quotation."""
from __future__ import annotations

import secrets
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template_string, request

from servicekit import center
from servicekit.auth import PUBLIC, access, current_principal
from servicekit.db import request_session, utcnow
from servicekit.errors import Gone, NotFound, Problem
from servicekit.money import format_minor

from sales import quotations, sharing
from sales.config import current_settings
from sales.review_templates import NOTICE_PAGE, REVIEW_PAGE

review_bp = Blueprint("review", __name__)


def _html(body: str, status: int, nonce: str) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    # The token is in the URL: never leak it in a Referer, never cache the page, run only our own script.
    response.headers.update({
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                                    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
                                    "base-uri 'none'"),
    })
    return response


@review_bp.errorhandler(Problem)
def _notice(exc: Problem) -> Response:
    """A friendly page instead of problem+json: an expired link is 410, anything else a 403 (or 404)."""
    status = 410 if isinstance(exc, Gone) else 404 if isinstance(exc, NotFound) else 403
    nonce = secrets.token_urlsafe(16)
    name = center.current(request_session(), current_settings()).name
    body = render_template_string(NOTICE_PAGE, center=name, status=status,
                                  detail=exc.detail, nonce=nonce)
    return _html(body, status, nonce)


@review_bp.get("/q/<uuid:quotation_id>")
@access(PUBLIC)  # the share link's token opens the page: checked in sharing.authorize_reader
def review(quotation_id):
    session, settings, now = request_session(), current_settings(), utcnow()
    quotation = quotations.get(session, str(quotation_id))
    token = request.args.get("access_token", "")
    sharing.authorize_reader(session, quotation, current_principal(), token or None, now)
    zone = ZoneInfo(settings.center_timezone)
    nonce = secrets.token_urlsafe(16)
    base = f"/api/v1/quotations/{quotation.id}"
    body = render_template_string(
        REVIEW_PAGE, center=center.current(session, settings).name, q=quotation, nonce=nonce, money=format_minor,
        local=lambda moment: moment.astimezone(zone).strftime("%d %B %Y, %H:%M %Z") if moment else "",
        pdf_url=f"{base}/pdf?access_token={token}", sign_url=f"{base}/sign?access_token={token}",
        decline_url=f"{base}/decline?access_token={token}")
    return _html(body, 200, nonce)
