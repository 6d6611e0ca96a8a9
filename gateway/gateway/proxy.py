"""The reverse proxy: /api/v1/<resource>/..., /q/... and /r/... go, unchanged, to the service that owns them;
every other path goes to web (the pages), so browsers see one origin."""
from __future__ import annotations

import logging
import os
import threading
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote

import requests
from flask import Blueprint, Flask, Response, current_app, g, request
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NewConnectionError
from werkzeug.routing import BaseConverter

from servicekit.addresses import client_address
from servicekit.auth import PUBLIC, access
from servicekit.db import unit_of_work
from servicekit.errors import NotFound, problem_response
from servicekit.pooling import pooled_adapter
from servicekit.webapp import passes_through

from gateway import throttles
from gateway.config import GatewaySettings, current_settings

log = logging.getLogger(__name__)

# DESIGN.md section 4: resource prefix -> owning service (/auth and /users are the gateway's own).
ROUTES: dict[str, str] = {
    "service-types": "booking", "therapists": "booking", "slots": "booking", "appointments": "booking",
    "appointment-series": "booking", "calendar": "booking", "planning": "booking", "waitlist": "booking",
    "rooms": "booking", "closures": "booking", "client-availability": "booking",
    "clients": "crm", "contacts": "crm", "opportunities": "crm",
    "price-list": "sales", "quotations": "sales",
    "projects": "tasks", "tasks": "tasks", "timesheets": "tasks",
    "billable-items": "billing", "invoices": "billing", "payments": "billing", "credits": "billing",
    "notifications": "notifications", "reminder-settings": "notifications",
    "notification-templates": "notifications",
}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host",
                         "content-length"})
# requests hands back the decoded body: its length and encoding are the gateway's to state, not the upstream's.
_NOT_RETURNED = _HOP_BY_HOP | {"content-encoding", "server", "date", "x-request-id"}


class ResourceConverter(BaseConverter):
    """Matches only the resource prefixes a service owns, so anything else is Flask's own 404 or 405."""

    regex = "(?:" + "|".join(sorted(ROUTES, key=len, reverse=True)) + ")"


