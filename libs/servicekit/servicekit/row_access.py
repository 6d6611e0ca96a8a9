"""Row-level access decided from the path, before the request's body or query is read.

`@access` refuses a role before anything else (a before_request hook). Whose record it is — a family's child,
a therapist's own task — needs the ids in the path; checked inside the view, that comes after `@blp.arguments`
has validated the input, and a caller who deserves 401/403 gets a 422 telling them how to shape a request they
may not make. Placed between `@access` and `@blp.arguments`, `@row_access(check)` runs first:

    @blp.route("/tasks/<uuid:task_id>/status", methods=["POST"])
    @access(FRONT_DESK, THERAPIST)
    @row_access(worklist.may_work_on)     # check(principal, task_id="…"): raises Unauthorized/Forbidden/NotFound
    @blp.arguments(StatusIn)

The view still loads (and locks) the record it changes; the check only decides who may ask.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

from flask import g

from servicekit.auth import current_principal

F = TypeVar("F", bound=Callable[..., Any])


def row_access(check: Callable[..., None]) -> Callable[[F], F]:
    """Run `check(principal, **path parameters as strings)` before the view's input is parsed.

    The check is given the path parameters its signature names (a time-off check needs the therapist, not the
    time-off id), as strings: the principal's ids are strings, a converter's UUID would never match them.
    """
    wanted = _parameter_names(check)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(current_principal(), **{name: str(value) for name, value in kwargs.items()
                                         if wanted is None or name in wanted})
            session = g.get("db_session")
            if session is not None:
                # What the check loaded is read afresh by the view: a row it then locks must not keep the
                # values read before the lock (SQLAlchemy's identity map would hand them back).
                session.expire_all()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _parameter_names(check: Callable[..., None]) -> frozenset[str] | None:
    """The keyword parameters `check` takes; None when it takes any (`**kwargs`)."""
    parameters = inspect.signature(check).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)
