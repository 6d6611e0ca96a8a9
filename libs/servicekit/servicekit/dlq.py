"""Operate a service's dead-letter queue: python -m servicekit.dlq list|show|replay|purge --service billing

Reads AMQP_URL and AMQP_NAMESPACE like the services. `replay` sends messages back to the service's own
queue only (not to the exchange, so other services never see them twice); the inbox makes a replay of an
already-processed event a no-op.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any, Iterator

import pika

from servicekit.config import env_str
from servicekit.messaging.topology import Topology

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


@dataclass
class DeadLetter:
    tag: int
    properties: pika.BasicProperties
    body: bytes

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.properties.headers or {})

    @property
    def reason(self) -> str:
        """Why it failed: the consumer's own note, else the broker's dead-letter reason."""
        return str(self.headers.get("x-error") or self.headers.get("x-first-death-reason") or "unknown")

    @property
    def attempts(self) -> int:
        deaths = self.headers.get("x-death") or [{}]
        return int(self.headers.get("x-attempts") or deaths[0].get("count") or 0)

    def summary(self) -> dict[str, Any]:
        return {"message_id": self.properties.message_id, "type": self.properties.type,
                "attempts": self.attempts, "failed_at": self.headers.get("x-failed-at"), "reason": self.reason}


class DeadLetterQueue:
    """Browse a DLQ by taking every message unacked, then acking (removed) or returning (kept) each one."""

    def __init__(self, url: str, topology: Topology, service: str) -> None:
        self.topology, self.service = topology, service
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()

    def messages(self) -> Iterator[DeadLetter]:
        queue = self.topology.dead_letter_queue(self.service)
        count = self.channel.queue_declare(queue, passive=True).method.message_count
        for _ in range(count):
            method, properties, body = self.channel.basic_get(queue, auto_ack=False)
            if method is None:
                return
            yield DeadLetter(method.delivery_tag, properties, body)

    def replay(self, letter: DeadLetter) -> None:
        """Back to the service's queue with a fresh attempt count; removed from the DLQ once confirmed."""
        headers = {k: v for k, v in letter.headers.items() if not k.startswith("x-")}
        headers["x-replayed-from-dlq"] = True
        properties = pika.BasicProperties(
            content_type=letter.properties.content_type, content_encoding=letter.properties.content_encoding,
            delivery_mode=2, message_id=letter.properties.message_id, type=letter.properties.type,
            correlation_id=letter.properties.correlation_id, app_id=letter.properties.app_id, headers=headers)
        self.channel.basic_publish("", self.topology.queue(self.service), letter.body, properties, mandatory=True)
        self.channel.basic_ack(letter.tag)

    def remove(self, letter: DeadLetter) -> None:
        self.channel.basic_ack(letter.tag)

    def close(self) -> None:
        """Closing returns every message we did not ack to the DLQ, in order."""
        if self.connection.is_open:
            self.connection.close()


def _selected(letter: DeadLetter, ids: set[str], everything: bool) -> bool:
    return everything or letter.properties.message_id in ids


def run(command: str, dlq: DeadLetterQueue, ids: set[str], everything: bool) -> int:
    """Carry out one command; returns how many messages it listed, showed, replayed or purged."""
    out, done = sys.stdout, 0
    for letter in dlq.messages():
        if command == "list":
            out.write(json.dumps(letter.summary()) + "\n")
        elif not _selected(letter, ids, everything):
            continue
        elif command == "show":
            body = letter.body.decode("utf-8", errors="replace")
            out.write(json.dumps({**letter.summary(), "headers": {k: str(v) for k, v in letter.headers.items()},
                                  "body": body}, indent=2) + "\n")
        elif command == "replay":
            dlq.replay(letter)
        elif command == "purge":
            dlq.remove(letter)
        else:
            continue
        done += 1
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicekit.dlq", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["list", "show", "replay", "purge"])
    parser.add_argument("--service", required=True, help="booking, crm, sales, tasks, billing, notifications, gateway")
    parser.add_argument("--id", action="append", default=[], help="message id (repeatable)")
    parser.add_argument("--all", action="store_true", help="every message (replay / purge)")
    args = parser.parse_args(argv)
    if args.command in ("replay", "purge", "show") and not (args.id or args.all):
        parser.error(f"{args.command} needs --id MESSAGE_ID (repeatable) or --all")
    topology = Topology(env_str("AMQP_NAMESPACE", "") or "")
    dlq = DeadLetterQueue(env_str("AMQP_URL", DEFAULT_URL), topology, args.service)
    try:
        count = run(args.command, dlq, set(args.id), args.all)
    finally:
        dlq.close()
    print(f"{args.command}: {count} message(s) in {topology.dead_letter_queue(args.service)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
