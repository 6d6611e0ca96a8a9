"""Front-end packages from the npm registry, served from node_modules through an allow-list (no bundler, no CDN).

`make install` (and the container image's build stage) runs `npm ci` in web/; only the files named here
are reachable, so nothing else in node_modules is ever served.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for

# public name -> path inside node_modules (versions pinned in web/package.json)
ASSETS = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "event-calendar.min.js": "@event-calendar/build/dist/event-calendar.min.js",
    "event-calendar.min.css": "@event-calendar/build/dist/event-calendar.min.css",
    "signature_pad.umd.min.js": "signature_pad/dist/signature_pad.umd.min.js",
}
# Only the browser tests load this one (development dependency): never listed in a page.
TEST_ASSETS = {"axe.min.js": "axe-core/axe.min.js"}

bp = Blueprint("assets", __name__)


@bp.get("/assets/<name>")
def asset(name: str):
    """One allow-listed file from node_modules, cached by the browser for a day."""
    path = ASSETS.get(name) or (TEST_ASSETS.get(name) if current_app.config.get("SERVE_TEST_ASSETS") else None)
    if path is None:
        abort(404)
    folder = current_app.extensions["web.settings"].assets_dir
    return send_from_directory(folder, path, max_age=86400)


def asset_url(name: str) -> str:
    return url_for("assets.asset", name=name)


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url
