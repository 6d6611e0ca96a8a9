"""Bookkeeping of a batch's publisher confirms: which messages count as published."""
from servicekit.messaging.publisher import BatchResult, Confirmations, Message


def batch(size: int) -> list[Message]:
    return [Message("{}", "demo.happened", f"id-{n}", "corr", "kit") for n in range(size)]


def test_a_multiple_ack_confirms_every_message_up_to_its_tag():
    confirmations = Confirmations(batch(4), first_tag=11)
    confirmations.settled(13, multiple=True, acked=True)
    assert not confirmations.done
    confirmations.settled(14, multiple=False, acked=True)
    assert confirmations.done and confirmations.result() == BatchResult([0, 1, 2, 3], {})


def test_a_nacked_message_fails_alone_and_its_neighbours_stay_confirmed():
    confirmations = Confirmations(batch(3), first_tag=1)
    confirmations.settled(1, multiple=False, acked=True)
    confirmations.settled(2, multiple=False, acked=False)
    confirmations.settled(3, multiple=False, acked=True)
    assert confirmations.result() == BatchResult([0, 2], {1: "nacked by the broker"})


def test_a_returned_message_is_not_published_although_the_broker_acks_it():
    confirmations = Confirmations(batch(3), first_tag=1)
    confirmations.returned("id-1", "unroutable")
    confirmations.settled(3, multiple=True, acked=True)
    assert confirmations.result() == BatchResult([0, 2], {1: "unroutable"})


def test_messages_still_waiting_when_the_connection_drops_are_failed():
    confirmations = Confirmations(batch(4), first_tag=1)
    confirmations.settled(2, multiple=True, acked=True)
    confirmations.fail_pending("connection lost")
    assert confirmations.done
    assert confirmations.result() == BatchResult([0, 1], {2: "connection lost", 3: "connection lost"})


def test_confirms_for_tags_of_an_earlier_batch_are_ignored():
    confirmations = Confirmations(batch(2), first_tag=5)
    confirmations.settled(4, multiple=False, acked=False)
    confirmations.settled(6, multiple=True, acked=True)
    assert confirmations.result() == BatchResult([0, 1], {})
