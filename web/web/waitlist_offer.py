"""The page a wait-list offer e-mail links to: the session held for the family, "Book this session" and "Leave
the wait list".

Opening the page changes nothing (mail scanners open every link of a message); only its buttons act. The
link's token is the family's authority here — no sign-in — and goes to the gateway with each call, never into a
session, a cookie or a log line of ours.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField

from web.api import api
from web.gateway import ApiError, Conflict, Invalid, Missing, NotAllowed, SignInRequired

bp = Blueprint("waitlist_offer", __name__)


class OfferForm(FlaskForm):
    token = HiddenField()


def _entry(entry_id: str, token: str) -> dict[str, Any] | None:
    """The entry as the link may see it; None when the link is not (or no longer) one of this entry's."""
    try:
        return api().get(f"waitlist/{entry_id}", token=token)
    except (Missing, SignInRequired, NotAllowed, Invalid):
        return None


def _names(entry: dict[str, Any]) -> dict[str, str]:
    """The service's and the therapist's names for the page (both public)."""
    offer, client = entry.get("offer") or {}, api()  # captured here: the calls run on other threads
    found = client.parallel(
        services=lambda: client.get("service-types", limit=200),
        therapist=lambda: client.get(f"therapists/{offer['therapist_id']}") if offer.get("therapist_id") else {})
    service = next((s["name"] for s in found["services"] if s.get("code") == entry.get("service_code")),
                   entry.get("service_code") or "")
    return {"service": service, "therapist": (found["therapist"] or {}).get("name", "")}


def _page(entry_id: str, form: OfferForm, entry: dict[str, Any] | None, *, outcome: str = "",
          problem: str = "", status: int = 200):
    names = _names(entry) if entry and entry.get("offer") else {}
    return render_template("public/waitlist_offer.html", entry_id=entry_id, form=form, entry=entry, names=names,
                           outcome=outcome, problem=problem), status


@bp.get("/waitlist/<uuid:entry_id>/offer")
def offer(entry_id):
    """The held session and the two buttons; or why the offer no longer stands."""
    form = OfferForm(token=request.args.get("token", ""))
    return _page(str(entry_id), form, _entry(str(entry_id), form.token.data or ""))


@bp.post("/waitlist/<uuid:entry_id>/offer")
def answer(entry_id):
    """Book the held session, or leave the wait list."""
    form = OfferForm()
    entry_id, token = str(entry_id), form.token.data or ""
    if not form.validate_on_submit():
        return _page(entry_id, form, _entry(entry_id, token), problem=_("The page expired; please try again."),
                     status=400)
    leaving = request.form.get("action") == "leave"
    try:
        if leaving:
            api().call("DELETE", f"waitlist/{entry_id}", params={"token": token})
        else:
            api().call("POST", f"waitlist/{entry_id}/accept", params={"token": token}, json={})
    except (Missing, SignInRequired, NotAllowed):
        return _page(entry_id, form, None, status=404)
    except (Conflict, Invalid) as exc:  # taken by now, expired (410), or already answered
        return _page(entry_id, form, _entry(entry_id, token), problem=_api_reason(exc), status=exc.status)
    return _page(entry_id, form, _entry(entry_id, token), outcome="left" if leaving else "booked")


def _api_reason(exc: ApiError) -> str:
    if exc.status == 410:
        return _("This offer has expired: the session went to the next family on the wait list.")
    return _("This offer can no longer be answered: it was already accepted, declined or withdrawn.")
