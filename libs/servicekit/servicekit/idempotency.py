"""`Idempotency-Key` on creating POSTs: a retried request gets the first answer instead of a second effect.

The key, the effect and the stored response commit in ONE transaction: the view's `unit_of_work()` only
flushes while an idempotent request is running, and this wrapper commits after recording the response.
A crash at any point leaves either everything (a retry replays the answer) or nothing (a retry runs again).
"""
from __future__ import annotations

import functools
import hashlib
from typing import Any, Callable

from flask import Response, g, make_response, request
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from servicekit.auth import current_principal
from servicekit.db import request_session, utcnow
from servicekit.errors import Unprocessable
from servicekit.messaging.tables import idempotency_keys as keys

MAX_KEY_LENGTH = 200


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view (outermost, right under the route) so a repeated key replays the stored response."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return view(*args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise Unprocessable(f"Idempotency-Key: at most {MAX_KEY_LENGTH} characters.",
                                errors={"Idempotency-Key": [f"At most {MAX_KEY_LENGTH} characters."]})
        scope = f"{current_principal().user_id or 'anonymous'} {request.method} {request.path}"
        digest = hashlib.sha256(request.get_data() + request.query_string).hexdigest()
        session = request_session()
        if not _reserve(session, scope, key, digest):
            return _replay(session, scope, key, digest)
        g.idempotent_request = True
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            session.rollback()
            raise
        finally:
            g.idempotent_request = False
        if response.status_code >= 400:
            session.rollback()  # nothing happened: a retry may run again
            return response
        session.execute(update(keys).where(keys.c.scope == scope, keys.c.key == key).values(
            status_code=response.status_code, response_body=response.get_data(as_text=True)))
        session.commit()
        return response

    return wrapper


def _reserve(session: Session, scope: str, key: str, digest: str) -> bool:
    """Insert the key in the request's transaction; False when a committed request already holds it."""
    if session.execute(select(keys.c.key).where(keys.c.scope == scope, keys.c.key == key)).first():
        return False
    try:
        with session.begin_nested():
            # On PostgreSQL a concurrent twin blocks here until the first commits, then sees the conflict.
            session.execute(insert(keys).values(scope=scope, key=key, request_hash=digest, created_at=utcnow()))
    except IntegrityError:
        return False
    return True


def _replay(session: Session, scope: str, key: str, digest: str) -> Response:
    session.rollback()
    row = session.execute(select(keys).where(keys.c.scope == scope, keys.c.key == key)).one()
    if row.request_hash != digest:
        raise Unprocessable("Idempotency-Key was already used with a different request body.",
                            errors={"Idempotency-Key": ["Already used with a different request body."]})
    response = Response(row.response_body, status=row.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response
