"""Events the gateway consumes: the CRM's clients, whose guardians get portal accounts (and, once the client
is active, an invitation)."""
from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from servicekit.messaging import Envelope, HandlerRegistry

from gateway import portal
from gateway.config import GatewaySettings

handlers = HandlerRegistry()


@functools.cache
def _settings() -> GatewaySettings:
    """The public URL the activation links point to (read once per process)."""
    return GatewaySettings.from_env("gateway")


@handlers.on("client.created")
def client_created(session: Session, event: Envelope) -> None:
    portal.sync_guardians(session, event.data)
    portal.invite_active_guardians(session, event.data, _settings())


@handlers.on("client.updated")
def client_updated(session: Session, event: Envelope) -> None:
    portal.sync_guardians(session, event.data)
    portal.invite_active_guardians(session, event.data, _settings())
