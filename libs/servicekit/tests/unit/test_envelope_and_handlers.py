import json

import pytest

from servicekit.messaging.envelope import Envelope, PoisonMessage
from servicekit.messaging.handlers import HandlerRegistry


def test_envelope_round_trips_through_json():
    env = Envelope.new("appointment.booked", {"appointment_id": "a1"}, producer="booking", correlation_id="c1")
    back = Envelope.from_body(env.to_json().encode())
    assert back == env
    raw = json.loads(env.to_json())
    assert raw["occurred_at"].endswith("Z") and raw["version"] == 1 and raw["causation_id"] is None


@pytest.mark.parametrize("body", [b"\xff\xfe", b"not json", b"[1,2]", b'{"id": "x"}',
                                  b'{"id":"1","type":"t","version":"1","occurred_at":"","producer":"p",'
                                  b'"correlation_id":"c","data":{}}'])
def test_malformed_bodies_are_poison(body):
    with pytest.raises(PoisonMessage):
        Envelope.from_body(body)


def test_unknown_type_and_unknown_version_are_poison():
    handlers = HandlerRegistry()

    @handlers.on("task.completed")
    def handle(session, event):
        pass

    ok = Envelope.new("task.completed", {}, producer="tasks", correlation_id="c")
    assert handlers.resolve(ok) is handle
    with pytest.raises(PoisonMessage, match="version 2"):
        handlers.resolve(Envelope("i", "task.completed", 2, "", "tasks", "c", None, {}))
    with pytest.raises(PoisonMessage, match="no handler"):
        handlers.resolve(Envelope("i", "task.deleted", 1, "", "tasks", "c", None, {}))


def test_registering_a_type_twice_is_refused():
    handlers = HandlerRegistry()
    handlers.on("x.happened")(lambda s, e: None)
    with pytest.raises(ValueError):
        handlers.on("x.happened")(lambda s, e: None)
