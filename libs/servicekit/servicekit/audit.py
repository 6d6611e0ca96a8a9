"""What a service tells the gateway's audit log (gateway.audit) about a request whose URL does not say what it
acted on: a signed one-click link names no appointment. The gateway reads these headers, records them and never
passes them on to the caller."""
from __future__ import annotations

from flask import Response

SUBJECT = "X-Audit-Subject"  # "<kind> <id>", e.g. "appointment 5f0c…"
ACTION = "X-Audit-Action"    # what the request did to it, e.g. "confirm"


def name_subject(response: Response, kind: str, ident: str, action: str | None = None) -> Response:
    """Tell the audit log what `response`'s request acted on (and how)."""
    response.headers[SUBJECT] = f"{kind} {ident}"
    if action:
        response.headers[ACTION] = action
    return response
