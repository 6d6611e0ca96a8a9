"""Who may open a page, and the navigation each role sees.

The services stay the security boundary (every API call is checked there); these rules only keep a role
from being shown screens its API calls would refuse.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from flask import redirect, request, session, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from web.gateway import NotAllowed
from web.sessions import User

F = TypeVar("F", bound=Callable[..., Any])
STAFF = ("front_desk", "biller", "therapist")  # admin and org_admin hold all three
SCHEDULE = ("front_desk", "therapist")  # calendars and sessions (billers keep to money)
DESK = ("front_desk",)
BILLING = ("front_desk", "biller")
ADMIN = ("admin",)
ORG_ADMIN = ("org_admin",)


def current_user() -> User | None:
    return getattr(session, "user", None)


def signed_in(*roles: str) -> Callable[[F], F]:
    """The page needs a signed-in user holding one of `roles` (any role when none are named)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                target = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.signin", next=target))
            if roles and not user.holds(*roles):
                raise NotAllowed(403, "Forbidden", "")
            return view(*args, **kwargs)

        guarded.roles = roles  # type: ignore[attr-defined]  # who may open it: the settings page lists by it
        return guarded  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString | str
    roles: tuple[str, ...]
    order: int
    icon: str = ""
    own_role_only: bool = False  # shown to these roles themselves, not to the roles that include them (My day)


NAVIGATION: list[NavItem] = []


def nav_item(endpoint: str, label: LazyString | str, roles: tuple[str, ...], order: int, *,
             own_role_only: bool = False) -> None:
    """Add an entry to the staff navigation (each area registers its own, in its module)."""
    NAVIGATION.append(NavItem(endpoint, label, roles, order, own_role_only=own_role_only))
    NAVIGATION.sort(key=lambda item: item.order)


def navigation() -> list[NavItem]:
    """The entries the current user's role may open."""
    user = current_user()
    if user is None:
        return []
    return [item for item in NAVIGATION
            if (user.role in item.roles if item.own_role_only else user.holds(*item.roles))]


def home_for(user: User) -> str:
    """Where a role starts: front desk and admins the calendar, therapists their day, billers the invoices due,
    families the portal."""
    if user.role == "therapist":
        return url_for("staff.my_day")
    if user.role == "client":
        return url_for("portal.home")
    if user.role == "biller":
        return url_for("staff.invoices", status="due")
    return url_for("staff.calendar")


ROLE_LABELS = {"org_admin": _l("Owner"), "admin": _l("Office manager"), "front_desk": _l("Front desk"),
               "biller": _l("Biller"), "therapist": _l("Therapist"), "client": _l("Family")}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
