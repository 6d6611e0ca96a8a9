"""Settings (administrators): one module per kind of setting, all on the staff blueprint."""
from web.staff.settings import (  # noqa: F401  - registration by import
    accounts, audit, catalog, center, closures, index, messages, prices, rooms, templates, therapists)
