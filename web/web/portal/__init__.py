"""The family portal (its screens come with the portal issue; today: where a family lands after sign-in)."""
from flask import Blueprint, render_template

from web.access import signed_in

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.get("/")
@signed_in("client")
def home():
    """A family's home."""
    return render_template("portal/home.html")
