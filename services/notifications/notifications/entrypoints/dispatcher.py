"""python -m notifications.entrypoints.dispatcher — fires due reminders and sends the queued e-mails and SMS.

Its own process, not a thread of the relay: a crash elsewhere must never interrupt a send between the
provider's acceptance and the `sent` mark, the one window in which a message could go out twice.
"""
from notifications.dispatch import run
from notifications.service import SPEC

if __name__ == "__main__":
    run(SPEC.settings())
