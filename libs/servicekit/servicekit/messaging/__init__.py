"""Events between services: envelope, transactional outbox, idempotent inbox, relay and consumer."""
from servicekit.messaging.envelope import Envelope, PoisonMessage
from servicekit.messaging.handlers import HandlerRegistry
from servicekit.messaging.outbox import add_event

__all__ = ["Envelope", "PoisonMessage", "HandlerRegistry", "add_event"]
