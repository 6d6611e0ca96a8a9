"""Clients: the searchable list with each family's balance, and the client file (its overview here; the other
tabs in web.staff.client_tabs and web.staff.client_preferences, each loaded on its own with htmx)."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.access import BILLING, DESK, current_user, nav_item, signed_in
from web.api import UserApi, api
from web.forms import apply_api_errors
from web.gateway import Invalid, NotAllowed
from web.render import page
from web.staff import bp
from web.staff.client_forms import ClientForm, ClientSearch
from web.labels import labels
from web.staff.client_pages import fragment, optional_url
from web.staff.client_tabs import TABS, Tab, tab_named

nav_item("staff.clients", _l("Clients"), BILLING, 30)

PAGE_SIZE = 25
FILE = "staff/clients/file.html"


@bp.get("/clients")
@signed_in(*BILLING)
def clients():
    """The client list: search by the child's or a guardian's name, e-mail or phone, filter by status."""
    search = ClientSearch(request.args)
    found = api().get("clients", q=(search.q.data or "").strip(), status=search.status.data, limit=PAGE_SIZE,
                      cursor=request.args.get("cursor"))
    return page("staff/clients/list.html", block=fragment("results"), search=search, clients=found,
                balances=balances_of(api(), found), next_cursor=getattr(found, "next_cursor", None),
                labels=labels)


def balances_of(client_api: UserApi, clients: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What each listed client owes, from one call for the whole page (client id -> rows, one per currency)."""
    if not clients:
        return {}
    owed: dict[str, list[dict[str, Any]]] = {}
    for row in client_api.get("invoices/balances", client_id=[c["id"] for c in clients]):
        owed.setdefault(row["client_id"], []).append(row)
    return owed


def visible_tabs() -> list[Tab]:
    """The tabs of the client file the signed-in role's API calls allow."""
    user = current_user()
    return [tab for tab in TABS if user is not None and user.holds(*tab.roles)]


def render_file(client_id: str, tab: Tab, *, status: int = 200, client: dict[str, Any] | None = None,
                load: bool = True, **context: Any):
    """The client file with `tab` open: only the tab for an htmx swap, else the whole page (client + tab at once).

    `load=False`: the caller brings the tab's context (a form re-rendered with its messages), nothing is re-read.
    """
    if not current_user().holds(*tab.roles):  # type: ignore[union-attr]
        raise NotAllowed(403, "Forbidden", "")
    client_api = api()
    calls = tab.calls(client_api, client_id) if load else {}
    block = fragment("tab")
    if client is None and (block is None or tab.needs_client):
        calls["client"] = lambda: client_api.get(f"clients/{client_id}")
    results = client_api.parallel(**calls) if calls else {}
    values = {**(tab.context(results) if load else {}), **context}
    return page(FILE, block=block, status=status, client_id=client_id, client=client or results.get("client"),
                tab=tab, tabs=visible_tabs(), labels=labels, optional_url=optional_url, **values)


@bp.get("/clients/<uuid:client_id>")
@signed_in(*BILLING)
def client_file(client_id):
    """The client file, on its overview: the child, the guardians and the status."""
    client = api().get(f"clients/{client_id}")
    form = ClientForm(data=ClientForm.data_of(client)) if current_user().holds(*DESK) else None  # type: ignore[union-attr]
    return render_file(str(client_id), tab_named("overview"), client=client, form=form, problems=[])


@bp.get("/clients/<uuid:client_id>/<tab>")
@signed_in(*BILLING)
def client_tab(client_id, tab):
    """One tab of the client file (htmx swaps it in; opened directly it is the whole page)."""
    if tab == "overview":
        return redirect(url_for("staff.client_file", client_id=client_id))
    return render_file(str(client_id), tab_named(tab))


@bp.post("/clients/<uuid:client_id>")
@signed_in(*DESK)
def update_client(client_id):
    """Correct the child's name, date of birth or status."""
    form = ClientForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            api().patch(f"clients/{client_id}", form.changes())
        except Invalid as exc:
            problems = apply_api_errors(form, exc)
        else:
            flash(_("The client's details were saved."), "success")
            return redirect(url_for("staff.client_file", client_id=client_id))
    return render_file(str(client_id), tab_named("overview"), status=422, form=form, problems=problems)


# The other tabs' own routes (reminder settings and availability are edited in place).
from web.staff import client_preferences  # noqa: E402,F401 - registration by import
