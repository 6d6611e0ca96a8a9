"""The app factory every service builds on: logging, request ids, auth, errors, health, OpenAPI."""
from __future__ import annotations

import re
import uuid
from typing import Any, Callable, Iterable, Iterator

from flask import Flask, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.middleware.proxy_fix import ProxyFix

from servicekit import context
from servicekit.auth import PUBLIC, TokenVerifier, access, install_auth
from servicekit.config import Settings
from servicekit.db import Database, close_request_session
from servicekit.error_docs import problem_api
from servicekit.errors import Unprocessable, register_error_handlers
from servicekit.health import bp as health_bp
from servicekit.logs import configure_logging
from servicekit.metrics import install_request_metrics

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def bind_request_id() -> None:
    """Keep a valid incoming X-Request-ID (else a new one) as the request's and the logs' correlation id."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
    g.correlation_token = context.correlation_id.set(g.request_id)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and halves of a UTF-16 pair no database column holds
_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:0000|d[89a-f])", re.IGNORECASE)
UNSTORABLE = "Text may not contain NUL characters or unpaired surrogates."


def _unstorable(value: object, path: str) -> Iterator[str]:
    """Paths ("guardian.first_name", "lines.0.name", "q") of the strings in `value` no column could store."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, path or "body")
            yield from _unstorable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, f"{path}.{index}" if path else str(index))


def passes_through(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that hands the request on unread (the gateway's proxy): the service that reads it checks it."""
    view._passes_through = True  # type: ignore[attr-defined]
    return view


def refuse_unstorable_text() -> None:
    """A 422 naming each field whose text PostgreSQL would refuse (it answered 500 after half the work)."""
    if getattr(current_app.view_functions.get(request.endpoint or ""), "_passes_through", False):
        return  # not parsed here twice: the service behind checks what it stores
    found = [name for key, values in request.args.lists() for value in values for name in _unstorable(value, key)]
    # Valid JSON can carry NUL or half a surrogate pair only as an escape: parse (a second time, webargs parses
    # its own copy) only the rare body that has one.
    if request.is_json and request.content_length and _ESCAPED_UNSTORABLE.search(request.get_data(cache=True)):
        found += list(_unstorable(request.get_json(silent=True), ""))
    if found:
        raise Unprocessable(f"{UNSTORABLE} ({', '.join(found)})", errors={name: [UNSTORABLE] for name in found})


def echo_request_id(response):
    """Answer with the request id, so a person can quote it."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def _plain(view):
    """A plain function around a bound method, so it can carry an access rule."""
    def call(*args, **kwargs):
        return view(*args, **kwargs)
    return call


def create_service_app(settings: Settings, blueprints: Iterable[Blueprint], *, title: str,
                       database: Database | None = None,
                       access_checks: Iterable[Callable[[], None]] = ()) -> Flask:
    """A Flask app for `settings.service` serving `blueprints` under /api/v1 (no I/O happens here).

    `access_checks` run right after the token and the access rule, before anything reads the request (the
    gateway's: a token whose access has ended).
    """
    configure_logging(settings.service, settings.log_level, settings.log_format)
    # No /static route: a service serves no files, and the gateway must pass /static/... on to web's pages.
    app = Flask(settings.service, static_folder=None)
    app.config.update(
        API_TITLE=title, API_VERSION="v1", OPENAPI_VERSION="3.1.0", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.json.sort_keys = False  # keep fields in schema order: id first, start before end
    # The gateway is the only hop in front of a service: trust exactly one X-Forwarded-For entry.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.extensions["servicekit.settings"] = settings
    app.extensions["servicekit.db"] = database or Database(
        settings.database_url, settings.service, pool_size=settings.db_pool_size,
        connect_timeout=settings.db_connect_timeout)
    app.before_request(bind_request_id)
    app.after_request(echo_request_id)
    app.teardown_appcontext(close_request_session)
    install_request_metrics(app, settings.service)
    install_auth(app, TokenVerifier(settings.jwt_public_key, settings.jwt_issuer, settings.jwt_audience,
                                    settings.access_token_max_ttl))
    for check in access_checks:
        app.before_request(check)
    app.before_request(refuse_unstorable_text)  # after the access rule: a 401/403 comes before any 422
    api = problem_api(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.register_blueprint(health_bp)
    # flask-smorest's own documentation endpoints are the only views without an @access rule.
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs."):
            app.view_functions[endpoint] = access(PUBLIC)(_plain(view))
    register_error_handlers(app)  # after Api(): our problem+json handlers replace flask-smorest's
    app.extensions["servicekit.api"] = api
    return app