class Upstreams:
    """Where each service lives and one pooled HTTP session per service, opened on first use in each process."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.timeout = (settings.upstream_connect_timeout, settings.upstream_timeout)
        self._sessions: dict[str, requests.Session] = {}
        self._pid = 0
        self._lock = threading.Lock()

    def url(self, service: str) -> str:
        """Base URL of `service`."""
        return self.settings.upstream_url(service)

    def session(self, service: str) -> requests.Session:
        """The pooled session for `service` (pools never cross a fork)."""
        with self._lock:
            if self._pid != os.getpid():
                self._sessions, self._pid = {}, os.getpid()
            if service not in self._sessions:
                self._sessions[service] = _new_session()
            return self._sessions[service]


def _new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy variables or .netrc credentials on internal calls
    session.headers.clear()    # forward the caller's headers, not requests' defaults
    # Never keep a cookie: one caller's Set-Cookie would otherwise be sent on every other caller's request
    # that carries none (a stranger would get the previous visitor's web session).
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    # No retries but a dropped GET's (servicekit.pooling): a POST that reached a service must never be sent twice.
    adapter = pooled_adapter(pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


bp = Blueprint("proxy", __name__)


@bp.route("/api/v1/<resource:resource>", defaults={"rest": ""}, methods=METHODS)
@bp.route("/api/v1/<resource:resource>/<path:rest>", methods=METHODS)
@passes_through
@access(PUBLIC)  # each service checks the forwarded Authorization header itself
def forward_api(resource: str, rest: str) -> Response:
    if request.method not in _READS and "Authorization" not in request.headers:
        # Anonymous writes (public booking, the wait list, signing by link): a few per address, not a flood.
        with unit_of_work() as session:
            throttles.limit_public_write(session, client_address(), current_settings().public_write_limit)
    return forward(ROUTES[resource], rest)


@bp.route("/q/<path:rest>", methods=METHODS)
@passes_through
@access(PUBLIC)
def forward_quotation_page(rest: str) -> Response:
    return forward("sales", rest)


@bp.route("/r/<path:rest>", methods=METHODS)
@passes_through
@access(PUBLIC)  # the one-click confirm / cancel and unsubscribe links in e-mails and SMS
def forward_message_link(rest: str) -> Response:
    return forward("notifications", rest)


class PageConverter(BaseConverter):
    """Any path except the API's: an unknown /api/... stays the gateway's own JSON 404 (or 405)."""

    regex = r"(?!api(?:/|$))[^/].*?"
    part_isolating = False


@bp.route("/", defaults={"rest": ""}, methods=METHODS)
@bp.route("/<page:rest>", methods=METHODS)
@passes_through
@access(PUBLIC)  # web checks its own sessions; the API it calls is checked by each service
def forward_page(rest: str) -> Response:
    """Everything that is not the API goes to web (the pages), so the whole system has one origin."""
    return forward("web", rest)


def forward(service: str, rest: str) -> Response:
    """Send the current request to `service` and hand its answer back (or a problem saying what failed)."""
    if {".", ".."} & set(rest.split("/")):
        # The HTTP client would resolve dot segments and reach paths outside the resource (/metrics...).
        raise NotFound("This path does not name an API resource.")
    upstreams: Upstreams = current_app.extensions["gateway.upstreams"]
    url = upstreams.url(service) + _raw_path()
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    try:
        answer = upstreams.session(service).request(
            request.method, url, data=request.get_data() or None, headers=_outgoing_headers(),
            timeout=upstreams.timeout, allow_redirects=False)
    except requests.RequestException as exc:
        failure = _failure(service, exc)
        return _as_page(failure) if service == "web" else failure
    headers = [(k, v) for k, v in answer.raw.headers.items() if k.lower() not in _NOT_RETURNED]
    return Response(answer.content, status=answer.status_code, headers=headers)


def _raw_path() -> str:
    # The path as the caller sent it (still percent-encoded), so the service sees exactly the same URL.
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    return raw.split("?", 1)[0] if raw.startswith("/") else quote(request.path)


def _outgoing_headers() -> CaseInsensitiveDict:
    named = {h.strip().lower() for h in request.headers.get("Connection", "").split(",")}
    headers = CaseInsensitiveDict()
    for key, value in request.headers.items():
        lower = key.lower()
        if lower not in _HOP_BY_HOP and lower not in named and not lower.startswith("proxy-"):
            headers[key] = value
    headers["X-Request-ID"] = g.request_id
    headers["X-Forwarded-For"] = _forwarded_for()
    headers["X-Forwarded-Proto"] = request.scheme
    headers["X-Forwarded-Host"] = request.host
    return headers


def _forwarded_for() -> str:
    # ProxyFix already rewrote REMOTE_ADDR from the caller's X-Forwarded-For: append the real peer instead.
    original = request.environ.get("werkzeug.proxy_fix.orig", {})
    peer = original.get("REMOTE_ADDR") or request.remote_addr or "unknown"
    earlier = request.headers.get("X-Forwarded-For")
    return f"{earlier}, {peer}" if earlier else peer


def _failure(service: str, exc: requests.RequestException) -> Response:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    log.warning("%s %s -> %s failed: %s", request.method, request.path, service, exc.__class__.__name__)
    if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, NewConnectionError):
        return problem_response(503, "Service Unavailable", f"The {service} service is unavailable; retry shortly.",
                                headers={"Retry-After": "5"})
    if isinstance(exc, requests.ReadTimeout):
        return problem_response(504, "Gateway Timeout", f"The {service} service did not answer in time.")
    return problem_response(502, "Bad Gateway", f"The {service} service sent an invalid response.")


PAGE_DOWN = ("<!doctype html><html lang=en><meta charset=utf-8><title>Please try again</title>"
             "<h1>Please try again</h1><p>The pages are not answering right now. Nothing was lost; try again in a "
             "moment.</p><p lang=fr>Les pages ne répondent pas pour l'instant. Rien n'est perdu ; réessayez dans un "
             "instant.</p><p><small>Reference: <code>{request_id}</code></small></p></html>")


def _as_page(failure: Response) -> Response:
    """A person's browser gets a page, not problem+json, when web itself is down."""
    headers = {k: v for k, v in failure.headers.items() if k == "Retry-After"}
    return Response(PAGE_DOWN.format(request_id=g.request_id), status=failure.status_code,
                    headers=headers, mimetype="text/html")


def install(app: Flask, settings: GatewaySettings) -> None:
    """Add the forwarding routes (after the gateway's own, which take precedence)."""
    app.url_map.converters["resource"] = ResourceConverter
    app.url_map.converters["page"] = PageConverter
    app.extensions["gateway.upstreams"] = Upstreams(settings)
    app.register_blueprint(bp)
