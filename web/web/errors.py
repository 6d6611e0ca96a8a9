"""What a person sees when something goes wrong: a page in their language, never JSON or a stack trace.

API failures a view does not handle itself land here: an ended session goes to sign-in and back, a refusal is
a friendly 403 page, a service that is down or slow a "try again" page carrying the request id. For htmx
requests the same messages go into the page's alert area instead of replacing the whole screen.
"""
from __future__ import annotations

import logging

from flask import Flask, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.gateway import ApiError, Conflict, Invalid, Missing, NotAllowed, SignInRequired, Unavailable

log = logging.getLogger(__name__)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(template: str, status: int, **context):
    if is_htmx():
        body = render_template("errors/alert.html", status=status, **context)
        return body, status, {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"}
    return render_template(template, status=status, **context), status


def _sign_in_again(_exc: SignInRequired):
    target = request.full_path.rstrip("?") if request.method == "GET" else request.headers.get("HX-Current-URL", "")
    location = url_for("auth.signin", next=_local(target) or None)
    if is_htmx():
        return "", 204, {"HX-Redirect": location}
    return redirect(location)


def _local(target: str) -> str:
    """Only a path of this site may be a `next`: never another origin."""
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url):]
    return target if target.startswith("/") and not target.startswith("//") else ""


def _not_allowed(exc: NotAllowed):
    return _page("errors/403.html", 403, detail=exc.message)


def _missing(_exc: Missing):
    return _page("errors/404.html", 404)


def _unavailable(exc: Unavailable):
    return _page("errors/unavailable.html", 503, request_id=exc.request_id or g.get("request_id", ""))


def _refused(exc: ApiError):
    # A 409 or 422 a view did not expect: say why, in place.
    return _page("errors/refused.html", exc.status, detail=exc.message, errors=exc.errors)


def _http(exc: HTTPException):
    if exc.code == 404:
        return _page("errors/404.html", 404)
    if exc.code == 403:
        return _page("errors/403.html", 403, detail="")
    return _page("errors/refused.html", exc.code or 400, detail=_("This request could not be handled."), errors={})


def _csrf(_exc: CSRFError):
    return _page("errors/refused.html", 400, detail=_("This form has expired. Reload the page and try again."),
                 errors={})


def _crash(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        return _page("errors/unavailable.html", 500, request_id=g.get("request_id", ""))
    except Exception:  # noqa: BLE001 - the error page itself failed: still never a stack trace
        log.exception("the error page failed too")
        return LAST_RESORT.format(request_id=g.get("request_id", "")), 500, {"Content-Type": "text/html"}


LAST_RESORT = ("<!doctype html><html lang=en><title>Please try again</title><h1>Please try again</h1>"
               "<p>Something went wrong. Reference: <code>{request_id}</code></p></html>")


def install(app: Flask) -> None:
    app.register_error_handler(SignInRequired, _sign_in_again)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(Missing, _missing)
    app.register_error_handler(Unavailable, _unavailable)
    app.register_error_handler(Conflict, _refused)
    app.register_error_handler(Invalid, _refused)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _crash)
    app.jinja_env.globals["safe_next"] = _local
