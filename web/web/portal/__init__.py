"""The family portal: where a family lands after sign-in, and its screens (appointments, invoices, preferences, quotations)."""
from typing import Any

from flask import Blueprint, flash, render_template

from web.access import signed_in
from web.api import api
from web.forms import refusal_message
from web.gateway import Conflict, Invalid, Missing, NotAllowed

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.get("/")
@signed_in("client")
def home():
    """A family's home."""
    return render_template("portal/home.html")


def answer(path: str, body: dict[str, Any], done: str) -> None:
    """A family's one-step answer (confirm, cancel, decline…): POST it, and say on the next page what happened —
    `done`, or why the service refused (taken meanwhile, already answered, not theirs)."""
    try:
        api().post(path, body)
    except (Conflict, Invalid, Missing, NotAllowed) as exc:
        flash(refusal_message(exc), "warning")
    else:
        flash(done, "success")


from web.portal import appointments, invoices, preferences, quotations  # noqa: E402,F401 - their views register on bp
