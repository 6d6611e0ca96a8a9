"""python -m gateway.entrypoints.migrate (then the first org_admin from ADMIN_EMAIL / ADMIN_PASSWORD and the
centre's details from CENTER_NAME / CENTER_LOCALE, each unless it exists)"""
from servicekit.runner import migrate

from gateway.accounts import ensure_admin
from gateway.center import ensure_center
from gateway.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
    ensure_admin(SPEC.settings())
    ensure_center(SPEC.settings())
