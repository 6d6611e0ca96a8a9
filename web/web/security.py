"""Headers every page carries: a strict Content-Security-Policy with a per-request nonce, no framing."""
from __future__ import annotations

import secrets

from flask import Flask, Response, g

# No inline script or style without the request's nonce, no eval, nothing from another origin.
POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
          "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "frame-ancestors {ancestors}; base-uri 'self'; form-action 'self'")


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _headers(response: Response) -> Response:
    # A document shown inside our own pages (a PDF preview) may be framed by them, nothing else may.
    ancestors = "'self'" if g.get("frameable") else "'none'"
    response.headers.setdefault("Content-Security-Policy",
                                POLICY.format(nonce=g.get("csp_nonce", ""), ancestors=ancestors))
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN" if g.get("frameable") else "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # pages show a family's data: never cached
    return response


def allow_framing_by_self() -> None:
    """For a response our own pages embed (PDF previews)."""
    g.frameable = True


def install(app: Flask) -> None:
    app.before_request(_nonce)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")
