"""The dead-letter tool against a real broker: list with reasons, show, replay after a fix, purge."""
import json

from servicekit import dlq
from servicekit.messaging.envelope import Envelope

from .test_messaging import Running, count_effects, make_consumer, publish_raw, recording_handlers, wait_until


def dead_letter_two(demo_db, amqp_url, topology, channel, calls):
    consumer = make_consumer(demo_db, amqp_url, topology, recording_handlers(calls), max_attempts=2)
    failing = [Envelope.new("demo.happened", {"fail": True, "note": n}, producer="t", correlation_id="c")
               for n in ("a", "b")]
    with Running(consumer):
        assert wait_until(lambda: consumer._connection is not None)
        for env in failing:
            publish_raw(channel, topology, "demo.happened", env.to_json().encode(), env.id)
        assert wait_until(lambda: channel.queue_declare(topology.dead_letter_queue("kit"),
                                                        passive=True).method.message_count == 2, timeout=30)
    return failing


def cli(monkeypatch, amqp_url, topology, capsys, *args):
    monkeypatch.setenv("AMQP_URL", amqp_url)
    monkeypatch.setenv("AMQP_NAMESPACE", topology.namespace)
    assert dlq.main([*args, "--service", "kit"]) == 0
    return capsys.readouterr().out


def test_list_shows_reason_and_attempts_and_leaves_messages_in_place(demo_db, amqp_url, topology, channel,
                                                                      monkeypatch, capsys):
    failing = dead_letter_two(demo_db, amqp_url, topology, channel, [])
    rows = [json.loads(line) for line in cli(monkeypatch, amqp_url, topology, capsys, "list").splitlines()]
    assert {r["message_id"] for r in rows} == {e.id for e in failing}
    assert all(r["attempts"] == 2 and r["reason"] == "RuntimeError: handler bug" for r in rows)
    # The tool peeks without acking; the broker makes the messages ready again once its channel closed.
    assert wait_until(lambda: channel.queue_declare(topology.dead_letter_queue("kit"),
                                                    passive=True).method.message_count == 2)
    shown = json.loads(cli(monkeypatch, amqp_url, topology, capsys, "show", "--id", failing[0].id))
    assert json.loads(shown["body"])["id"] == failing[0].id


def test_replay_after_a_fix_processes_the_message_and_purge_empties_the_queue(demo_db, amqp_url, topology,
                                                                               channel, monkeypatch, capsys):
    failing = dead_letter_two(demo_db, amqp_url, topology, channel, [])
    consumer = make_consumer(demo_db, amqp_url, topology, _accepting_all(), max_attempts=2)
    with Running(consumer):
        assert wait_until(lambda: consumer._connection is not None)
        cli(monkeypatch, amqp_url, topology, capsys, "replay", "--id", failing[0].id)
        assert wait_until(lambda: count_effects(demo_db, failing[0].id) == 1)
    assert count_effects(demo_db, failing[1].id) == 0
    cli(monkeypatch, amqp_url, topology, capsys, "purge", "--all")
    assert channel.queue_declare(topology.dead_letter_queue("kit"), passive=True).method.message_count == 0


def _accepting_all():
    """The fixed handler: records the effect whatever the payload says."""
    from sqlalchemy import insert

    from servicekit.messaging.handlers import HandlerRegistry

    from ..conftest import effects

    handlers = HandlerRegistry()

    @handlers.on("demo.happened")
    def handle(session, event):
        session.execute(insert(effects).values(event_id=event.id, note="fixed"))

    return handlers
