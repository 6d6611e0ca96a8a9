"""Row-level access: a portal family sees only its own clients' billing records."""
from __future__ import annotations

from typing import Any

from servicekit.auth import CLIENT, Principal
from servicekit.errors import Forbidden


def check(principal: Principal, client_id: str) -> None:
    """403 unless the caller is staff or the family of `client_id`."""
    if not principal.may_see_family(client_id):
        raise Forbidden("You may only see your own family's billing records.")


def scoped(stmt: Any, column: Any, principal: Principal, client_id: Any = None) -> Any:
    """`stmt` narrowed to `client_id` (if asked) and, for a family, to its own clients."""
    if client_id is not None:
        check(principal, str(client_id))
        stmt = stmt.where(column == str(client_id))
    if principal.role == CLIENT:
        stmt = stmt.where(column.in_(sorted(principal.client_ids)))
    return stmt
