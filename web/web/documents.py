"""A PDF fetched from the gateway, answered to the browser: shown in a page's preview (inline) or downloaded."""
from __future__ import annotations

from flask import Response, request

from web import security
from web.gateway import Document

# Only the PDF may render (Chromium's viewer is a plugin), framed by our own pages only.
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


def pdf_response(document: Document, fallback_name: str) -> Response:
    """`?download=1` saves it as a file; otherwise it opens in place. Never cached: it names a family."""
    security.allow_framing_by_self()
    disposition = "attachment" if request.args.get("download") else "inline"
    filename = document.filename or fallback_name
    return Response(document.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "private, no-store",
        "Content-Security-Policy": PDF_POLICY})
