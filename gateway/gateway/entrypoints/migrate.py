"""python -m gateway.entrypoints.migrate (then the first org_admin from ADMIN_EMAIL / ADMIN_PASSWORD)"""
from servicekit.runner import migrate

from gateway.accounts import ensure_admin
from gateway.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
    ensure_admin(SPEC.settings())
