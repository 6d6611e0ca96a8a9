"""create_app() for web: pages for every audience, sessions in web's own database, the gateway as the only way out."""
from __future__ import annotations

import datetime as dt

from flask import Flask, jsonify
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from servicekit.db import Database
from servicekit.logs import configure_logging
from servicekit.metrics import install_request_metrics
from servicekit.webapp import bind_request_id, echo_request_id

from web import assets, center, errors, i18n, security
from web.access import current_user, navigation, role_label
from web.api import server_timing, start_timing
from web.config import WebSettings
from web.gateway import Gateway
from web.sessions import ServerSessionInterface, SessionStore


def _health(app: Flask, db: Database) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service="web")

    @app.get("/readyz")
    def readyz():
        try:
            db.ping()
        except Exception:  # noqa: BLE001 - any failure means not ready
            return jsonify(status="unavailable", detail="database unreachable"), 503
        return jsonify(status="ready", service="web")


def create_app(settings: WebSettings | None = None) -> Flask:
    settings = settings or WebSettings.from_env("web")
    configure_logging("web", settings.log_level, settings.log_format)
    app = Flask("web", static_folder="static", static_url_path="/static")
    # Behind exactly one proxy (the gateway locally, the ingress in production).
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.config.update(SECRET_KEY=settings.secret_key, WTF_CSRF_TIME_LIMIT=None,
                      SEND_FILE_MAX_AGE_DEFAULT=dt.timedelta(hours=1),
                      TEMPLATES_AUTO_RELOAD=False, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    db = Database(settings.database_url, "web", pool_size=settings.db_pool_size,
                  connect_timeout=settings.db_connect_timeout)
    store = SessionStore(db, dt.timedelta(hours=settings.session_idle_hours))
    app.session_interface = ServerSessionInterface(store, settings.secure_cookies)
    app.extensions.update({"web.settings": settings, "web.db": db, "web.sessions": store,
                           "web.gateway": Gateway(settings.gateway_url, settings.gateway_timeout,
                                                  settings.gateway_connect_timeout)})
    app.before_request(bind_request_id)
    app.before_request(start_timing)
    app.after_request(echo_request_id)
    app.after_request(server_timing)
    install_request_metrics(app, "web")
    CSRFProtect(app)  # every POST, form or htmx (X-CSRFToken header), is checked
    i18n.install(app, settings)
    security.install(app)
    errors.install(app)
    assets.install(app)
    center.install(app)
    _health(app, db)
    app.jinja_env.globals.update(current_user=current_user, navigation=navigation, role_label=role_label,
                                 settings=settings)
    _register_pages(app)
    return app


def _register_pages(app: Flask) -> None:
    from web.account import bp as account_bp
    from web.auth import bp as auth_bp
    from web.password_links import bp as password_links_bp
    from web.portal import bp as portal_bp
    from web.staff import bp as staff_bp
    from web.waitlist_offer import bp as waitlist_offer_bp

    for blueprint in (auth_bp, account_bp, password_links_bp, staff_bp, portal_bp, waitlist_offer_bp):
        app.register_blueprint(blueprint)

    @app.get("/favicon.ico")
    def favicon():
        return app.send_static_file("favicon.svg"), 200, {"Content-Type": "image/svg+xml"}
