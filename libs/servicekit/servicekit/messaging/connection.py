"""Opening broker connections with heartbeats, and the capped backoff used when they fail."""
from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

import pika
from pika.exceptions import AMQPConnectionError, ChannelClosedByBroker, ConnectionClosedByBroker

log = logging.getLogger(__name__)
T = TypeVar("T")


def parameters(url: str, *, heartbeat: int, name: str) -> pika.URLParameters:
    """Connection settings every process uses: heartbeats, a bound on blocked and stalled sockets, a name."""
    params = pika.URLParameters(url)
    params.heartbeat = heartbeat
    params.blocked_connection_timeout = max(heartbeat * 2, 30)
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.client_properties = {"connection_name": name}
    return params


def connect(url: str, *, heartbeat: int, name: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(parameters(url, heartbeat=heartbeat, name=name))


def is_configuration_error(exc: BaseException) -> bool:
    """Errors a retry cannot fix: wrong credentials, mismatched queue arguments, missing vhost."""
    if isinstance(exc, ChannelClosedByBroker):
        return exc.reply_code in (403, 404, 406)
    if isinstance(exc, ConnectionClosedByBroker):
        return exc.reply_code in (403, 530)
    return isinstance(exc, pika.exceptions.ProbableAuthenticationError | pika.exceptions.ProbableAccessDeniedError)


class Backoff:
    """Capped exponential backoff: 0.2 s, 0.4 s, ... up to `cap` seconds."""

    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first, self.cap, self.current = first, cap, first

    def next_delay(self) -> float:
        delay, self.current = self.current, min(self.current * 2, self.cap)
        return delay

    def reset(self) -> None:
        self.current = self.first


def retrying(what: str, fn: Callable[[], T], should_stop: Callable[[], bool], backoff: Backoff | None = None) -> T | None:
    """Call `fn` until it succeeds or `should_stop()`; broker outages are waited out, config errors raised."""
    backoff = backoff or Backoff()
    while not should_stop():
        try:
            result = fn()
            backoff.reset()
            return result
        except AMQPConnectionError as exc:
            if is_configuration_error(exc):
                raise
            delay = backoff.next_delay()
            log.warning("%s failed (%s); retrying in %.1fs", what, exc.__class__.__name__, delay)
            time.sleep(delay)
    return None
