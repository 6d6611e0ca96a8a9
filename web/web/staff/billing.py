"""Billing: billable items, invoices, payments."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from web.access import BILLING, nav_item, signed_in
from web.staff import bp

nav_item("staff.invoices", _l("Invoices"), BILLING, 70)


@bp.get("/invoices")
@signed_in(*BILLING)
def invoices():
    """Invoices by status and balance."""
    return render_template("staff/invoices.html")
