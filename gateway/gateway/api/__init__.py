"""One blueprint per resource the gateway owns; everything else under /api/v1 is forwarded (gateway.proxy)."""
from gateway.api.audit import blp as audit
from gateway.api.auth import blp as auth
from gateway.api.center import blp as center
from gateway.api.second_factor import blp as second_factor
from gateway.api.sessions import blp as sessions
from gateway.api.users import blp as users

blueprints = [auth, users, second_factor, sessions, center, audit]
