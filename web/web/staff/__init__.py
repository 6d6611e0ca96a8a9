"""The staff console: one blueprint, one module per area (each registers its routes and navigation entry)."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

# Importing a module registers its views on `bp` and its entry in the navigation (web.access.nav_item).
from web.staff import (  # noqa: E402,F401  - registration by import
    appointments, billing, booking, calendar, clients, my_day, opportunities, planning, quotations, settings, tasks)
