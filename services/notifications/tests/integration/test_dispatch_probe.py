"""The dispatcher's /healthz and /readyz: beaten every round and every send, ready after a round that worked."""
import dataclasses
import threading

import pytest

from servicekit.testing.infra import free_port
from servicekit.testing.probes import RecordingProbe

from notifications.dispatch import dispatch_loop

from ..helpers import logged, reload


class Rounds(threading.Event):
    """A stop event set by the n-th pause between rounds (or backoff)."""

    def __init__(self, rounds):
        super().__init__()
        self.left = rounds

    def wait(self, timeout=None):
        self.left -= 1
        if self.left <= 0:
            self.set()
        return self.is_set()


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory):
    return dataclasses.replace(make_settings(spec), var_dir=tmp_path_factory.mktemp("var"))


def test_a_working_round_makes_the_dispatcher_ready_and_each_send_beats(db, settings, mailbox):
    rows = [logged(db) for _ in range(2)]
    probe = RecordingProbe()
    dispatch_loop(dataclasses.replace(settings, smtp_port=mailbox.port), Rounds(1), probe)
    assert all(reload(db, row.id).status == "sent" for row in rows)
    # (more rounds run while other tests' due messages fill whole batches: each one ready, then stopped)
    assert probe.changes[-1] == (False, "stopped") and set(probe.changes[:-1]) == {(True, "")}
    assert probe.beats >= 1 + len(rows)  # every round, then every send


def test_a_failing_round_makes_the_dispatcher_not_ready_with_the_reason(settings):
    port = free_port()
    away = dataclasses.replace(settings, database_url=f"postgresql://postgres@127.0.0.1:{port}/nowhere",
                               db_connect_timeout=1)
    probe = RecordingProbe()
    dispatch_loop(away, Rounds(2), probe)
    assert probe.changes == [(False, "OperationalError"), (False, "OperationalError"), (False, "stopped")]
    assert probe.beats == 2
