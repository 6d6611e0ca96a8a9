"""The settings landing page: every settings page the user's role may open, and what those pages share."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from web.access import ADMIN, current_user, nav_item, signed_in
from web.render import page
from web.staff import bp
from web.staff.client_pages import optional_url

nav_item("staff.settings", _l("Settings"), ADMIN, 90)


@dataclass(frozen=True)
class SettingsPage:
    """One card of the landing page."""

    endpoint: str
    title: LazyString
    summary: LazyString


# In the order an administrator sets up a centre. The centre's details and staff accounts are built
# beside these (center.py, accounts.py) and appear as soon as their pages exist.
PAGES = (
    SettingsPage("staff.settings_center", _l("Centre details"),
                 _l("Name, address, contact details and logo shown to families and on documents.")),
    SettingsPage("staff.settings_service_types", _l("Service types and booking rules"),
                 _l("What the centre offers, how long a session lasts, buffers, notice and booking horizon.")),
    SettingsPage("staff.settings_therapists", _l("Therapists"),
                 _l("Who offers which service, their working hours and their time off.")),
    SettingsPage("staff.settings_rooms", _l("Rooms"), _l("The rooms sessions take place in, by type.")),
    SettingsPage("staff.settings_closures", _l("Closures"),
                 _l("Holidays and days the whole centre is closed.")),
    SettingsPage("staff.settings_prices", _l("Price list"),
                 _l("Single sessions and packages per service, offered or retired.")),
    SettingsPage("staff.settings_accounts", _l("Staff accounts and roles"),
                 _l("Who may sign in to the console, and with which role.")),
    SettingsPage("staff.settings_templates", _l("Message templates"),
                 _l("The e-mails and text messages families receive, in your own words.")),
    SettingsPage("staff.settings_messages", _l("Delivery log"),
                 _l("Every e-mail and text message sent, its status, and resending one that failed.")),
    SettingsPage("staff.settings_audit", _l("Audit log"),
                 _l("Who signed in, changed an account, read clinical records, exported or acted on the portal.")),
)


def may_open(endpoint: str) -> bool:
    """True when the page exists and the signed-in user's role may open it (its `signed_in` guard)."""
    view = current_app.view_functions.get(endpoint)
    user = current_user()
    if view is None or user is None:
        return False
    roles = getattr(view, "roles", ADMIN)
    return not roles or user.holds(*roles)


@bp.get("/settings")
@signed_in(*ADMIN)
def settings():
    """The settings pages this user may open."""
    cards = [(item, link) for item in PAGES if may_open(item.endpoint) and (link := _link(item.endpoint))]
    return page("staff/settings/index.html", cards=cards)


def _link(endpoint: str) -> str | None:
    return optional_url(endpoint)  # None for a page that needs an argument: not a landing page entry
