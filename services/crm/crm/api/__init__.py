"""One blueprint per resource."""
from crm.api.clients import blp as clients
from crm.api.opportunities import blp as opportunities

blueprints = [clients, opportunities]
