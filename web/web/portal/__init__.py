"""The family portal: where a family lands after sign-in, and its screens (appointments, invoices, preferences, quotations)."""
from flask import Blueprint, render_template

from web.access import signed_in

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.get("/")
@signed_in("client")
def home():
    """A family's home."""
    return render_template("portal/home.html")


from web.portal import appointments, invoices, preferences, quotations  # noqa: E402,F401 - their views register on bp
